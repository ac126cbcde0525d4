"""A reader for cluster tests, importable by dask workers: real reading, except for files whose
names ask for a hang, a crash or a memory hog (so the limits can be seen working on a cluster)."""
from __future__ import annotations

import os
import signal
import time

from extract.tasks import run_file


def flaky_reader(path: str, source_path: str):
    name = os.path.basename(source_path)
    if name.startswith("hang"):
        time.sleep(120)
    if name.startswith("hog"):
        hog = bytearray(1200 * 2**20)
        hog[::4096] = b"x" * len(hog[::4096])  # resident, so the watchdog sees it
        time.sleep(120)
    if name.startswith("crash"):
        import faulthandler

        faulthandler.disable()
        os.kill(os.getpid(), signal.SIGSEGV)
    return run_file(path, source_path)


def _dask_worker_pid() -> int:
    """The dask worker process this reader runs under: the parent of the forkserver that forked us."""
    forkserver = os.getppid()
    with open(f"/proc/{forkserver}/stat") as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[1])


def kill_marker(path: str) -> str:
    """Where a file says it has killed a worker once: outlives the worker, and is not in the input."""
    import hashlib

    return f"/tmp/extract-test-killed-{hashlib.sha1(str(path).encode()).hexdigest()}"


def worker_killing_reader(path: str, source_path: str):
    """Real reading, except that a file named ``kill-once…`` takes its dask worker down the first time it is
    read (a marker file says it was), and ``kill-always…`` every time: a cluster losing workers."""
    name = os.path.basename(source_path)
    marker = kill_marker(path)
    if name.startswith("kill-always") or (name.startswith("kill-once") and not os.path.exists(marker)):
        open(marker, "w").close()
        os.kill(_dask_worker_pid(), signal.SIGKILL)
        time.sleep(30)
    return run_file(path, source_path)

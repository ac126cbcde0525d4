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

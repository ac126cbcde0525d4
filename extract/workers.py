"""Process files in worker processes so that no file can stop the run.

Each worker is a separate process fed one file at a time through a pipe. The parent watches
every worker: a file that runs past the time limit, or a worker whose resident memory passes
the memory limit, gets its worker killed and replaced, and the file becomes an ``errors`` row
naming the limit. A worker that dies for any other reason (a crash in a C library) is
replaced the same way. Results come back as they finish; callers order them.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import resource
import signal
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator

from . import progress
from .results import ErrorRecord, FileResult

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
TIME_LIMIT = "time_limit"
MEMORY_LIMIT = "memory_limit"
WORKER_CRASH = "worker_crash"


@dataclass(frozen=True)
class Limits:
    seconds: float = 120.0
    memory_mb: int = 2048


@dataclass(frozen=True)
class Task:
    index: int
    path: str
    source_path: str


def _statm_mb(pid: int) -> tuple[float, float] | None:
    """(resident, resident minus file-backed) MB of a process from /proc/PID/statm: one cheap read."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            fields = fh.read().split()
        return int(fields[1]) * PAGE / 2**20, (int(fields[1]) - int(fields[2])) * PAGE / 2**20
    except (OSError, IndexError, ValueError):
        return None


def private_mb(pid: int) -> float:
    """Memory a process holds for itself, in MB: resident pages not shared with the parent it was
    forked from (0 when it is gone). Falls back to resident minus file-backed pages."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            kb = sum(int(line.split()[1]) for line in fh if line.startswith(("Private_Clean:", "Private_Dirty:")))
        return kb / 1024
    except (OSError, IndexError, ValueError):
        pass
    statm = _statm_mb(pid)
    return statm[1] if statm else 0.0


def over_limit(pid: int, limit_mb: float) -> bool:
    """Whether a worker holds more than ``limit_mb`` for itself (``private_mb``). Its resident size, one
    cheap read, bounds that from above: only a worker resident past the limit has its private pages
    counted (``smaps_rollup`` walks every page of the process: ~30 ms of the parent's time for a worker
    of a few hundred MB, five times a second per worker, if read at every poll)."""
    statm = _statm_mb(pid)
    if statm is not None and statm[0] <= limit_mb:
        return False
    return private_mb(pid) > limit_mb


def _virtual_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * PAGE
    except (OSError, IndexError, ValueError):  # pragma: no cover
        return 0


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a run killed with ``kill -9`` leaves no
    worker, and no converter, behind). A no-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def forkserver():
    """multiprocessing's fork server with the pipeline and the assembling imported in it: processes
    started in a process that runs threads (a dask worker's batch pool, the helpers of a cluster run's
    driver) are forked from it, a process without threads, not from the threaded one."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["extract.tasks", "extract.assemble"])
    return ctx


def as_child() -> None:
    """What a process the parent forks to help it (a worker, an ``assemble`` helper) sets first: it dies
    with the parent, leaves Ctrl-C to the parent (which stops it), and takes SIGTERM and SIGHUP as a
    plain process does (the parent's handlers, ``cli.stop_on_signals``, are not its own)."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def _worker_main(conn: Connection, memory_mb: int, fn: Callable[[str, str], FileResult], scratch: str | None) -> None:
    as_child()
    if scratch:  # temporary files (LibreOffice's conversions) inside the run's output folder
        os.environ["TMPDIR"] = tempfile.tempdir = scratch
    # a hard cap on address space well above the watched limit (on top of what the worker already
    # maps), so a runaway allocation fails inside the worker (MemoryError → an errors row)
    # before it can hurt the machine
    cap = _virtual_bytes() + (memory_mb + 1024) * 2**20
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError):  # pragma: no cover - platform without RLIMIT_AS
        pass
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        # notes while reading (OCR page 3/40) go to the parent as ("note", index, text)
        progress.set_sink(lambda text, i=task.index: conn.send_bytes(pickle.dumps(("note", i, text))))
        try:
            result = fn(task.path, task.source_path)
        except MemoryError:
            result = FileResult(task.source_path)
            result.errors.append(ErrorRecord(task.source_path, "limits", MEMORY_LIMIT,
                                             f"the file needed more than the {memory_mb} MB memory limit; "
                                             "raise it with --memory if the file is genuine"))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        try:
            conn.send_bytes(pickle.dumps((task.index, result, peak), protocol=pickle.HIGHEST_PROTOCOL))
        except MemoryError:
            result = FileResult(task.source_path)
            result.errors.append(ErrorRecord(task.source_path, "limits", MEMORY_LIMIT,
                                             f"the result was too large for the {memory_mb} MB memory limit"))
            conn.send_bytes(pickle.dumps((task.index, result, peak)))


class _Worker:
    def __init__(self, ctx, limits: Limits, fn, scratch: str | None = None):
        parent, child = ctx.Pipe()
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, limits.memory_mb, fn, scratch), daemon=True)
        self.proc.start()
        child.close()
        self.task: Task | None = None
        self.started = 0.0

    def give(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, AttributeError):  # pragma: no cover
            pass
        self.proc.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.kill()


def _limit_error(task: Task, code: str, message: str) -> FileResult:
    res = FileResult(task.source_path)
    res.errors.append(ErrorRecord(task.source_path, "limits", code, message))
    return res


@dataclass
class PoolStats:
    peak_mb: float = 0.0  # the largest resident memory any worker reached
    replaced: int = 0  # workers killed and replaced (limits, crashes)


def _context():
    """Workers are forked: they start at once with the pipeline already imported (the run keeps
    pandas, pyarrow and DuckDB out of the parent until the workers are done)."""
    return mp.get_context("fork")


def run_tasks(tasks: Iterable[Task], fn: Callable[[str, str], FileResult], jobs: int, limits: Limits,
              poll: float = 0.2, stats: PoolStats | None = None, scratch: str | None = None,
              on_note: Callable[[Task, str], None] | None = None, context=None) -> Iterator[tuple[int, FileResult]]:
    """Yield ``(task.index, result)`` as files finish, in completion order. ``on_note(task, text)``
    gets the notes a reader sends while it reads (``progress.note``); ``context``: how workers start
    (forked by default)."""
    pending = list(tasks)
    pending.reverse()
    stats = stats if stats is not None else PoolStats()
    if not pending:
        return
    ctx = context or _context()
    workers = [_Worker(ctx, limits, fn, scratch) for _ in range(max(1, min(jobs, len(pending))))]
    try:
        for w in workers:
            if pending:
                w.give(pending.pop())
        while any(w.task is not None for w in workers):
            busy = [w for w in workers if w.task is not None]
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=poll)
            now = time.monotonic()
            for i, w in enumerate(workers):
                if w.task is None:
                    continue
                outcome: tuple[int, FileResult] | None = None
                replace = False
                if w.conn in ready:
                    try:
                        message = pickle.loads(w.conn.recv_bytes())
                        if message[0] == "note":
                            if on_note is not None:
                                on_note(w.task, message[2])
                            continue
                        index, result, peak = message
                        outcome = (index, result)
                        stats.peak_mb = max(stats.peak_mb, peak)
                    except (EOFError, OSError):
                        w.proc.join(timeout=2)  # the pipe can close before the exit status is known
                        outcome = (w.task.index, _limit_error(
                            w.task, WORKER_CRASH, f"the reader crashed on this file (exit code {w.proc.exitcode}); "
                                                  "the file may be damaged"))
                        replace = True
                elif w.proc.sentinel in ready or not w.proc.is_alive():
                    w.proc.join(timeout=2)  # its files close before its exit status can be collected
                    code = w.proc.exitcode
                    outcome = (w.task.index, _limit_error(
                        w.task, WORKER_CRASH if code not in (-9,) else MEMORY_LIMIT,
                        f"the reader crashed on this file (exit code {code}); the file may be damaged"
                        if code != -9 else f"the worker was killed reading this file, most likely for memory "
                                           f"(limit {limits.memory_mb} MB)"))
                    replace = True
                elif now - w.started > limits.seconds:
                    outcome = (w.task.index, _limit_error(
                        w.task, TIME_LIMIT, f"stopped after {limits.seconds:g} s, the per-file time limit; "
                                            "raise it with --timeout if the file is genuine"))
                    replace = True
                elif over_limit(w.proc.pid, limits.memory_mb):
                    outcome = (w.task.index, _limit_error(
                        w.task, MEMORY_LIMIT, f"stopped at {limits.memory_mb} MB, the per-file memory limit; "
                                              "raise it with --memory if the file is genuine"))
                    replace = True
                if outcome is None:
                    continue
                if replace:
                    stats.replaced += 1
                    w.kill()
                    w = workers[i] = _Worker(ctx, limits, fn, scratch)
                w.task = None
                yield outcome
                if pending:
                    w.give(pending.pop())
    finally:
        for w in workers:
            if w.task is not None:
                w.kill()
            else:
                w.stop()

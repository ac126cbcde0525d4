"""Where the per-file stage runs: this machine's worker processes, or a dask.distributed cluster.

An executor has one method, ``run(tasks, limits, stats, on_note)``, yielding ``(task.index,
result)`` as files finish; ``api.run`` does everything else (cache, pairing, writing) the same way
whichever executor read the files, so the outputs are the same byte for byte.

``LocalExecutor`` is today's pool (``workers.run_tasks``). ``DaskExecutor`` sends batches of files
to a cluster; on each cluster worker a batch runs through the same pool (one process per batch,
forked from a forkserver that has the pipeline imported), so the per-file time and memory limits,
and a crash that takes only the file's process with it, behave as they do locally. A batch whose
cluster worker is lost is run again on another (the scheduler reschedules it; dask's
``distributed.scheduler.allowed-failures``, 3 by default, bounds how often; an exception the batch
raises is retried once); lost more often, its files become ``worker_crash`` rows. At most a few batches per cluster thread are in flight, so the driver's memory does not grow
with the number of files (nor, with ``ship_bytes``, with their sizes).
"""
from __future__ import annotations

import math
import multiprocessing as mp
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from .results import ErrorRecord, FileResult
from .errors import ExtractError
from .tasks import Outcome, outcome, read_input, run_file
from .workers import WORKER_CRASH, Limits, PoolStats, Task, forkserver, run_tasks

IN_FLIGHT_PER_THREAD = 2  # batches queued per cluster thread: enough to keep it busy, few to hold
MAX_BATCH = 32


class LocalExecutor:
    """Worker processes on this machine (the default)."""

    def __init__(self, jobs: int | None = None, fn: Callable[[str, str], object] = run_file,
                 scratch: str | None = None):
        self.jobs = jobs or os.cpu_count() or 1
        self.fn, self.scratch = fn, scratch

    def run(self, tasks: list[Task], limits: Limits, stats: PoolStats | None = None,
            on_note=None) -> Iterator[tuple[int, object]]:
        return run_tasks(tasks, self.fn, self.jobs, limits, stats=stats, scratch=self.scratch, on_note=on_note)


def run_batch(tasks: list[Task], limits: Limits, fn: Callable[[str, str], object] = run_file,
              shipped: list[bytes | None] | None = None) -> tuple[list[tuple[int, Outcome]], float]:
    """One cluster task: the files of ``tasks`` through a one-process pool with the run's limits.
    ``shipped``: the files' bytes sent by the driver (written to a temporary folder here)."""
    # dask runs its workers as daemonic processes, which multiprocessing forbids to start children;
    # the pool's own process is killed with its batch, so the flag only stands in the way
    mp.current_process().daemon = False
    stats = PoolStats()
    with tempfile.TemporaryDirectory(prefix="extract-") as tmp:
        if shipped is not None:
            local = []
            for task, data in zip(tasks, shipped):
                if data is None:  # the driver could not read it: the worker tries and says why
                    local.append(task)
                    continue
                path = Path(tmp) / f"{task.index}{Path(task.source_path).suffix[:16]}"
                path.write_bytes(data)
                local.append(Task(task.index, str(path), task.source_path))
            tasks = local
        got = [(i, r if isinstance(r, Outcome) else outcome(r))
               for i, r in run_tasks(tasks, fn, 1, limits, stats=stats, context=forkserver())]
    return got, stats.peak_mb


def _bytes(path: str) -> bytes | None:
    """A task's bytes read by the driver to ship; None when they cannot be read (the worker says why)."""
    try:
        return read_input(path)
    except (OSError, ExtractError):
        return None


def _lost(task: Task, why: str) -> FileResult:
    res = FileResult(task.source_path)
    res.errors.append(ErrorRecord(task.source_path, "limits", WORKER_CRASH,
                                  f"the cluster lost the workers reading this file ({why}); the file may "
                                  "need more memory than a cluster worker has"))
    return res


class DaskExecutor:
    """Files read on a dask.distributed cluster. ``scheduler``: its address (``tcp://host:8786``), or
    a ``distributed.Client``; ``ship_bytes``: send each file's bytes from here instead of its path
    (for a cluster that cannot see this machine's files)."""

    leaves_threads = True  # its client's threads live on in this process (``api._write_all``: helpers from a fork server)

    def __init__(self, scheduler, ship_bytes: bool = False, batch: int | None = None,
                 fn: Callable[[str, str], object] = run_file):
        self.scheduler, self.ship_bytes, self.batch, self.fn = scheduler, ship_bytes, batch, fn

    def _client(self):
        from .api import RunError

        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - the dask extra is part of the test install
            raise RunError("--executor dask needs dask.distributed: pip install 'zfxxgk-extract[dask]'") from exc
        if isinstance(self.scheduler, Client):
            return self.scheduler, False
        try:
            # how long to try: dask's distributed.comm.timeouts.connect (30 s; DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
            return Client(self.scheduler), True
        except (OSError, TimeoutError) as exc:
            raise RunError(f"cannot reach the dask scheduler at {self.scheduler}: {exc}") from exc

    def run(self, tasks: list[Task], limits: Limits, stats: PoolStats | None = None,
            on_note=None) -> Iterator[tuple[int, object]]:
        from distributed import as_completed

        tasks = list(tasks)
        if not tasks:
            return
        client, owned = self._client()
        try:
            threads = max(1, sum(client.nthreads().values()))
            size = self.batch or max(1, min(MAX_BATCH, math.ceil(len(tasks) / (threads * 4))))
            batches = [tasks[i:i + size] for i in range(0, len(tasks), size)]
            batches.reverse()
            window = as_completed()
            waiting: dict[object, list[Task]] = {}

            def submit() -> None:
                batch = batches.pop()
                shipped = [_bytes(t.path) for t in batch] if self.ship_bytes else None
                # retries=1: a batch whose worker died (or was lost) runs once more elsewhere
                fut = client.submit(run_batch, batch, limits, self.fn, shipped, retries=1, pure=False)
                waiting[fut] = batch
                window.add(fut)

            for _ in range(min(len(batches), threads * IN_FLIGHT_PER_THREAD)):
                submit()
            for fut in window:
                batch = waiting.pop(fut)
                try:
                    got, peak = fut.result()
                except Exception as exc:  # KilledWorker, a worker's process gone twice
                    got, peak = [(t.index, outcome(_lost(t, type(exc).__name__))) for t in batch], 0.0
                if stats is not None:
                    stats.peak_mb = max(stats.peak_mb, peak)
                fut.release()
                if batches:
                    submit()
                yield from got
        finally:
            if owned:
                client.close()


def executor_for(name: str, *, jobs: int | None = None, scheduler: str | None = None,
                 ship_bytes: bool = False):
    """The executor the command line names: ``local`` (None: api.run's own pool) or ``dask``."""
    if name == "local":
        return None
    if name == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        return DaskExecutor(scheduler, ship_bytes=ship_bytes)
    raise ValueError(f"unknown executor {name!r}: choose local or dask")


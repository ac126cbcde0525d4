"""A writer that runs in a process of its own, started early and told when to begin.

DuckDB needs a buffer of a few hundred MB to build a wide table (the panel's 235 columns): in the
run's parent that would be the parent's peak. ``SideWriter`` forks a process when the output writer
is created (before the Parquet writers start their threads), which waits until the staged Parquet
files are complete, then writes its file (``write_duckdb``) while the parent writes the others.
It dies with the parent, ignores Ctrl-C (the run decides), and reports its CPU time or its error.
"""
from __future__ import annotations

import multiprocessing as mp


def serve_side(conn, work) -> None:
    """A side process's life: dies with its parent, leaves Ctrl-C to the run, does ``work()`` and answers
    ``("ok", its CPU seconds)`` or ``("error", text)`` (the parent reports it); a parent gone before
    it began (EOF) ends it quietly."""
    import resource
    import signal
    import traceback

    from ..workers import die_with_parent

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if work() is False:
            return
        usage = resource.getrusage(resource.RUSAGE_SELF)
        conn.send(("ok", usage.ru_utime + usage.ru_stime))
    except EOFError:
        return
    except BaseException as exc:
        try:
            conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"))
        except OSError:
            pass
        raise SystemExit(1)


def _serve(conn, fn, args) -> None:
    def work():
        if conn.recv_bytes() != b"go":
            return False
        fn(*args)

    serve_side(conn, work)


class SideProcess:
    """A process of its own forked now (before the Parquet writers start their threads), running
    ``target(conn, *args)``; ``wait`` takes its answer (``serve_side``) and raises its error."""

    def __init__(self, name: str, target, *args):
        ctx = mp.get_context("fork")
        self.name = name
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child, *args), daemon=True)
        self.proc.start()
        child.close()
        self.cpu_s = 0.0

    def wait(self) -> None:
        try:
            answer = self.conn.recv()
        except (EOFError, OSError):
            self.proc.join(timeout=5)
            answer = ("error", f"its process stopped (exit code {self.proc.exitcode})")
        self.proc.join()
        if answer[0] != "ok":
            raise RuntimeError(f"{self.name} could not be written: {answer[1]}")
        self.cpu_s = answer[1]  # the CPU seconds it took

    def abort(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class SideWriter(SideProcess):
    """``fn(*args)`` in a side process once ``start`` says the staged files are complete."""

    def __init__(self, name: str, fn, *args):
        super().__init__(name, _serve, fn, args)

    def start(self) -> None:
        self.conn.send_bytes(b"go")

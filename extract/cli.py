"""Command line: parses arguments, calls the same-named API function, turns failures into one
``Error:`` line. Exit 0 when the run finished (bad files included), non-zero only when it could not run."""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time

from . import __version__, api


class Display:
    """A progress bar on a terminal; a line every few seconds otherwise (CI, logs)."""

    def __init__(self, stream=sys.stderr, quiet: bool = False):
        self.stream = stream
        self.tty = stream.isatty()
        self.quiet = quiet
        self.last = 0.0

    def __call__(self, p: "api.Progress", result) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        final = p.done == p.total
        eta = "--" if p.eta is None else time.strftime("%H:%M:%S", time.gmtime(p.eta))
        # the summary's words: "errors" are error rows, so the bar counts files with errors
        text = f"{p.done}/{p.total} files  {p.rate:.1f}/s  ETA {eta}  {p.failed} with errors"
        if p.cached:
            text += f"  ({p.cached} from cache)"
        if p.note:  # inside a long file: a line for each step on a log, the latest on a terminal
            if self.tty:
                self.stream.write(f"\r{text}  {p.note}\033[K")
            else:
                self.stream.write(f"{text}  {p.note}\n")
            self.stream.flush()
            return
        if self.tty:
            width = 30
            filled = int(width * p.done / p.total) if p.total else width
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {text}\033[K")
            if final:
                self.stream.write("\n")
            self.stream.flush()
        elif final or now - self.last >= 5 or p.done == 0:
            self.stream.write(text + "\n")
            self.stream.flush()
            self.last = now


_BAD: list[str] = []  # bad option values found while parsing: all are said, not only the first
STOP_SIGNALS = tuple(s for s in (getattr(signal, n, None) for n in ("SIGTERM", "SIGHUP")) if s)


@contextlib.contextmanager
def stop_on_signals(received: list[int]):
    """SIGTERM and SIGHUP stop a run as Ctrl-C does (``KeyboardInterrupt``): the run says what it left
    in place, and a commit under way (during which they are held) finishes first. ``received`` gets
    the signal's number."""
    def stop(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS if signal.getsignal(s) is not None}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


class Parser(argparse.ArgumentParser):
    """One ``Error:`` line per bad option — every one of them — and where to look, instead of the usage block."""

    def error(self, message: str):
        self.exit(2, "".join(f"Error: {m}\n" for m in _BAD + [message]) + f"(`{self.prog} --help` lists the options)\n")

    def parse_args(self, args=None, namespace=None):
        _BAD.clear()
        ns, extras = self.parse_known_args(args, namespace)
        bad = _BAD + [f"unrecognized argument: {x}" for x in extras]
        if bad:
            _BAD.clear()
            self.exit(2, "".join(f"Error: {m}\n" for m in bad) + f"(`{self.prog} --help` lists the options)\n")
        return ns


    def _get_value(self, action, arg_string):
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as exc:  # said with the others once all options are read
            _BAD.append(str(exc))
            return None


def _at_least(kind, low, what: str):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = float("nan")
        if value != value:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number; {what}")
        if value < low:
            raise argparse.ArgumentTypeError(f"{text} is too small; {what}")
        return value
    return parse


JOBS = _at_least(int, 1, "give at least 1 worker")
SECONDS = _at_least(float, 0.1, "give a time limit in seconds, at least 0.1")
MEGABYTES = _at_least(int, 64, "give a memory limit in MB, at least 64")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m extract",
        description="Turn government information disclosure annual reports (政府信息公开工作年度报告) into tidy datasets.")
    parser.add_argument("--version", action="version", version=f"extract {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="read reports and write reports/facts/checks/sections/errors",
                         description="Read every report under INPUT (files, or folders searched recursively) and "
                                     "write the tables as CSV and Parquet plus datapackage.json to --out. "
                                     "Bad files become rows of the errors table; the exit status is 0 when the run "
                                     "finished and non-zero only when it could not run.")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="a report file or a folder of reports")
    run.add_argument("--out", default="outputs", metavar="DIR",
                     help="output folder (default: outputs); its .cache keeps results of unchanged files")
    run.add_argument("-j", "--jobs", type=JOBS, default=os.cpu_count() or 1, metavar="N",
                     help=f"worker processes (default: all cores, here {os.cpu_count()})")
    run.add_argument("--force", action="store_true", help="read every file again, ignoring results of earlier runs")
    run.add_argument("--timeout", type=SECONDS, default=120.0, metavar="SECONDS",
                     help="time limit per file (default: 120); a file over it becomes an errors row")
    run.add_argument("--memory", type=MEGABYTES, default=2048, metavar="MB",
                     help="memory limit per worker (default: 2048); a file over it becomes an errors row")
    run.add_argument("--quiet", action="store_true", help="no progress, only the final summary")
    run.add_argument("--cache-dir", metavar="DIR",
                     help="keep the results of unchanged files in DIR instead of OUT/.cache (one cache for many runs)")
    run.add_argument("--include", action="append", default=[], metavar="GLOB",
                     help="read only files whose name or relative path matches GLOB (repeatable), e.g. '*.pdf'")
    run.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                     help="leave out files whose name or relative path matches GLOB (repeatable)")
    run.add_argument("--follow-symlinks", action="store_true",
                     help="read files and folders that links in the input point to (default: skip them with a note)")
    run.add_argument("--summary-json", metavar="FILE", help="also write the run's summary as JSON to FILE")
    run.add_argument("--partition", choices=["year"],
                     help="also write facts, checks and sections as Parquet partitioned by the report's year "
                          "(OUT/facts/year=2023/part-0.parquet), read as one table by DuckDB, pandas and Arrow")
    run.add_argument("--executor", choices=["local", "dask"], default="local",
                     help="where files are read: local worker processes (default) or a dask.distributed cluster")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --executor dask: the scheduler's address, e.g. tcp://10.0.0.5:8786")
    run.add_argument("--ship-bytes", action="store_true",
                     help="with --executor dask: send each file's bytes to the cluster (for workers that cannot "
                          "see the input paths)")
    audit = sub.add_parser("audit", help="write one self-contained HTML page auditing a run's outputs",
                           description="Write an offline HTML page for the outputs in DIR: reports by year and format, "
                                       "every failed check with its cells, requests and outcomes per agency over "
                                       "the years, and text repeated from the previous year's report.")
    audit.add_argument("out", nargs="?", default="outputs", metavar="DIR", help="a run's output folder (default: outputs)")
    audit.add_argument("--html", metavar="FILE", help="where to write the page (default: DIR/audit.html)")
    inspect = sub.add_parser("inspect", help="show why one file came out as it did",
                             description="Read one file and show every stage's evidence: the format and layout "
                                         "recognised, the template and why, each table as a grid, each printed line "
                                         "with the row it was taken for (score, runner-up, doubts), each column's "
                                         "evidence and each cell's status and reason.")
    inspect.add_argument("file", metavar="FILE", help="a report file")
    inspect.add_argument("--html", metavar="PAGE", help="also write a self-contained HTML page to PAGE")
    serve = sub.add_parser("serve", help="browse a run's outputs in Datasette on localhost",
                           description="Serve DIR/reports.sqlite with Datasette: every table and column described, "
                                       "facets, canned queries (problems, agency_years, request_outcomes, one "
                                       "agency's series, doubtful values) and links from a check to its cells.")
    serve.add_argument("out", nargs="?", default="outputs", metavar="DIR", help="a run's output folder (default: outputs)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8001, help="port (default: 8001)")
    sub.add_parser("schema", help="print the output tables' reference as Markdown")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "schema":
        from .schema import markdown

        print(markdown())
        return 0
    if args.command == "inspect":
        from .inspect import inspect_file, render_html, render_text

        from . import archives
        from .errors import ExtractError

        if not os.path.isfile(args.file) and archives.locate(args.file) is None:
            print(f"Error: no such file: {args.file} (a file inside a ZIP archive is named as source_path "
                  "shows it: reports.zip/2019/a.pdf)", file=sys.stderr)
            return 2
        try:
            ins = inspect_file(args.file)
        except ExtractError as exc:
            print(f"Error: {args.file}: {exc.message}", file=sys.stderr)
            return 1
        sys.stdout.write(render_text(ins))
        if args.html:
            with open(args.html, "w", encoding="utf-8") as fh:
                fh.write(render_html(ins))
            print(f"Inspection page written to {api._display(args.html)}")
        return 0
    if args.command == "serve":
        from .serve import serve

        try:
            return serve(args.out, args.host, args.port)
        except FileNotFoundError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 2
    if args.command == "audit":
        from .audit import write_audit

        try:
            path = write_audit(args.out, args.html)
        except FileNotFoundError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 2
        print(f"Audit page written to {path}")
        return 0
    from .executors import executor_for

    try:
        executor = executor_for(args.executor, scheduler=args.scheduler, ship_bytes=args.ship_bytes)
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    stopped: list[int] = []
    try:
        with stop_on_signals(stopped):
            summary = api.run(args.inputs, args.out, jobs=args.jobs, force=args.force, timeout=args.timeout,
                              memory_mb=args.memory, progress=Display(quiet=args.quiet), cache_dir=args.cache_dir,
                              include=args.include, exclude=args.exclude, follow_symlinks=args.follow_symlinks,
                              executor=executor, partition=args.partition, lean_memory=True)
    except FileNotFoundError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except api.RunError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Error: cannot write outputs to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except api.Interrupted as exc:
        what = f"stopped by {signal.Signals(stopped[0]).name}" if stopped else "interrupted"
        print(f"Error: {what}; " + ("the new outputs were complete and are in place" if exc.committed else
                                    "the previous outputs are unchanged (files read so far are kept in the "
                                    "cache for the next run)"), file=sys.stderr)
        return 128 + (stopped[0] if stopped else signal.SIGINT)
    if summary.files == 0:
        print(f"Warning: no files found under {', '.join(args.inputs)}", file=sys.stderr)
    if args.summary_json:
        import json

        with open(args.summary_json, "w", encoding="utf-8") as fh:
            json.dump(summary.as_dict(), fh, ensure_ascii=False, indent=2)
    print(summary.text())
    return 0

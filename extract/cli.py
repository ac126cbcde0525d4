"""Command line: parses arguments, calls the same-named API function, turns failures into one
``Error:`` line. Exit 0 when the run finished (bad files included), non-zero only when it could not run."""
from __future__ import annotations

import argparse
import sys

from . import __version__, api


def _progress(done: int, total: int, res) -> None:
    status = res.report.status if res.report else "error"
    print(f"[{done}/{total}] {status:7s} {res.source_path}", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m extract",
        description="Turn government information disclosure annual reports (政府信息公开工作年度报告) into tidy datasets.")
    parser.add_argument("--version", action="version", version=f"extract {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="read reports and write reports/facts/checks/sections/errors",
                         description="Read every report under INPUT (files, or folders searched recursively) and "
                                     "write the tables as CSV and Parquet plus datapackage.json to --out.")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="a report file or a folder of reports")
    run.add_argument("--out", default="outputs", metavar="DIR", help="output folder (default: outputs)")
    run.add_argument("--quiet", action="store_true", help="print only the final summary")
    sub.add_parser("schema", help="print the output tables' reference as Markdown")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "schema":
        from .schema import markdown

        print(markdown())
        return 0
    try:
        summary = api.run(args.inputs, args.out, progress=None if args.quiet else _progress)
    except FileNotFoundError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Error: cannot write outputs to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(summary.text())
    return 0

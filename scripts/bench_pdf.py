#!/usr/bin/env python3
"""Benchmark: the whole pipeline on PDFs against a bare pdfplumber pass over the same files.

    .venv/bin/python scripts/bench_pdf.py [PDF ...]     (make bench)

Files: the real PDFs in ../shared/corpus-real and our fixtures in tests/data/pdf (or the
PDFs named). Each measurement runs in its own child process, one worker:

- ``pipeline``: ``extract.api.run`` on the files: read, every stage, and the output tables
  written (CSV, Parquet, datapackage.json) to a temporary folder.
- ``bare``: ``pdfplumber.open`` and, on every page, ``extract_text()`` and ``extract_tables()``.

Each child does its pass ``--repeat`` times and reports its fastest pass and its own peak
memory (``ru_maxrss``); the children run alternately, ``--rounds`` times, and the best of
each is compared. Prints the ratio pipeline / bare (goal: at most 0.5) and the peak memory of
a pipeline worker (goal: under 300 MB).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = sorted((ROOT.parent / "shared" / "corpus-real").glob("*.pdf")) + sorted(
    (ROOT / "tests" / "data" / "pdf").glob("synth-*.pdf"))
RATIO_GOAL, MEMORY_GOAL_MB = 0.5, 300


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def pipeline_pass(files: list[str]) -> None:
    from extract.api import run

    with tempfile.TemporaryDirectory() as out:
        summary = run(files, out)
    if summary.errors:
        raise SystemExit(f"the pipeline reported {summary.errors} errors on the benchmark files")


def bare_pass(files: list[str]) -> None:
    import pdfplumber

    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()


def child(kind: str, files: list[str], repeat: int) -> None:
    if kind == "pipeline":
        import extract.api  # noqa: F401  (imports are not timed: a worker imports once)
        work = pipeline_pass
    else:
        import pdfplumber  # noqa: F401
        work = bare_pass
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work(files)
        times.append(time.perf_counter() - started)
    print(json.dumps({"kind": kind, "best": min(times), "first": times[0], "peak_mb": peak_mb()}))


def measure(kind: str, files: list[str], repeat: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--repeat", str(repeat), *files],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", choices=["pipeline", "bare"])
    args = ap.parse_args()
    files = args.files or [str(p) for p in DEFAULT]
    if args.child:
        child(args.child, files, args.repeat)
        return 0
    if not files:
        raise SystemExit("no PDFs to time")
    pages = 0
    import pypdfium2 as pdfium

    for f in files:
        pdf = pdfium.PdfDocument(f)
        pages += len(pdf)
        pdf.close()
    print(f"{len(files)} PDFs, {pages} pages; {args.rounds} rounds of {args.repeat} passes, one worker")
    best: dict[str, dict] = {}
    for r in range(args.rounds):
        for kind in (("pipeline", "bare") if r % 2 == 0 else ("bare", "pipeline")):
            m = measure(kind, files, args.repeat)
            print(f"  round {r + 1} {kind:8s} {m['best']:.3f} s  (first pass {m['first']:.3f} s)  peak {m['peak_mb']:.0f} MB")
            if kind not in best or m["best"] < best[kind]["best"]:
                best[kind] = {**m, "peak_mb": max(m["peak_mb"], best.get(kind, {}).get("peak_mb", 0))}
    ratio = best["pipeline"]["best"] / best["bare"]["best"]
    mem = best["pipeline"]["peak_mb"]
    print(f"pipeline {best['pipeline']['best']:.3f} s, bare pdfplumber {best['bare']['best']:.3f} s: "
          f"ratio {ratio:.2f} (goal ≤ {RATIO_GOAL}); pipeline peak memory {mem:.0f} MB per worker "
          f"(goal < {MEMORY_GOAL_MB} MB; bare pass {best['bare']['peak_mb']:.0f} MB)")
    return 0 if ratio <= RATIO_GOAL and mem < MEMORY_GOAL_MB else 1


if __name__ == "__main__":
    sys.exit(main())

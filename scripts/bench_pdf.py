#!/usr/bin/env python3
"""Benchmark: the whole pipeline on PDFs against a bare pdfplumber pass over the same files.

    .venv/bin/python scripts/bench_pdf.py [PDF ...]     (make bench)

Files: the real PDFs in ../shared/corpus-real and our fixtures in tests/data/pdf (or the
PDFs named). Each measurement runs in its own child process:

- ``pipeline``: ``extract.api.run(files, out, jobs=1)``: one worker process reads the files
  through every stage, and the parent writes every output (CSV, Parquet, DuckDB,
  datapackage.json) to a temporary folder. What a run loads once (imports, jieba's
  dictionary) is loaded before the clock starts, as for a long run; the first, cold pass is
  printed too.
- ``bare``: ``pdfplumber.open`` and, on every page, ``extract_text()`` and ``extract_tables()``.

Each child does its pass ``--repeat`` times and reports its fastest pass; memory is the peak
resident memory of the process doing the reading (``ru_maxrss``): the pipeline's worker, as
reported by the run (first pass, forked from a parent that has not yet loaded the writers), and
the bare pass's own process. The children run alternately, ``--rounds`` times, and the best of
each is compared. Prints the ratio pipeline / bare (goal: at most 0.5) and the peak memory of a
pipeline worker (goal: under 300 MB).
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


WORKER_PEAK: list[float] = []


def pipeline_pass(files: list[str]) -> None:
    from extract.api import run

    with tempfile.TemporaryDirectory() as out:
        summary = run(files, out, jobs=1)
    if summary.errors:
        raise SystemExit(f"the pipeline reported {summary.errors} errors on the benchmark files")
    WORKER_PEAK.append(summary.worker_peak_mb)


def bare_pass(files: list[str]) -> None:
    import pdfplumber

    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()


def child(kind: str, files: list[str], repeat: int) -> None:
    if kind == "pipeline":
        import extract.api

        extract.api.warm_up()  # loaded once per run, not per file: not timed
        work = pipeline_pass
    else:
        import pdfplumber  # noqa: F401
        work = bare_pass
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work(files)
        times.append(time.perf_counter() - started)
    peak = WORKER_PEAK[0] if WORKER_PEAK else peak_mb()
    print(json.dumps({"kind": kind, "best": min(times), "first": times[0], "peak_mb": peak}))


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

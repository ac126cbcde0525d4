#!/usr/bin/env python3
"""Benchmark: scanned reports through OCR, on one core.

    .venv/bin/python scripts/bench_ocr.py [PDF or picture ...]     (make bench)

Files: the scans in ../shared/corpus-converted/scan (or the files named). Two measurements, each
in its own child process:

- ``pipeline``: ``extract.api.run(files, out, jobs=1, force=True)``: one worker reads every file
  through every stage (OCR included) and the parent writes the outputs. Prints wall and CPU
  seconds per page and per report, and the worker's peak resident memory.
- ``pages``: the OCR reader alone, page by page (``readers.ocr.page.read_page``), CPU seconds of
  each page, split into pages with tables (cell by cell) and pages of text only.

Goals (issue 11): at most 2 s per scanned page, 4 s per six-page report, 1 GB per worker.
The machine is shared: CPU seconds are the figure to compare; wall seconds are printed too.
Prints each goal with PASS or MISS and exits 0 whatever the figures (a slow or busy machine is not
an error); ``--check`` exits 1 when a goal is missed.
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
sys.path.insert(0, str(ROOT))  # this tree's extract, whatever else is installed
DEFAULT = sorted((ROOT.parent / "shared" / "corpus-converted" / "scan").glob("*.pdf"))
PAGE_GOAL_S, REPORT_GOAL_S, REPORT_PAGES, MEMORY_GOAL_MB = 2.0, 4.0, 6, 1024


def pipeline(files: list[str]) -> dict:
    from extract.api import run, warm_up

    warm_up()
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        summary = run(files, out, jobs=1, force=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        import pandas as pd

        pages = int(pd.read_csv(Path(out) / "reports.csv", encoding="utf-8-sig")["pages"].sum())
    if summary.errors:
        raise SystemExit(f"the pipeline reported {summary.errors} errors on the benchmark files")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "pages": pages, "reports": len(files), "peak_mb": summary.worker_peak_mb}


def pages(files: list[str]) -> dict:
    import pypdfium2 as pdfium

    from extract.readers.ocr.engine import recogniser
    from extract.readers.ocr.images import pdf_page_image, picture_pages
    from extract.readers.ocr.page import read_page

    rec = recogniser()
    out = {"tables": [], "text": []}
    for f in files:
        data = Path(f).read_bytes()
        if data[:1024].find(b"%PDF-") >= 0:
            pdf = pdfium.PdfDocument(data)
            images = (pdf_page_image(pdf, i) for i in range(len(pdf)))
        else:
            images = picture_pages(data)
        for img in images:
            started = time.process_time()
            page = read_page(img, rec)
            out["tables" if page.grids else "text"].append(time.process_time() - started)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure(kind: str, files: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, *files], check=True, capture_output=True,
                          text=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--child", choices=["pipeline", "pages"])
    ap.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = ap.parse_args()
    files = args.files or [str(p) for p in DEFAULT]
    if not files:
        raise SystemExit("no scanned files to time (../shared/corpus-converted/scan is missing)")
    if args.child:
        print(json.dumps(pipeline(files) if args.child == "pipeline" else pages(files)))
        return 0
    p = measure("pages", files)
    m = measure("pipeline", files)
    n = m["pages"]
    print(f"{m['reports']} scanned reports, {n} pages, one worker")
    for kind in ("tables", "text"):
        t = p[kind]
        if t:
            print(f"  OCR of a page with {kind:6s}: {sum(t) / len(t):.2f} s CPU on average "
                  f"({len(t)} pages, {min(t):.2f}–{max(t):.2f} s)")
    per_page = m["cpu"] / n
    per_report = per_page * REPORT_PAGES
    print(f"  whole pipeline: {per_page:.2f} s CPU per page ({m['wall'] / n:.2f} s wall), "
          f"{m['cpu'] / m['reports']:.1f} s per report; {per_report:.1f} s for a {REPORT_PAGES}-page report")
    print(f"  peak memory of the worker: {m['peak_mb']:.0f} MB (reader alone {p['peak_mb']:.0f} MB)")
    checks = [("OCR, whole pipeline, CPU per page", per_page, PAGE_GOAL_S, f"{per_page:.2f} s", "s"),
              (f"OCR, a {REPORT_PAGES}-page report", per_report, REPORT_GOAL_S, f"{per_report:.1f} s", "s"),
              ("OCR, peak memory of a worker", m["peak_mb"], MEMORY_GOAL_MB, f"{m['peak_mb']:.0f} MB", "MB")]
    missed = 0
    print()
    for name, value, goal, text, unit in checks:
        ok = value <= goal
        missed += not ok
        print(f"{name:<38} {text:>9}  ≤ {goal:g} {unit:<3} {'PASS' if ok else 'MISS'}")
    print("every goal met" if not missed else f"{missed} of {len(checks)} goals missed")
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmark: what a user waits for, against a bare pdfplumber pass over the same PDFs.

    .venv/bin/python scripts/bench_pdf.py [--rounds 5] [--check] [PDF ...]     (make bench)

Files: the real PDFs in ../shared/corpus-real and the fixtures in tests/data/pdf (or the PDFs named).
The machine may be shared: every figure is CPU time (user + system, of the process and everything it
starts), and each comparison is a paired median of interleaved rounds (the two sides of a pair run
back to back, their order alternating from round to round). Wall seconds are printed beside.

1. Whole process, as a user runs it: ``python -m extract run PDFs --out OUT -j 1`` against
   ``python bench_pdf.py --bare PDFs`` (a fresh interpreter that imports pdfplumber and calls
   ``extract_text()`` and ``extract_tables()`` on every page):
   - cold: a new output folder and a new user cache folder each time (nothing cached: jieba's
     dictionary caches are built, as on a user's first run);
   - warm: the same output folder again with ``--force`` (every file read again, caches in place).
2. Per file, warm (one process, everything loaded, each file read once before timing; the cache of
   printed labels a long run fills is emptied before each file, so a file timed again gains nothing
   from its first reading): what a worker spends on one file (read, every stage, pack), per format: PDF (paired with pdfplumber on
   the same file), web page, text, Markdown, Word. Real files where there are some (corpus/,
   ../shared/corpus-real, ../shared/corpus-converted), synthetic ones (extract.synth) for the rest.
3. One small text report through the whole process (warm output folder).
4. Memory: the peak resident memory of the run's parent and of its worker (warm run).

Prints a table with each goal and PASS or MISS. Exits 0 whatever the figures (a slow or busy
machine is not an error); ``--check`` exits 1 when a goal is missed.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this tree's extract, whatever else is installed
SHARED = ROOT.parent / "shared"
DEFAULT = sorted((SHARED / "corpus-real").glob("*.pdf")) + sorted((ROOT / "tests" / "data" / "pdf").glob("synth-*.pdf"))

USER_CACHE: Path | None = None  # XDG_CACHE_HOME of the timed runs (set in main)

GOALS = {  # measure → (goal, "le" = at most / "lt" = below)
    "cold": (0.5, "le"), "warm": (0.5, "le"), "pdf_file": (0.15, "le"), "txt": (5.0, "le"), "html": (25.0, "le"),
    "small": (0.5, "le"), "worker_mb": (300.0, "lt"),
}


# ------------------------------------------------------------------ children


def bare(files: list[str]) -> None:
    """The bare pass: pdfplumber, text and tables of every page."""
    import pdfplumber

    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()


def bare_bytes(data: bytes) -> None:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def per_file(spec_path: str, rounds: int, cache: str) -> None:
    """Warm per-file CPU: every file once untimed, then ``rounds`` interleaved rounds (each PDF paired
    with the bare pass on the same bytes). Prints JSON: file → list of (ours, bare or None, jieba's
    segmentation within ours) seconds."""
    from extract.api import warm_up
    from extract.tasks import analyse_bytes

    files = json.loads(Path(spec_path).read_text())
    try:
        warm_up(Path(cache), load=True)
    except TypeError:  # an older extract (to compare with): warm_up loads always
        warm_up(Path(cache))
    data = {f["path"]: Path(f["path"]).read_bytes() for f in files}
    for f in files:  # warm: imports, lazily built tables, the first file's costs
        analyse_bytes(data[f["path"]], Path(f["path"]).name)
        if f["format"] == "pdf":
            bare_bytes(data[f["path"]])
    # jieba's segmentation timed apart (inside ours): the part of a text report's cost no change to this
    # project's code can take away while its sections carry keywords and text reuse
    import jieba

    segmenting = [0.0]
    tokenizer = jieba.dt
    cut = tokenizer.cut

    def timed_cut(*args, **kwargs):
        started = time.process_time()
        words = list(cut(*args, **kwargs))
        segmenting[0] += time.process_time() - started
        return iter(words)

    tokenizer.cut = timed_cut

    def forget() -> None:
        """Each timed file as if its labels were new to the worker: the label → row cache a long run fills
        with the labels reports share would favour a file timed again."""
        try:
            from extract.stages.rowmatch import _rank_rows

            _rank_rows.cache_clear()
        except (ImportError, AttributeError):  # an older extract without it
            pass

    out: dict[str, list] = {f["path"]: [] for f in files}
    for r in range(rounds):
        for f in (files if r % 2 == 0 else files[::-1]):
            b = data[f["path"]]
            pair = []
            order = ("ours", "bare") if (r + len(out[f["path"]])) % 2 == 0 else ("bare", "ours")
            times = {}
            for side in order:
                if side == "bare" and f["format"] != "pdf":
                    continue
                forget()
                segmenting[0] = 0.0
                started = time.process_time()
                if side == "ours":
                    analyse_bytes(b, Path(f["path"]).name)
                else:
                    bare_bytes(b)
                times[side] = time.process_time() - started
                if side == "ours":
                    times["jieba"] = segmenting[0]
            pair = [times["ours"], times.get("bare"), times["jieba"]]
            out[f["path"]].append(pair)
    print(json.dumps(out))


# ------------------------------------------------------------------ measuring a whole process


def child_env(user_cache: Path | None = None) -> dict:
    """The environment of a timed process; ``user_cache``: its ``XDG_CACHE_HOME`` (jieba's caches)."""
    env = dict(os.environ)
    if user_cache is not None:
        env["XDG_CACHE_HOME"] = str(user_cache)
    # a user's Python keeps compiled bytecode (__pycache__); a harness that forbids it would time the compiler
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(cmd: list[str], cwd: Path = ROOT, user_cache: Path | None = None) -> dict:
    """Run ``cmd`` to its end: CPU seconds of it and all it started, wall seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=child_env(user_cache))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} … failed:\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu": cpu, "wall": wall, "stdout": proc.stdout}


def extract_run(files: list[str], out: Path, summary: Path, force: bool, user_cache: Path | None = None) -> dict:
    cmd = [sys.executable, "-m", "extract", "run", *files, "--out", str(out), "-j", "1", "--quiet",
           "--summary-json", str(summary)]
    if force:
        cmd.append("--force")
    m = timed(cmd, user_cache=user_cache or USER_CACHE)
    s = json.loads(summary.read_text())
    if s.get("errors"):
        raise SystemExit(f"the run reported {s['errors']} errors on the benchmark files")
    m.update(parent_mb=s.get("parent_peak_mb", 0.0), worker_mb=s.get("worker_peak_mb", 0.0))
    return m


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}" if values else "-"


# ------------------------------------------------------------------ files per format


def format_files(tmp: Path, pdfs: list[str]) -> list[dict]:
    """Files to time per format: real ones first, synthetic ones (fixed seeds) to fill each format."""
    conv = SHARED / "corpus-converted"
    real = {
        "txt": sorted((ROOT / "corpus").glob("*.txt")),
        "md": sorted((ROOT / "corpus").glob("*.md")) + sorted(conv.glob("*-md/*.md")),
        "html": sorted((ROOT / "corpus").glob("*.html")),
        "docx": sorted(conv.glob("lo-docx/*.docx")),
    }
    files = [{"format": "pdf", "path": p, "kind": "real" if "corpus-real" in p else "fixture"} for p in pdfs]
    from extract.synth import random_spec, render

    for fmt, paths in real.items():
        files += [{"format": fmt, "path": str(p), "kind": "real"} for p in paths]
        for i in range(max(0, 4 - len(paths))):
            path = tmp / f"synth-{i}.{fmt}"
            render(random_spec(9000 + i), fmt, path)
            files.append({"format": fmt, "path": str(path), "kind": "synthetic"})
    return files


# ------------------------------------------------------------------ main


def verdict(key: str, value: float) -> str:
    goal, how = GOALS[key]
    ok = value <= goal if how == "le" else value < goal
    return "PASS" if ok else "MISS"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds of each comparison (default 5)")
    ap.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    ap.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--per-file", metavar="SPEC", help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    args = ap.parse_args()
    files = args.files or [str(p) for p in DEFAULT]
    if args.bare:
        bare(files)
        return 0
    if args.per_file:
        per_file(args.per_file, args.rounds, args.cache)
        return 0
    if not files:
        raise SystemExit("no PDFs to time")
    import pypdfium2 as pdfium

    pages = 0
    for f in files:
        pdf = pdfium.PdfDocument(f)
        pages += len(pdf)
        pdf.close()
    rows: list[tuple[str, str, str, str, str]] = []  # measure, value, goal, verdict, detail
    missed = 0

    def row(name: str, key: str | None, value: float, text: str, detail: str) -> None:
        nonlocal missed
        if key is None:
            rows.append((name, text, "", "", detail))
            return
        goal, how = GOALS[key]
        v = verdict(key, value)
        missed += v == "MISS"
        rows.append((name, text, ("≤ " if how == "le" else "< ") + f"{goal:g}", v, detail))

    print(f"{len(files)} PDFs, {pages} pages; {args.rounds} interleaved rounds; CPU seconds (user + system, "
          f"the process and all it starts) unless said")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("(PYTHONDONTWRITEBYTECODE is set here; the timed processes run without it, as a user's Python would)")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        global USER_CACHE
        USER_CACHE = tmp / "user-cache"  # the warm runs' jieba caches, built by the first run
        warm_out, summary = tmp / "warm-out", tmp / "summary.json"
        extract_run(files, warm_out, summary, force=True)  # the warm folder (and the bytecode caches) in place
        timed([sys.executable, __file__, "--bare", *files])
        pairs = {"cold": [], "warm": []}
        mem = []
        for r in range(args.rounds):
            sides = ["cold", "warm", "bare"] if r % 2 == 0 else ["bare", "warm", "cold"]
            got = {}
            for side in sides:
                if side == "bare":
                    got[side] = timed([sys.executable, __file__, "--bare", *files])
                elif side == "cold":
                    cold_out, cold_cache = tmp / f"cold-{r}", tmp / f"cold-cache-{r}"
                    got[side] = extract_run(files, cold_out, summary, force=False, user_cache=cold_cache)
                    shutil.rmtree(cold_out, ignore_errors=True)
                    shutil.rmtree(cold_cache, ignore_errors=True)
                else:
                    got[side] = extract_run(files, warm_out, summary, force=True)
                    mem.append((got[side]["parent_mb"], got[side]["worker_mb"]))
            for side in ("cold", "warm"):
                pairs[side].append((got[side]["cpu"], got["bare"]["cpu"], got[side]["wall"], got["bare"]["wall"]))
            print(f"  round {r + 1}: cold {got['cold']['cpu']:.2f} s, warm {got['warm']['cpu']:.2f} s, "
                  f"bare pdfplumber {got['bare']['cpu']:.2f} s (wall {got['cold']['wall']:.2f} / "
                  f"{got['warm']['wall']:.2f} / {got['bare']['wall']:.2f} s)")
        for side in ("cold", "warm"):
            ratios = [a / b for a, b, _, _ in pairs[side]]
            walls = [c / d for _, _, c, d in pairs[side]]
            row(f"whole process, {side}, ÷ bare pdfplumber", side, med(ratios), f"{med(ratios):.2f}×",
                f"{med([p[0] for p in pairs[side]]):.2f} s vs {med([p[1] for p in pairs[side]]):.2f} s; "
                f"rounds {spread(ratios)}; wall ratio {med(walls):.2f}×")

        # one small text report through the whole process (its output folder warm)
        small_in, small_out = tmp / "small", tmp / "small-out"
        small_in.mkdir()
        shutil.copy(ROOT / "corpus" / "zhangzhou-erqing-2019.txt", small_in)
        extract_run([str(small_in)], small_out, summary, force=True)
        small = [extract_run([str(small_in)], small_out, summary, force=True) for _ in range(args.rounds)]
        cpu = [m["cpu"] for m in small]
        row("one small text report, whole process", "small", med(cpu), f"{med(cpu):.2f} s",
            f"rounds {spread(cpu)}; wall {med([m['wall'] for m in small]):.2f} s")

        # warm per-file costs per format
        spec = tmp / "files.json"
        fmt_files = format_files(tmp, files)
        spec.write_text(json.dumps(fmt_files))
        proc = subprocess.run([sys.executable, __file__, "--per-file", str(spec), "--rounds", str(args.rounds),
                               "--cache", str(USER_CACHE / "zfxxgk-extract" / "jieba")], cwd=ROOT, capture_output=True,
                              text=True, env=child_env())
        if proc.returncode != 0:
            raise SystemExit(f"per-file timing failed:\n{proc.stderr[-3000:]}")
        got = json.loads(proc.stdout.strip().splitlines()[-1])
        by_format: dict[str, list[tuple[dict, float, float | None]]] = {}
        segmenting: dict[str, list[float]] = {}  # format → each real file's median of jieba's part
        for f in fmt_files:
            ours = med([p[0] for p in got[f["path"]]])
            ratio = med([p[0] / p[1] for p in got[f["path"]] if p[1]]) if f["format"] == "pdf" else None
            by_format.setdefault(f["format"], []).append((f, ours, ratio))
            if f["kind"] == "real" or f["format"] == "pdf":
                segmenting.setdefault(f["format"], []).append(med([p[2] for p in got[f["path"]]]))
        pdf = by_format.pop("pdf")
        ratios = [r for _, _, r in pdf]
        row("PDF per file, warm, ÷ pdfplumber per file", "pdf_file", med(ratios), f"{med(ratios):.2f}×",
            f"{med([o for _, o, _ in pdf]) * 1000:.0f} ms median; files {spread(ratios)}; of which jieba's "
            f"segmentation {med(segmenting['pdf']) * 1000:.1f} ms")
        names = {"txt": "text", "html": "web page", "md": "Markdown", "docx": "Word (.docx)"}
        for fmt in ("txt", "html", "md", "docx"):
            entries = by_format.get(fmt, [])
            if not entries:
                continue
            real = [o for f, o, _ in entries if f["kind"] == "real"]
            synth = [o for f, o, _ in entries if f["kind"] != "real"]
            headline = real or synth
            ms = med(headline) * 1000
            detail = (f"{len(real)} real files {spread([x * 1000 for x in real])} ms" if real else "") + \
                     (("; " if real else "") + f"{len(synth)} synthetic {med(synth) * 1000:.1f} ms" if synth else "")
            if segmenting.get(fmt):
                part = segmenting[fmt]
                detail += f"; of which jieba's segmentation {med(part) * 1000:.1f} ms ({spread([x * 1000 for x in part])})"
            row(f"{names[fmt]} per file, warm{' (real files)' if real else ''}", fmt if fmt in GOALS else None, ms,
                f"{ms:.1f} ms", detail)

        parent = max(m[0] for m in mem)
        worker = max(m[1] for m in mem)
        row("peak memory of the run's worker", "worker_mb", worker, f"{worker:.0f} MB", "warm run, -j 1")
        row("peak memory of the run's parent", None, parent, f"{parent:.0f} MB",
            "warm run (at scale: make bench-scale)")

    widths = [max(len(r[i]) for r in rows + [("measure", "value", "goal", "", "")]) for i in range(4)]
    print()
    print(f"{'measure':<{widths[0]}}  {'value':>{widths[1]}}  {'goal':<{widths[2]}}  {'':<4}  detail")
    for name, value, goal, v, detail in rows:
        print(f"{name:<{widths[0]}}  {value:>{widths[1]}}  {goal:<{widths[2]}}  {v:<4}  {detail}")
    print(f"\n{missed} of {sum(1 for r in rows if r[3])} goals missed" if missed else "\nevery goal met")
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())

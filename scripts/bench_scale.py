"""Scale benchmark: a corpus shaped like real ones, run on 1 and 2 workers, then unchanged, at each size.

    python scripts/bench_scale.py [--count 2000 20000] [--corpus build/bench-corpus] [--cluster] [--check]
    (make bench-scale: 2,000 and 20,000 reports)

The corpus (built once per size, kept under ``--corpus``; deterministic):

- many agencies (county-level places from the gazetteer × the usual departments), each publishing a
  series of consecutive years (2 to 6, 2019–2025, the 2019 format before 2021), so reports link across
  years: 上年结转 equals last year's 结转下年度, 现行有效 follows, and part of the prose is carried over
  from last year's report (as agencies do), which text reuse measures;
- real sizes: prose drawn from the sample reports' sentences until each report is as long as real ones
  (text 7–17 KB; web pages as portal pages, ~100 KB; Word; PDF via LibreOffice, when installed);
- one format per agency (agencies publish the same way every year): web page, text, Word, Markdown, PDF;
- no duplicates: every file is a different report (no byte variants, no second copies of an agency-year).

Each run is ``python -m extract run CORPUS --out OUT -j N --quiet --summary-json`` in its own process:
wall seconds, CPU seconds (the whole process tree), the parent's peak memory and CPU (the serial end —
pairing and writing — apart), the largest worker. Prints, per size, 2 workers ÷ 1 worker (wall: what
two cores buy), and across sizes how the parent's peak memory grows. Goals: 2 ÷ 1 ≥ 1.8; the parent's
peak at most 30 MB higher at 20,000 reports than at 2,000; the serial end ≤ 1 ms per report. Exits 0
(``--check``: 1 when a goal is missed).

With ``--cluster`` (``make bench-scale`` gives it) each size is read once more through
``--executor dask`` on a ``LocalCluster`` of two single-threaded workers: its reports/s against the
local pool's, the cluster's cost over the local pool per report (the wall difference × 2 workers ÷
reports), the driver's peak memory and how it grows across sizes (the same +30 MB goal), and whether
its CSV and Parquet files are byte for byte the local run's (a goal too). Its CPU column is the
driver's alone (the cluster's workers are not the run's processes).
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.readers import READERS  # noqa: E402
from extract.synth import random_spec, render  # noqa: E402
from extract.synth.render import soffice, to_docx  # noqa: E402
from extract.synth.spec import follow  # noqa: E402
from extract.synth.wild import to_portal_html  # noqa: E402
from extract.templates import TEMPLATES  # noqa: E402

GENERATOR = "3"  # bump when the corpus changes: a stale corpus is built again
UNITS = ("人民政府", "人民政府办公室", "发展和改革局", "教育局", "财政局", "公安局", "民政局", "司法局",
         "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局",
         "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "应急管理局", "审计局",
         "市场监督管理局", "统计局", "医疗保障局", "城市管理局")
FORMAT_WEIGHTS = {"html": 30, "txt": 25, "docx": 20, "md": 10, "pdf": 15}
SPEEDUP_GOAL, FLAT_GOAL_MB, SERIAL_GOAL_MS = 1.8, 30.0, 1.0


# ------------------------------------------------------------------ corpus


def _sentences() -> list[str]:
    """Sentences of the sample reports' prose (no headings, no table rows): what the synthetic reports say."""
    out: list[str] = []
    sources = sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "corpus").glob("*.md"))
    for path in sources:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().strip("#").strip()
            if len(line) < 30 or "|" in line or re.match(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]", line):
                continue
            for s in re.split(r"(?<=[。；！])", line):
                s = s.strip()
                if 12 <= len(s) <= 160 and not re.search(r"\d{5,}|年度报告|附件|表", s) and not re.match(
                        r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]", s):
                    out.append(s)
    return sorted(set(out))


def _agencies(count: int, rng: random.Random) -> list[str]:
    from extract.stages.agency import _gazetteer

    _, counties, _ = _gazetteer()
    places = sorted(n for n in counties if len(n) >= 3)
    rng.shuffle(places)
    names, seen = [], set()
    for place in places:
        for unit in rng.sample(UNITS, 3):
            name = place + unit
            if name not in seen:
                seen.add(name)
                names.append(name)
        if len(names) >= count:
            break
    return names[:count]


def _prose(rng: random.Random, pool: list[str], chars: int, keep: list[str] | None) -> list[str]:
    """Paragraphs of about ``chars`` characters; ``keep``: last year's paragraphs, some carried over."""
    paras: list[str] = []
    if keep:
        paras += [p for p in keep if rng.random() < 0.55]
    total = sum(map(len, paras))
    while total < chars:
        para = "".join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
        paras.append(para)
        total += len(para)
    rng.shuffle(paras)
    return paras


def _plan(count: int, seed: int) -> list[dict]:
    """Which reports: agency series of consecutive years, one format per agency, until ``count``."""
    rng = random.Random(seed)
    agencies = _agencies(count, rng)
    formats = [f for f in FORMAT_WEIGHTS if f in READERS and (f != "pdf" or soffice())]
    weights = [FORMAT_WEIGHTS[f] for f in formats]
    plan: list[dict] = []
    for a, agency in enumerate(agencies):
        length = rng.choice([2, 3, 4, 4, 5, 5, 6])
        first = rng.randint(2019, 2025 - length + 1)
        fmt = rng.choices(formats, weights)[0]
        for year in range(first, first + length):
            plan.append({"agency": agency, "year": year, "format": fmt, "seed": seed * 1_000_003 + len(plan),
                         "series": a})
            if len(plan) == count:
                return plan
    return plan


def build_corpus(folder: Path, count: int, seed: int = 14) -> dict[str, int]:
    stamp = folder / ".complete"
    wanted = json.dumps({"generator": GENERATOR, "count": count, "seed": seed,
                         "pdf": bool("pdf" in READERS and soffice())})
    if stamp.exists() and stamp.read_text() == wanted:
        return _counts(folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pool = _sentences()
    plan = _plan(count, seed)
    previous: dict[int, tuple] = {}  # series → (spec, prose) of its last year
    docx_for_pdf: list[Path] = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    try:
        for i, item in enumerate(plan):
            rng = random.Random(item["seed"])
            template = "2019" if item["year"] <= 2020 else "2021"
            spec = random_spec(item["seed"], template=template, agency=item["agency"], year=item["year"])
            prev = previous.get(item["series"])
            if prev is not None and prev[0].year == item["year"] - 1:
                keys = TEMPLATES[prev[0].template].cells()
                spec = follow(spec, {k: prev[0].value(k) for k in keys})
            size = int(rng.lognormvariate(8.6, 0.35))  # characters of prose: ~3,000–12,000, median ~5,400
            portal = item["format"] == "html" and rng.random() < 0.7  # a portal page, as scraped (~100 KB)
            if portal:
                size //= 3  # its markup wraps every run of characters: real portal pages are ~100 KB
            overview = _prose(rng, pool, int(size * 0.7), prev[1] if prev else None)
            spec.overview = spec.overview[:1] + overview
            spec.problems = spec.problems + _prose(rng, pool, int(size * 0.3), None)[:4]
            previous[item["series"]] = (spec, overview)
            stem = f"{item['series']:05d}-{item['year']}"
            fmt = item["format"]
            if fmt == "pdf":
                path = tmp / f"{stem}.docx"
                to_docx(spec, path)
                docx_for_pdf.append(path)
            elif portal:
                (folder / f"{stem}.html").write_bytes(to_portal_html(spec))
            else:
                render(spec, fmt, folder / f"{stem}.{fmt}")
        for start in range(0, len(docx_for_pdf), 200):  # LibreOffice converts many files per start
            batch = docx_for_pdf[start:start + 200]
            subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to",
                            "pdf", "--outdir", str(folder), *map(str, batch)], check=True, capture_output=True,
                           timeout=7200)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    stamp.write_text(wanted)
    return _counts(folder)


def _counts(folder: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in folder.iterdir():
        if p.is_file() and not p.name.startswith("."):
            out[p.suffix.lstrip(".")] = out.get(p.suffix.lstrip("."), 0) + 1
    return dict(sorted(out.items()))


# ------------------------------------------------------------------ runs


def differing_outputs(a: Path, b: Path) -> list[str]:
    """The CSV and Parquet files (partitions too) that are not the same bytes in output folders ``a`` and ``b``."""
    def tables(folder: Path) -> set[str]:
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
                if p.is_file() and p.suffix in (".csv", ".parquet") and ".cache" not in p.parts}

    ours, theirs = tables(a), tables(b)
    return sorted((ours ^ theirs) | {n for n in ours & theirs if not filecmp.cmp(a / n, b / n, shallow=False)})


def timed_run(corpus: Path, out: Path, jobs: int, force: bool, extra: tuple[str, ...] = ()) -> dict:
    summary = out.parent / f"{out.name}.summary.json"
    args = [sys.executable, "-m", "extract", "run", str(corpus), "--out", str(out), "-j", str(jobs), "--quiet",
            "--summary-json", str(summary), *extra]
    if force:
        args.append("--force")
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's Python keeps its bytecode
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"run failed: {proc.stderr[-3000:]}")
    s = json.loads(summary.read_text())
    # an older extract does not report its own peak: the largest process of the run stands in
    parent_mb = s.get("parent_peak_mb") or after.ru_maxrss / 1024
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "parent_mb": parent_mb, "worker_mb": s.get("worker_peak_mb", 0.0), "load": os.getloadavg()[0],
            "parent_cpu": s.get("parent_cpu_s", 0.0), "write_cpu": s.get("write_cpu_s", 0.0),
            "sqlite_cpu": s.get("sqlite_cpu_s", 0.0), "duckdb_cpu": s.get("duckdb_cpu_s", 0.0),
            "files": s.get("files", 0), "line": proc.stdout.strip().splitlines()[-1], "jobs": jobs,
            "second": s.get("same_report", 0), "duplicates": s.get("duplicates", 0)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, nargs="+", default=[2000])
    ap.add_argument("--corpus", type=Path, default=ROOT / "build" / "bench-corpus")
    ap.add_argument("--cluster", action="store_true", help="also run on a dask LocalCluster of 2 workers")
    ap.add_argument("--single", action="store_true", help="only 2 workers past 2,000 reports (saves an hour)")
    ap.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = ap.parse_args()
    results: dict[int, dict[str, dict]] = {}
    for count in args.count:
        folder = args.corpus.parent / f"{args.corpus.name}-{count}"
        t = time.monotonic()
        per = build_corpus(folder, count)
        print(f"corpus: {count} reports ({', '.join(f'{n} {f}' for f, n in per.items())}) in {folder} "
              f"[{time.monotonic() - t:.0f} s to prepare]", flush=True)
        runs: dict[str, dict] = {}
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            for jobs in (1, 2):
                if jobs == 1 and args.single and count > 2000:
                    continue
                runs[f"{jobs} worker{'s' if jobs > 1 else ''}"] = timed_run(folder, Path(tmp) / f"out-{jobs}", jobs,
                                                                            force=True)
                print(f"  {jobs} worker(s): {runs[list(runs)[-1]]['line']}", flush=True)
            runs["unchanged re-run"] = timed_run(folder, Path(tmp) / "out-2", 2, force=False)
            if args.cluster:
                from distributed import LocalCluster

                with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
                    runs["dask, 2 workers"] = timed_run(folder, Path(tmp) / "out-dask", 2, force=True,
                                                        extra=("--executor", "dask", "--scheduler",
                                                               cluster.scheduler_address))
                differ = differing_outputs(Path(tmp) / "out-2", Path(tmp) / "out-dask")
                print(f"  dask's CSV and Parquet files against the local run's: "
                      f"{'byte-identical' if not differ else 'DIFFER: ' + ', '.join(differ[:8])}", flush=True)
                runs["dask, 2 workers"]["differ"] = differ
        first = runs.get("2 workers") or next(iter(runs.values()))
        if first["second"] or first["duplicates"]:
            print(f"  note: {first['second']} second copies and {first['duplicates']} duplicate files in the corpus")
        print(f"\n  {'run':<18}{'wall s':>9}{'reports/s':>11}{'CPU s':>9}{'parent MB':>11}{'parent CPU s':>14}"
              f"{'serial end ms/report':>22}{'worker MB':>11}{'load':>7}")
        for name, m in runs.items():
            print(f"  {name:<18}{m['wall']:>9.1f}{count / m['wall']:>11.1f}{m['cpu']:>9.1f}{m['parent_mb']:>11.0f}"
                  f"{m['parent_cpu']:>14.1f}{m['write_cpu'] / count * 1000:>22.2f}{m['worker_mb']:>11.0f}"
                  f"{m['load']:>7.1f}")
        print(flush=True)
        results[count] = runs

    missed = 0
    print("goal                                          value      goal     ")
    for count, runs in results.items():
        if "1 worker" in runs and "2 workers" in runs:
            one, two = runs["1 worker"], runs["2 workers"]
            speedup = one["wall"] / two["wall"]
            ok = speedup >= SPEEDUP_GOAL
            missed += not ok
            print(f"{count} reports: 2 workers ÷ 1 worker (wall)    {speedup:>6.2f}×    ≥ {SPEEDUP_GOAL:g}    "
                  f"{'PASS' if ok else 'MISS'}  (CPU {two['cpu']:.0f} s vs {one['cpu']:.0f} s; load average "
                  f"{one['load']:.1f} / {two['load']:.1f} on {os.cpu_count()} cores)")
            # what two free cores would give, from the CPU each part took: the workers' and the parent's
            # reading-time work shared by two cores, the serial end on one
            def model(m):
                side = m["sqlite_cpu"] + m["duckdb_cpu"]  # the SQLite and DuckDB processes, beside the serial end
                workers, end, reading = m["cpu"] - m["parent_cpu"] - side, m["write_cpu"], m["parent_cpu"] - m["write_cpu"]
                read = max(workers, reading) if m["jobs"] == 1 else (workers + reading) / 2
                return read + max(end, (end + side) / 2)

            est = model(one) / model(two)
            print(f"{count} reports: the same, from CPU time (two free cores) {est:>5.2f}×  (an estimate: the "
                  "machine is shared)")
        if "dask, 2 workers" in runs and "2 workers" in runs:
            dask, local = runs["dask, 2 workers"], runs["2 workers"]
            ok = not dask["differ"]
            missed += not ok
            print(f"{count} reports: dask's outputs = the local run's    {'same' if ok else 'DIFFER':>6}     bytes    "
                  f"{'PASS' if ok else 'MISS'}  (every CSV and Parquet file)")
            print(f"{count} reports: dask ÷ local pool (reports/s)   {local['wall'] / dask['wall']:>6.2f}×            "
                  f"(the cluster's cost over the local pool: {(dask['wall'] - local['wall']) * 2 / count * 1000:.1f} ms "
                  "of worker time a report — wall difference × 2 workers ÷ reports, its start included)")
        run = runs.get("2 workers") or runs.get("1 worker")
        serial = run["write_cpu"] / count * 1000
        ok = serial <= SERIAL_GOAL_MS
        missed += not ok
        print(f"{count} reports: serial end per report        {serial:>6.2f} ms  ≤ {SERIAL_GOAL_MS:g} ms  "
              f"{'PASS' if ok else 'MISS'}  (parent CPU in all {run['parent_cpu'] / count * 1000:.2f} ms per report)")
    counts = sorted(results)
    if len(counts) > 1:
        small, large = counts[0], counts[-1]
        for key, what in (("2 workers", "parent peak memory"), ("dask, 2 workers", "dask driver's peak")):
            if key not in results[small] or key not in results[large]:
                continue
            before, after = results[small][key]["parent_mb"], results[large][key]["parent_mb"]
            ok = after - before <= FLAT_GOAL_MB
            missed += not ok
            print(f"{what + f', {small} → {large} reports':<44}{after - before:>+6.0f} MB  ≤ +{FLAT_GOAL_MB:g} MB  "
                  f"{'PASS' if ok else 'MISS'}  ({before:.0f} → {after:.0f} MB)")
    print("(wall: elapsed seconds; CPU: the run's whole process tree; parent MB: the run's own peak resident "
          "memory;\n serial end: the parent's CPU once every file is read — pairing, writing every table)")
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())

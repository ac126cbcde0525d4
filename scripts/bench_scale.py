"""Scale benchmark: generate a mixed-format corpus, run it on 1 and 2 workers, then re-run unchanged,
then on a dask.distributed cluster on this machine (a LocalCluster of 2 one-thread workers).

Prints reports/second, wall time and peak resident memory (the largest single process: the
run's parent or one of its workers; for the cluster run, the driver alone), and the time of an
unchanged re-run (all from cache).

    python scripts/bench_scale.py [--count 2000] [--corpus build/bench-corpus] [--no-cluster]
"""
from __future__ import annotations

import argparse
import os
import re
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


def formats() -> list[str]:
    fmts = [f for f in ("txt", "md", "html", "docx") if f in READERS]
    if "pdf" in READERS and soffice():
        fmts.append("pdf")
    return fmts


def make_pdfs(specs, folder: Path) -> list[Path]:
    """Convert many .docx in one LibreOffice call (far faster than one call per file)."""
    with tempfile.TemporaryDirectory() as tmp:
        docs = []
        for i, spec in specs:
            path = Path(tmp) / f"r{i:05d}.docx"
            to_docx(spec, path)
            docs.append(path)
        subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf",
                        "--outdir", str(folder), *map(str, docs)], check=True, capture_output=True, timeout=3600)
    return sorted(folder.glob("*.pdf"))


def build_corpus(folder: Path, count: int) -> dict[str, int]:
    stamp = folder / ".complete"
    fmts = formats()
    wanted = f"{count} {' '.join(fmts)}"
    if stamp.exists() and stamp.read_text() == wanted:
        return {f: len(list(folder.glob(f"*.{f}"))) for f in fmts}
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    per = {f: count // len(fmts) for f in fmts}
    per[fmts[0]] += count - sum(per.values())
    seed = 0
    for fmt, n in per.items():
        if fmt == "pdf":
            unique = min(n, 60)  # PDFs are slow to make: vary the rest by a trailing comment
            made = make_pdfs([(seed + i, random_spec(seed + i)) for i in range(unique)], folder)
            seed += unique
            for k in range(n - unique):
                src = made[k % len(made)]
                (folder / f"v{k:05d}.pdf").write_bytes(src.read_bytes() + f"\n%variant {k}\n".encode())
            continue
        for i in range(n):
            render(random_spec(seed), fmt, folder / f"r{seed:05d}.{fmt}")
            seed += 1
    stamp.write_text(wanted)
    return per


# runs the command and reports the peak RSS (KB) of its largest process, itself or a worker
MEASURE = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


def timed_run(corpus: Path, out: Path, jobs: int, force: bool, extra: tuple[str, ...] = ()) -> tuple[float, float, str]:
    started = time.monotonic()
    args = [sys.executable, "-c", MEASURE, sys.executable, "-m", "extract", "run", str(corpus), "--out", str(out),
            "-j", str(jobs), "--quiet", *extra]
    if force:
        args.append("--force")
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"run failed: {proc.stderr}")
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024, proc.stdout.strip()


def worker_peak(line: str) -> str:
    m = re.search(r"largest worker (\d+) MB", line)
    return m.group(1) if m else "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--corpus", type=Path, default=ROOT / "build" / "bench-corpus")
    ap.add_argument("--no-cluster", action="store_true", help="leave out the dask LocalCluster run")
    args = ap.parse_args()
    t = time.monotonic()
    per = build_corpus(args.corpus, args.count)
    print(f"corpus: {args.count} reports ({', '.join(f'{n} {f}' for f, n in per.items())}) in {args.corpus} "
          f"[{time.monotonic() - t:.0f} s to prepare]")
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for jobs in (1, 2):
            out = Path(tmp) / f"out-{jobs}"
            seconds, peak, line = timed_run(args.corpus, out, jobs, force=True)
            rows.append((f"{jobs} worker{'s' if jobs > 1 else ''}", seconds, args.count / seconds, peak, worker_peak(line)))
            print(f"  {line}")
        seconds, peak, line = timed_run(args.corpus, Path(tmp) / "out-2", 2, force=False)
        rows.append(("unchanged re-run", seconds, args.count / seconds, peak, worker_peak(line)))
        print(f"  {line}")
        if not args.no_cluster:
            from distributed import LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None) as cluster:
                seconds, peak, line = timed_run(args.corpus, Path(tmp) / "out-dask", 1, force=True,
                                                extra=("--executor", "dask", "--scheduler", cluster.scheduler_address))
            rows.append(("dask, 2 workers", seconds, args.count / seconds, peak, worker_peak(line)))
            print(f"  {line}")
            local = next(r for r in rows if r[0] == "2 workers")
            print(f"  cluster overhead per report vs the local pool: {(seconds - local[1]) / args.count * 1000:+.1f} ms")
    print(f"\n{'run':<18}{'seconds':>10}{'reports/s':>12}{'peak MB':>10}{'worker MB':>11}")
    for name, seconds, rate, peak, worker in rows:
        print(f"{name:<18}{seconds:>10.1f}{rate:>12.1f}{peak:>10.0f}{worker:>11}")
    print("(peak MB: resident memory of the largest single process of that run, parent or worker; for the\n"
          " dask run the driver only; worker MB: the largest worker, as the run reports it)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

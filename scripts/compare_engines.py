#!/usr/bin/env python3
"""Dask or Ray for ``--executor``: the figures behind the README's choice, measured on this machine.

    PYTHON_WITH_RAY=/path/to/venv/bin/python .venv/bin/python scripts/compare_engines.py

For each engine, on a local cluster of two single-threaded worker processes: the time to start it,
the round-trip overhead of a task that does nothing (2,000 tasks submitted at once, and 200 one after
another), the resident memory of an idle worker, and the size of the installed packages. Ray runs in
the interpreter named by ``PYTHON_WITH_RAY`` (it is not a dependency of the project; install it in a
scratch virtual environment: ``python3 -m venv /tmp/ray && /tmp/ray/bin/pip install ray``).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

CHILD = r'''
import json, os, sys, time
engine = sys.argv[1]

def noop(x):
    return x

def rss_mb(pid):
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

out = {}
t = time.perf_counter()
if engine == "dask":
    from dask.distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.submit(noop, 0).result()
    out["start_s"] = time.perf_counter() - t
    pids = list(client.run(os.getpid).values())
    t = time.perf_counter(); client.gather(client.map(noop, range(2000), pure=False)); out["batch_ms"] = (time.perf_counter() - t) / 2000 * 1000
    t = time.perf_counter()
    for i in range(200):
        client.submit(noop, i, pure=False).result()
    out["serial_ms"] = (time.perf_counter() - t) / 200 * 1000
    out["worker_mb"] = sum(rss_mb(p) for p in pids) / len(pids)
    client.close(); cluster.close()
else:
    import ray
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    remote = ray.remote(num_cpus=1)(noop)
    ray.get(remote.remote(0))
    out["start_s"] = time.perf_counter() - t
    t = time.perf_counter(); ray.get([remote.remote(i) for i in range(2000)]); out["batch_ms"] = (time.perf_counter() - t) / 2000 * 1000
    t = time.perf_counter()
    for i in range(200):
        ray.get(remote.remote(i))
    out["serial_ms"] = (time.perf_counter() - t) / 200 * 1000
    pid = ray.get(ray.remote(num_cpus=1)(lambda: os.getpid()).remote())
    out["worker_mb"] = rss_mb(pid)
    ray.shutdown()
print(json.dumps(out))
'''


def site_mb(python: str, packages: list[str]) -> float:
    code = ("import importlib.util, os, sys, json\n"
            "total = 0\n"
            "for name in sys.argv[1:]:\n"
            "    spec = importlib.util.find_spec(name)\n"
            "    root = os.path.dirname(spec.origin)\n"
            "    for d, _, files in os.walk(root):\n"
            "        total += sum(os.path.getsize(os.path.join(d, f)) for f in files)\n"
            "print(total / 2**20)\n")
    return float(subprocess.run([python, "-c", code, *packages], capture_output=True, text=True, check=True).stdout)


def measure(python: str, engine: str) -> dict:
    proc = subprocess.run([python, "-c", CHILD, engine], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    rows = {"dask": (sys.executable, ["dask", "distributed"])}
    ray_python = os.environ.get("PYTHON_WITH_RAY")
    if ray_python:
        rows["ray"] = (ray_python, ["ray"])
    else:
        print("(PYTHON_WITH_RAY not set: Ray not measured)")
    print(f"{'engine':8} {'start s':>8} {'task ms (2,000 at once)':>24} {'task ms (one by one)':>21} "
          f"{'idle worker MB':>15} {'installed MB':>13}")
    for engine, (python, packages) in rows.items():
        m = measure(python, engine)
        print(f"{engine:8} {m['start_s']:8.2f} {m['batch_ms']:24.2f} {m['serial_ms']:21.2f} "
              f"{m['worker_mb']:15.0f} {site_mb(python, packages):13.0f}")


if __name__ == "__main__":
    main()

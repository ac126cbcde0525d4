"""The same run() on a dask.distributed cluster (a real LocalCluster: two worker processes on
127.0.0.1) writes what the local pool writes, byte for byte, limits and crashes included."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from extract import api
from extract.executors import DaskExecutor, LocalExecutor

from cluster_helpers import flaky_reader
from conftest import CORPUS, ROOT
from test_runner import make_corpus, outputs

LIMITS = dict(timeout=10, memory_mb=900)  # the hang stops at 10 s; real files take well under 1 s


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", memory_limit="4GiB") as c, Client(c) as client:
        yield c, client


def _corpus(folder):
    make_corpus(folder, 8)
    for name in ("pingtan-2021.txt", "pingtan-2022.txt", "shuyang-fagaiju-2023.html", "shuyang-xian-2025.md"):
        shutil.copy(CORPUS / name, folder)
    for name in ("hang.txt", "crash.txt", "hog.txt"):
        shutil.copy(CORPUS / "zhangzhou-erqing-2019.txt", folder / name)
    return folder


def test_cluster_writes_what_the_local_pool_writes(tmp_path, cluster, monkeypatch):
    from extract import assemble

    _, client = cluster
    corpus = _corpus(tmp_path / "in")
    monkeypatch.setattr(assemble, "MIN_ITEMS", 0)  # helpers assemble the rows: forked here, from a fork server there
    local = api.run([corpus], tmp_path / "local", executor=LocalExecutor(jobs=2, fn=flaky_reader), **LIMITS)
    dask = api.run([corpus], tmp_path / "dask", executor=DaskExecutor(client, batch=3, fn=flaky_reader), **LIMITS)
    shipped = api.run([corpus], tmp_path / "shipped",
                      executor=DaskExecutor(client, batch=2, ship_bytes=True, fn=flaky_reader), **LIMITS)
    want = outputs(tmp_path / "local")
    assert outputs(tmp_path / "dask") == want
    assert outputs(tmp_path / "shipped") == want
    # the limits acted on the cluster as they do here: each bad file an errors row, the rest read
    errors = (tmp_path / "dask" / "errors.csv").read_text(encoding="utf-8-sig")
    for name, code in (("hang.txt", "time_limit"), ("crash.txt", "worker_crash"), ("hog.txt", "memory_limit")):
        assert any(name in line and code in line for line in errors.splitlines()), (name, errors)
    assert local.errors == dask.errors == shipped.errors
    assert local.assemble_cpu_s > 0 and dask.assemble_cpu_s > 0 and shipped.assemble_cpu_s > 0
    reports = (tmp_path / "dask" / "reports.csv").read_text(encoding="utf-8-sig")
    assert "平潭综合实验区" in reports and "沭阳县发展和改革局" in reports


def test_a_second_cluster_run_takes_unchanged_files_from_the_cache(tmp_path, cluster):
    _, client = cluster
    corpus = make_corpus(tmp_path / "in", 4)
    first = api.run([corpus], tmp_path / "out", executor=DaskExecutor(client))
    again = api.run([corpus], tmp_path / "out", executor=DaskExecutor(client))
    assert first.read == 6 and again.cached >= 4 and again.read == 6 - again.cached


def test_command_line_reaches_a_scheduler_by_address(tmp_path, cluster):
    c, _ = cluster
    corpus = make_corpus(tmp_path / "in", 3)
    cmd = [sys.executable, "-m", "extract", "run", str(corpus), "--out", str(tmp_path / "out"), "--quiet",
           "--executor", "dask", "--scheduler", c.scheduler_address]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    api.run([corpus], tmp_path / "here", jobs=1)
    assert outputs(tmp_path / "out") == outputs(tmp_path / "here")


def test_a_scheduler_that_is_not_there_is_a_clear_error(tmp_path):
    corpus = make_corpus(tmp_path / "in", 1)
    cmd = [sys.executable, "-m", "extract", "run", str(corpus), "--out", str(tmp_path / "out"), "--quiet",
           "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"}  # dask's own setting: give up soon
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:9" in done.stderr
    missing = subprocess.run(cmd[:-2], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "--executor dask needs --scheduler ADDRESS" in missing.stderr


def test_a_lost_cluster_worker_costs_a_retry_then_an_errors_row(tmp_path):
    """A worker killed under a file: the file is read again on another worker (the outputs are what the
    local pool writes); a file that kills every worker it meets becomes a worker_crash row, the rest read."""
    import dask

    from cluster_helpers import kill_marker, worker_killing_reader

    corpus = make_corpus(tmp_path / "in", 3)
    shutil.copy(CORPUS / "pingtan-2022.txt", corpus / "kill-once.txt")
    shutil.copy(CORPUS / "zhangzhou-erqing-2019.txt", corpus / "kill-always.txt")
    # a worker is given only as many files as it has threads (dask's default gives a 1-thread worker a
    # second one in waiting, which would share each death of the worker the killing file causes)
    with dask.config.set({"distributed.scheduler.allowed-failures": 2,
                          "distributed.scheduler.worker-saturation": 1.0}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=":0", memory_limit="4GiB") as c, Client(c) as client:
        summary = api.run([corpus], tmp_path / "dask", executor=DaskExecutor(client, batch=1, fn=worker_killing_reader))
    for name in ("kill-once.txt", "kill-always.txt"):
        Path(kill_marker(corpus / name)).unlink(missing_ok=True)
    errors = (tmp_path / "dask" / "errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [line for line in errors[1:] if "worker_crash" in line and "kill-always.txt" in line], errors
    assert not [line for line in errors[1:] if "kill-once.txt" in line], errors
    # everything else as the local pool reads it
    (corpus / "kill-always.txt").unlink()
    local = api.run([corpus], tmp_path / "local", jobs=1)
    assert summary.errors == local.errors + 1
    reports = lambda out: sorted(line.split(",", 2)[1] for line in  # noqa: E731
                                 (out / "reports.csv").read_text(encoding="utf-8-sig").splitlines()[1:])
    assert reports(tmp_path / "dask") == reports(tmp_path / "local")

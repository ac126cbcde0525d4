"""The run as a whole: worker isolation and limits, determinism, caching, kill -9 safety."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from extract import api
from extract.results import FileResult
from extract.synth import random_spec, render
from extract.workers import Limits, Task, run_tasks
from extract.writers import JOURNAL, recover

from conftest import CORPUS, REAL, ROOT, THOROUGH, need_shared

TABLES = ["reports", "facts", "checks", "sections", "errors", "panel"]


def make_corpus(folder: Path, n: int, seed0: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        fmt = ("txt", "md")[i % 2]
        render(random_spec(seed0 + i), fmt, folder / f"r{seed0 + i:04d}.{fmt}")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.txt").write_bytes(os.urandom(2048))
    return folder


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file's bytes; the DuckDB file (not byte-stable by design) as its tables' rows."""
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())
             if p.is_file() and not p.name.startswith(".") and p.suffix != ".duckdb"}
    import duckdb

    con = duckdb.connect(str(out / "reports.duckdb"), read_only=True)
    for t in TABLES + ["problems", "agency_years", "request_outcomes"]:
        files[f"duckdb:{t}"] = repr(con.execute(f'select * from "{t}"').fetchall()).encode()
    con.close()
    return files


# ---------------------------------------------------------------- worker limits (the mechanism itself)

def _sleepy(path: str, source: str) -> FileResult:
    if "hang" in path:
        time.sleep(60)
    if "hog" in path:
        hog = bytearray(600 * 2**20)  # resident: the watchdog sees it
        hog[::4096] = b"x" * len(hog[::4096])
        time.sleep(60)
    if "crash" in path:
        import faulthandler

        faulthandler.disable()  # a real C-level crash, without pytest's traceback dump
        os.kill(os.getpid(), signal.SIGSEGV)
    return FileResult(source)


def test_limits_and_crashes_become_error_rows_and_the_rest_goes_on():
    tasks = [Task(i, name, name) for i, name in enumerate(["a", "hang", "b", "crash", "c"])]
    got = dict(run_tasks(tasks, _sleepy, jobs=2, limits=Limits(seconds=2, memory_mb=300)))
    codes = {tasks[i].path: [e.code for e in r.errors] for i, r in got.items()}
    assert codes == {"a": [], "hang": ["time_limit"], "b": [], "crash": ["worker_crash"], "c": []}
    assert "--timeout" in got[1].errors[0].message


def test_a_worker_over_its_memory_limit_is_stopped():
    # a time limit far above what filling 600 MB takes on a loaded machine: the watchdog must act first
    tasks = [Task(0, "a", "a"), Task(1, "hog", "hog"), Task(2, "b", "b")]
    got = dict(run_tasks(tasks, _sleepy, jobs=2, limits=Limits(seconds=50, memory_mb=300)))
    codes = {tasks[i].path: [e.code for e in r.errors] for i, r in got.items()}
    assert codes == {"a": [], "hog": ["memory_limit"], "b": []}
    assert "--memory" in got[1].errors[0].message


def _noting(path: str, source: str) -> FileResult:
    from extract import progress

    for page in (1, 2, 3):
        progress.note(f"page {page}/3 of {source}")
    return FileResult(source)


def test_notes_sent_while_a_file_is_read_reach_the_parent_in_order():
    tasks = [Task(i, name, name) for i, name in enumerate(["a", "b"])]
    notes: list[tuple[str, str]] = []
    got = dict(run_tasks(tasks, _noting, jobs=1, limits=Limits(seconds=30, memory_mb=300),
                         on_note=lambda task, text: notes.append((task.source_path, text))))
    assert sorted(got) == [0, 1] and all(not r.errors for r in got.values())
    assert notes == [(s, f"page {n}/3 of {s}") for s in ("a", "b") for n in (1, 2, 3)]
    # without a listener the notes are dropped, and outside a worker they go nowhere
    assert sorted(dict(run_tasks(tasks, _noting, jobs=2, limits=Limits(seconds=30, memory_mb=300)))) == [0, 1]
    _noting("x", "x")


def test_a_note_shows_on_the_progress_line():
    import io

    from extract.api import Progress
    from extract.cli import Display

    log = io.StringIO()
    Display(stream=log)(Progress(done=0, total=3, note="scan.pdf: OCR page 2/40"), None)
    assert log.getvalue().startswith("0/3 files") and log.getvalue().rstrip().endswith("scan.pdf: OCR page 2/40")


# ---------------------------------------------------------------- determinism and cache

def test_one_worker_and_two_give_identical_outputs(tmp_path):
    need_shared()
    corpus = make_corpus(tmp_path / "in", 12)
    shutil.copy(REAL / "pingtan-2019.txt", corpus)
    shutil.copy(CORPUS / "pingtan-2021.txt", corpus)
    api.run([corpus], tmp_path / "one", jobs=1)
    api.run([corpus], tmp_path / "two", jobs=2)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")


def test_second_run_reads_only_new_or_changed_files(tmp_path):
    corpus = make_corpus(tmp_path / "in", 6)
    first = api.run([corpus], tmp_path / "out", jobs=2)
    assert first.read == 8 and first.cached == 0
    again = api.run([corpus], tmp_path / "out", jobs=2)
    assert again.read == 0 and again.cached == 8
    render(random_spec(999), "txt", corpus / "r0001.md")  # changed content, same name
    render(random_spec(1000), "txt", corpus / "new.txt")
    third = api.run([corpus], tmp_path / "out", jobs=2)
    assert third.read == 2 and third.cached == 7
    forced = api.run([corpus], tmp_path / "out", jobs=2, force=True)
    assert forced.read == 9
    # cached and fresh runs give the same tables
    api.run([corpus], tmp_path / "fresh", jobs=1)
    assert outputs(tmp_path / "out") == outputs(tmp_path / "fresh")


def test_a_damaged_line_of_the_cache_index_costs_only_its_file(tmp_path):
    """The index of what each path held is a JSON array a line: a line cut short or overwritten loses
    that path's entry (its file is read again), not the others'."""
    corpus = make_corpus(tmp_path / "in", 4)
    assert api.run([corpus], tmp_path / "out", jobs=1).read == 6
    [index] = (tmp_path / "out" / ".cache" / "results").glob("*/stats.jsonl")
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 6 and all(line.startswith('["') for line in lines)
    lines[1] = lines[1][:40] + "\n"
    lines[3] = "\x00\xff garbage\n"
    index.write_text("".join(lines), encoding="utf-8")
    again = api.run([corpus], tmp_path / "out", jobs=1)
    assert (again.read, again.cached) == (2, 4)


def test_a_helper_that_dies_or_fails_costs_only_time(tmp_path, monkeypatch):
    """The helpers that assemble the reports' rows for writing (``assemble``): one that dies (killed,
    out of memory) or fails on a chunk leaves that chunk and its later ones to the parent; the tables
    are byte for byte those of a run without helpers."""
    from extract import assemble as asm

    corpus = make_corpus(tmp_path / "in", 10)
    api.run([corpus], tmp_path / "plain", jobs=1, cache_dir=tmp_path / "cache")
    parent, original, by_parent = os.getpid(), asm.assemble, []

    def flaky(items, cache):
        if os.getpid() != parent:
            if any(it.index == 3 for it in items):
                os._exit(1)  # the helper dies
            if any(it.index == 8 for it in items):
                raise ValueError("a helper's bug")
        else:
            by_parent.append(items[0].index)
        return original(items, cache)

    monkeypatch.setattr(asm, "assemble", flaky)
    monkeypatch.setattr(asm, "CHUNK", 2)
    monkeypatch.setattr(asm, "MIN_ITEMS", 0)
    summary = api.run([corpus], tmp_path / "helped", jobs=2, cache_dir=tmp_path / "cache")
    assert summary.cached == 12 and summary.assemble_cpu_s > 0
    # chunks of 2 go to the 2 helpers in turn: the second dies on its first; the first fails on 8-9
    assert by_parent == [2, 6, 8, 10]
    for name in TABLES:
        for ext in ("csv", "parquet"):
            got = (tmp_path / "helped" / f"{name}.{ext}").read_bytes()
            assert got == (tmp_path / "plain" / f"{name}.{ext}").read_bytes(), f"{name}.{ext}"


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_helpers_killed_from_outside_cost_only_time(tmp_path, monkeypatch, start):
    """Helpers forked from the parent or from a fork server (a cluster run's driver): one killed while
    the run writes (SIGKILL, as the kernel's out-of-memory killer does) leaves its chunks to the parent,
    and the tables are byte for byte those of a run without helpers."""
    import signal

    from extract import assemble as asm
    from extract.executors import LocalExecutor

    corpus = make_corpus(tmp_path / "in", 10)
    api.run([corpus], tmp_path / "plain", jobs=1, cache_dir=tmp_path / "cache")
    run, seen = asm.Helpers.run, []

    def killing(self, count, make, cache):
        assert type(self.procs[0]._popen).__module__ == f"multiprocessing.popen_{start}"
        for k, done in enumerate(run(self, count, make, cache)):
            if k == 1:
                os.kill(self.procs[0].pid, signal.SIGKILL)
            seen.append(k)
            yield done

    monkeypatch.setattr(asm.Helpers, "run", killing)
    monkeypatch.setattr(asm, "CHUNK", 2)
    monkeypatch.setattr(asm, "MIN_ITEMS", 0)
    executor = LocalExecutor(jobs=2)
    if start == "forkserver":  # as a cluster executor says (its client's threads live on in the parent)
        executor.leaves_threads = True
    summary = api.run([corpus], tmp_path / "helped", executor=executor, cache_dir=tmp_path / "cache")
    assert summary.cached == 12 and summary.assemble_cpu_s > 0 and seen == list(range(6))
    for name in TABLES:
        for ext in ("csv", "parquet"):
            got = (tmp_path / "helped" / f"{name}.{ext}").read_bytes()
            assert got == (tmp_path / "plain" / f"{name}.{ext}").read_bytes(), f"{name}.{ext}"


def test_same_bytes_twice_are_read_once(tmp_path):
    corpus = make_corpus(tmp_path / "in", 2)
    shutil.copy(corpus / "r0000.txt", corpus / "copy.txt")
    summary = api.run([corpus], tmp_path / "out", jobs=1)
    errors = pd.read_csv(tmp_path / "out" / "errors.csv", encoding="utf-8-sig")
    dup = errors[errors.code == "duplicate_file"]
    assert list(dup.source_path) == ["r0000.txt"] or list(dup.source_path) == ["copy.txt"]
    reports = pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")
    assert reports.report_id.is_unique and summary.files == 5


def test_outputs_folder_inside_the_input_is_not_read(tmp_path):
    corpus = make_corpus(tmp_path / "in", 2)
    api.run([corpus], corpus / "outputs", jobs=1)
    second = api.run([corpus], corpus / "outputs", jobs=1)
    assert second.files == 4


# ---------------------------------------------------------------- kill -9

def _complete(out: Path) -> dict[str, pd.DataFrame]:
    """Every table readable from both CSV and Parquet, with equal row counts."""
    frames = {}
    for t in TABLES:
        pq = pd.read_parquet(out / f"{t}.parquet")
        cs = pd.read_csv(out / f"{t}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert len(pq) == len(cs)
        frames[t] = pq
    return frames


# a kill while files are read and one near the end (the commit itself is stopped at every step by
# test_commit_signals.py); `make test-all` kills at five moments
@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0, 3.0, 4.5] if THOROUGH else [0.3, 3.0])
def test_kill_9_leaves_previous_outputs_and_the_next_run_completes(tmp_path, delay):
    corpus = make_corpus(tmp_path / "in", 40)
    out = tmp_path / "out"
    api.run([corpus], out, jobs=2)
    before = outputs(out)
    make_corpus(corpus, 120, seed0=500)  # the next run has more to do
    proc = subprocess.Popen([sys.executable, "-m", "extract", "run", str(corpus), "--out", str(out), "-j", "2",
                             "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # whatever the moment: the tables on disk are the previous set, or (a commit under way,
    # finished by the next run's recovery) the new set — never a torn file
    if (out / JOURNAL).exists():
        recover(out)
    now = outputs(out)
    frames = _complete(out)
    # one run's set: every table speaks of the same reports
    ids = set(frames["reports"].report_id)
    kept = set(frames["reports"][frames["reports"].duplicate_of.fillna("") == ""].report_id)  # one per agency-year
    assert set(frames["facts"].report_id) <= ids and set(frames["panel"].report_id) == kept
    assert now == before or len(now["facts.csv"]) > len(before["facts.csv"])
    api.run([corpus], out, jobs=2)
    api.run([corpus], tmp_path / "clean", jobs=2, force=True)
    assert outputs(out) == outputs(tmp_path / "clean")


def test_jieba_dictionary_cache_is_kept_once_per_user_not_in_every_output_folder(tmp_path):
    """Issue 13: the 13 MB dictionary cache lives in the user's cache folder; two output folders share
    it (the second run builds nothing), and an output folder holds none."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(REAL / "pingtan-2019.txt", src)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    (tmp_path / "out1" / ".cache" / "jieba").mkdir(parents=True)  # where 0.3 kept it: cleared
    (tmp_path / "out1" / ".cache" / "jieba" / "jieba-dict-0.bin").write_bytes(b"old")

    def run(out: str) -> None:
        subprocess.run([sys.executable, "-m", "extract", "run", str(src), "--out", str(tmp_path / out), "-j", "1",
                        "--quiet"], env=env, check=True, cwd=ROOT)

    run("out1")
    shared = sorted((tmp_path / "xdg" / "zfxxgk-extract" / "jieba").iterdir())
    assert [p.name.split("-")[1] for p in shared] == ["dict", "idf"]
    assert all(p.stat().st_size > 1_000_000 for p in shared)
    stamps = [p.stat().st_mtime_ns for p in shared]
    run("out2")
    assert [p.stat().st_mtime_ns for p in shared] == stamps  # read, not built again
    for out in ("out1", "out2"):
        assert not (tmp_path / out / ".cache" / "jieba").exists()
        sections = pd.read_csv(tmp_path / out / "sections.csv", encoding="utf-8-sig")
        assert sections.keywords.str.contains("公开").any()  # jieba's keywords came from the shared cache
    # a user cache folder that cannot be written: the output folder keeps it, and the run works
    (tmp_path / "blocked").write_text("a file where the cache folder would go")
    env["XDG_CACHE_HOME"] = str(tmp_path / "blocked")
    run("out3")
    fallback = sorted((tmp_path / "out3" / ".cache" / "jieba").iterdir())
    assert [p.name.split("-")[1] for p in fallback] == ["dict", "idf"]
    stamps = [p.stat().st_mtime_ns for p in fallback]
    run("out3")  # kept from run to run, not built again
    assert [p.stat().st_mtime_ns for p in fallback] == stamps

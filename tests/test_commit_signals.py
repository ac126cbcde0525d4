"""A signal or a crash at each step of the commit (``journal.STEP_HOOK``): afterwards — once the next run
or ``load()`` has recovered — the output folder holds one whole set, the previous or the new one, never
a mix (each table has the same rows in CSV and in Parquet), and the run said truthfully which.

The previous set is a run over four reports, the new one over three of them: every file comes from the
cache, so each case costs a fraction of a second."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from extract import api, cli, load
from extract.writers import JOURNAL, journal
from extract.writers.names import TABLE_FILES

from conftest import ROOT
from hostile import output_set, text_reports

FILES = TABLE_FILES + ("reports.duckdb", "reports.sqlite", "panel.dta", "datapackage.json")
MOVES = [f"move {name}" for name in FILES]
STEPS = ["staged", "before-journal", "journal"] + MOVES + ["moved"]
# whole runs are stopped at these (every move is the same code; each is tested at the journal's level)
RUN_STEPS = ["staged", "before-journal", "journal", "move reports.csv", "move reports.parquet",
             "move datapackage.json", "moved"]
BEFORE_JOURNAL = {"staged", "before-journal"}  # a crash here leaves the previous set; later, the new one


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    base = tmp_path_factory.mktemp("commit")
    files = text_reports(base / "in", 4)
    old, new = base / "old", base / "new"
    api.run(files, old, jobs=1)
    api.run(files[:3], new, jobs=1)
    return files, old, output_set(old), output_set(new)


@pytest.fixture
def hook():
    # Python's own Ctrl-C handler, whatever a test before this one in the same process left behind
    # (a process that ignores SIGINT, as background jobs do, is rightly not stopped by it)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield journal
    journal.STEP_HOOK = None
    signal.signal(signal.SIGINT, previous)


def _prepared(sets, tmp_path) -> Path:
    """A copy of the previous set's folder, cache included: the next run reads nothing."""
    out = tmp_path / "out"
    shutil.copytree(sets[1], out, symlinks=True)
    return out


def _whole(out: Path, sets) -> str:
    """Which set the folder holds once recovered ('old' or 'new'); fails on a mixed or torn set."""
    _, _, old, new = sets
    now = output_set(out)
    assert now in (old, new), f"a mixed set: {sorted(k for k in now if now[k] != old.get(k) and now[k] != new.get(k))}"
    assert not (out / JOURNAL).exists() and not list(out.glob(".staging-*"))
    return "old" if now == old else "new"


def test_the_steps_are_the_ones_named_here(sets, tmp_path, hook):
    seen = []
    hook.STEP_HOOK = seen.append
    api.run(sets[0][:3], _prepared(sets, tmp_path), jobs=1)
    assert seen == STEPS


@pytest.mark.parametrize("signum,step", [(signal.SIGINT, step) for step in RUN_STEPS] + [
    (signal.SIGTERM, step) for step in ("staged", "journal", "move reports.parquet", "moved")])
def test_a_signal_at_each_step_leaves_one_whole_set_and_says_which(sets, tmp_path, hook, capsys, step, signum):
    out = _prepared(sets, tmp_path)
    hook.STEP_HOOK = lambda name: os.kill(os.getpid(), signum) if name == step else None
    rc = cli.main(["run", *map(str, sets[0][:3]), "--out", str(out), "-j", "1", "--quiet"])
    hook.STEP_HOOK = None
    err = capsys.readouterr().err
    assert rc == 128 + signum
    load(out)
    which = _whole(out, sets)
    # held while the journal is written and the files moved: the set the signal finds is finished first
    assert which == ("old" if step == "staged" else "new")
    said = "the previous outputs are unchanged" if which == "old" else "the new outputs were complete and are in place"
    assert said in err, err
    if signum == signal.SIGTERM:
        assert "SIGTERM" in err


class Crash(BaseException):
    """The process dying at a step (what ``kill -9`` does, in-process)."""


@pytest.mark.parametrize("step", RUN_STEPS)
def test_a_crash_at_each_step_is_made_whole_by_load(sets, tmp_path, hook, step):
    out = _prepared(sets, tmp_path)

    def crash(name):
        if name == step:
            raise Crash(step)

    hook.STEP_HOOK = crash
    with pytest.raises(Crash):
        api.run(sets[0][:3], out, jobs=1)
    hook.STEP_HOOK = None
    load(out)
    assert _whole(out, sets) == ("old" if step in BEFORE_JOURNAL else "new")


@pytest.mark.parametrize("step", ["before-journal", "move reports.parquet"])
def test_a_crash_is_made_whole_by_the_next_run(sets, tmp_path, hook, step):
    out = _prepared(sets, tmp_path)

    def crash(name):
        if name == step:
            raise Crash(step)

    hook.STEP_HOOK = crash
    with pytest.raises(Crash):
        api.run(sets[0][:3], out, jobs=1)
    hook.STEP_HOOK = None
    api.run(sets[0], out, jobs=1)  # back to four reports: recovery first, then a whole run
    assert _whole(out, sets) == "old"


@pytest.mark.parametrize("at", range(len(FILES)))
def test_a_crash_before_any_move_is_completed_by_recovery(tmp_path, hook, at):
    """The journal alone, every move: staged files replace the outputs; a crash before the move of file
    ``at`` leaves files moved and files staged, and recovery moves the rest, each file checked."""
    out = tmp_path / "out"
    staging = out / f".staging-{os.getpid()}"
    staging.mkdir(parents=True)
    for name in FILES:
        (out / name).write_text(f"old {name}")
        (staging / name).write_text(f"new {name}")
    hook.STEP_HOOK = lambda name: (_ for _ in ()).throw(Crash(name)) if name == f"move {FILES[at]}" else None
    with pytest.raises(Crash):
        journal.commit(out, staging, list(FILES))
    hook.STEP_HOOK = None
    assert (out / JOURNAL).exists()
    assert [(out / n).read_text() for n in FILES] == [f"new {n}" for n in FILES[:at]] + [f"old {n}" for n in FILES[at:]]
    assert journal.recover(out) is True
    assert [(out / n).read_text() for n in FILES] == [f"new {n}" for n in FILES]
    assert not (out / JOURNAL).exists() and not staging.exists()


def test_kill_9_between_two_moves_is_made_whole_by_load(sets, tmp_path):
    """The real thing, once: the run killed by SIGKILL after moving reports.csv and before reports.parquet
    (the mixed set the issue saw)."""
    out = _prepared(sets, tmp_path)
    script = ("import os, signal, sys\n"
              "from extract.writers import journal\n"
              "journal.STEP_HOOK = lambda name: os.kill(os.getpid(), signal.SIGKILL) "
              "if name == 'move reports.parquet' else None\n"
              "from extract.cli import main\n"
              "sys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", script, "run", *map(str, sets[0][:3]), "--out", str(out), "-j", "1",
                           "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (out / JOURNAL).exists()  # reports.csv is new, reports.parquet still old: only the journal knows
    load(out)
    assert _whole(out, sets) == "new"

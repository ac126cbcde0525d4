"""``--partition year`` (issue 15): facts, checks and sections also as Hive-partitioned Parquet, read
as one table by DuckDB and pandas, replaced as part of the output set (a crash mid-commit leaves one
whole set), and gone when a later run does not ask for them."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from extract import api, cli
from extract.writers import journal, recover

from conftest import REAL

# years of the real text reports copied in (from their titles): pingtan 2018 (the format before 2019:
# sections, no table cells), 2019, 2022; the seed 2019
REPORTS = {"pingtan-2018.txt": 2018, "pingtan-2019.txt": 2019, "pingtan-2022.txt": 2022,
           "zhangzhou-erqing-2019.txt": 2019}


def _inputs(folder: Path, names) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(REAL / name, folder)
    return folder


def _years(out: Path, table: str) -> set[str]:
    return {p.name for p in (out / table).iterdir()}


def test_partitions_hold_every_row_under_its_report_year(tmp_path):
    src = _inputs(tmp_path / "in", REPORTS)
    out = tmp_path / "out"
    assert cli.main(["run", str(src), "--out", str(out), "-j", "1", "--quiet", "--partition", "year"]) == 0
    assert _years(out, "sections") == {"year=2018", "year=2019", "year=2022"}
    assert _years(out, "facts") == _years(out, "checks") == {"year=2019", "year=2022"}
    assert sorted(p.name for p in (out / "facts" / "year=2019").iterdir()) == ["part-0.parquet"]
    con = duckdb.connect()
    for table in ("facts", "checks", "sections"):
        parted = con.sql(f"select * exclude (year), year from read_parquet('{out}/{table}/*/*.parquet', "
                         "hive_partitioning = true)").df()
        whole = pd.read_parquet(out / f"{table}.parquet")
        assert len(parted) == len(whole) > 0
        # each row's year is its report's, and the rows are the single file's rows
        by_file = {sp: REPORTS[Path(sp).name] for sp in whole.source_path}
        assert (parted.source_path.map(by_file) == parted.year).all()
        key = [c for c in whole.columns if c in ("report_id", "table", "row", "column", "check_id", "section_key")]
        assert (parted.sort_values(key)[key].reset_index(drop=True)
                .equals(whole.sort_values(key)[key].reset_index(drop=True)))
    # pandas reads the folder as one table with a year column
    facts = pd.read_parquet(out / "facts")
    assert len(facts) == len(pd.read_parquet(out / "facts.parquet"))
    assert sorted(facts.year.astype(int).unique()) == [2019, 2022]
    # every cell of the seed report (198 in ../shared/truth) in the 2019 partition
    seed = pd.read_parquet(out / "facts" / "year=2019")
    truth = pd.read_csv(REAL.parent / "truth" / "zhangzhou-erqing-2019.csv")
    assert (seed.source_path == "zhangzhou-erqing-2019.txt").sum() == len(truth) == 198


def test_rows_of_a_report_without_a_year_are_only_in_the_single_files(tmp_path):
    src = _inputs(tmp_path / "in", ["pingtan-2019.txt"])
    seed = (REAL / "zhangzhou-erqing-2019.txt").read_text(encoding="utf-8")
    (src / "no-year.txt").write_text(re.sub(r"20\d\d", "XXXX", seed), encoding="utf-8")  # no year anywhere
    out = tmp_path / "out"
    api.run([src], out, jobs=1, partition="year")
    assert pd.read_csv(out / "reports.csv", encoding="utf-8-sig").set_index("source_path").year.isna()["no-year.txt"]
    assert _years(out, "facts") == {"year=2019"}  # no null partition, which pandas cannot read
    facts = pd.read_parquet(out / "facts")
    assert set(facts.source_path) == {"pingtan-2019.txt"} and (facts.year == 2019).all()
    assert set(pd.read_parquet(out / "facts.parquet").source_path) == {"pingtan-2019.txt", "no-year.txt"}


def test_a_second_run_replaces_the_partitions_and_a_run_without_the_flag_removes_them(tmp_path):
    out = tmp_path / "out"
    api.run([_inputs(tmp_path / "a", ["pingtan-2018.txt", "pingtan-2019.txt"])], out, jobs=1, partition="year")
    assert _years(out, "sections") == {"year=2018", "year=2019"}
    api.run([_inputs(tmp_path / "b", ["pingtan-2022.txt"])], out, jobs=1, partition="year")
    assert _years(out, "sections") == _years(out, "facts") == {"year=2022"}  # no partition of the previous set left beside
    api.run([tmp_path / "b"], out, jobs=1)
    assert not any((out / t).exists() for t in ("facts", "checks", "sections"))
    assert (out / "facts.parquet").exists()
    with pytest.raises(api.RunError, match="--partition takes year"):
        api.run([tmp_path / "b"], out, jobs=1, partition="agency")


@pytest.mark.parametrize("step", ["journal", "move facts", "move sections", "moved"])
def test_a_crash_during_the_commit_leaves_one_whole_set(tmp_path, step):
    out = tmp_path / "out"
    api.run([_inputs(tmp_path / "a", ["pingtan-2018.txt", "pingtan-2019.txt"])], out, jobs=1, partition="year")
    src = _inputs(tmp_path / "b", ["pingtan-2022.txt"])

    class Crash(BaseException):
        pass

    def hook(name):
        if name == step:
            raise Crash(name)

    journal.STEP_HOOK = hook
    try:
        with pytest.raises(Crash):
            api.run([src], out, jobs=1, partition="year")
    finally:
        journal.STEP_HOOK = None
    recover(out)  # what the next run or load() does first
    # the journal was written before each of these steps: the new set, whole
    assert _years(out, "facts") == {"year=2022"}
    assert set(pd.read_parquet(out / "facts").source_path) == {"pingtan-2022.txt"}
    assert set(pd.read_parquet(out / "facts.parquet").source_path) == {"pingtan-2022.txt"}


def test_a_folder_of_the_users_named_facts_is_never_moved_or_removed(tmp_path):
    out = tmp_path / "out"
    (out / "facts").mkdir(parents=True)
    (out / "facts" / "my-notes.txt").write_text("mine")
    src = _inputs(tmp_path / "in", ["pingtan-2019.txt"])
    api.run([src], out, jobs=1)  # without --partition: left alone
    assert (out / "facts" / "my-notes.txt").read_text() == "mine"
    with pytest.raises(api.RunError, match="not a folder of partitions this tool wrote"):
        api.run([src], out, jobs=1, partition="year")
    assert (out / "facts" / "my-notes.txt").read_text() == "mine"

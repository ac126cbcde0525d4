"""The formats researchers load: panel.dta for Stata, reports.sqlite with keys and links, and
reports.duckdb read by the `duckdb` command installed with the project. Expected values are the
seed report's hand-checked truth (../shared/truth/zhangzhou-erqing-2019.csv)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from extract import api

from conftest import CORPUS


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    api.run([CORPUS / "zhangzhou-erqing-2019.txt", CORPUS / "pingtan-2019.txt"], folder / "out", jobs=1)
    return folder / "out"


def test_panel_dta_reads_in_stata_form(out):
    reader = pd.io.stata.StataReader(out / "panel.dta")
    with reader:
        frame = reader.read()
        labels = reader.variable_labels()
    assert len(frame) == 2 and all(len(name) <= 32 for name in frame.columns)
    seed = frame[frame["source_path"].str.contains("zhangzhou")].iloc[0]
    # truth: 政府集中采购 1 项, 29461.00 (a name too long for Stata is shortened word by word)
    assert seed["act_pro_pro_ite"] == 1 and seed["act_pro_pro_amo"] == pytest.approx(29461.0)
    assert seed["req_new_received_natural_person"] == 0  # fits in 32 characters: kept whole
    assert "政府集中采购" in labels["act_pro_pro_amo"] and "采购总金额" in labels["act_pro_pro_amo"]
    assert seed["agency"] == "漳州市二轻集体工业联社" and seed["year"] == 2019
    assert (out / "panel.dta").read_bytes()[:1] == b"<" and b"<release>118</release>" in (out / "panel.dta").read_bytes()[:64]


def test_sqlite_has_keys_foreign_keys_and_check_links(out):
    con = sqlite3.connect(out / "reports.sqlite")
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        rid = con.execute("SELECT report_id FROM reports WHERE source_path LIKE '%zhangzhou%'").fetchone()[0]
        value, status = con.execute("SELECT value, status FROM facts WHERE fact_id = ?",
                                    (f"{rid}/active.procurement.procurement_amount",)).fetchone()
        assert float(value) == 29461.0 and status == "ok"
        # every check names the cells it compares, and each of them is a row of facts
        checks = con.execute("SELECT count(*) FROM checks").fetchone()[0]
        linked = con.execute("SELECT count(DISTINCT check_id) FROM check_cells").fetchone()[0]
        assert checks > 0 and linked > 0
        orphans = con.execute("SELECT count(*) FROM check_cells WHERE fact_id NOT IN (SELECT fact_id FROM facts) "
                              "OR check_id NOT IN (SELECT check_id FROM checks)").fetchone()[0]
        assert orphans == 0
        # a row-sum of the requests table links its seven terms and the total
        cells = [r[0] for r in con.execute("SELECT fact_id FROM check_cells WHERE check_id = ?",
                                          (f"{rid}/requests.row_sum.new_received",))]
        assert sorted(c.split("/")[1] for c in cells) == sorted(
            f"requests.new_received.{c}" for c in ("natural_person", "commercial", "research", "social_welfare",
                                                   "legal_service", "other_org", "total"))
        with pytest.raises(sqlite3.IntegrityError):
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("INSERT INTO facts (fact_id, report_id) VALUES ('x/y', 'no-such-report')")
    finally:
        con.close()


def test_duckdb_command_line_reads_the_database(out):
    duckdb = Path(sys.executable).parent / "duckdb"
    assert duckdb.exists(), "the duckdb command (duckdb-cli) is installed with the project"
    done = subprocess.run([str(duckdb), str(out / "reports.duckdb"), "-csv", "-c",
                           "SELECT agency, year FROM reports ORDER BY agency"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["agency,year", '"平潭综合实验区",2019', '"漳州市二轻集体工业联社",2019']


def test_a_number_stata_cannot_hold_goes_as_text_not_rounded(tmp_path):
    # the seed report with its 采购总金额 printed with 19 significant digits (more than a double keeps)
    text = (CORPUS / "zhangzhou-erqing-2019.txt").read_text(encoding="utf-8")
    assert text.count("29461.00") == 1
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "big.txt").write_text(text.replace("29461.00", "1234567890.123456789"), encoding="utf-8")
    api.run([tmp_path / "in"], tmp_path / "out", jobs=1)
    with pd.io.stata.StataReader(tmp_path / "out" / "panel.dta") as reader:
        frame = reader.read()
        labels = reader.variable_labels()
    assert frame["act_pro_pro_amo"].iloc[0] == "1234567890.123456789"
    assert labels["act_pro_pro_amo"].endswith("(text)")
    assert frame["act_pro_pro_ite"].iloc[0] == 1  # the other columns stay numbers

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


# ------------------------------------------------------------------ panel.dta written without pandas


def _pandas_dta(table, path: Path, stamp) -> None:
    """What panel.dta was before it was written directly: pandas' to_stata of the same columns (the reference)."""
    from decimal import Decimal

    from extract.schema import PANEL
    from extract.writers.stata import MAX_LABEL, _exact_as_double, _label, stata_names

    frame, as_text = {}, []
    for f in PANEL.fields:
        values = table.column(f.name).to_pylist()
        if f.type in ("decimal", "integer"):
            if not all(_exact_as_double(v) for v in values):
                as_text.append(f.name)
                frame[f.name] = pd.Series(["" if v is None else (format(v, "f") if isinstance(v, Decimal) else str(v))
                                           for v in values], dtype=object)
            elif f.type == "decimal":
                frame[f.name] = pd.Series([None if v is None else float(v) for v in values], dtype="float64")
            elif any(v is not None and not -2147483647 <= v <= 2147483620 for v in values):
                # past Stata's long: a double column. (pandas, given Int64, writes a missing value there as
                # 0x7fe01b…, one past .z; the direct writer writes Stata's own '.')
                frame[f.name] = pd.Series([None if v is None else float(v) for v in values], dtype="float64")
            else:
                frame[f.name] = pd.Series(values, dtype="Int64")
        else:
            frame[f.name] = pd.Series([v if v is not None else "" for v in values], dtype=object)
    df = pd.DataFrame(frame, columns=[f.name for f in PANEL.fields])
    names = stata_names()
    labels = {names[f.name]: _label(f) for f in PANEL.fields}
    for name in as_text:
        labels[names[name]] = labels[names[name]][:MAX_LABEL - 7] + " (text)"
    df.columns = [names[c] for c in df.columns]
    df.to_stata(path, version=118, write_index=False, variable_labels=labels, time_stamp=stamp,
                data_label="政府信息公开工作年度报告 panel (one row per agency-year)")


def _panel_table(rows: list[dict]):
    import pyarrow as pa

    from extract.frames import typed_row
    from extract.schema import PANEL
    from extract.writers.parquet import arrow_schema

    return pa.Table.from_pylist([typed_row(PANEL, r) for r in rows], schema=arrow_schema(PANEL))


@pytest.mark.parametrize("case", ["empty", "plain", "nulls", "wide_ints", "huge_int", "inexact_decimal",
                                  "long_text", "long_bytes", "all_missing_column", "many_rows"])
def test_panel_dta_is_byte_for_byte_what_pandas_wrote(tmp_path, case):
    import random
    from datetime import datetime
    from decimal import Decimal

    from extract.schema import PANEL
    from extract.writers.stata import dta_bytes

    rng = random.Random(case)
    cells = [f.name for f in PANEL.fields if f.type == "integer" and "." in f.name]
    decimals = [f.name for f in PANEL.fields if f.type == "decimal"]
    rows = []
    for i in range({"empty": 0, "plain": 3, "many_rows": 4500}.get(case, 12)):
        row = {"report_id": f"{i:016x}", "source_path": f"dir/报告{i}.txt", "agency": "漳州市二轻集体工业联社" * (i % 3),
               "agency_id": f"a{i}", "province": "福建省", "city": "", "county": None, "year": 2019 + i % 3,
               "template": "2021"}
        for c in cells:
            if case == "plain" or rng.random() < 0.7:
                row[c] = rng.randrange(0, 500)
        for c in decimals:
            if rng.random() < 0.8:
                row[c] = Decimal(rng.randrange(0, 10**6)) / 100
        rows.append(row)
    if case == "wide_ints" and rows:
        rows[3][cells[0]] = 3_000_000_000  # past Stata's long: the column becomes double
        rows[4][cells[1]] = -2_147_483_647  # long's lowest value
    if case == "huge_int" and rows:
        rows[2][cells[5]] = 2**60  # past what a double holds exactly: text
    if case == "inexact_decimal" and rows:
        rows[1][decimals[0]] = Decimal("1234567890.123456789")
    if case == "long_text" and rows:
        rows[5]["agency"] = "长" * 3000  # past 2,045 characters: strL
        rows[7]["agency"] = "长" * 3000  # the same text again shares its strL
        rows[8]["source_path"] = "x" * 2100
    if case == "long_bytes" and rows:
        rows[5]["agency"] = "长" * 1000  # 1,000 characters, 3,000 bytes: strL of bytes
    if case == "many_rows":  # written a batch of rows at a time: long texts shared across batches
        rows[10]["agency"] = rows[3000]["agency"] = "长" * 2100
        rows[4400]["city"] = "市" * 2100
        rows[4401][cells[3]] = 3_000_000_000
    if case == "all_missing_column":
        for r in rows:
            r.pop(cells[7], None)
            r.pop(decimals[1], None)
    table = _panel_table(rows)
    stamp = datetime(2025, 12, 1, 8, 5)
    _pandas_dta(table, tmp_path / "pandas.dta", stamp)
    assert dta_bytes(table, stamp) == (tmp_path / "pandas.dta").read_bytes()


def test_panel_dta_is_reproducible(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    for name in ("a", "b"):
        api.run([CORPUS / "zhangzhou-erqing-2019.txt", CORPUS / "pingtan-2019.txt"], tmp_path / name, jobs=1)
    assert (tmp_path / "a" / "panel.dta").read_bytes() == (tmp_path / "b" / "panel.dta").read_bytes()
    assert b"01 Dec 2025 00:00" in (tmp_path / "a" / "panel.dta").read_bytes()[:300]

"""The output package: the real Frictionless validator accepts it, and every CSV cell equals its
Parquet cell — on the whole corpus, the real reports in ../shared, and values at the edges of what
the store holds (exact decimals, counts near int64)."""
from __future__ import annotations

import csv
import shutil
from decimal import Decimal

import frictionless
import pyarrow.parquet as pq
import pytest

from extract import api, load
from extract.schema import RESOURCES

from conftest import CORPUS, DATA, REAL, need_shared

EDGES = {
    "行政许可 | 363 |  | ": "行政许可 | 9007199254740993 |  | ",  # above 2**53: floats would round it
    "行政事业性收费 | 61638.69 |  | ": "行政事业性收费 | 1234567890.123456789 |  | ",
    "行政处罚 | 60 |  | ": "行政处罚 | 9223372036854775808 |  | ",  # one past int64: not a value, never a crash
    "行政强制 | 53 |  | ": "行政强制 | 1.143 |  | ",  # a decimal in a count column
}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    need_shared()
    inputs = tmp_path_factory.mktemp("in")
    shutil.copytree(CORPUS, inputs / "corpus")
    shutil.copytree(REAL, inputs / "real")
    text = (DATA / "text" / "seed-style-2021.txt").read_text(encoding="utf-8")
    for old, new in EDGES.items():
        text = text.replace(old, new)
    (inputs / "edges.txt").write_text(text, encoding="utf-8")
    folder = tmp_path_factory.mktemp("out")
    api.run([inputs], folder, jobs=2)
    return folder


def test_frictionless_accepts_the_package(out):
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def _csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _same(kind: str, text: str, value) -> bool:
    if value is None:
        return text == ""
    if kind in ("integer", "decimal"):
        return text != "" and Decimal(text) == Decimal(value)
    if kind == "number":
        return text != "" and float(text) == float(value)
    if kind == "boolean":
        return text == ("true" if value else "false")
    # text that Excel could take for a formula carries a leading apostrophe in CSV only
    return text == str(value) or (text == "'" + str(value) and str(value)[:1] in ("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_csv_and_parquet_agree_cell_by_cell(out, resource):
    rows = _csv_rows(out / f"{resource.name}.csv")
    table = pq.read_table(out / f"{resource.name}.parquet").to_pylist()
    assert rows[0] == resource.names and len(rows) - 1 == len(table)
    kinds = {f.name: f.type for f in resource.fields}
    wrong = [(i, name, text, rec[name]) for i, (row, rec) in enumerate(zip(rows[1:], table))
             for name, text in zip(rows[0], row) if not _same(kinds[name], text, rec[name])]
    assert wrong == []


def test_edge_values_exact_in_csv_parquet_and_load(out):
    facts = [r for r in csv.DictReader(open(out / "facts.csv", encoding="utf-8-sig")) if r["source_path"] == "edges.txt"]
    by = {(r["row"], r["column"]): r for r in facts}
    assert by[("licensing", "decisions")]["value"] == "9007199254740993"
    assert by[("fees", "fee_amount")]["value"] == "1234567890.123456789"
    assert (by[("penalty", "decisions")]["value"], by[("penalty", "decisions")]["status"]) == ("", "invalid")
    assert (by[("coercion", "decisions")]["value"], by[("coercion", "decisions")]["status"]) == ("", "invalid")
    f = load(out).facts
    edge = f[f.source_path == "edges.txt"].set_index(["row", "column"])["value"]
    assert edge[("licensing", "decisions")] == Decimal("9007199254740993")
    assert edge[("fees", "fee_amount")] == Decimal("1234567890.123456789")
    panel = load(out).panel.set_index("source_path")
    assert panel.loc["edges.txt", "active.licensing.decisions"] == 9007199254740993
    assert panel.loc["edges.txt", "active.fees.fee_amount"] == Decimal("1234567890.123456789")


def test_integers_are_written_as_integers(out):
    rows = _csv_rows(out / "panel.csv")
    col = rows[0].index("requests.new_received.total")
    assert all("." not in r[col] for r in rows[1:])

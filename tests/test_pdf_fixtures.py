"""Our own PDF fixtures (tests/data/pdf, built by scripts/make_pdf_fixtures.py with LibreOffice)
give the facts of the values they were rendered from, across page breaks, cut rows and repeated
headers."""
from __future__ import annotations

import json

import pytest

from extract.document import Paragraph, Table
from extract.pipeline import process_bytes
from extract.readers import read
from extract.synth import ReportSpec
from extract.synth.render import to_txt
from extract.templates import CellKey
from conftest import DATA, printed

PDF_DIR = DATA / "pdf"
FIXTURES = sorted(p.stem for p in PDF_DIR.glob("synth-*.json"))
_cache: dict = {}


def source(name: str) -> dict:
    return json.loads((PDF_DIR / f"{name}.json").read_text(encoding="utf-8"))


def run(name: str):
    if name not in _cache:
        _cache[name] = process_bytes((PDF_DIR / f"{name}.pdf").read_bytes(), f"{name}.pdf")
    return _cache[name]


def spec_of(src: dict) -> ReportSpec:
    cells = {CellKey(*k.split("/")): v for k, v in src["cells"].items()}
    return ReportSpec(agency=src["agency"], year=src["year"], template=src["template"], cells=cells,
                      published=src["published"], doc_number=src["doc_number"])


def test_fixtures_present():
    assert FIXTURES == ["synth-2019-cut-row", "synth-2021-break", "synth-2021-repeated-header"]


@pytest.mark.parametrize("name", FIXTURES)
def test_every_cell_as_rendered(name):
    src, result = source(name), run(name)
    assert result.errors == []
    facts = {(f.table, f.row, f.column): f for f in result.facts}
    wrong = []
    for key, raw in src["cells"].items():
        fact = facts[tuple(key.split("/"))]
        want_value, want_status = printed(raw)
        if (fact.raw, fact.status, fact.value) != (raw, want_status, want_value):
            wrong.append((key, raw, fact.raw, fact.status))
    assert wrong == []
    assert result.report.status == "ok"
    assert result.report.cells_found == result.report.cells_expected == len(src["cells"])


@pytest.mark.parametrize("name", FIXTURES)
def test_metadata_as_rendered(name):
    src, rep = source(name), run(name).report
    assert (rep.agency, rep.year, rep.template, rep.title, rep.published, rep.doc_number) == (
        src["agency"], src["year"], src["template"], src["title"], src["published"], src["doc_number"])


@pytest.mark.parametrize("name", FIXTURES)
def test_same_facts_as_the_text_rendering_of_the_source(name):
    spec = spec_of(source(name))
    as_text = process_bytes(to_txt(spec).encode("utf-8"), f"{name}.txt")
    key = lambda r: {(f.table, f.row, f.column, f.value, f.status, f.in_template) for f in r.facts}  # noqa: E731
    assert key(run(name)) == key(as_text)
    assert {(c.check, c.status) for c in run(name).checks} == {(c.check, c.status) for c in as_text.checks}


@pytest.mark.parametrize("name", FIXTURES)
def test_table_three_runs_over_two_pages(name):
    facts = {(f.table, f.row, f.column): f for f in run(name).facts}
    first = facts[("requests", "new_received", "total")].page
    last = facts[("requests", "carried_forward", "total")].page
    assert isinstance(first, int) and last == first + 1
    assert all(f.page in (first, last) for f in run(name).facts if f.table == "requests")


def _doc(name: str):
    return read((PDF_DIR / f"{name}.pdf").read_bytes(), f"{name}.pdf")


def _cells(doc) -> list[str]:
    return [c.text for b in doc.blocks if isinstance(b, Table) for c in b.cells]


def test_row_cut_by_the_page_break_is_one_row():
    doc = _doc("synth-2019-cut-row")
    texts = _cells(doc)
    assert "3.危及“三安全一稳定”" in texts
    assert not [t for t in texts if t in ("定”", "及“三安全一稳")]
    # the page number and the running header between the two parts are gone
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "政府信息公开工作年度报告" not in paras
    assert not [t for t in paras if t.strip("-— 0123456789") == ""]


def test_repeated_header_is_dropped():
    doc = _doc("synth-2021-repeated-header")
    texts = _cells(doc)
    assert texts.count("申请人情况") == 1 and texts.count("法人或其他组织") == 1
    # its table also has a row cut by the break
    assert "5.要求行政机关确认或重新出具已获取信息" in texts


@pytest.mark.parametrize("name", FIXTURES)
def test_three_tables_with_spans(name):
    tables = [b for b in _doc(name).blocks if isinstance(b, Table)]
    assert len(tables) == 3
    requests = [t for t in tables if any(c.text == "三、本年度办理结果" for c in t.cells)][0]
    group = [c for c in requests.cells if c.text == "三、本年度办理结果"][0]
    assert group.rowspan == (20 if source(name)["template"] == "2019" else 22)
    assert all(c.bbox is not None and c.page is not None for c in requests.cells)

"""Published PDF reports (WPS exports, read from ../shared) against hand-checked truth."""
from __future__ import annotations

import pytest

from extract.document import Paragraph, Table
from extract.pipeline import process_bytes
from extract.readers import read

from conftest import REAL, compare, need_shared, truth_meta

PDFS = ["huaian-shi-2024.pdf", "huaian-hongzequ-2023.pdf", "huaian-hongzequ-2024.pdf"]
_cache: dict = {}


def _run(name: str):
    need_shared()
    if name not in _cache:
        _cache[name] = process_bytes((REAL / name).read_bytes(), name)
    return _cache[name]


def _doc(name: str):
    need_shared()
    return read((REAL / name).read_bytes(), name)


@pytest.mark.parametrize("name", PDFS)
def test_every_cell_right(name):
    result = _run(name)
    assert result.errors == []
    right, total, wrong, silent = compare(result, name.rsplit(".", 1)[0])
    assert wrong == [] and right == total


@pytest.mark.parametrize("name", PDFS)
def test_metadata(name):
    rep = _run(name).report
    meta = truth_meta(name.rsplit(".", 1)[0])
    assert rep.format == "pdf"
    assert rep.agency in meta["agency"].split("|")
    assert (str(rep.year), rep.template, rep.title) == (meta["year"], meta["template"], meta["title"])
    # the reports print no date and the PDF's own dates are not publication dates
    assert rep.published == meta["published"] == ""
    assert rep.doc_number == meta["doc_number"]


@pytest.mark.parametrize("name", PDFS)
def test_every_value_has_its_page(name):
    facts = [f for f in _run(name).facts if f.status != "missing"]
    assert facts and all(isinstance(f.page, int) and f.page >= 1 for f in facts)


def test_pages_follow_the_page_breaks():
    # huaian-shi-2024: table 二 runs from page 3 to 4, table 三 from page 4 to 5 (the PDF as printed)
    facts = {(f.table, f.row, f.column): f.page for f in _run("huaian-shi-2024.pdf").facts}
    assert facts[("active", "rules", "issued")] == 3
    assert facts[("active", "penalty", "decisions")] == 4
    assert facts[("requests", "unavailable_not_held", "total")] == 4
    assert facts[("requests", "unavailable_needs_creation", "total")] == 5
    assert facts[("requests", "carried_forward", "natural_person")] == 5
    assert facts[("appeals", "review", "upheld")] == 5


def test_other_format_row_kept_apart():
    # hongzequ prints the 2019 single row （六）其他处理 in a 2021 table
    for name in PDFS[1:]:
        facts = {(f.table, f.row, f.column): f for f in _run(name).facts}
        other = facts[("requests", "other_handling", "total")]
        assert other.in_template is False and other.status == "ok" and other.value == 0
        assert facts[("requests", "other_misc", "total")].status == "missing"
        report = _run(name).report
        assert report.status == "partial"
        # truth: the three 2021 sub-items × 7 columns are absent; a partial report says so
        assert report.note.startswith("21 of 200 cells missing (requests: 21)")


def test_totals_that_do_not_add_up_are_kept_and_flagged():
    result = _run("huaian-hongzequ-2023.pdf")
    checks = {c.check: c for c in result.checks}
    assert checks["appeals.row_sum.review"].status == "fail"
    assert (checks["appeals.row_sum.review"].lhs, checks["appeals.row_sum.review"].rhs) == (0, 11)
    facts = {(f.table, f.row, f.column): f for f in result.facts}
    assert facts[("appeals", "review", "total")].value == 0  # as printed


def _tables_with(doc, words: str) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table) and any(words in c.text for c in b.cells)]


@pytest.mark.parametrize("name", PDFS)
def test_table_three_is_one_table_across_the_break(name):
    doc = _doc(name)
    first = _tables_with(doc, "本年新收政府信息公开申请数量")
    last = _tables_with(doc, "结转下年度继续办理")
    assert len(first) == 1 and first == last
    table = first[0]
    pages = {c.page for c in table.cells}
    assert len(pages) == 2
    # the group label printed one character per line is one merged cell, whole
    group = [c for c in table.cells if c.text == "三、本年度办理结果"]
    assert len(group) == 1 and group[0].rowspan >= 20 and group[0].colspan == 1


def test_group_label_cut_by_the_page_break_is_rejoined():
    table = _tables_with(_doc("huaian-shi-2024.pdf"), "本年新收政府信息公开申请数量")[0]
    cell = [c for c in table.cells if c.text == "（四）无法提供"]
    assert len(cell) == 1 and cell[0].rowspan == 3
    # header cells wrapped inside their cell read as one word
    assert {"商业企业", "科研机构", "社会公益组织", "法律服务机构"} <= {c.text for c in table.cells}


def test_page_frames_are_not_tables_and_page_numbers_are_gone():
    for name in PDFS:
        doc = _doc(name)
        tables = [b for b in doc.blocks if isinstance(b, Table)]
        assert len(tables) == 3, name  # 二, 三, 四: no one-column frames around the prose
        texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
        assert not [t for t in texts if t.strip("-— 0123456789") == ""], name
        assert any(t.startswith("一、总体情况") for t in texts)

"""The text forms of real reports against hand-checked truth (issue: the spine)."""
from __future__ import annotations

import pytest

from extract.pipeline import process_bytes

from conftest import REAL, compare, need_shared, truth_meta

TEXT_REPORTS = ["zhangzhou-erqing-2019.txt", "pingtan-2019.txt", "pingtan-2022.txt", "shuyang-xian-2025.md"]


def _run(name: str):
    need_shared()
    return process_bytes((REAL / name).read_bytes(), name)


def test_seed_report_every_cell_right():
    result = _run("zhangzhou-erqing-2019.txt")
    right, total, wrong, _ = compare(result, "zhangzhou-erqing-2019")
    assert wrong == [] and right == total == 198


@pytest.mark.parametrize("name", TEXT_REPORTS[1:])
def test_text_reports_at_least_99_percent(name):
    result = _run(name)
    right, total, wrong, silent = compare(result, name.rsplit(".", 1)[0])
    assert right / total >= 0.99, wrong
    assert silent == [], "a wrong value marked ok"


@pytest.mark.parametrize("name", TEXT_REPORTS)
def test_metadata(name):
    result = _run(name)
    meta = truth_meta(name.rsplit(".", 1)[0])
    rep = result.report
    assert rep.agency in meta["agency"].split("|")
    assert str(rep.year) == meta["year"]
    assert rep.template == meta["template"]
    if meta["published"]:
        assert rep.published == meta["published"]
    if meta["doc_number"]:
        assert rep.doc_number == meta["doc_number"]


@pytest.mark.parametrize("name", TEXT_REPORTS)
def test_every_template_cell_once(name):
    result = _run(name)
    keys = [(f.table, f.row, f.column) for f in result.facts if f.in_template]
    assert len(keys) == len(set(keys)) == result.report.cells_expected


def test_flattened_values_say_how_they_were_read():
    result = _run("pingtan-2019.txt")
    facts = {(f.table, f.row, f.column): f for f in result.facts}
    # "230 000023": one reading satisfies the row total
    new = facts[("requests", "new_received", "natural_person")]
    assert (new.value, new.status) == (23, "inferred")
    # "898989" has several readings and no identity: best guess, alternatives kept
    docs = facts[("active", "normative_docs", "new_made")]
    assert docs.value == 89 and docs.status == "ambiguous" and docs.alternatives
    assert not [f for f in result.facts if f.status == "ok" and f.note.startswith("read from")]


def test_report_before_the_2019_format_is_never_ok():
    # pingtan 2018 reports in the pre-2019 way: prose, no national tables, so no cell is read
    result = _run("pingtan-2018.txt")
    assert result.errors == [] and result.report.template == "pre2019"
    assert result.report.status == "partial" and result.report.cells_found == 0
    assert "before the 2019 national format" in result.report.note

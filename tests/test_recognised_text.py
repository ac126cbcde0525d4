"""Text that a recogniser (OCR) made — by tesseract, or any OCR'd Markdown — reads with the same rule
as an image: a value is ``ok`` only with confidence and every identity it takes part in holding.
Labels are found through the confusions recognisers make (了以大开 for 予以公开)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from extract.pipeline import process_bytes

from conftest import DATA, SHARED, need_shared, truth_expected

BASE = (DATA / "text" / "seed-style-2021.txt").read_text(encoding="utf-8")
OCR_FORMS = ["tesseract-txt", "tesseract-txt-psm4"]
STEMS = ["huaian-shi-2024", "huaian-hongzequ-2023", "huaian-hongzequ-2024"]


@pytest.mark.parametrize("form", OCR_FORMS)
@pytest.mark.parametrize("stem", STEMS)
def test_tesseract_text_has_no_wrong_ok_value(form, stem):
    need_shared()
    path = SHARED / "corpus-converted" / form / f"{stem}.txt"
    res = process_bytes(path.read_bytes(), path.name)
    want = truth_expected(stem)
    silent = [(f.table, f.row, f.column, f.value, want[(f.table, f.row, f.column)][0]) for f in res.facts
              if f.status == "ok" and (f.table, f.row, f.column) in want
              and want[(f.table, f.row, f.column)][1] in ("ok", "blank", "dash")
              and f.value != want[(f.table, f.row, f.column)][0]]
    assert silent == []


def test_psm4_text_of_the_city_report_still_gives_what_the_identities_confirm():
    need_shared()
    path = SHARED / "corpus-converted" / "tesseract-txt-psm4" / "huaian-shi-2024.txt"
    res = process_bytes(path.read_bytes(), path.name)
    facts = {(f.table, f.row, f.column): f for f in res.facts}
    # “(了以大开 1288 21 0 0 50 3 1362”: the label read through the confusions, the values kept
    granted = facts[("requests", "granted", "natural_person")]
    assert granted.value == 1288 and granted.status in ("inferred", "ambiguous")
    assert "looks recognised" in res.report.note


def test_labels_with_recognition_confusions_mark_the_text_as_recognised():
    text = BASE.replace("（一）予以公开", "（一）了以大开").replace("（五）不予处理", "（五）不子处理").replace(
        "2.其他法律行政法规禁止公开", "2.其他法律行政法规茜止公开")
    res = process_bytes(text.encode("utf-8"), "ocr.txt")
    facts = {(f.table, f.row, f.column): f for f in res.facts}
    assert facts[("requests", "granted", "natural_person")].value == Decimal(5)
    assert facts[("requests", "withheld_law_prohibited", "natural_person")].value == Decimal(6)
    assert not [f for f in res.facts if f.status == "ok"]  # recognised text: nothing is ok on its own word
    # every identity of 三 holds in this report: its values are confirmed, not guessed
    assert facts[("requests", "granted", "natural_person")].status == "inferred"
    # 二 has no identity: nothing can confirm it
    assert facts[("active", "rules", "issued")].status == "ambiguous"
    assert "looks recognised" in res.report.note


def test_a_typed_report_is_not_taken_for_a_recognised_one():
    res = process_bytes(BASE.encode("utf-8"), "typed.txt")
    assert {f.status for f in res.facts} == {"ok", "blank"} or {f.status for f in res.facts} == {"ok"}
    assert "recognised" not in res.report.note


def _recognised(doc, replace: dict[str, tuple[str, float, tuple[str, ...]]], row_label: str):
    """The document with some cells of one row made as a recogniser gives them: text, confidence, alternatives."""
    from dataclasses import replace as dc_replace

    from extract.document import Table

    for block in doc.blocks:
        if not isinstance(block, Table):
            continue
        rows = {c.row for c in block.cells if c.text == row_label}
        left = dict(replace)  # each printed text replaced once: the first cell that prints it
        for i, c in enumerate(block.cells):
            if c.row in rows:
                text, conf, alts = left.pop(c.text, (c.text, 0.99, ()))
                block.cells[i] = dc_replace(c, text=text, confidence=conf, alternatives=alts)
    return doc


def test_a_recognised_digit_that_breaks_the_row_total_gives_way_to_the_runner_up():
    from extract.pipeline import analyse
    from extract.readers import read
    from extract.templates import reader_hints

    doc = read(BASE.encode("utf-8"), "scan.txt", reader_hints())
    # （一）予以公开 prints 5 | 0 | 0 | 0 | 0 | 0 | 5; the recogniser reads the first 5 as 8 (0.99), 5 its runner-up
    doc = _recognised(doc, {"5": ("8", 0.99, ("5",))}, "（一）予以公开")
    res = analyse(doc, "r", "scan.txt", 1)
    facts = {(f.table, f.row, f.column): f for f in res.facts}
    f = facts[("requests", "granted", "natural_person")]
    assert (f.value, f.status, f.source) == (5, "inferred", "ocr")
    total = facts[("requests", "granted", "total")]
    assert total.source == "ocr" and total.value == 5


def test_a_confident_recognised_value_that_breaks_an_identity_is_not_ok():
    from extract.pipeline import analyse
    from extract.readers import read
    from extract.templates import reader_hints

    doc = read(BASE.encode("utf-8"), "scan.txt", reader_hints())
    doc = _recognised(doc, {"5": ("8", 0.999, ())}, "（一）予以公开")  # no other reading to try
    res = analyse(doc, "r", "scan.txt", 1)
    f = {(x.table, x.row, x.column): x for x in res.facts}[("requests", "granted", "natural_person")]
    assert f.value == 8 and f.status == "ambiguous"

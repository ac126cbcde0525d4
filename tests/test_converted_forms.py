"""Reports as converters made them (../shared/corpus-converted) read against the hand-checked truth.

Every form other than the scans and the recognised (OCR) text: pdftotext -layout and -raw, pypdf,
pymupdf4llm Markdown (both modes), pandoc Markdown and plain text, html2text, a browser's PDF and
LibreOffice's docx of a web page. Each file must give every truth cell its value, none ``ok`` with
another value, and the report's agency, year and format; each reader must say which form it
recognised. pandoc's plain text prints table 三 (merged cells) as ``[TABLE]``: those cells are lost
and must come out ``missing``, never guessed.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.pipeline import process_bytes
from conftest import SHARED, compare, need_shared, truth_expected, truth_meta

CONVERTED = SHARED / "corpus-converted"
NOT_HERE = {"scan", "tesseract-txt", "tesseract-txt-psm4"}  # OCR: tests/test_ocr.py, tests/test_recognised_text.py
LOST = {"pandoc-plain": {"requests"}}  # tables the converter did not print
LAYOUT = {  # the form each reader must recognise
    "pdftotext-layout": "text/space-aligned",
    "pdftotext-raw": "text/plain",
    "pypdf-text": "text/plain",
    "pandoc-plain": "text/grid",
    "pymupdf4llm-md": "md/pipe",
    "pymupdf4llm-md-legacy": "md/pipe",
    "html2text-md": "md/pipe",
    "pandoc-md": "md/pipe+html-table",
    "chromium-pdf": "pdf/",
    "lo-docx": "docx",
}


def _files():
    if not CONVERTED.is_dir():
        return [pytest.param(None, None, marks=pytest.mark.xfail(reason="../shared/corpus-converted missing",
                                                                   strict=True))]
    return [pytest.param(d.name, f, id=f"{d.name}/{f.name}") for d in sorted(CONVERTED.iterdir())
            if d.is_dir() and d.name not in NOT_HERE for f in sorted(d.iterdir())]


@pytest.fixture(scope="module")
def read():
    cache = {}

    def get(path: Path):
        if path not in cache:
            cache[path] = process_bytes(path.read_bytes(), path.name)
        return cache[path]

    return get


@pytest.mark.parametrize("form,path", _files())
def test_converted_form_reads_its_truth(form, path, read):
    need_shared()
    stem = path.name.rsplit(".", 1)[0]
    res = read(path)
    assert res.errors == [], res.errors
    lost = LOST.get(form, set())
    right, total, wrong, silent = compare(res, stem)
    assert silent == [], f"{form}/{path.name}: wrong values marked ok: {silent[:5]}"
    facts = {(f.table, f.row, f.column): f for f in res.facts}
    still_wrong = [w for w in wrong if w.split(".", 1)[0] not in lost]
    assert still_wrong == [], f"{form}/{path.name}: {len(still_wrong)} cells wrong: {still_wrong[:8]}"
    for key in truth_expected(stem):
        if key[0] in lost:
            assert facts[key].status == "missing", (key, facts[key].status, facts[key].raw)


@pytest.mark.parametrize("form,path", _files())
def test_converted_form_metadata_and_layout(form, path, read):
    need_shared()
    stem = path.name.rsplit(".", 1)[0]
    rep = read(path).report
    want = truth_meta(stem)
    assert rep.agency in want["agency"].split("|")
    assert str(rep.year) == want["year"]
    assert rep.template == want["template"]
    assert rep.layout.startswith(LAYOUT[form]), rep.layout

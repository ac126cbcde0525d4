"""PDFs that cannot be read give a clear error and no numbers: fonts without a
Unicode map, a password, a damaged file. Also: pdfminer (the second text source) lines up with
PDFium, so a page read by it gives the same facts."""
from __future__ import annotations


import pypdfium2 as pdfium
import pytest

from extract.pipeline import process_bytes
from extract.readers.pdf import scan, textlayer

from conftest import DATA

PDF_DIR = DATA / "pdf"
GOOD = PDF_DIR / "synth-2021-break.pdf"


def without_unicode_maps(data: bytes) -> bytes:
    """The same file with every font's ToUnicode map unnamed (same length: offsets stay valid)."""
    assert data.count(b"/ToUnicode") >= 1
    return data.replace(b"/ToUnicode", b"/ToUnicodX")


def only_error(data: bytes, name: str):
    result = process_bytes(data, name)
    assert result.facts == [] and result.report is None
    assert len(result.errors) == 1
    return result.errors[0]


def test_pages_without_text_layer_are_not_an_error_but_read_by_ocr():
    # (tests/test_ocr.py reads such PDFs; here: the text layer check only names the picture pages)
    pdf = pdfium.PdfDocument(GOOD.read_bytes())
    scans = [scan.scan_page(pdf, i) for i in range(len(pdf))]
    assert textlayer.check(scans, GOOD.read_bytes()) == ([], [])
    blank = scan.PageScan(9, 595, 842)
    assert textlayer.check([blank], b"") == ([], [9])


def test_font_without_unicode_map_gives_no_numbers():
    err = only_error(without_unicode_maps(GOOD.read_bytes()), "nomap.pdf")
    assert err.code == "unreadable_text_layer"
    assert err.message.startswith("text layer unreadable: font without Unicode map")


def test_unmapped_glyphs_are_detected_not_read():
    # PDFium then reports raw glyph codes, some of which look like ordinary characters
    pdf = pdfium.PdfDocument(without_unicode_maps(GOOD.read_bytes()))
    page = scan.scan_page(pdf, 0)
    assert page.chars and textlayer.unreadable(page.chars)
    unmapped = [c for c in page.chars if c.unmapped]
    assert len(unmapped) > len(page.chars) / 2 and {c.text for c in unmapped} == {"\ufffd"}
    pdf = pdfium.PdfDocument(GOOD.read_bytes())
    assert not textlayer.unreadable(scan.scan_page(pdf, 0).chars)


def test_password_protected():
    err = only_error((PDF_DIR / "locked.pdf").read_bytes(), "locked.pdf")
    assert err.code == "encrypted" and "password" in err.message


@pytest.mark.parametrize("data", [b"%PDF-1.7\n1 0 obj <<>> endobj\ngarbage", GOOD.read_bytes()[:4000]])
def test_damaged_file(data):
    err = only_error(data, "broken.pdf")
    assert err.code == "corrupt_file" and "damaged" in err.message


def test_pdfminer_characters_line_up_with_pdfium():
    data = GOOD.read_bytes()
    pdf = pdfium.PdfDocument(data)
    ours = [c for c in scan.scan_page(pdf, 1).chars if not c.text.isspace()]
    theirs = [c for c in textlayer.pdfminer_chars(data, 2) if not c.text.isspace()]
    assert "".join(c.text for c in ours) == "".join(c.text for c in theirs)
    assert max(abs(a.cx - b.cx) + abs(a.cy - b.cy) for a, b in zip(ours, theirs)) < 3


def test_a_page_read_with_pdfminer_gives_the_same_facts(monkeypatch):
    data = GOOD.read_bytes()
    before = process_bytes(data, "a.pdf")

    def pdfminer_only(pdf, index, *rest):
        page = original(pdf, index, *rest)
        page.chars = textlayer.pdfminer_chars(data, index + 1)
        return page

    original = scan.scan_page
    import extract.readers.pdf as reader

    monkeypatch.setattr(reader, "scan_page", pdfminer_only)
    after = process_bytes(data, "a.pdf")
    assert after.errors == []
    key = lambda r: [(f.table, f.row, f.column, f.value, f.status, f.page) for f in r.facts]  # noqa: E731
    assert key(after) == key(before)

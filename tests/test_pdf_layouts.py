"""Page decorations real PDFs carry, added to a fixture with PDFium: a frame round the page, a
box round the title, the white boxes word processors paint behind every line of text (all of
which pdfplumber reports as one-column "tables"), and a page that is only a picture."""
from __future__ import annotations

import io

import pypdfium2 as pdfium
import pypdfium2.raw as C

from extract.document import Paragraph, Table
from extract.pipeline import process_bytes
from extract.readers import read

from conftest import DATA

GOOD = DATA / "pdf" / "synth-2021-break.pdf"


def _rect(page, x: float, y: float, w: float, h: float, stroke: bool, fill: tuple | None):
    obj = C.FPDFPageObj_CreateNewRect(x, y, w, h)
    if stroke:
        C.FPDFPageObj_SetStrokeColor(obj, 0, 0, 0, 255)
        C.FPDFPageObj_SetStrokeWidth(obj, 0.8)
    if fill:
        C.FPDFPageObj_SetFillColor(obj, *fill, 255)
    C.FPDFPath_SetDrawMode(obj, C.FPDF_FILLMODE_ALTERNATE if fill else C.FPDF_FILLMODE_NONE, int(stroke))
    C.FPDFPage_InsertObject(page.raw, obj)


def _saved(pdf) -> bytes:
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def decorated() -> bytes:
    """Each page of the fixture drawn as a form (its content kept byte for byte) on a new page,
    with white boxes behind every run of text, a frame round the page and a box round the title."""
    src = pdfium.PdfDocument(GOOD.read_bytes())
    out = pdfium.PdfDocument.new()
    for index, page in enumerate(src):
        w, h = page.get_size()
        new = out.new_page(w, h)
        tp = page.get_textpage()
        runs = [tp.get_rect(i) for i in range(tp.count_rects())]
        tp.close()
        for left, bottom, right, top in runs:
            _rect(new, left - 2, bottom - 2, right - left + 4, top - bottom + 4, stroke=False, fill=(255, 255, 255))
        xobject = C.FPDF_NewXObjectFromPage(out.raw, src.raw, index)
        C.FPDFPage_InsertObject(new.raw, C.FPDF_NewFormObjectFromXObject(xobject))
        C.FPDF_CloseXObject(xobject)
        _rect(new, 25, 25, w - 50, h - 50, stroke=True, fill=None)
        if index == 0:
            left, bottom, right, top = runs[0]  # the title line, in a ruled box
            _rect(new, left - 6, bottom - 6, right - left + 12, top - bottom + 12, stroke=True, fill=None)
        new.gen_content()
    return _saved(out)


def test_frames_and_text_boxes_are_not_tables():
    data = decorated()
    plain = process_bytes(GOOD.read_bytes(), "a.pdf")
    boxed = process_bytes(data, "a.pdf")
    assert boxed.errors == [] and boxed.report.status == "ok"
    key = lambda r: [(f.table, f.row, f.column, f.value, f.status, f.page) for f in r.facts]  # noqa: E731
    assert key(boxed) == key(plain)
    doc = read(data, "a.pdf")
    assert len([b for b in doc.blocks if isinstance(b, Table)]) == 3
    assert boxed.report.title == plain.report.title
    assert [s.heading for s in boxed.sections] == [s.heading for s in plain.sections]


def test_a_page_that_is_a_picture_is_named():
    src = pdfium.PdfDocument(GOOD.read_bytes())
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [0])
    # page 2 (most of table 三) as a picture, as when a table is pasted as a screenshot
    page = src[1]
    w, h = page.get_size()
    bitmap = page.render(scale=1)
    new = out.new_page(w, h)
    image = pdfium.PdfImage.new(out)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(w, h))
    new.insert_obj(image)
    new.gen_content()
    out.import_pages(src, [2])
    result = process_bytes(_saved(out), "picture.pdf")
    assert result.errors == []
    rep = result.report
    assert rep.status == "partial" and 0 < rep.cells_found < rep.cells_expected
    assert "page 2 read by OCR" in rep.note  # (a 72 dpi picture: partly read)
    paras = [b.text for b in read(_saved(out), "p.pdf").blocks if isinstance(b, Paragraph)]
    assert paras[0].startswith("淮安市清江浦区人民政府")


def turned() -> bytes:
    """Each page drawn turned a quarter anticlockwise on a landscape sheet marked /Rotate 90:
    it displays upright, as landscape tables in portrait reports are made."""
    src = pdfium.PdfDocument(GOOD.read_bytes())
    out = pdfium.PdfDocument.new()
    for index, page in enumerate(src):
        w, h = page.get_size()
        new = out.new_page(h, w)
        xobject = C.FPDF_NewXObjectFromPage(out.raw, src.raw, index)
        form = C.FPDF_NewFormObjectFromXObject(xobject)
        C.FPDFPageObj_Transform(form, 0, 1, -1, 0, h, 0)
        C.FPDFPage_InsertObject(new.raw, form)
        C.FPDF_CloseXObject(xobject)
        new.set_rotation(90)
        new.gen_content()
    return _saved(out)


def test_rotated_pages_read_as_displayed():
    plain = process_bytes(GOOD.read_bytes(), "a.pdf")
    turned_result = process_bytes(turned(), "a.pdf")
    assert turned_result.errors == [] and turned_result.report.status == "ok"
    key = lambda r: [(f.table, f.row, f.column, f.value, f.status, f.page) for f in r.facts]  # noqa: E731
    assert key(turned_result) == key(plain)
    assert [s.heading for s in turned_result.sections] == [s.heading for s in plain.sections]

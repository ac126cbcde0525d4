"""Hostile files aimed at the readers, made on the fly from synthetic reports (nothing big is committed).

Each maker returns the bytes of one file. Decoys add text a person never sees (hidden by a style,
white, tiny, covered or clipped away) to every value cell of a report, so that a reader that reads
it gets every value wrong; traps cost a naive reader its whole time or memory budget.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

from extract.synth import random_spec, render

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DATA = Path(__file__).resolve().parent / "data"


# ------------------------------------------------------------------ Word packages

def docx_parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def build_docx(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return out.getvalue()


def edit_docx(docx: bytes, document=None, styles=None, numbering=None) -> bytes:
    """The Word file with its document, styles or numbering part passed through an edit (str → str)."""
    parts = docx_parts(docx)
    for name, edit in (("word/document.xml", document), ("word/styles.xml", styles), ("word/numbering.xml", numbering)):
        if edit is not None:
            parts[name] = edit(parts[name].decode("utf-8")).encode("utf-8")
    return build_docx(parts)


# a value cell's run as the synthetic renderer writes it: <w:r><w:rPr><w:sz w:val="14"/></w:rPr><w:t>21</w:t></w:r>
_VALUE_RUN = re.compile(r"(<w:r>(?:<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t>[-+]?\d[\d.]*</w:t></w:r>)")


def with_decoy_runs(document: str, decoy_run: str) -> str:
    """A decoy run right after the run of every value (so that a reader of it reads 219 for 21)."""
    return _VALUE_RUN.sub(lambda m: m.group(1) + decoy_run, document)


def add_styles(styles: str, xml: str) -> str:
    return styles.replace("</w:styles>", xml + "</w:styles>", 1)


def set_doc_defaults(styles: str, rpr: str) -> str:
    """Replace the run properties of the document defaults (``w:docDefaults/w:rPrDefault``)."""
    m = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>|<w:rPrDefault/>", styles, re.S)
    new = f"<w:rPrDefault><w:rPr>{rpr}</w:rPr></w:rPrDefault>"
    if m:
        return styles[: m.start()] + new + styles[m.end():]
    return styles.replace("<w:docDefaults>", "<w:docDefaults>" + new, 1)


def docx_decoys(tmp: Path, seed: int = 3) -> dict[str, bytes]:
    """Word files whose every value cell also holds a decoy ``9`` a person never sees."""
    base = render(random_spec(seed, "2021"), "docx", tmp / f"decoy{seed}.docx").read_bytes()
    char_styles = ('<w:style w:type="character" w:styleId="Ghost"><w:name w:val="Ghost"/><w:rPr><w:vanish/></w:rPr>'
                   '</w:style><w:style w:type="character" w:styleId="GhostChild"><w:name w:val="GhostChild"/>'
                   '<w:basedOn w:val="Ghost"/><w:rPr><w:b/></w:rPr></w:style>')
    para_style = ('<w:style w:type="paragraph" w:styleId="GhostPara"><w:name w:val="GhostPara"/>'
                  '<w:basedOn w:val="Normal"/><w:rPr><w:vanish/></w:rPr></w:style>')
    # the defaults hide everything; Normal (which every visible paragraph uses) shows it again;
    # the decoy's paragraph style is based on nothing, so it stays hidden
    lone_style = '<w:style w:type="paragraph" w:styleId="Lone"><w:name w:val="Lone"/></w:style>'
    ghost_par = '<w:p><w:pPr><w:pStyle w:val="{}"/></w:pPr><w:r><w:t>9</w:t></w:r></w:p>'

    def par_after_value(document: str, style: str) -> str:
        # a second paragraph in the cell, after the value's paragraph
        return re.sub(r"(<w:p>" + _VALUE_RUN.pattern + r"</w:p>)", lambda m: m.group(1) + ghost_par.format(style),
                      document)

    def normal_visible(styles: str) -> str:
        return re.sub(r'(<w:style w:type="paragraph" w:default="1" w:styleId="Normal">.*?)(</w:style>)',
                      lambda m: m.group(1) + '<w:rPr><w:vanish w:val="0"/></w:rPr>' + m.group(2)
                      if "<w:rPr>" not in m.group(1) else
                      m.group(1).replace("<w:rPr>", '<w:rPr><w:vanish w:val="0"/>', 1) + m.group(2), styles, 1, re.S)

    other = docx_parts(render(random_spec(seed + 100, "2021"), "docx", tmp / f"decoy{seed}b.docx").read_bytes())
    other_body = other["word/document.xml"].decode("utf-8")
    other_body = other_body[other_body.index("<w:body>") + 8: other_body.index("<w:sectPr")]
    hidden_copy = re.sub(r"<w:r>(<w:rPr>)?", lambda m: "<w:r><w:rPr><w:vanish/>" + ("" if m.group(1) else "</w:rPr>"),
                         other_body)
    return {
        # a whole second report (title, sections, tables that add up) before the real one, every run hidden
        "hidden-decoy-report.docx": edit_docx(base, document=lambda d: d.replace("<w:body>", "<w:body>" + hidden_copy, 1)),
        "char-style-vanish.docx": edit_docx(
            base, document=lambda d: with_decoy_runs(d, '<w:r><w:rPr><w:rStyle w:val="GhostChild"/></w:rPr><w:t>9</w:t></w:r>'),
            styles=lambda s: add_styles(s, char_styles)),
        "para-style-vanish.docx": edit_docx(base, document=lambda d: par_after_value(d, "GhostPara"),
                                            styles=lambda s: add_styles(s, para_style)),
        "defaults-vanish.docx": edit_docx(base, document=lambda d: par_after_value(d, "Lone"),
                                          styles=lambda s: normal_visible(set_doc_defaults(add_styles(s, lone_style),
                                                                                           "<w:vanish/>"))),
        "white.docx": edit_docx(base, document=lambda d: with_decoy_runs(
            d, '<w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>9</w:t></w:r>')),
        "theme-white.docx": edit_docx(base, document=lambda d: with_decoy_runs(
            d, '<w:r><w:rPr><w:color w:val="000000" w:themeColor="background1"/></w:rPr><w:t>9</w:t></w:r>')),
        "half-point.docx": edit_docx(base, document=lambda d: with_decoy_runs(
            d, '<w:r><w:rPr><w:sz w:val="1"/><w:szCs w:val="1"/></w:rPr><w:t>9</w:t></w:r>')),
    }


def duplicate_document_docx(tmp: Path, seed: int = 3) -> bytes:
    """A second ``word/document.xml`` member (other numbers) after the real one."""
    real = render(random_spec(seed, "2021"), "docx", tmp / f"dup{seed}.docx").read_bytes()
    other = docx_parts(render(random_spec(seed + 100, "2021"), "docx", tmp / f"dup{seed}b.docx").read_bytes())
    out = io.BytesIO(real)
    with zipfile.ZipFile(out, "a") as zf:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": the point of the file
            zf.writestr("word/document.xml", other["word/document.xml"])
    return out.getvalue()


def numbering_trap_docx(tmp: Path, start: int = 2_000_000_000, paragraphs: int = 200) -> bytes:
    """Automatic list numbers starting at ``start`` in roman numerals and letters, on many paragraphs."""
    base = render(random_spec(8, "2021"), "docx", tmp / "numbering.docx").read_bytes()
    lists = (f'<w:abstractNum w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
             '<w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1">'
             f'<w:start w:val="{start}"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2"/></w:lvl>'
             '</w:abstractNum>')
    num = '<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'

    def numbering(xml: str) -> str:
        xml = re.sub(r"(<w:numbering\b[^>]*>)", lambda m: m.group(1) + lists, xml, 1)
        return xml.replace("</w:numbering>", num + "</w:numbering>")

    listed = "".join(f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{i % 2}"/><w:numId w:val="90"/></w:numPr></w:pPr>'
                     f'<w:r><w:t>附件{i}</w:t></w:r></w:p>' for i in range(paragraphs))
    return edit_docx(base, document=lambda d: d.replace("<w:sectPr", listed + "<w:sectPr", 1) if "<w:sectPr" in d
                     else d.replace("</w:body>", listed + "</w:body>"), numbering=numbering)


def numbering_text_trap_docx(tmp: Path, paragraphs: int = 2000) -> bytes:
    """A list level whose text repeats ``%1`` 20,000 times and whose start is a 4,000-digit number."""
    base = render(random_spec(8, "2021"), "docx", tmp / "numbering-text.docx").read_bytes()
    lists = ('<w:abstractNum w:abstractNumId="91"><w:lvl w:ilvl="0"><w:start w:val="' + "9" * 4000 + '"/>'
             '<w:numFmt w:val="decimal"/><w:lvlText w:val="' + "%1" * 20000 + '"/></w:lvl></w:abstractNum>')
    num = '<w:num w:numId="91"><w:abstractNumId w:val="91"/></w:num>'

    def numbering(xml: str) -> str:
        xml = re.sub(r"(<w:numbering\b[^>]*>)", lambda m: m.group(1) + lists, xml, 1)
        return xml.replace("</w:numbering>", num + "</w:numbering>")

    listed = "".join(f'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="91"/></w:numPr></w:pPr>'
                     f'<w:r><w:t>附件{i}</w:t></w:r></w:p>' for i in range(paragraphs))
    return edit_docx(base, document=lambda d: d.replace("<w:sectPr", listed + "<w:sectPr", 1), numbering=numbering)


def grid_span_docx(tmp: Path, span: int) -> bytes:
    """Every cell of every table declares ``gridSpan`` = ``span``."""
    base = render(random_spec(9, "2021"), "docx", tmp / f"span{span}.docx").read_bytes()

    def spans(d: str) -> str:
        d = re.sub(r'<w:gridSpan w:val="\d+"/>', "", d)
        return d.replace("<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{span}"/>')

    return edit_docx(base, document=spans)


def lying_zip_docx(tmp: Path, declared: int = 2048, inflated_mb: int = 2560) -> bytes:
    """A Word file whose ``word/styles.xml`` declares ``declared`` bytes (CRC of its first bytes, so
    a reader that stops at the declared size sees no error) and inflates to ``inflated_mb`` MB."""
    parts = docx_parts(render(random_spec(10, "2021"), "docx", tmp / "lying.docx").read_bytes())
    target = "word/styles.xml"
    head = b'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="%s">' % W_NS.encode()
    # after a full flush a megabyte of spaces compresses to the same bytes every time: repeat them
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(b" " * (1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    raw = first + block * inflated_mb + comp.flush()
    prefix = (head + b" " * declared)[:declared]
    crc = zlib.crc32(prefix)
    out = io.BytesIO()
    central = []
    for name, blob in parts.items():
        if name == target:
            data, size, method, c = raw, declared, 8, crc
        else:
            data = zlib.compressobj(6, zlib.DEFLATED, -15)
            data = data.compress(blob) + data.flush()
            size, method, c = len(blob), 8, zlib.crc32(blob)
        fname = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, c, len(data), size,
                              len(fname), 0) + fname)
        out.write(data)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, c, len(data),
                                   size, len(fname), 0, 0, 0, 0, 0, offset) + fname)
    start = out.tell()
    for rec in central:
        out.write(rec)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start,
                          start, 0))
    return out.getvalue()


# ------------------------------------------------------------------ web pages

def report_html(tmp: Path, seed: int = 4) -> str:
    return render(random_spec(seed, "2021"), "html", tmp / f"h{seed}.html").read_text(encoding="utf-8")


def with_head(page: str, css: str) -> str:
    return page.replace("</head>", f"<style>{css}</style></head>", 1)


def html_value_decoys(page: str, decoy: str) -> str:
    """``decoy`` (holding ``9``) right after every value of the tables: ``<td><p>21…``."""
    return re.sub(r"(<td[^>]*><p>[-+]?\d[\d.]*)(</p>)", lambda m: m.group(1) + decoy + m.group(2), page)


def html_decoys(tmp: Path, seed: int = 4) -> dict[str, bytes]:
    page = report_html(tmp, seed)
    other = report_html(tmp, seed + 50)
    other_body = other[other.index("<body>") + 6: other.index("</body>")]
    out = {
        "class-display-none.html": with_head(html_value_decoys(page, '<span class="x1">9</span>'), ".x1{display:none}"),
        "style-rule-visibility.html": with_head(html_value_decoys(page, '<span id="k">9</span>'),
                                                "td p span { visibility : hidden }"),
        "descendant-rule.html": with_head(html_value_decoys(page, "<em>9</em>"), "table td em{display:none!important}"),
        "font-size-0.html": html_value_decoys(page, '<span style="font-size:0">9</span>'),
        "font-size-0px-font.html": html_value_decoys(page, '<font style="FONT-SIZE: 0px">9</font>'),
        "white.html": html_value_decoys(page, '<span style="color:#fff">9</span>'),
        "white-rgb.html": html_value_decoys(page, '<span style="color: rgb(255, 255, 255)">9</span>'),
        "white-name-class.html": with_head(html_value_decoys(page, '<b class="w">9</b>'), ".w{color:white}"),
        "white-font-tag.html": html_value_decoys(page, '<font color="#FFFFFF">9</font>'),
        # a whole second report with other numbers, hidden by a rule on its id
        "hidden-decoy-report.html": with_head(page.replace("<body>", f'<body><div id="old">{other_body}</div>', 1),
                                              "#old{display:none}"),
        "hidden-decoy-report-visibility.html": with_head(page.replace("<body>", f'<body><div class="bak">{other_body}</div>',
                                                                      1), "div.bak {visibility:hidden}"),
    }
    return {k: v.encode("utf-8") for k, v in out.items()}


def html_visible_controls(tmp: Path, seed: int = 4) -> dict[str, bytes]:
    """Styled text a person does see: it must be read (no hiding by mistake)."""
    page = report_html(tmp, seed)
    out = {
        # white text on a dark background is visible; a hidden parent shown again by a child is visible
        "white-on-dark.html": with_head(page.replace("<table", '<table style="background:#333;color:#fff"'),
                                        ".x{display:none}"),
        "visible-child.html": with_head(page.replace("<body>", '<body><div class="h">', 1)
                                        .replace("</body>", "</div></body>", 1), ".h{visibility:hidden} .h * {visibility:visible}"),
        "print-only-rule.html": with_head(page, "@media print { td { display:none } } p:hover { display:none }"),
    }
    return {k: v.encode("utf-8") for k, v in out.items()}


def many_cells_html(tmp: Path, cells: int = 1_000_000) -> bytes:
    page = report_html(tmp, 11)
    junk = "<table><tr>" + "<td>1</td>" * cells + "</tr></table>"
    return page.replace("</body>", junk + "</body>", 1).encode("utf-8")


def uneven_rows_html(tmp: Path, rows: int = 20_000) -> bytes:
    """A table of ``rows`` rows of varying widths with vertical merges in between (repair_spans' worst case)."""
    page = report_html(tmp, 12)
    trs = []
    for r in range(rows):
        width = 2 + (r * 7919) % 5
        first = '<td rowspan="3">a</td>' if r % 4 == 0 else ""
        trs.append("<tr>" + first + "<td>1</td>" * width + "</tr>")
    return page.replace("</body>", "<table>" + "".join(trs) + "</table></body>", 1).encode("utf-8")


# ------------------------------------------------------------------ PDF

def value_cells_pdf(name: str = "synth-2021-break.pdf"):
    """The fixture's bytes and, per page, where the text of each cell holding a value ends:
    (x after its last character, its baseline), both in PDF space (y up)."""
    import pypdfium2 as pdfium

    from extract.readers.pdf import read_pdf
    from extract.readers.pdf.scan import scan_page

    data = (DATA / "pdf" / name).read_bytes()
    doc = read_pdf(data, name)
    pdf = pdfium.PdfDocument(data)
    ends: dict[int, list[tuple[float, float]]] = {}
    for _, table in doc.tables():
        for cell in table.cells:
            if not (cell.bbox and re.fullmatch(r"[-+]?\d[\d.]*", cell.text)):
                continue
            page = pdf[cell.page - 1]
            height = page.get_mediabox()[3]
            x0, top, x1, bottom = cell.bbox
            chars = [c for c in scan_page(pdf, cell.page - 1).chars if x0 <= c.cx <= x1 and top <= c.cy <= bottom]
            last = max(chars, key=lambda c: c.x1)
            ends.setdefault(cell.page, []).append((last.x1, height - last.line_y))
    return data, ends


def pdf_with_overlay(data: bytes, ops: dict[int, bytes], transparent: bool = False) -> bytes:
    """The PDF with content drawn over pages (1-based page → content stream operators, page
    space with y up; font /F1 is Helvetica; with ``transparent``, /GS0 sets fill opacity 0),
    imported as a form XObject placed on each page."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as C

    from hostile import minimal_pdf

    pdf = pdfium.PdfDocument(data)
    for number, stream in ops.items():
        page = pdf[number - 1]
        left, bottom, right, top = page.get_mediabox()
        raw = minimal_pdf([stream], compress=True).replace(
            b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 %d %d]" % (round(right - left), round(top - bottom)))
        if transparent:
            raw = _with_resource(raw, b"/ExtGState << /GS0 << /Type /ExtGState /ca 0 /CA 0 >> >>")
        overlay = pdfium.PdfDocument(raw)
        xobject = C.FPDF_NewXObjectFromPage(pdf.raw, overlay.raw, 0)
        form = C.FPDF_NewFormObjectFromXObject(xobject)
        C.FPDFPageObj_Transform(form, 1, 0, 0, 1, left, bottom)
        C.FPDFPage_InsertObject(page.raw, form)
        C.FPDFPage_GenerateContent(page.raw)
        C.FPDF_CloseXObject(xobject)
        page.close()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _with_resource(pdf: bytes, entry: bytes) -> bytes:
    """A hand-written one-page PDF (``minimal_pdf``) with one more resource; the xref is rebuilt."""
    body = pdf.replace(b"/Resources << /Font << /F1 3 0 R >> >>", b"/Resources << /Font << /F1 3 0 R >> " + entry + b" >>")
    head, _, _ = body.partition(b"xref\n")
    offsets = [m.start() for m in re.finditer(rb"(?m)^\d+ 0 obj", head)]
    out = io.BytesIO()
    out.write(head)
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return out.getvalue()


def pdf_decoys() -> dict[str, bytes]:
    """The fixture with a decoy ``9`` right after the value of every value cell (so that a reader
    of it reads 4019 for 401), drawn so that a person never sees it."""
    data, ends = value_cells_pdf()
    kinds = {
        "render-mode-3.pdf": b"BT 3 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET",
        "render-mode-7.pdf": b"q BT 7 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET Q",
        "white.pdf": b"BT 1 1 1 rg /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET",
        "near-white.pdf": b"BT 0.97 0.98 0.97 rg /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET",
        "transparent.pdf": b"BT /GS0 gs /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET",
        "white-stroke-only.pdf": b"BT 1 Tr 1 1 1 RG 0 0 0 rg /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET",
        "half-point.pdf": b"BT /F1 0.5 Tf %(x).2f %(y).2f Td (9) Tj ET",
        "scaled-tiny.pdf": b"q 0.05 0 0 0.05 %(x).2f %(y).2f cm BT /F1 9 Tf 0 0 Td (9) Tj ET Q",
        "covered.pdf": b"BT 0 0 0 rg /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET 1 1 1 rg %(bx).2f %(by).2f 7 10 re f",
        "covered-dark.pdf": b"BT /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET 0.2 0.2 0.2 rg %(bx).2f %(by).2f 7 10 re f",
        "clipped.pdf": b"q %(cx).2f %(cy).2f 2 2 re W n BT /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET Q",
        "white-on-white-box.pdf": b"0.99 0.99 0.99 rg %(bx).2f %(by).2f 7 10 re f BT 1 1 1 rg /F1 9 Tf %(x).2f %(y).2f Td "
                                  b"(9) Tj ET",
    }
    out = {}
    for name, op in kinds.items():
        ops = {page: b"\n".join(op % {b"x": x, b"y": y, b"bx": x - 1, b"by": y - 2, b"cx": x - 40, b"cy": y - 40}
                                for x, y in cells) for page, cells in ends.items()}
        out[name] = pdf_with_overlay(data, ops, transparent="transparent" in name)
    return out


def pdf_visible_controls() -> dict[str, bytes]:
    """Drawn text a person does see, in the same places: it must be read (9 appended to the values)."""
    data, ends = value_cells_pdf()
    kinds = {
        "white-on-dark-box.pdf": b"0.1 0.1 0.1 rg %(bx).2f %(by).2f 7 10 re f BT 1 1 1 rg /F1 9 Tf %(x).2f %(y).2f Td (9) "
                                 b"Tj ET",
        "inside-clip.pdf": b"q %(bx).2f %(by).2f 20 20 re W n BT /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET Q",
        "box-before.pdf": b"1 1 1 rg %(bx).2f %(by).2f 7 10 re f BT 0 0 0 rg /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET",
        "white-fill-black-stroke.pdf": b"BT 2 Tr 1 1 1 rg 0 0 0 RG /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET",
    }
    return {name: pdf_with_overlay(data, {page: b"\n".join(op % {b"x": x, b"y": y, b"bx": x - 1, b"by": y - 2}
                                                         for x, y in cells) for page, cells in ends.items()})
            for name, op in kinds.items()}


def dense_page_pdf(chars: int = 600_000) -> bytes:
    """One page holding ``chars`` digits in a 2 pt font, 1,000 to a line (a few KB on disk)."""
    from hostile import minimal_pdf

    per_line, digits = 1000, b"1234567890"
    lines = [b"BT /F1 2 Tf 10 830 Td 1.3 TL"]
    for i in range(chars // per_line):  # each line its own (PDFium drops text repeated on top of itself)
        lines.append(b"(" + (digits[i % 10:] + digits[: i % 10]) * (per_line // 10) + b") '")
    lines.append(b"ET")
    return minimal_pdf([b"\n".join(lines)])


def report_with_dense_page(chars: int = 600_000) -> bytes:
    """The fixture report followed by one page of ``chars`` characters."""
    return report_with_page(dense_page_pdf(chars))


# ------------------------------------------------------------------ data lost

INVISIBLE_CHARS = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202e",
                   "\u2066", "\u2069")


def between_digits(text: str, chars: str) -> str:
    """``chars`` between every two digits (and after every table label's first character)."""
    text = re.sub(r"(?<=\d)(?=\d)", chars, text)
    return re.sub(r"(规|自|商|行)(?=[章然业政])", lambda m: m.group(1) + chars, text)


def html_with_embed(tmp: Path) -> bytes:
    page = report_html(tmp, 13)
    return page.replace("<body>", '<body><embed src="/flash/banner.swf" width="600" height="90">'
                                  '<object data="x.swf"><param name="movie" value="x.swf"><embed src=x.swf></object>',
                        1).encode("utf-8")


def html_with_data_url(tmp: Path, megabytes: int = 20) -> bytes:
    """A 20 MB inline image (a ``data:`` URL) just before table 二."""
    page = report_html(tmp, 14)
    image = '<p><img src="data:image/png;base64,' + "iVBORw0KGgo" * (megabytes * (1 << 20) // 11) + '"></p>'
    at = page.index("<table")
    return (page[:at] + image + page[at:]).encode("utf-8")


NEWS = {
    "news-meeting.txt": (
        "标题：我市召开2024年政务公开工作推进会\n发布时间：2024-03-01 10:20\n来源：某市人民政府办公室\n==== 正文 ====\n"
        "3月1日，我市召开2024年政务公开工作推进会，市政府办公室主要负责同志出席会议并讲话。\n"
        "会议指出，各地各部门要严格按照《中华人民共和国政府信息公开条例》要求，于3月31日前在政府门户网站发布"
        "2023年政府信息公开工作年度报告，确保内容准确、格式规范、数据真实。\n"
        "会议要求，要进一步加强政策解读，做好依申请公开办理工作，全年主动公开政府信息不少于1000条。\n"),
    "news-published.txt": (
        "某某区发布2023年政府信息公开工作年度报告\n2024-01-30 来源：某某区融媒体中心\n"
        "近日，某某区人民政府在门户网站发布《某某区2023年政府信息公开工作年度报告》。\n"
        "报告显示，2023年全区主动公开政府信息12000余条，受理政府信息公开申请320件，按时办结率100%。\n"
        "全区未发生因政府信息公开引起的行政复议、行政诉讼被纠错的情况。\n下一步，某某区将持续深化政务公开。\n"),
    "news-notice.html": (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>扎实做好政府信息公开工作年度报告编制工作</title></head>'
        '<body><div class="nav">首页 &gt; 政务要闻</div><div class="article">'
        "<h1>扎实做好2023年度政府信息公开工作年度报告编制工作</h1><p>发布时间：2024-01-10</p>"
        "<p>为做好2023年度政府信息公开工作年度报告编制发布工作，市政务公开办近日印发通知，提出以下要求。</p>"
        "<p>一、提高思想认识。各单位要高度重视年度报告编制工作。</p>"
        "<p>二、严格对照格式。主动公开政府信息情况、收到和处理政府信息公开申请情况等内容要按照国家格式填写。</p>"
        "<p>三、按时发布。各单位应于1月31日前发布年度报告。</p></div></body></html>"),
    "news-digest.md": (
        "# 政务公开简报（第3期）\n\n## 各地动态\n\n"
        "1. 某县发布《某县2023年政府信息公开工作年度报告》，全年主动公开政府信息3200条。\n"
        "2. 某区召开政府信息公开工作年度报告编制培训会。\n"),
}


def _pdf_value(obj) -> bytes:
    """A pdfminer object written back as PDF syntax."""
    from pdfminer.psparser import PSKeyword, PSLiteral
    from pdfminer.pdftypes import PDFObjRef

    if isinstance(obj, PDFObjRef):
        return b"%d 0 R" % obj.objid
    if isinstance(obj, PSLiteral):
        name = obj.name if isinstance(obj.name, str) else obj.name.decode("latin-1")
        return b"/" + name.encode("latin-1")
    if isinstance(obj, PSKeyword):
        return obj.name if isinstance(obj.name, bytes) else obj.name.encode()
    if isinstance(obj, bool):
        return b"true" if obj else b"false"
    if isinstance(obj, (int, float)):
        return repr(obj).encode()
    if isinstance(obj, bytes):
        return b"<" + obj.hex().encode() + b">"
    if isinstance(obj, str):
        return b"/" + obj.encode("latin-1")
    if isinstance(obj, dict):
        return b"<< " + b" ".join(b"/" + k.encode("latin-1") + b" " + _pdf_value(v) for k, v in obj.items()) + b" >>"
    if isinstance(obj, (list, tuple)):
        return b"[" + b" ".join(_pdf_value(v) for v in obj) + b"]"
    if obj is None:
        return b"null"
    raise TypeError(type(obj))


def pdf_with_layer(data: bytes, ends: dict[int, list[tuple[float, float]]], shown: bool) -> bytes:
    """The PDF with a ``9`` after every value drawn in an optional-content layer (``/OC … BDC``),
    hidden by default unless ``shown``: an incremental update adds the layer, a font, one more
    content stream per page and the catalog's ``/OCProperties``."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef, resolve1

    doc = PDFDocument(PDFParser(io.BytesIO(data)))
    trailer = doc.xrefs[0].get_trailer()
    root = trailer["Root"].objid
    size = int(max(max(x.get_objids()) for x in doc.xrefs)) + 1
    new: dict[int, bytes] = {}
    ocg, font = size, size + 1
    new[ocg] = b"<< /Type /OCG /Name (Decoys) >>"
    new[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    nxt = size + 2
    for number, page in enumerate(PDFPage.create_pages(doc), 1):
        if number not in ends:
            continue
        stream = b"\n".join(b"/OC /Lx BDC BT /Fx 9 Tf %.2f %.2f Td (9) Tj ET EMC" % (x, y) for x, y in ends[number])
        new[nxt] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        attrs = dict(page.attrs)
        contents = attrs.get("Contents")
        contents = list(contents) if isinstance(contents, list) else [contents]
        attrs["Contents"] = contents + [PDFObjRef(None, nxt)]
        resources = dict(resolve1(attrs.get("Resources")) or {})
        fonts = dict(resolve1(resources.get("Font")) or {})
        fonts["Fx"] = PDFObjRef(None, font)
        resources["Font"] = fonts
        props = dict(resolve1(resources.get("Properties")) or {})
        props["Lx"] = PDFObjRef(None, ocg)
        resources["Properties"] = props
        attrs["Resources"] = resources
        new[page.pageid] = _pdf_value(attrs)
        nxt += 1
    catalog = dict(doc.catalog)
    state = b"/ON" if shown else b"/OFF"
    new[root] = _pdf_value(catalog)[:-2] + b"/OCProperties << /OCGs [%d 0 R] /D << %s [%d 0 R] /Order [%d 0 R] >> >> >>" % (
        ocg, state, ocg, ocg)
    out = io.BytesIO()
    out.write(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for objid in sorted(new):
        offsets[objid] = out.tell()
        out.write(b"%d 0 obj\n" % objid + new[objid] + b"\nendobj\n")
    start = out.tell()
    out.write(b"xref\n")
    for objid in sorted(new):
        out.write(b"%d 1\n%010d 00000 n \n" % (objid, offsets[objid]))
    prev = data.rfind(b"startxref")
    prev_offset = int(data[prev + 9:].split()[0])
    out.write(b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (nxt, root, prev_offset, start))
    return out.getvalue()


def pdf_layers() -> dict[str, bytes]:
    data, ends = value_cells_pdf()
    return {"hidden-layer.pdf": pdf_with_layer(data, ends, shown=False),
            "shown-layer.pdf": pdf_with_layer(data, ends, shown=True)}


def pdf_cropped() -> bytes:
    """The fixture with its pages cropped to leave out a margin 40 pt wide, where decoy text is drawn."""
    import pypdfium2 as pdfium

    data, _ = value_cells_pdf()
    pdf = pdfium.PdfDocument(data)
    for page in pdf:
        left, bottom, right, top = page.get_mediabox()
        page.set_cropbox(left + 40, bottom, right, top)
    buf = io.BytesIO()
    pdf.save(buf)
    ops = {n: b"BT /F1 9 Tf 5 %d Td (12345) Tj ET" % (300 + 20 * n) for n in range(1, len(pdf) + 1)}
    return pdf_with_overlay(buf.getvalue(), ops)


def ruled_page_pdf(step: float = 4.0) -> bytes:
    """One page ruled every ``step`` points both ways (about 28,000 crossings at 4 pt)."""
    from hostile import minimal_pdf

    ops = [b"0.1 w"]
    y = 20.0
    while y < 820:
        ops.append(b"20 %.3f m 575 %.3f l S" % (y, y))
        y += step
    x = 20.0
    while x < 575:
        ops.append(b"%.3f 20 m %.3f 820 l S" % (x, x))
        x += step
    return minimal_pdf([b"\n".join(ops)])


def report_with_page(extra: bytes) -> bytes:
    """The fixture report followed by the pages of another PDF."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument((DATA / "pdf" / "synth-2021-break.pdf").read_bytes())
    pdf.import_pages(pdfium.PdfDocument(extra))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()

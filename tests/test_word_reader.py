"""Word files: the blank 2021 form from ../shared, the real grid of merged cells, what people do
to Word files (numbered headings, text boxes, frames, tracked changes, comments, hidden text),
legacy .doc through LibreOffice, and damaged files."""
from __future__ import annotations

import io
import zipfile
from collections import Counter

import pytest

from extract.document import Paragraph, Table
from extract.pipeline import process_bytes
from extract.readers import convert, read
from extract.readers.detect import OLE2
from extract.readers.word import format_number, read_docx
from extract.synth import random_spec, render
from extract.synth.wild import to_wild_docx

from conftest import REAL, misread, need_shared

BLANK = "TEMPLATE-blank-2021-format-govnianbao.docx"


def _blank() -> bytes:
    need_shared()
    return (REAL / BLANK).read_bytes()


def test_blank_form_is_the_2021_format_with_no_numbers():
    res = process_bytes(_blank(), BLANK)
    assert res.errors == []
    assert res.report.template == "2021" and res.report.format == "docx"
    statuses = Counter(f.status for f in res.facts)
    assert set(statuses) <= {"blank", "missing"}, statuses
    assert all(f.value is None for f in res.facts)
    by_table = Counter((f.table, f.status) for f in res.facts)
    assert by_table[("requests", "blank")] == 175 and by_table[("active", "blank")] == 10
    assert all(c.status == "unknown" for c in res.checks)
    # 185 cells found, all empty: a blank form is not a `partial` report with data
    assert res.report.status == "failed"
    assert res.report.note.startswith("blank form: all 185 cells found in the statistical tables are empty")


def test_blank_form_grid_has_each_merged_cell_once():
    doc = read(_blank(), BLANK)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert [(t.n_rows, t.n_cols) for t in tables] == [(14, 4), (28, 10), (4, 15)]
    active, requests, appeals = tables
    # python-docx's row.cells would give 4 × 14 = 56 cells for the first table; the grid has 30
    assert len(active.cells) == 30 and len(requests.cells) == 215 and len(appeals.cells) == 34
    spans = {c.text.replace("\n", ""): (c.row, c.col, c.rowspan, c.colspan) for c in requests.cells if c.text}
    assert spans["三、本年度办理结果"] == (5, 0, 22, 1)
    assert spans["（三）不予公开"] == (7, 1, 8, 1)
    assert spans["（五）不予处理"] == (18, 1, 5, 1)
    assert spans["（六）其他处理"] == (23, 1, 3, 1)
    assert spans["申请人情况"] == (0, 3, 1, 7)
    assert spans["自然人"] == (1, 3, 2, 1)
    assert spans["商业企业"] == (2, 4, 1, 1)  # two paragraphs in the cell (商业 / 企业), one cell
    assert next(c.text for c in requests.cells if c.row == 2 and c.col == 4) == "商业\n企业"
    assert spans["一、本年新收政府信息公开申请数量"] == (3, 0, 1, 3)
    note = next(c for c in requests.cells if c.text.startswith("（本列数据的勾稽关系为"))
    assert (note.rowspan, note.colspan) == (3, 3)
    assert {(c.rowspan, c.colspan) for c in appeals.cells if c.text.replace("\n", "") == "结果维持"} == {(2, 1), (1, 1)}


def test_blank_form_sections_by_numbering():
    res = process_bytes(_blank(), BLANK)
    assert [s.number for s in res.sections if s.level == 1] == ["一、", "二、", "三、", "四、", "五、", "六、"]


def test_docx_named_pdf_is_read_as_word():
    res = process_bytes(_blank(), "report.pdf")
    assert res.errors == [] and res.report.format == "docx"


# ------------------------------------------------------------------ Word files as people leave them

def _part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name).decode("utf-8")


@pytest.fixture(scope="module", params=["2019", "2021"])
def wild(request, tmp_path_factory):
    spec = random_spec(5, template=request.param)
    path = tmp_path_factory.mktemp("wild") / "report.docx"
    to_wild_docx(spec, path)
    return spec, path.read_bytes()


def test_wild_word_file_reads_every_cell(wild):
    spec, data = wild
    res = process_bytes(data, "report.docx")
    assert misread(spec, res) == []
    assert all(c.status == "pass" for c in res.checks)
    assert not [n for n in res.report.note.split("; ") if "printed twice" in n]


def test_tracked_changes_comments_and_hidden_text_do_not_leak(wild):
    _, data = wild
    # the deleted number, the comment and the hidden digit are in the file
    assert "9999" in _part(data, "word/document.xml") and "888" in _part(data, "word/comments.xml")
    assert "<w:vanish" in _part(data, "word/document.xml")
    doc = read_docx(data, "report.docx")
    text = doc.text()
    assert "9999" not in text and "888" not in text and "请核对" not in text
    assert "77" not in {c.text for t in doc.blocks if isinstance(t, Table) for c in t.cells}


def test_table_in_a_text_box_is_read_once_and_the_frame_is_unwrapped(wild):
    spec, data = wild
    doc = read_docx(data, "report.docx")
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 3
    assert tables[0].cells[0].text == "第二十条第（一）项"  # the active table, from the text box
    assert tables[2].n_cols == 15  # the appeals table, out of its one-cell frame


def test_automatic_heading_numbers_are_written(wild):
    _, data = wild
    body = _part(data, "word/document.xml")
    assert "总体情况" in body and "一、总体情况" not in body  # Word numbers the headings, the text has no 一、
    doc = read_docx(data, "report.docx")
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "一、总体情况" in paragraphs and "六、其他需要报告的事项" in paragraphs
    res = process_bytes(data, "report.docx")
    assert [s.number for s in res.sections if s.level == 1] == ["一、", "二、", "三、", "四、", "五、", "六、"]


@pytest.mark.parametrize("n, fmt, text", [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"),
                                          (11, "chineseCountingThousand", "十一"), (23, "chineseCounting", "二十三"),
                                          (3, "decimal", "3"), (2, "decimalEnclosedCircle", "②"),
                                          (4, "upperRoman", "IV"), (2, "chineseLegalSimplified", "贰"),
                                          (2, "bullet", "")])
def test_number_formats(n, fmt, text):
    assert format_number(n, fmt) == text


# ------------------------------------------------------------------ legacy Word and damaged files

def test_legacy_doc_without_libreoffice_says_what_to_install(monkeypatch):
    monkeypatch.setattr(convert, "soffice", lambda: None)
    data = OLE2 + b"\x00" * 600
    res = process_bytes(data, "report.doc")
    assert len(res.errors) == 1
    err = res.errors[0]
    assert err.code == "needs_converter" and "LibreOffice" in err.message and "apt-get install" in err.message


def test_password_protected_word_file():
    data = OLE2 + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    assert process_bytes(data, "report.docx").errors[0].code == "encrypted"


@pytest.mark.usefixtures("soffice_tool")
def test_legacy_doc_converted_by_libreoffice(tmp_path):
    spec = random_spec(9, template="2021")
    docx = render(spec, "docx", tmp_path / "report.docx").read_bytes()
    legacy = convert.convert(docx, ".docx", "doc")
    assert legacy.startswith(OLE2)
    res = process_bytes(legacy, "report.doc")
    assert res.errors == [] and res.report.format == "doc"
    assert misread(spec, res) == []


def _rtf_text(text: str) -> str:
    """Text as RTF writes it: \\uN? escapes (N a signed 16-bit number) for non-ASCII characters."""
    return "".join(ch if ord(ch) < 128 else r"\u%d?" % (ord(ch) - 65536 if ord(ch) > 32767 else ord(ch)) for ch in text)


RTF = (r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}\f0 "
       + _rtf_text("某区教育局2023年政府信息公开工作年度报告") + r"\par " + _rtf_text("一、总体情况") + r"\par }")


@pytest.mark.usefixtures("soffice_tool")
def test_rtf_converted_by_libreoffice():
    res = process_bytes(RTF.encode("ascii"), "report.doc")
    assert res.errors == [] and res.report.format == "rtf"
    assert (res.report.agency, res.report.year) == ("某区教育局", 2023)
    assert [s.number for s in res.sections if s.level == 1] == ["一、"]


def test_rtf_without_libreoffice_says_what_to_install(monkeypatch):
    monkeypatch.setattr(convert, "soffice", lambda: None)
    err = process_bytes(b"{\\rtf1\\ansi \\par}", "report.doc").errors[0]
    assert err.code == "needs_converter" and "LibreOffice" in err.message


def test_damaged_word_file():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document")
    err = process_bytes(buf.getvalue(), "report.docx").errors[0]
    assert err.code == "corrupt_file" and "save it again" in err.message


def test_truncated_word_file():
    data = _blank()[:5000]
    err = process_bytes(data, BLANK).errors[0]
    assert err.code == "corrupt_file"


def test_signature_table_and_html_chunk(tmp_path):
    """A signature in a one-row table is text; an HTML chunk a web editor imported is read."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    spec = random_spec(13, template="2019")
    spec.published = ""
    path = render(spec, "docx", tmp_path / "report.docx")
    doc = docx.Document(str(path))
    sign = doc.add_table(rows=1, cols=2)
    sign.cell(0, 0).text, sign.cell(0, 1).text = spec.agency, f"{spec.year + 1}年3月4日"
    chunk = Part(PackURI("/word/afchunk1.htm"), "text/html",
                 "<html><body><p>附：本报告电子版可在本机关网站下载。</p></body></html>".encode("utf-8"), doc.part.package)
    rid = doc.part.relate_to(chunk, RT.A_F_CHUNK)
    sign._tbl.addnext(parse_xml(f'<w:altChunk xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                                f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="{rid}"/>'))
    doc.save(str(path))
    data = path.read_bytes()
    paragraphs = [b.text for b in read_docx(data, "report.docx").blocks if isinstance(b, Paragraph)]
    assert paragraphs[-3:] == [spec.agency, f"{spec.year + 1}年3月4日", "附：本报告电子版可在本机关网站下载。"]
    res = process_bytes(data, "report.docx")
    assert res.report.published == f"{spec.year + 1}-03-04" and res.report.status == "ok"


def test_numbering_through_styles_levels_and_restarts():
    from docx.oxml import parse_xml

    from extract.readers.word import Numbering

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = parse_xml(
        f'<w:numbering {ns}><w:abstractNum w:abstractNumId="1">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
        '<w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>'
        '<w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        '</w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num></w:numbering>')
    styles = parse_xml(
        f'<w:styles {ns}><w:style w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>'
        '<w:style w:styleId="H1b"><w:basedOn w:val="H1"/></w:style></w:styles>')

    def p(style=None, ilvl=None):
        ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
        if ilvl is not None:
            ppr += f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="5"/></w:numPr>'
        return parse_xml(f"<w:p {ns}><w:pPr>{ppr}</w:pPr></w:p>")

    n = Numbering(numbering, styles)
    labels = [n.label(x) for x in (p("H1"), p(ilvl=1), p(ilvl=1), p(ilvl=2), p("H1b"), p(ilvl=1), p(ilvl=2), p())]
    assert labels == ["一、", "（一）", "（二）", "1. ", "二、", "（一）", "1. ", ""]

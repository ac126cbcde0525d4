"""Render a :class:`ReportSpec` as txt, md, html, docx and (with LibreOffice) pdf, in the
official layout with real merged cells. One outline, one writer per format."""
from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..templates import TABLE_KEYS, TEMPLATES
from .layout import Grid, grids
from .spec import ReportSpec

CN_DIGITS = "〇一二三四五六七八九"
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def cn_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def outline(spec: ReportSpec) -> list[tuple]:
    t = TEMPLATES[spec.template]
    g = grids(t, spec.cells, spec.variant)
    items: list[tuple] = [("title", spec.title)]
    if spec.doc_number:
        items.append(("para", spec.doc_number))
    items.append(("para", f"本报告根据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限自{spec.year}年1月1日起至"
                          f"{spec.year}年12月31日止。"))
    items.append(("heading", HEADINGS[0]))
    items += [("para", p) for p in spec.overview]
    for i, key in enumerate(TABLE_KEYS, start=1):
        items.append(("heading", HEADINGS[i]))
        items.append(("table", key, g[key]))
    items.append(("heading", HEADINGS[4]))
    items += [("para", p) for p in spec.problems]
    items.append(("heading", HEADINGS[5]))
    items.append(("para", spec.other))
    items.append(("sign", spec.agency))
    if spec.published:
        items.append(("sign", cn_date(spec.published)))
    return items


# ------------------------------------------------------------------ text forms

def to_txt(spec: ReportSpec) -> str:
    """Pipe-separated table rows (merged cells written once, rows padded), as scraped reports do."""
    lines = []
    for item in outline(spec):
        if item[0] == "table":
            grid: Grid = item[2]
            for row in grid.rows():
                cells = [c.text for c in row]
                lines.append(" | ".join(cells + [""] * (grid.width - len(cells))))
        else:
            lines.append(item[1])
    return "\n".join(lines) + "\n"


def _md_table(grid: Grid) -> list[str]:
    """GFM cannot merge: each value row carries its full label path; headers are joined."""
    full = [[None] * grid.width for _ in range(grid.height)]
    for c in grid.cells:
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                full[r][k] = c
    out = []
    for r, row in enumerate(full):
        seen, texts = set(), []
        for c in row:
            if c is None or id(c) in seen:
                continue
            seen.add(id(c))
            texts.append(c.text.replace("|", "\\|"))
        out.append("| " + " | ".join(texts) + " |")
        if r == 0:
            out.append("|" + "---|" * len(texts))
    return out


def to_md(spec: ReportSpec) -> str:
    lines = []
    for item in outline(spec):
        kind = item[0]
        if kind == "title":
            lines += [f"# {item[1]}", ""]
        elif kind == "heading":
            lines += [f"## {item[1]}", ""]
        elif kind == "table":
            lines += _md_table(item[2]) + [""]
        else:
            lines += [item[1], ""]
    return "\n".join(lines)


def to_html(spec: ReportSpec) -> str:
    body = []
    for item in outline(spec):
        kind = item[0]
        if kind == "title":
            body.append(f"<h1>{html.escape(item[1])}</h1>")
        elif kind == "heading":
            body.append(f"<p><strong>{html.escape(item[1])}</strong></p>")
        elif kind == "table":
            rows = []
            for row in item[2].rows():
                tds = []
                for c in row:
                    span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
                    tds.append(f"<td{span}><p>{html.escape(c.text) or '&nbsp;'}</p></td>")
                rows.append("<tr>" + "".join(tds) + "</tr>")
            body.append('<table border="1" cellspacing="0">' + "".join(rows) + "</table>")
        elif kind == "sign":
            body.append(f'<p style="text-align:right">{html.escape(item[1])}</p>')
        else:
            body.append(f"<p>{html.escape(item[1])}</p>")
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.escape(spec.title) +
            "</title></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


# ------------------------------------------------------------------ Word and PDF

def _cjk_font(doc) -> None:
    from docx.oxml.ns import qn

    style = doc.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")


def _page_number_footer(doc) -> None:
    """``- N -`` centred in every page's footer (a PAGE field), as printed reports do."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    par = doc.sections[0].footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    par.add_run("- ")
    par._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    par.add_run(" -")


def _repeat_rows(table, n: int) -> None:
    """Mark the first ``n`` rows as header rows, repeated on every page the table runs to."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for row in table.rows[:n]:
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)


def to_docx(spec: ReportSpec, path: Path, page_numbers: bool = False, running_header: str = "",
            repeat_header: bool = False) -> None:
    """Word in the official layout. Options for fixtures: page numbers in the footer, a running
    header line, and the tables' header rows repeated on each page."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = docx.Document()
    _cjk_font(doc)
    if page_numbers:
        _page_number_footer(doc)
    if running_header:
        doc.sections[0].header.paragraphs[0].text = running_header
    for item in outline(spec):
        kind = item[0]
        if kind == "title":
            p = doc.add_paragraph(item[1])
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "table":
            grid: Grid = item[2]
            table = doc.add_table(rows=grid.height, cols=grid.width)
            table.style = "Table Grid"
            # table.cell() walks every cell of the table each time: its layout, walked once per merge
            layout: list = []
            for c in grid.cells:
                layout = layout or table._cells
                cell = layout[c.row * grid.width + c.col]
                if c.rowspan > 1 or c.colspan > 1:
                    cell = cell.merge(layout[(c.row + c.rowspan - 1) * grid.width + c.col + c.colspan - 1])
                    layout = []
                cell.text = c.text
                for par in cell.paragraphs:
                    for run in par.runs:
                        run.font.size = Pt(7 if grid.width > 4 else 9)
            if repeat_header:
                _repeat_rows(table, min(c.row for c in grid.cells if c.key is not None))
        else:
            p = doc.add_paragraph(item[1])
            if kind == "sign":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(str(path))


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(spec: ReportSpec, path: Path, **options) -> None:
    """docx → PDF with LibreOffice (``options`` as for :func:`to_docx`); raises RuntimeError
    when LibreOffice is not installed."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / (path.stem + ".docx")
        to_docx(spec, src, **options)
        subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf",
                        "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=180)
        shutil.move(str(Path(tmp) / (path.stem + ".pdf")), path)


WRITERS = {
    "txt": lambda spec, path: path.write_text(to_txt(spec), encoding="utf-8"),
    "md": lambda spec, path: path.write_text(to_md(spec), encoding="utf-8"),
    "html": lambda spec, path: path.write_text(to_html(spec), encoding="utf-8"),
    "docx": to_docx,
    "pdf": to_pdf,
}


def render(spec: ReportSpec, fmt: str, path: Path, **options) -> Path:
    """Write ``spec`` as ``fmt`` to ``path``; ``options`` are layout options of the docx and pdf writers."""
    WRITERS[fmt](spec, path, **options)
    return path

"""Markdown reports: OCR output, converters' Markdown (pymupdf4llm, pandoc, html2text).

Markdown is a shorthand for HTML, and converters mix the two (pandoc writes a table with merged
cells as raw ``<table>`` HTML, cells hold ``<span>``s, ``<br>`` and entities), so a Markdown text
is read as the web page it stands for. Steps:

1. ``header_properties``: a scraper's header (``标题: …``) becomes properties.
2. ``drawn_tables``: tables drawn with characters (pandoc's grid and dash-ruled tables, which
   Markdown renderers do not know) are read as text tables (``textgrid``) and held apart.
3. ``pad_pipe_tables``: a GFM pipe table drops the cells beyond its header's count, and a value
   must never be dropped: the header and delimiter rows are widened to the widest row.
4. ``render``: markdown-it (CommonMark + GFM tables, a line break for each source line break)
   turns the text into HTML; the HTML reader reads it — raw ``<table>``s with their spans, text
   hidden by a style left out, ``<br>`` inside cells — and the drawn tables are put back.
Page numbers (``- 3 -``) between a converter's pages are dropped first.
"""
from __future__ import annotations

from markdown_it import MarkdownIt

from ..document import Document, Paragraph, Table
from ..errors import EMPTY_FILE, ExtractError
from . import textgrid
from .encoding import decode_text
from .hints import NO_HINTS, Hints
from .html import html_blocks
from .text import _MD_RULE, _PAGE_NO, header_properties, split_pipes

_md = MarkdownIt("commonmark", {"breaks": True, "html": True}).enable("table")
_PLACEHOLDER = "\u2063drawn-table-{}\u2063"  # a paragraph that stands for a drawn table until it is put back


def drawn_tables(lines: list[str]) -> tuple[list[str], dict[str, list]]:
    """The lines with each drawn table replaced by a placeholder paragraph, and the tables by placeholder."""
    found = textgrid.tables_in(lines)
    if not found:
        return lines, {}
    out: list[str] = []
    tables: dict[str, list] = {}
    at = 0
    for start, end, got in found:
        key = _PLACEHOLDER.format(len(tables))
        tables[key] = got
        out += lines[at:start] + ["", key, ""]
        at = end
    out += lines[at:]
    return out, tables


def pad_pipe_tables(lines: list[str]) -> tuple[list[str], bool]:
    """Widen each GFM table's header and delimiter rows to its widest row; say whether there was one."""
    tokens = _md.parse("\n".join(lines))
    lines = list(lines)
    found = False
    for tok in tokens:
        if tok.type != "table_open" or not tok.map:
            continue
        found = True
        begin, end = tok.map
        widths = [len(split_pipes(lines[i])) for i in range(begin, end) if lines[i].strip()]
        head = len(split_pipes(lines[begin]))
        extra = max(widths, default=head) - head
        if extra > 0 and begin + 1 < end:
            lines[begin] = _open_end(lines[begin]) + " |" * extra
            lines[begin + 1] = _open_end(lines[begin + 1]) + " --- |" * extra
    return lines, found


def _open_end(row: str) -> str:
    """A pipe row ending in one pipe, ready for more cells (its own empty cells kept)."""
    row = row.rstrip()
    return row if row.endswith("|") and not row.endswith("\\|") else row + "|"


def read_markdown(data: bytes, source: str, hints: Hints = NO_HINTS) -> Document:
    text, encoding, repaired = decode_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    props, start = header_properties(lines)
    # page numbers between a converter's pages (``- 3 -`` would render as a list item)
    body = [ln for ln in lines[start:] if not _PAGE_NO.match(ln)]
    body, drawn = drawn_tables(body)
    body, piped = pad_pipe_tables(body)
    html = _md.render("\n".join(body))
    blocks, page_props, notes = html_blocks(f"<html><body>{html}</body></html>", hints)
    for key, value in page_props.items():
        props.setdefault(key, value)
    out: list = []
    for b in blocks:
        if isinstance(b, Paragraph):
            key = b.text.strip()
            if key in drawn:
                out.extend(drawn[key])
                continue
        out.append(b)
    out = loose_pipe_rows(out)
    if not out:
        raise ExtractError(EMPTY_FILE, "the Markdown file holds no text")
    forms = [name for name, present in (("grid", bool(drawn)), ("pipe", piped), ("html-table", _raw_table(body)))
             if present]
    layout = "md/" + ("+".join(forms) if forms else "plain")
    return Document(source=source, format="md", blocks=out, properties=props, encoding=encoding, layout=layout,
                    warnings=repaired + notes)


def loose_pipe_rows(blocks: list) -> list:
    """Pipe rows Markdown did not take for a table (a one-cell header over ``---`` is a heading to it, as
    html2text writes a caption row): runs of such lines become a table again."""
    out: list = []
    run: list[Paragraph] = []

    def flush() -> None:
        if len(run) >= 2 or (run and run[0].text.count("|") >= 2):
            rows = [split_pipes(p.text) for p in run]
            width = max(len(r) for r in rows)
            out.append(Table.from_rows([r + [""] * (width - len(r)) for r in rows], page=run[0].page))
        else:
            out.extend(run)
        run.clear()

    for b in blocks:
        if isinstance(b, Paragraph) and _MD_RULE.match(b.text):
            continue  # a table's delimiter row
        if isinstance(b, Paragraph) and "|" in b.text and b.heading_hint is None:
            run.append(b)
            continue
        flush()
        out.append(b)
    flush()
    return out


def _raw_table(lines: list[str]) -> bool:
    return any("<table" in ln.lower() for ln in lines)

"""Plain-text reports: scraped page text, converters' text (pdftotext, pypdf, pandoc), pipe tables.

Steps:
1. ``decode_text``: the encoding detected, damaged bytes replaced with a note.
2. ``header_properties``: a scraper's header (``标题: …`` lines up to a ``==== 正文 ====`` rule)
   becomes properties.
3. ``pages``: form feeds split the pages; page numbers (``- 4 -``, ``—1—``, ``第 4 页``) and the
   running header and footer a converter repeats on every page (a browser's date and address)
   are dropped.
4. Per page, tables in the forms text has them — ``textgrid``: tables drawn with characters
   (``+---+``, ``│ ─ ┼``, pandoc's dash rules); pipe rows (``| a | b |``) and tab-separated rows;
   ``spaced``: columns lined up with spaces (``pdftotext -layout``) — and every other line a
   paragraph.

``Document.layout`` names the table forms found (``text/space-aligned``, ``text/grid``,
``text/pipe``, ``text/tab``; ``text/plain`` when none).
"""
from __future__ import annotations

import re
from collections import Counter

from ..document import Document, Paragraph, Table
from . import properties, spaced, textgrid
from .encoding import decode_text
from .hints import NO_HINTS, Hints
from ..settings import SETTINGS

_RULE = re.compile(r"^\s*[=＝#*-]{4,}\s*\S{0,8}\s*[=＝#*-]{4,}\s*$")
_PAGE_NO = re.compile(r"^\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                      r"|\d{1,4}\s*/\s*\d{1,4})\s*$")
_EMPHASIS = re.compile(r"\*\*|__")  # Markdown's bold around a header's key (**标题：**)
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def split_pipes(line: str) -> list[str]:
    """``"a | b || c |"`` → ``["a", "b", "", "c"]``: cells between pipes, outer pipes dropped."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [c.replace("\\|", "|").strip() for c in cells]


def is_pipe_row(line: str) -> bool:
    return line.count("|") >= 2 and not _MD_RULE.match(line)


def is_tab_row(line: str) -> bool:
    """Cells copied from a spreadsheet or a web page's table: separated by tabs."""
    return "\t" in line.strip() and len([c for c in line.split("\t") if c.strip()]) >= 2


def header_properties(lines: list[str]) -> tuple[dict[str, str], int]:
    """Properties from a scraper's header and the index of the first body line."""
    props: dict[str, str] = {}
    for i, line in enumerate(lines[:40]):
        if _RULE.match(line):
            for head in lines[:i]:
                kv = properties.key_value(head)
                if kv:
                    properties.merge(props, *kv)
            return props, i + 1
    start = 0
    for i, line in enumerate(lines[:20]):
        if not line.strip():
            continue  # a converter's paragraphs: blank lines between the header's lines
        kv = properties.key_value(_EMPHASIS.sub("", line))
        if not kv:
            break
        properties.merge(props, *kv)
        start = i + 1
    return (props, start) if len(props) >= 2 else ({}, 0)


# ------------------------------------------------------------------ 3. pages


def _furniture_key(line: str) -> str:
    """A line as it repeats from page to page: digits (dates, page counts) and spaces do not count."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines printed at the top or the bottom of most pages (a running header or footer)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        body = [ln for ln in lines if ln.strip()]
        edge = body[:SETTINGS.text_furniture_lines] + body[-SETTINGS.text_furniture_lines:]
        for key in {_furniture_key(ln) for ln in edge}:
            seen[key] += 1
    need = max(2, (len(pages) + 1) // 2)
    return {k for k, n in seen.items() if n >= need and len(k) >= 4}


def pages(lines: list[str]) -> list[list[str]]:
    """The text's pages (form feeds), page numbers and running headers and footers dropped."""
    out: list[list[str]] = [[]]
    for raw in lines:
        parts = raw.split("\f")
        out[-1].append(parts[0])
        for part in parts[1:]:
            out.append([part])
    running = running_lines(out)
    cleaned = []
    for page in out:
        body = [i for i, ln in enumerate(page) if ln.strip()]
        edge = set(body[:SETTINGS.text_furniture_lines] + body[-SETTINGS.text_furniture_lines:])
        cleaned.append([ln for i, ln in enumerate(page)
                        if not _PAGE_NO.match(ln) and not (i in edge and _furniture_key(ln) in running)])
    return cleaned


# ------------------------------------------------------------------ 4. blocks of a page


def _line_tables(lines: list[str], page: int | None) -> list[tuple[int, int, list[Table], str]]:
    """Pipe rows and tab-separated rows: runs of such lines as tables (start, end, tables, form)."""
    out = []
    i = 0
    while i < len(lines):
        kind = "pipe" if is_pipe_row(lines[i]) else "tab" if is_tab_row(lines[i]) else ""
        if not kind:
            i += 1
            continue
        rows: list[list[str]] = []
        j = i
        while j < len(lines):
            line = lines[j]
            if kind == "pipe" and _MD_RULE.match(line):
                j += 1
                continue
            if not line.strip():
                # blank lines between rows of one table
                k = j
                while k < len(lines) and not lines[k].strip():
                    k += 1
                if k < len(lines) and (is_pipe_row(lines[k]) if kind == "pipe" else is_tab_row(lines[k])):
                    j = k
                    continue
                break
            if kind == "pipe" and is_pipe_row(line):
                rows.append(split_pipes(line))
            elif kind == "tab" and is_tab_row(line):
                rows.append([c.strip() for c in line.strip("\n").split("\t")])
            else:
                break
            j += 1
        width = max(len(r) for r in rows)
        out.append((i, j, [Table.from_rows([r + [""] * (width - len(r)) for r in rows], page=page)], kind))
        i = j
    return out


def page_blocks(lines: list[str], page: int | None, hints: Hints) -> tuple[list, set[str]]:
    """One page's blocks in order, and the table forms found on it."""
    found: list[tuple[int, int, list[Table], str]] = []
    taken = [False] * len(lines)

    def claim(spans):
        for start, end, tables, form in spans:
            if any(taken[start:end]):
                continue
            for k in range(start, end):
                taken[k] = True
            found.append((start, end, tables, form))

    claim((s, e, t, "grid") for s, e, t in textgrid.tables_in(lines, page))
    claim(_line_tables(lines, page))
    # space-aligned tables among the lines no other form took
    i = 0
    while i < len(lines):
        if taken[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and not taken[j]:
            j += 1
        claim((i + s, i + e, t, "space-aligned") for s, e, t in spaced.tables_in(lines[i:j], page, hints.heading_rx))
        i = j
    blocks: list = []
    forms: set[str] = set()
    starts = {start: (end, tables, form) for start, end, tables, form in found}
    i = 0
    while i < len(lines):
        if i in starts:
            end, tables, form = starts[i]
            blocks.extend(tables)
            forms.add(form)
            i = end
            continue
        if lines[i].strip() and not _MD_RULE.match(lines[i]):
            blocks.append(Paragraph(lines[i].strip(), page=page))
        i += 1
    return blocks, forms


def lines_to_blocks(lines: list[str], first_page: int | None = None,
                    hints: Hints = NO_HINTS) -> tuple[list, int | None, set[str]]:
    """The blocks of a text's lines, the last page number seen and the table forms found."""
    blocks: list = []
    forms: set[str] = set()
    all_pages = pages(lines)
    for n, page_lines in enumerate(all_pages):
        page = first_page + n if first_page is not None else None
        got, kinds = page_blocks(page_lines, page, hints)
        blocks.extend(got)
        forms |= kinds
    last = first_page + len(all_pages) - 1 if first_page is not None else None
    return blocks, last, forms


FORM_ORDER = ("grid", "space-aligned", "pipe", "tab")


def layout_name(fmt: str, forms: set[str]) -> str:
    named = [f for f in FORM_ORDER if f in forms]
    return f"{fmt}/{'+'.join(named)}" if named else f"{fmt}/plain"


def read_text(data: bytes, source: str, hints: Hints = NO_HINTS) -> Document:
    text, encoding, repaired = decode_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    props, start = header_properties(lines)
    paged = "\f" in text
    blocks, last_page, forms = lines_to_blocks(lines[start:], first_page=1 if paged else None, hints=hints)
    return Document(source=source, format="txt", blocks=blocks, properties=props, encoding=encoding,
                    pages=last_page if paged else None, layout=layout_name("text", forms), warnings=repaired)

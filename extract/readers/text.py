"""Plain-text reports: scraped page text, pdftotext output, pipe-separated tables.

- Encoding detected (``encoding.decode``).
- A scraper's header (``标题: …`` lines up to a ``==== 正文 ====`` rule) becomes properties.
- Runs of lines holding ``|`` become tables with blank cells kept; every other line is a paragraph.
- Page-number lines (``- 4 -``, ``第 4 页``) and form feeds are dropped, counting pages.
"""
from __future__ import annotations

import re

from ..document import Document, Paragraph, Table
from . import properties
from .encoding import decode_text

_RULE = re.compile(r"^\s*[=＝#*-]{4,}\s*\S{0,8}\s*[=＝#*-]{4,}\s*$")
_PAGE_NO = re.compile(r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$")
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
        kv = properties.key_value(line)
        if not kv:
            break
        properties.merge(props, *kv)
        start = i + 1
    return (props, start) if len(props) >= 2 else ({}, 0)


def lines_to_blocks(lines: list[str], first_page: int | None = None) -> tuple[list, int | None]:
    """Group lines into paragraphs and pipe tables; return blocks and the page count seen."""
    blocks: list = []
    page = first_page
    rows: list[list[str]] = []
    table_page = page

    def flush() -> None:
        nonlocal rows
        if rows:
            width = max(len(r) for r in rows)
            blocks.append(Table.from_rows([r + [""] * (width - len(r)) for r in rows], page=table_page))
            rows = []

    for raw in lines:
        for piece_no, piece in enumerate(raw.split("\f")):
            if piece_no and page is not None:
                page += 1
            line = piece.rstrip()
            if not line.strip():
                continue
            if _PAGE_NO.match(line):
                continue
            if _MD_RULE.match(line):
                continue
            if is_pipe_row(line):
                if not rows:
                    table_page = page
                rows.append(split_pipes(line))
                continue
            flush()
            blocks.append(Paragraph(line.strip(), page=page))
    flush()
    return blocks, page


def read_text(data: bytes, source: str, hints=None) -> Document:
    text, encoding, repaired = decode_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    props, start = header_properties(lines)
    paged = "\f" in text
    blocks, last_page = lines_to_blocks(lines[start:], first_page=1 if paged else None)
    layout = "text/pipe" if any(isinstance(b, Table) for b in blocks) else "text/plain"
    return Document(source=source, format="txt", blocks=blocks, properties=props, encoding=encoding,
                    pages=last_page if paged else None, layout=layout, warnings=repaired)

"""Format readers: bytes in, one :class:`~extract.document.Document` out.

``read`` sniffs the format from the content (``detect.sniff``) and calls the reader
registered for it. Each reader keeps its format's quirks to itself.
"""
from __future__ import annotations

from dataclasses import replace
from importlib import import_module
from typing import Callable

from ..document import Document, Paragraph, Table
from ..errors import UNKNOWN_FORMAT, ExtractError
from ..textnorm import INVISIBLE, nfkc, split_numbering, squash, strip_invisible
from .detect import sniff
from .hints import NO_HINTS, Hints

Reader = Callable[[bytes, str, Hints], Document]


def _lazy(module: str, name: str) -> Reader:
    """A reader imported on first use: reading text files never loads bs4, python-docx or LibreOffice."""

    def reader(data: bytes, source: str, hints: Hints = NO_HINTS) -> Document:
        return getattr(import_module(f"{__name__}.{module}"), name)(data, source, hints)

    return reader


READERS: dict[str, Reader] = {
    "txt": _lazy("text", "read_text"),
    "md": _lazy("markdown", "read_markdown"),
    "pdf": _lazy("pdf", "read_pdf"),
    "html": _lazy("html", "read_html"),
    "docx": _lazy("word", "read_docx"),
    "doc": _lazy("convert", "read_legacy_word"),  # .doc/.wps via LibreOffice
    "rtf": _lazy("convert", "read_rtf"),
    "image": _lazy("ocr", "read_image"),  # .png .jpg .tif (every page) .bmp, read by OCR
}


def register(fmt: str, reader: Reader) -> None:
    READERS[fmt] = reader


def read(data: bytes, source: str, hints: Hints = NO_HINTS) -> Document:
    """Read a report's bytes; ``source`` is its name, used for messages and tie-breaks; ``hints`` (from
    ``templates.reader_hints()``) tell readers the words of the national forms."""
    fmt = sniff(data, source)
    reader = READERS.get(fmt)
    if reader is None:
        raise ExtractError(UNKNOWN_FORMAT, f"no reader for {fmt} files yet")
    return heading_rows(visible_text(reader(data, source, hints)), hints)


def visible_text(doc: Document) -> Document:
    """No characters that show nothing (zero-width, soft hyphens, bidi marks) in any block, whichever
    reader made it: inside a number they would make it unreadable."""
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph) and INVISIBLE.search(block.text):
            block.text = strip_invisible(block.text)
        elif isinstance(block, Table) and any(INVISIBLE.search(c.text) for c in block.cells):
            block.cells = [replace(c, text=strip_invisible(c.text)) if INVISIBLE.search(c.text) else c
                           for c in block.cells]
    return doc


def heading_rows(doc: Document, hints: Hints) -> Document:
    """A section heading a converter put inside a table (``| 四、政府信息公开 | 行政复 | 议、行政诉讼情况 |``, a
    row with no value): the table is cut there and the heading becomes a paragraph again."""
    rx = hints.heading_rx
    if rx is None or not any(isinstance(b, Table) for b in doc.blocks):
        return doc
    out: list = []
    for block in doc.blocks:
        if not isinstance(block, Table):
            out.append(block)
            continue
        out.extend(_split_at_headings(block, rx))
    doc.blocks = out
    return doc


def _split_at_headings(table: Table, rx) -> list:
    rows: dict[int, list] = {}
    for c in table.cells:
        rows.setdefault(c.row, []).append(c)
    cuts = []
    for r, cells in sorted(rows.items()):
        if any(c.rowspan > 1 for c in cells):
            continue
        text = "".join(c.text for c in sorted(cells, key=lambda c: c.col))
        n, rest = split_numbering(nfkc(squash(text)))
        if n is not None and n.kind == "cn_dun" and rx.search(squash(rest)) and not any(ch.isdigit() for ch in rest):
            cuts.append((r, n.text + squash(rest)))
    if not cuts:
        return [table]
    out: list = []
    start = 0
    for r, heading in cuts + [(table.n_rows, None)]:
        part = [replace(c, row=c.row - start) for c in table.cells
                if start <= c.row < r and c.row + c.rowspan <= r]
        if part:
            out.append(Table(part, page=table.page, caption=table.caption, line_rows=table.line_rows))
        if heading is not None:
            out.append(Paragraph(heading, page=table.page))
        start = r + 1
    return out

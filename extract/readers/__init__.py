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
from ..textnorm import INVISIBLE, strip_invisible
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
    return visible_text(reader(data, source, hints))


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

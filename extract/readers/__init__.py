"""Format readers: bytes in, one :class:`~extract.document.Document` out.

``read`` sniffs the format from the content (``detect.sniff``) and calls the reader
registered for it. Each reader keeps its format's quirks to itself.
"""
from __future__ import annotations

from typing import Callable

from ..document import Document
from ..errors import UNKNOWN_FORMAT, ExtractError
from .detect import sniff

Reader = Callable[[bytes, str], Document]


def _text(data: bytes, source: str) -> Document:
    from .text import read_text

    return read_text(data, source)


def _markdown(data: bytes, source: str) -> Document:
    from .markdown import read_markdown

    return read_markdown(data, source)


def _html(data: bytes, source: str) -> Document:
    from .html import read_html

    return read_html(data, source)


def _docx(data: bytes, source: str) -> Document:
    from .word import read_docx

    return read_docx(data, source)


def _doc(data: bytes, source: str) -> Document:
    from .convert import read_legacy_word

    return read_legacy_word(data, source)


def _rtf(data: bytes, source: str) -> Document:
    from .convert import read_rtf

    return read_rtf(data, source)


READERS: dict[str, Reader] = {"txt": _text, "md": _markdown, "html": _html, "docx": _docx, "doc": _doc, "rtf": _rtf}


def register(fmt: str, reader: Reader) -> None:
    READERS[fmt] = reader


def read(data: bytes, source: str) -> Document:
    """Read a report's bytes; ``source`` is its name, used for messages and tie-breaks."""
    fmt = sniff(data, source)
    reader = READERS.get(fmt)
    if reader is None:
        raise ExtractError(UNKNOWN_FORMAT, f"no reader for {fmt} files yet")
    return reader(data, source)

"""Visible text of markup formats (HTML, Word): whitespace as a reader sees it, and the lines
of a table cell joined into the cell's text.

- ``clean_line``: characters that show nothing (zero-width, soft hyphens, bidi marks) removed;
  non-breaking and full-width spaces, tabs and runs of spaces become one space;
  a source line break between two Chinese characters disappears (a browser lays out
  ``本年度\\n办理结果`` as one word); the line is stripped.
- ``join_wrapped``: a cell's paragraphs and line breaks are wrapping artefacts (``商业`` /
  ``企业``), so lines are joined without a separator when Chinese text meets Chinese text and
  with one space otherwise, so that ``26`` and ``3`` in one cell never become ``263``.
"""
from __future__ import annotations

import re

from ..textnorm import strip_invisible

_SPACES = re.compile(r"[ \t\f\v\xa0\u2002\u2003\u2009\u200a\u3000\ufeff]+")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\xa0\u3000]*[\r\n]+[ \t\xa0\u3000\r\n]*(?=[{_CJK}])")
_CJK_CHAR = re.compile(rf"[{_CJK}]")


def clean_line(text: str) -> str:
    """One visible line: spaces collapsed, CJK-to-CJK source line breaks removed, stripped."""
    text = strip_invisible(text)
    text = _CJK_BREAK.sub("", text)
    text = re.sub(r"[\r\n]+", " ", text)
    return _SPACES.sub(" ", text).strip()


def join_wrapped(lines: list[str]) -> str:
    """A cell's lines as one text: a line break between Chinese text (which words never cross: the
    stages read labels without it), one space elsewhere."""
    out = ""
    for line in lines:
        line = clean_line(line)
        if not line:
            continue
        if out:
            out += "\n" if _CJK_CHAR.match(out[-1]) and _CJK_CHAR.match(line[0]) else " "
        out += line
    return out


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(text: str) -> str:
    """Text set as a superscript (a footnote mark such as ``<sup>1</sup>`` or ``[2]``) in superscript
    digits, so that it stays a mark after the number and is never read as more digits of it."""
    t = text.strip().strip("[]()（）【】")
    return t.translate(_SUPERSCRIPT) if t.isdigit() else text

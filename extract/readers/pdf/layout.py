"""Characters → lines → text, and lines → paragraphs.

PDF text has no words or paragraphs, only placed glyphs. Here:

- ``group_lines``: characters whose vertical centres fall in one band form a line, left to right.
- ``join_chars``: a line's text. Spaces between Chinese characters are layout (justified
  or distributed text: ``总 计``, ``第二十条 第（一）项``) and are dropped; a space is kept
  between two Latin letters or digits when the glyphs are apart, so ``0 0`` stays two numbers.
- ``cell_text``: the lines of a table cell joined without the breaks that wrapping made
  (``商业企`` / ``业`` → ``商业企业``; one character per line for vertical group labels).
- ``paragraphs``: the lines outside tables joined into paragraphs; a line starts a new one
  when it is indented, when the line before it stopped short of the right margin, after a
  gap, or when it starts with section numbering after a finished sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .scan import Char

_NARROW = re.compile(r"[0-9A-Za-z.,%+\-/:()@_#&*'\"=<>\[\]~$€£]")
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）])")
_SENTENCE_END = "。！？!?：:；;"


def _narrow(ch: str) -> bool:
    return bool(_NARROW.fullmatch(ch))


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters in lines, top to bottom; each line left to right. Characters of one line
    share a baseline (their boxes need not agree: two fonts in one line have different heights)."""
    lines: list[list[Char]] = []
    base: float | None = None
    tol = 0.0
    for ch in sorted(chars, key=lambda c: (c.line_y, c.x0)):
        if base is not None and abs(ch.line_y - base) <= tol:
            lines[-1].append(ch)
            continue
        lines.append([ch])
        base, tol = ch.line_y, max(ch.bottom - ch.top, 1.0) * 0.3
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def join_chars(line: list[Char], wide_gap: float | None = None) -> str:
    """A line's text. ``wide_gap`` (in character heights): a gap that wide becomes a space even
    between Chinese characters (columns of a table printed without rulings)."""
    out: list[str] = []
    prev: Char | None = None
    spaced = False
    for ch in line:
        if ch.text.isspace() or not ch.text:
            spaced = True
            continue
        if prev is not None:
            height = max(prev.size, ch.size, 1.0)
            gap = ch.x0 - prev.x1
            apart = spaced or gap > 0.25 * height
            last, first = prev.text[-1], ch.text[0]
            if apart and _narrow(last) and _narrow(first):
                out.append(" ")
            elif wide_gap is not None and gap > wide_gap * height:
                out.append(" ")
        out.append(ch.text)
        prev, spaced = ch, False
    return "".join(out)


def join_lines(texts: list[str]) -> str:
    """Wrapped lines of one cell or paragraph: no break where wrapping split a word."""
    out = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        if out and _narrow(out[-1]) and _narrow(t[0]):
            out += " "
        out += t
    return out


def cell_text(chars: list[Char]) -> str:
    return join_lines([join_chars(line) for line in group_lines(chars)])


@dataclass
class TextLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    size: float  # median character height
    confidence: float | None = None  # recognised from an image (OCR); None from a text layer


def text_lines(chars: list[Char], page: int) -> list[TextLine]:
    out = []
    for line in group_lines(chars):
        text = join_chars(line, wide_gap=1.5).strip()
        if text:
            sizes = sorted(c.size for c in line if not c.text.isspace()) or [1.0]
            out.append(TextLine(text, line[0].x0, line[-1].x1, min(c.top for c in line),
                                max(c.bottom for c in line), page, sizes[len(sizes) // 2]))
    return out


@dataclass
class Margins:
    left: float
    right: float


def margins(lines: list[TextLine]) -> Margins:
    """The body's left and right edges: where most lines start, and where full lines end."""
    long = [ln for ln in lines if len(ln.text) >= 8] or lines
    if not long:
        return Margins(0.0, 0.0)
    starts: dict[int, int] = {}
    for ln in long:
        starts[round(ln.x0)] = starts.get(round(ln.x0), 0) + 1
    left = float(min(starts, key=lambda x: (-starts[x], x)))
    ends = sorted(ln.x1 for ln in long)
    right = ends[int(0.9 * (len(ends) - 1))]
    return Margins(left, right)


def continues(prev: TextLine, line: TextLine, m: Margins, same_page: bool = True) -> bool:
    """Whether ``line`` continues the paragraph whose last line is ``prev``."""
    size = max(prev.size, line.size, 1.0)
    if prev.x1 < m.right - 3.2 * size:  # stopped short (line-breaking rules may push up to 3 characters on)
        return False
    if line.x0 > m.left + 0.6 * size:  # indented (or centred)
        return False
    if abs(prev.size - line.size) > 0.4 * size:  # a heading in a larger type
        return False
    if same_page and not (-0.3 * size <= line.top - prev.bottom <= 1.2 * size):
        return False
    if prev.text[-1] in _SENTENCE_END and _NUMBERED.match(line.text):
        return False
    return True

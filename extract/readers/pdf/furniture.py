"""Page furniture: what every page prints around the content, never part of it.

- Page numbers (``-4-``, ``- 4 -``, ``第 4 页``, ``4/6``, a bare ``4``) in the top or bottom margin.
- Running headers and footers: the same words (digits aside) in a margin on most pages.
"""
from __future__ import annotations

import re

from ...textnorm import nfkc
from ..text import _PAGE_NO
from .layout import TextLine
from .scan import PageScan

TOP, BOTTOM = 0.10, 0.86  # margins, as fractions of the page height
_BARE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")


def _in_margin(line: TextLine, height: float) -> bool:
    return line.bottom <= TOP * height or line.top >= BOTTOM * height


def is_page_number(text: str) -> bool:
    t = nfkc(text)
    return bool(_PAGE_NO.match(t) or _BARE_NUMBER.match(t))


def drop(lines_by_page: list[list[TextLine]], scans: list[PageScan]) -> list[list[TextLine]]:
    keyed: dict[str, set[int]] = {}
    for i, (lines, scan) in enumerate(zip(lines_by_page, scans)):
        for ln in lines:
            if _in_margin(ln, scan.height):
                keyed.setdefault(re.sub(r"\d+", "#", "".join(ln.text.split())), set()).add(i)
    n = len(scans)
    running = {k for k, pages in keyed.items() if n >= 3 and len(pages) >= max(2, n // 2)}
    out = []
    for lines, scan in zip(lines_by_page, scans):
        kept = []
        for ln in lines:
            if _in_margin(ln, scan.height) and (
                    is_page_number(ln.text) or re.sub(r"\d+", "#", "".join(ln.text.split())) in running):
                continue
            kept.append(ln)
        out.append(kept)
    return out

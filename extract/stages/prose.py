"""Numbers the report states in its prose, tied to the table rows their sentence names.

``集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件`` ties 698 and 88 to
the row 行政规范性文件. Used to rank readings of run-together digits (and, later, to compare
prose with the tables).
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..templates import Template
from ..textnorm import core, nfkc, squash
from .sections import SectionRow

TABLE_SECTIONS = ("active", "requests", "appeals")
_SENTENCE = re.compile(r"[。；;！!？?\n]")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,12}(?:\.\d+)?)\s*(?:件|条|个|项|份|次|万元|元)")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(nfkc(text)) if s.strip()]


def numbers_by_row(sections: list[SectionRow], template: Template) -> dict[str, frozenset]:
    names = {}
    for table in TABLE_SECTIONS:
        for row in template.scan_rows(table):
            names[row.key] = [core(a) for a in row.labels if len(core(a)) >= 4]
    found: dict[str, set] = {}
    for s in sections:
        if s.key in TABLE_SECTIONS:
            continue
        for sentence in sentences(s.text):
            words = squash(sentence)
            rows = [k for k, ns in names.items() if any(n in words for n in ns)]
            if not rows:
                continue
            values = {Decimal(m.group(1)) for m in _NUMBER.finditer(sentence)}
            for k in rows:
                found.setdefault(k, set()).update(values)
    return {k: frozenset(v) for k, v in found.items()}

"""Numbers the report states in its prose, tied to the table rows their sentence names.

``集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件`` ties 698 and 88 to
the row 行政规范性文件. Used to rank readings of run-together digits (and, later, to compare
prose with the tables).
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..templates import TABLE_KEYS, Template
from ..textnorm import core, nfkc, squash
from .sections import SectionRow
from .sums import cell_total

_SENTENCE = re.compile(r"[。；;！!？?\n]")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,12}(?:\.\d+)?)\s*(?:件|条|个|项|份|次|万元|元)")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(nfkc(text)) if s.strip()]


def numbers_by_row(sections: list[SectionRow], template: Template) -> dict[str, frozenset]:
    names = {}
    for table in TABLE_KEYS:
        for row in template.scan_rows(table):
            names[row.key] = [core(a) for a in row.labels if len(core(a)) >= 4]
    found: dict[str, set] = {}
    for s in sections:
        if s.key in TABLE_KEYS:
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


def prose_checks(sections: list[SectionRow], cells: dict) -> list:
    """Numbers the prose states against the table cells they name (``CLAIMS``); ``warn`` when they differ."""
    from ..results import CheckResult
    from ..templates import CLAIMS

    out, seen = [], {}
    for s in sections:
        if s.key in TABLE_KEYS:
            continue
        for sentence in sentences(s.heading + "。" + s.text):
            words = squash(sentence)
            for claim in CLAIMS:
                for pattern in claim.patterns:
                    m = re.search(pattern, words)
                    if not m:
                        continue
                    stated = Decimal(m.group(1))
                    options = [(keys, cell_total(cells, keys)) for keys in claim.targets]
                    known = [(keys, v) for keys, v in options if v is not None]
                    match = next(((keys, v) for keys, v in known if v == stated), None)
                    keys, value = match or (known[0] if known else (claim.targets[0], None))
                    status = "unknown" if value is None else ("pass" if match else "warn")
                    n = seen[claim.id] = seen.get(claim.id, 0) + 1
                    excerpt = sentence.strip()
                    excerpt = excerpt if len(excerpt) <= 80 else excerpt[:80] + "…"
                    out.append(CheckResult(
                        keys[0].table, claim.id if n == 1 else f"{claim.id}.{n}", stated, value,
                        None if value is None else stated - value, status,
                        ";".join(f"{k.row}/{k.column}" for k in keys), claim.description,
                        f"prose: “{excerpt}”"))
                    break
    return out

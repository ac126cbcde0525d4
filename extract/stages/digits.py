"""Read values back when a table was flattened and cell boundaries were lost.

``行政规范性文件693665`` printed for the three cells 69 | 3 | 665; ``230 000023`` for seven cells
23 | 0 | 0 | 0 | 0 | 0 | 23. Spaces that survive are real boundaries; digit runs between them
are split every way the number grammar allows (no leading zeros, a sign starts a number, a
decimal point stays inside one number, a unit ends the last one) so that the line has exactly
as many numbers as the template has cells.

Steps:
1. ``value_tokens``: the value text of a line → runs of digits/signs and dash placeholders.
2. ``readings``: every split of the runs into exactly N numbers that the columns admit
   (signed or not, decimal or not).
3. ``rank``: the template's identities that fall inside the line filter readings; the rest
   are ranked by a stated cost (below). One reading that fits → ``inferred``; several →
   ``ambiguous`` with the best guess first and the others kept as alternatives.

Cost of a reading, compared in this order:
- identities of the template violated (row totals);
- soft relations violated (现行有效 ≥ 本年制发; 对外公开总数 ≥ 本年新公开);
- fewer numbers of the reading also stated in the report's prose (more is better);
- spread of digit counts across count columns, plus 1 for each non-zero 增/减 or 废止 cell,
  plus a magnitude penalty for columns with a typical size (采购项目数量, 采购总金额);
- digits in the 增/减 or 废止 cells (smaller first).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator

from ..templates import Column
from ..textnorm import DASHES, nfkc

LIMIT = 200_000  # readings enumerated per line before giving up
_PIECE = re.compile(r"^[+\-]?(?:0|[1-9]\d*)(?:\.\d+)?$")
_TOKEN = re.compile(r"[+\-]?\d(?:[\d,.]|[+\-](?=\d))*(?:万元|元)?(?![年月日号])")
_DASH_TOKEN = re.compile(r"(?<!\S)(?:[-—–－/／]{1,2}|无)(?!\S)")


@dataclass(frozen=True)
class Token:
    """A run of value characters as found, with where it was found."""

    text: str
    start: int = 0
    end: int = 0
    separated: bool = True  # its own cell, or whitespace on both sides

    @property
    def is_dash(self) -> bool:
        return clean(self.text) in DASHES or set(clean(self.text)) <= set("-—–－/／")


@dataclass(frozen=True)
class Piece:
    text: str
    value: Decimal | None  # None for a dash
    unit: str | None
    token: int  # index of the token it came from
    split: bool  # True when the token was cut to make it


@dataclass
class Reading:
    pieces: tuple[Piece, ...]
    cost: tuple = field(default=())

    @property
    def values(self) -> tuple[Decimal | None, ...]:
        return tuple(p.value for p in self.pieces)

    def show(self) -> str:
        return "|".join(p.text for p in self.pieces)


def clean(text: str) -> str:
    return nfkc(text).strip().replace("−", "-").replace("，", ",")


def value_tokens(text: str) -> list[Token]:
    """Runs of digits (with signs, decimals, units) and stand-alone dashes, in order."""
    t = nfkc(text).replace("−", "-")
    tokens = []
    for m in sorted(list(_TOKEN.finditer(t)) + list(_DASH_TOKEN.finditer(t)), key=lambda m: m.start()):
        before = t[m.start() - 1] if m.start() > 0 else " "
        after = t[m.end()] if m.end() < len(t) else " "
        tokens.append(Token(m.group(0), m.start(), m.end(), before.isspace() and after.isspace()))
    return tokens


def _strip_thousands(digits: str) -> str:
    if re.fullmatch(r"[+\-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        return digits.replace(",", "")
    return digits


def _splits(s: str, k: int) -> Iterator[list[str]]:
    """All ways to cut ``s`` (sign/digits/point) into k valid numbers."""
    if k == 1:
        if _PIECE.match(s):
            yield [s]
        return
    for i in range(1, len(s)):
        head = s[:i]
        if not _PIECE.match(head) or s[i] in ".":
            continue
        if head.endswith("."):
            continue
        for rest in _splits(s[i:], k - 1):
            yield [head] + rest


def token_splits(token: str) -> dict[int, list[list[tuple[str, str | None]]]]:
    """Number of pieces → list of splits; each piece is (number text, unit)."""
    t = clean(token)
    if t == "":
        return {1: [[("", None)]]}
    if t in DASHES or set(t) <= set("-—–－/／"):
        return {1: [[(t, None)]]}
    unit = None
    for u in ("万元", "元"):
        if t.endswith(u):
            unit, t = u, t[: -len(u)]
            break
    t = _strip_thousands(t)
    # commas that are not thousands separators are boundaries; signs inside start a number
    parts = [p for p in re.split(r",", t) if p]
    segs: list[str] = []
    for p in parts:
        segs.extend(x for x in re.split(r"(?<=[\d.])(?=[+\-])", p) if x)
    per_seg: list[dict[int, list[list[str]]]] = []
    for seg in segs:
        digits = sum(ch.isdigit() for ch in seg)
        options = {}
        for k in range(1, digits + 1):
            found = list(_splits(seg, k))
            if found:
                options[k] = found
        if not options:
            return {}
        per_seg.append(options)
    result: dict[int, list[list[tuple[str, str | None]]]] = {}

    def walk(i: int, acc: list[str]) -> None:
        if i == len(per_seg):
            pieces = [(x, None) for x in acc]
            if unit:
                pieces[-1] = (pieces[-1][0], unit)
            result.setdefault(len(pieces), []).append(pieces)
            return
        for k, options in per_seg[i].items():
            for opt in options:
                walk(i + 1, acc + opt)

    walk(0, [])
    return result


def _admits(column: Column, text: str) -> bool:
    if text == "" or text in DASHES or set(text) <= set("-—–－/／"):
        return True
    if text.startswith("-") and not column.signed:
        return False
    if "." in text and not column.decimal:
        return False
    return True


def readings(tokens: list[Token], columns: list[Column], limit: int = LIMIT) -> list[Reading] | None:
    """Every reading of ``tokens`` as exactly ``len(columns)`` values; None if there are too many."""
    n = len(columns)
    options = [token_splits(t.text) for t in tokens]
    if any(not o for o in options):
        return []
    lo = [min(o) for o in options]
    hi = [max(o) for o in options]
    out: list[Reading] = []
    count = 0

    def walk(i: int, used: int, acc: list[Piece]) -> bool:
        nonlocal count
        if i == len(tokens):
            if used == n:
                out.append(Reading(tuple(acc)))
                count += 1
            return count < limit
        rest_lo = sum(lo[i + 1:])
        rest_hi = sum(hi[i + 1:])
        for k, splits in sorted(options[i].items()):
            if used + k + rest_lo > n or used + k + rest_hi < n:
                continue
            for split in splits:
                pieces = []
                ok = True
                for j, (text, unit) in enumerate(split):
                    col = columns[used + j]
                    if not _admits(col, text):
                        ok = False
                        break
                    is_dash = text == "" or text in DASHES or set(text) <= set("-—–－/／")
                    pieces.append(Piece(text + (unit or ""), None if is_dash else Decimal(text), unit, i, k > 1))
                if ok and not walk(i + 1, used + k, acc + pieces):
                    return False
        return True

    finished = walk(0, 0, [])
    return out if finished else None


# ------------------------------------------------------------------ ranking


@dataclass
class LineContext:
    """What a line's readings are ranked against."""

    columns: list[Column]
    # identities inside the line, as (lhs indexes, rhs indexes)
    identities: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    # soft relations inside the line, as (big index, small index)
    relations: list[tuple[int, int]] = field(default_factory=list)
    prose_numbers: frozenset = frozenset()


def _sum(values, idx) -> Decimal | None:
    total = Decimal(0)
    for i in idx:
        if values[i] is None:
            return None
        total += values[i]
    return total


def identity_violations(values, identities) -> int:
    bad = 0
    for lhs, rhs in identities:
        a, b = _sum(values, lhs), _sum(values, rhs)
        if a is not None and b is not None and a != b:
            bad += 1
    return bad


def _digits(v: Decimal) -> int:
    return len(str(abs(int(v)))) if v is not None else 0


def cost(reading: Reading, ctx: LineContext) -> tuple:
    values = reading.values
    bad_ids = identity_violations(values, ctx.identities)
    bad_rel = sum(1 for big, small in ctx.relations
                  if values[big] is not None and values[small] is not None and values[big] < values[small])
    prose = sum(1 for v in values if v is not None and abs(v) >= 10 and v in ctx.prose_numbers)
    lengths, small_nonzero, small_digits, magnitude = [], 0, 0, 0.0
    for col, v in zip(ctx.columns, values):
        if v is None:
            continue
        if col.magnitude:
            centre, spread = col.magnitude
            magnitude += ((math.log10(abs(float(v)) + 1) - centre) / spread) ** 2
            continue
        if col.small:
            if v == 0:
                continue
            small_nonzero += 1
            small_digits += _digits(v)
        lengths.append(_digits(v))
    spread = 0.0
    if len(lengths) > 1:
        mean = sum(lengths) / len(lengths)
        spread = sum((x - mean) ** 2 for x in lengths) / len(lengths)
    return (bad_ids, bad_rel, -prose, round(spread + small_nonzero + magnitude, 6), small_digits)


def rank(found: list[Reading], ctx: LineContext) -> list[Reading]:
    for r in found:
        r.cost = cost(r, ctx)
    return sorted(found, key=lambda r: (r.cost, r.show()))


def fits(reading: Reading, ctx: LineContext) -> bool:
    """True when the reading breaks no identity inside the line."""
    return identity_violations(reading.values, ctx.identities) == 0


__all__ = ["Token", "Piece", "Reading", "LineContext", "value_tokens", "readings", "rank", "fits"]

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
from itertools import combinations
from typing import Iterator

from ..settings import SETTINGS
from ..templates import Column
from ..values import Parsed, Token, is_dash, value_tokens, whole_digits
from ..values import clean as clean_value
from .sums import total

_PIECE = re.compile(r"^[+\-]?(?:0|[1-9]\d*)(?:\.\d+)?$")


@dataclass(frozen=True)
class Piece:
    text: str
    value: Decimal | None  # None for a dash
    unit: str | None
    token: int  # index of the token it came from
    split: bool  # True when the token was cut to make it
    note: str = ""  # what the column's grammar did with it (a unit converted)


@dataclass
class Reading:
    pieces: tuple[Piece, ...]
    cost: tuple = field(default=())

    @property
    def values(self) -> tuple[Decimal | None, ...]:
        return tuple(p.value if p is not None else None for p in self.pieces)

    def show(self) -> str:
        return "|".join(p.text if p is not None else "" for p in self.pieces)


def clean(text: str) -> str:
    return clean_value(text).text.replace("，", ",")


def _strip_thousands(digits: str) -> str:
    if re.fullmatch(r"[+\-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        return digits.replace(",", "")
    return digits


def _splits(s: str, k: int) -> Iterator[list[str] | None]:
    """Ways to cut ``s`` (sign/digits/point) into k valid numbers, lazily. Every candidate cut is
    yielded, ``None`` when it is not valid, so callers can count the work done."""
    if k == 1:
        yield [s] if _PIECE.match(s) else None
        return
    if sum(ch.isdigit() for ch in s) > k * SETTINGS.value_precision:
        return  # some piece would have more digits than any value the output stores: no cut to try
    cuts = [i for i in range(1, len(s)) if s[i] != "." and s[i - 1] != "."]
    for chosen in combinations(cuts, k - 1):
        bounds = (0,) + chosen + (len(s),)
        pieces = [s[a:b] for a, b in zip(bounds, bounds[1:])]
        yield pieces if all(_PIECE.match(p) for p in pieces) else None


@dataclass(frozen=True)
class TokenShape:
    """A token ready to be cut: its forced segments (a sign or a comma starts a new number), its unit."""

    segments: tuple[str, ...]
    unit: str | None
    placeholder: str | None = None  # "" for a blank cell, the dash as printed for a dash

    @property
    def lo(self) -> int:
        return 1 if self.placeholder is not None else len(self.segments)

    @property
    def hi(self) -> int:
        return 1 if self.placeholder is not None else sum(ch.isdigit() for seg in self.segments for ch in seg)

    def splits(self, k: int) -> Iterator[list[tuple[str, str | None]] | None]:
        """Every way to cut the token into exactly k numbers, lazily (``None`` for a candidate that fails)."""
        if self.placeholder is not None:
            if k == 1:
                yield [(self.placeholder, None)]
            return

        def walk(i: int, left: int) -> Iterator[list[str]]:
            if i == len(self.segments):
                if left == 0:
                    yield []
                return
            rest = self.segments[i + 1:]
            rest_lo, rest_hi = len(rest), sum(ch.isdigit() for seg in rest for ch in seg)
            seg = self.segments[i]
            top = min(left - rest_lo, sum(ch.isdigit() for ch in seg))
            for kk in range(max(1, left - rest_hi), top + 1):
                for head in _splits(seg, kk):
                    if head is None:
                        yield None
                        continue
                    for tail in walk(i + 1, left - kk):
                        yield None if tail is None else head + tail

        for pieces in walk(0, k):
            if pieces is None:
                yield None
                continue
            out = [(x, None) for x in pieces]
            if self.unit:
                out[-1] = (out[-1][0], self.unit)
            yield out


def token_shape(token: str) -> TokenShape | None:
    t = clean(token)
    if t == "" or is_dash(t):
        return TokenShape((), None, t)
    unit = None
    for u in ("万元", "元"):
        if t.endswith(u):
            unit, t = u, t[: -len(u)]
            break
    t = _strip_thousands(t)
    segs: list[str] = []
    for part in (p for p in t.split(",") if p):  # a comma that is no thousands separator is a boundary
        segs.extend(x for x in re.split(r"(?<=[\d.])(?=[+\-])", part) if x)
    if not segs or any(not any(ch.isdigit() for ch in seg) for seg in segs):
        return None
    return TokenShape(tuple(segs), unit)


def readings(tokens: list[Token], columns: list[Column], limit: int | None = None,
             identities: list[tuple[tuple[int, ...], tuple[int, ...]]] = ()) -> list[Reading] | None:
    """Every reading of ``tokens`` as exactly ``len(columns)`` values; None if there are too many.

    The search cuts tokens left to right and never builds a cut whose piece count cannot add up to
    ``len(columns)``. With ``identities`` (indexes into the values), a partial reading that already
    breaks one is dropped at once; if that leaves nothing, every reading is returned instead."""
    n = len(columns)
    limit = limit or SETTINGS.readings_limit
    shapes = [token_shape(t.text) for t in tokens]
    if any(sh is None for sh in shapes) or not shapes:
        return []
    lo = [sh.lo for sh in shapes]
    hi = [sh.hi for sh in shapes]
    ending: dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {}
    for ident in identities:
        ending.setdefault(max(ident[0] + ident[1]), []).append(ident)

    def search(prune: bool) -> list[Reading] | None:
        out: list[Reading] = []
        values: list[Decimal | None] = []
        steps = [0]

        def holds(upto: int) -> bool:
            for at in range(len(values) - upto, len(values)):
                for lhs, rhs in ending.get(at, ()):
                    a, b = _sum(values, lhs), _sum(values, rhs)
                    if a is not None and b is not None and a != b:
                        return False
            return True

        def walk(i: int, used: int, acc: list[Piece]) -> bool:
            if i == len(shapes):
                if used == n:
                    out.append(Reading(tuple(acc)))
                return len(out) < limit
            rest_lo, rest_hi = sum(lo[i + 1:]), sum(hi[i + 1:])
            for k in range(max(lo[i], n - used - rest_hi), min(hi[i], n - used - rest_lo) + 1):
                for split in shapes[i].splits(k):
                    steps[0] += 1
                    if steps[0] > SETTINGS.cut_steps:
                        return False
                    if split is None:
                        continue
                    pieces = []
                    for j, (text, unit) in enumerate(split):
                        grammar = columns[used + j].grammar
                        if not grammar.admits_piece(text):
                            break
                        note = ""
                        if text == "" or is_dash(text):
                            value = None
                        else:
                            verdict = grammar.admit(Parsed("number", Decimal(text), unit))
                            if not verdict.admitted:
                                break
                            value, unit, note = verdict.value, verdict.unit, verdict.note
                        pieces.append(Piece(text + (split[j][1] or ""), value, unit, i, k > 1, note))
                    else:
                        values.extend(p.value for p in pieces)
                        ok = not prune or holds(len(pieces))
                        go_on = walk(i + 1, used + k, acc + pieces) if ok else True
                        del values[len(values) - len(pieces):]
                        if not go_on:
                            return False
            return True

        return out if walk(0, 0, []) else None

    if ending:
        pruned = search(True)
        if pruned is None or pruned:
            return pruned  # too many to search, or the readings that fit
    return search(False)


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
    return total(values[i] for i in idx)


def identity_violations(values, identities) -> int:
    bad = 0
    for lhs, rhs in identities:
        a, b = _sum(values, lhs), _sum(values, rhs)
        if a is not None and b is not None and a != b:
            bad += 1
    return bad


def _digits(v: Decimal) -> int:
    return whole_digits(v) if v is not None else 0


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

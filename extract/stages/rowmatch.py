"""Match a printed row label to a template row, tolerantly and never by position alone.

A label is split into segments at each numbering (``三、本年度办理结果`` / ``（三）不予公开`` /
``1.属于国家秘密``); the last segment with words (the leaf) is scored against every row's
label and aliases. Scores: equal cores 1.0; an alias inside the leaf, or the leaf (cut short)
inside an alias, 0.6–1.0 by coverage; otherwise a similarity ratio (typos such as
``其他法律行政止公开``). Numbering and enclosing group labels raise or lower the score.
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from ..settings import SETTINGS
from ..templates import Column, Row
from ..textnorm import Numbering, core, fold, nfkc, segments, split_numbering



@dataclass(frozen=True)
class RowMatch:
    table: str
    row: str
    score: float
    fuzzy: bool = False  # found by similarity only (a label with typos or recognition errors)
    folded: bool = False  # found only with recognition confusions folded (了以大开 for 予以公开)


_LOST_DOT = re.compile(r"^\s*(\d{1,2})\s+(?=[\u4e00-\u9fff])")


@lru_cache(maxsize=4096)
def _core(text: str) -> str:
    return core(text)


def _coverage_score(leaf: str, alias: str, fuzzy: bool = True) -> float:
    if not leaf or not alias:
        return 0.0
    if leaf == alias:
        return 1.0
    if alias in leaf:
        return 0.6 + 0.4 * len(alias) / len(leaf)
    if leaf in alias and len(leaf) >= 3:
        return 0.55 + 0.4 * len(leaf) / len(alias)
    if not fuzzy or min(len(leaf), len(alias)) < 4:
        return 0.0
    matcher = SequenceMatcher(None, leaf, alias, autojunk=False)
    if matcher.real_quick_ratio() < 0.72 or matcher.quick_ratio() < 0.72:
        return 0.0
    ratio = matcher.ratio()
    return ratio * 0.85 if ratio >= 0.72 else 0.0


def _group_tail(group: str) -> str:
    return group.split("/")[-1] if group else ""


def score_row(label_segments: list[str], row: Row, group_tails: tuple[str, ...] = (), fuzzy: bool = True,
              folded: bool = False) -> float:
    """How well a label names a row. ``folded``: compare with the characters a recogniser confuses
    folded (``textnorm.fold``); ``fuzzy``: by similarity when no words match (typos)."""
    segs = [s for s in label_segments if _core(s)]
    if not segs:
        return 0.0
    leaf = segs[-1]
    numbering, _ = split_numbering(nfkc(leaf))
    if numbering is None and folded:  # a recogniser may lose a numbering's dot: 3 其他 is 3.其他
        m = _LOST_DOT.match(nfkc(leaf))
        if m:
            numbering, leaf = Numbering("arabic", int(m.group(1)), m.group(1) + "."), leaf[m.end():]
    leaf_core = fold(_core(leaf)) if folded else _core(leaf)
    best = max(_coverage_score(leaf_core, fold(_core(a)) if folded else _core(a), fuzzy) for a in row.labels)
    if best == 0.0:
        return 0.0
    row_numbering, _ = split_numbering(nfkc(row.label))
    if numbering and row_numbering:
        if numbering.number == row_numbering.number:
            best += 0.15
        elif numbering.kind == row_numbering.kind or {numbering.kind, row_numbering.kind} <= {"arabic", "arabic_paren"}:
            best -= 0.3
    if row.short and (leaf_core != _core(row.labels[0]) or not (
            numbering and row_numbering and numbering.number == row_numbering.number)):
        return 0.0  # 其他, 总计 alone are column words; only 3.其他 and （七）总计 are rows
    context = "".join(_core(s) for s in segs[:-1])
    tail = _core(_group_tail(row.group))
    if context and tail:
        if tail in context:
            best += 0.1
        elif any(g in context for g in group_tails if g != tail):
            best -= 0.25
    return best


def label_segments(cells: tuple[str, ...] | list[str], join: bool = False) -> list[str]:
    """A printed label's parts: the label cells split at each numbering. ``join``: a part that starts
    with no numbering is joined to the part before it (a label cut by a cell boundary or a line break,
    ``一、本年新收政府信息`` | ``公开申请数量``, is one label again)."""
    flat: list[str] = []
    for s in cells:
        for part in segments(s) or [s]:
            if join and flat and split_numbering(nfkc(part))[0] is None:
                flat[-1] += part
            else:
                flat.append(part)
    return flat


def best_row(label: str | list[str], rows: list[tuple[str, Row]]) -> RowMatch | None:
    """The best (table, row) for a label, or None when nothing scores at least ``row_accept``."""
    ranked = rank_rows(label, rows)
    return ranked[0] if ranked else None


def rank_rows(label: str | list[str], rows: list[tuple[str, Row]]) -> tuple[RowMatch, ...]:
    """Every (table, row) a label may name, best first (scores at least ``row_accept``)."""
    segs = tuple(label) if isinstance(label, list) else (label,)
    return _rank_rows(segs, tuple(rows))


@lru_cache(maxsize=8192)
def interleaved(cells: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A wrapped label a converter split at a column line by line (``（二）部分⏎处理的，只`` |
    ``公开（区分⏎计这一情``): for each two neighbouring cells of as many lines, the cells with those two
    rejoined line by line."""
    out = []
    lines = [c.split("\n") for c in cells]
    for i in range(len(cells) - 1):
        a, b = lines[i], lines[i + 1]
        if len(a) == len(b) >= 2:
            out.append(cells[:i] + ("".join(x + y for x, y in zip(a, b)),) + cells[i + 2:])
    return out


@lru_cache(maxsize=16384)  # a worker meets the same printed labels report after report
def _rank_rows(segs: tuple[str, ...], rows: tuple[tuple[str, Row], ...]) -> tuple[RowMatch, ...]:
    """The label read as printed (its cells apart), with unnumbered parts joined to the part before (a
    label a cell boundary cut), and with cells split line by line rejoined: the reading that names a
    row best (the cells as printed on a tie)."""
    best = _rank_parts(label_segments(segs), rows)
    readings = [label_segments(segs, join=True)] + [label_segments(c, join=True) for c in interleaved(segs)]
    for flat in readings:
        if flat == label_segments(segs):
            continue
        ranked = _rank_parts(flat, rows)
        if ranked and (not best or ranked[0].score > best[0].score):
            best = ranked
    return best


def _rank_parts(flat: list[str], rows: tuple[tuple[str, Row], ...]) -> tuple[RowMatch, ...]:
    tails = tuple(sorted({_core(_group_tail(r.group)) for _, r in rows if r.group} - {""}))
    # words first; then words with recognition confusions folded; similarity (typos) only when neither finds a row
    for fuzzy, folded in ((False, False), (False, True), (True, False)):
        scored = [(score_row(flat, row, tails, fuzzy, folded), table, row.key) for table, row in rows]
        scored = [s for s in scored if s[0] >= SETTINGS.row_accept]
        if scored:
            scored.sort(key=lambda t: -t[0])
            return tuple(RowMatch(table, key, s, fuzzy, folded) for s, table, key in scored)
    return ()


def match_column(header: str, columns: tuple[Column, ...]) -> str | None:
    """A header cell's text to a column key (exact core equality first, then containment)."""
    h = _core(header)
    if not h:
        return None
    for c in columns:
        if any(h == _core(a) for a in c.labels):
            return c.key
    hits = [c.key for c in columns if any(len(_core(a)) >= 2 and _core(a) in h for a in c.labels)]
    return hits[0] if len(hits) == 1 else None

"""Find the six sections and their sub-headings by numbering and wording, not by style.

Steps:
1. ``heading_candidates``: every place a numbering (一、 （一） 1. （1）) starts a line, or follows
   sentence punctuation or a space inside a flattened paragraph.
2. ``choose_level1``: level-1 candidates whose words match one of the six sections (template
   data ``SECTIONS``) form an increasing chain; line-start candidates outrank inline ones. A
   short line with the next number in sequence is accepted as a non-standard level-1 heading.
3. ``choose_sublevels``: inside prose sections, （一）… and 1.… headings are accepted only in
   sequence (（一） then （二）, 1. then 2.), which keeps table labels and stray numbers out.
4. ``own_text``: each heading's text runs to the next heading of any level.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Document, Paragraph, Pos
from ..templates import SECTIONS, TABLE_KEYS
from ..textnorm import NUMBERING, cn_to_int, nfkc, squash

LEVEL_OF = {"cn_dun": 1, "cn_paren": 2, "arabic": 3, "arabic_paren": 4}
_INLINE_BEFORE = set("。；;！!？?：:\u3000 \t）)”\"")
_STOP = re.compile(r"[。；;！!？?：:，,]|\s|(?<=\S)(?:\d{1,2}[.．、]|[（(]\d{1,2}[)）])|(?<=\S)(?=(?:19|20)\d{2}年)")
_SECTION_RX = [(s, re.compile(s.pattern)) for s in SECTIONS]


@dataclass
class Heading:
    level: int
    number: int
    numbering: str  # as printed: 一、 （一） 1.
    heading: str
    start: Pos  # where the numbering starts
    body: Pos  # where the heading's own text starts
    key: str = ""  # canonical section key for level 1 (overview, active, requests, appeals, problems, other)
    line_start: bool = False
    inline_end: int | None = None  # for canonical matches: end offset of the matched words


@dataclass
class SectionRow:
    seq: int
    level: int
    number: str
    heading: str
    text: str
    key: str
    start: Pos
    body: Pos
    end: Pos  # end of the whole section (next heading of the same or a higher level)


def _match_numbering(text: str, offset: int):
    for kind, rx in NUMBERING:
        m = rx.match(text[offset:offset + 12])
        if m:
            raw = m.group(1)
            n = cn_to_int(raw) if kind.startswith("cn") else int(raw)
            if n is not None and n > 0:
                return kind, n, m.group(0)
    return None


def heading_candidates(doc: Document) -> list[Heading]:
    out: list[Heading] = []
    for bi, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        text = block.text
        starts = [0] + [i for i in range(1, len(text)) if text[i - 1] in _INLINE_BEFORE or
                        (text[i] in "一二三四五六" and i + 1 < len(text) and text[i + 1] == "、"
                         and text[i - 1] not in "一二三四五六七八九十")]
        for off in starts:
            found = _match_numbering(text, off)
            if not found:
                continue
            kind, n, printed = found
            body = off + len(printed)
            rest = text[body:]
            out.append(Heading(LEVEL_OF[kind], n, printed.strip(), rest, Pos(bi, off), Pos(bi, body),
                               line_start=off == 0))
    return out


def _canonical(h: Heading):
    if h.level != 1:
        return None
    words = squash(nfkc(h.heading[:60]))
    best = None
    for section, rx in _SECTION_RX:
        m = rx.match(words[:40])
        if m and (best is None or section.number == h.number):
            best = (section, m)
    return best


def _cut_heading(h: Heading, text: str, canonical_len: int | None) -> str:
    """The heading's words: the matched section words, a short line, or up to the first stop."""
    rest = text[h.body.offset:]
    if canonical_len is not None:
        # map the squashed match length back onto the original text
        count, i = 0, 0
        while i < len(rest) and count < canonical_len:
            if not rest[i].isspace():
                count += 1
            i += 1
        return rest[:i].strip()
    if h.line_start and len(rest) <= 40:
        return rest.strip().rstrip("。")
    if h.line_start:  # a long line: the heading is its first sentence when that is short
        m = re.search(r"[。；;！!？?]", rest[:60])
        if m and m.start() <= 40:
            return rest[: m.start()].strip()
    m = _STOP.search(rest[:60])
    cut = rest[: m.start()] if m else rest[:30]
    return cut[:40].strip()


def choose_level1(cands: list[Heading], doc: Document) -> list[Heading]:
    scored = []
    for h in cands:
        if h.level != 1:
            continue
        canon = _canonical(h)
        if canon:
            section, m = canon
            h.key = section.key
            h.heading = _cut_heading(h, doc.blocks[h.start.block].text, m.end())
            score = 4 if h.line_start else 2
            if section.number == h.number:
                score += 2
            scored.append((h, score, section.number))
        elif h.line_start and len(doc.blocks[h.start.block].text) <= 40:
            h.heading = _cut_heading(h, doc.blocks[h.start.block].text, None)
            scored.append((h, 1, h.number))
    # longest increasing chain by (position, section order), maximising score: small DP
    scored.sort(key=lambda t: (t[0].start.block, t[0].start.offset))
    best: list[tuple[int, int]] = []  # (total score, previous index)
    for i, (h, s, order) in enumerate(scored):
        total, prev = s, -1
        for j in range(i):
            hj, sj, oj = scored[j]
            if oj < order and (hj.key != h.key or not h.key) and best[j][0] + s > total:
                total, prev = best[j][0] + s, j
        best.append((total, prev))
    if not best:
        return []
    i = max(range(len(best)), key=lambda k: best[k][0])
    chain = []
    while i >= 0:
        chain.append(scored[i][0])
        i = best[i][1]
    return list(reversed(chain))


def _in_range(h: Heading, start: Pos, end: Pos | None) -> bool:
    p = (h.start.block, h.start.offset)
    return p > (start.block, start.offset) and (end is None or p < (end.block, end.offset))


def choose_sublevels(cands: list[Heading], level1: list[Heading], doc: Document) -> list[Heading]:
    """（一）/1./（1） headings inside prose sections, accepted only in numbering sequence."""
    chosen: list[Heading] = []
    bounds = [(h, level1[i + 1].start if i + 1 < len(level1) else None) for i, h in enumerate(level1)]
    for parent, end in bounds:
        if parent.key in TABLE_KEYS:
            continue
        expected = {2: 1, 3: 1, 4: 1}
        inside = [h for h in cands if h.level > 1 and _in_range(h, parent.body, end)]
        for h in inside:
            if h.number == expected[h.level] or (h.number == 1 and h.level > 2):
                h.heading = _cut_heading(h, doc.blocks[h.start.block].text, None)
                if not h.heading:
                    continue
                chosen.append(h)
                expected[h.level] = h.number + 1
                for deeper in range(h.level + 1, 5):
                    expected[deeper] = 1
    return chosen


def _slice(doc: Document, start: Pos, end: Pos | None) -> str:
    """Text between two positions, blocks joined by newlines (tables skipped)."""
    parts = []
    last = end.block if end is not None else len(doc.blocks) - 1
    for bi in range(start.block, last + 1):
        block = doc.blocks[bi]
        if not isinstance(block, Paragraph):
            continue
        a = start.offset if bi == start.block else 0
        b = end.offset if end is not None and bi == end.block else len(block.text)
        if b > a:
            parts.append(block.text[a:b])
    return "\n".join(p.strip() for p in parts if p.strip())


def find_sections(doc: Document) -> list[SectionRow]:
    cands = heading_candidates(doc)
    level1 = choose_level1(cands, doc)
    subs = choose_sublevels(cands, level1, doc)
    heads = sorted(level1 + subs, key=lambda h: (h.start.block, h.start.offset))
    rows: list[SectionRow] = []
    first = heads[0].start if heads else None
    preamble = _slice(doc, Pos(0, 0), first)
    if preamble:
        rows.append(SectionRow(0, 0, "", "", preamble, "preamble", Pos(0, 0), Pos(0, 0), first or Pos(len(doc.blocks), 0)))
    for i, h in enumerate(heads):
        nxt = heads[i + 1].start if i + 1 < len(heads) else None
        end = next((g.start for g in heads[i + 1:] if g.level <= h.level), None)
        body_after_heading = Pos(h.body.block, h.body.offset + len(h.heading)) if h.heading else h.body
        # the heading words may be followed directly by text in flattened paragraphs
        text = _slice(doc, body_after_heading, nxt).lstrip("。；;，,：: \n")
        rows.append(SectionRow(len(rows), h.level, h.numbering, h.heading, text, h.key, h.start, h.body,
                               end or Pos(len(doc.blocks), 0)))
    return rows


def table_regions(sections: list[SectionRow]) -> dict[str, tuple[Pos, Pos]]:
    """Region (body start, section end) of each statistical table's level-1 section."""
    regions = {}
    by_key = {s.key: s for s in sections if s.level == 1 and s.key}
    for s in SECTIONS:
        if s.table and s.key in by_key:
            row = by_key[s.key]
            regions[s.table] = (row.body, row.end)
    return regions

"""Find a table's rows in running text whose cell boundaries were lost.

Steps:
1. ``SearchText``: the region's paragraphs as one string without spaces or punctuation,
   keeping a map back to each character's block and offset.
2. ``occurrences``: every place a row's label (or alias) occurs; short labels (其他, 总计) only
   with their numbering (3.其他, （七）总计).
3. ``choose``: one occurrence per row, in the template's row order, maximising the number of
   rows found (dynamic programming), so a label repeated in prose cannot pull rows out of order.
4. ``text_lines``: each row's value text runs from the end of its label to the start of the
   next row's label (its numbering included, so ``…00000002.其他法律…`` leaves ``0000000``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import Document, Paragraph, Pos
from ..templates import Row
from ..textnorm import PUNCT_CHARS, CN_NUMERAL, core, fold, nfkc, split_numbering
from ..values import value_tokens
from .lines import Line, ValueCell
from ..settings import SETTINGS

_SKIP = re.compile(PUNCT_CHARS)  # the characters ``core`` drops from labels


# a line of short words only (header words broken over lines: 结果 / 维持), no digits
_HEADER_PIECES = re.compile(r"^[\s\u4e00-\u9fff]*$")

_NOT_VALUE = re.compile(r"[^\d\s+\-.,，元万/／—–－|｜]")


@dataclass
class Part:
    block: int
    start: int
    end: int
    text: str
    page: int | None


class SearchText:
    """The region's text without spaces and punctuation (``text``), the same with recognition confusions
    folded (``folded``, same length), and where each character came from."""

    def __init__(self, parts: list[Part]):
        self.parts = parts
        chars, where = [], []
        for pi, part in enumerate(parts):
            for off in range(part.start, part.end):
                ch = nfkc(part.text[off])
                if not ch or _SKIP.match(ch):
                    continue
                chars.append(ch[0])
                where.append((pi, off))
        self.text = "".join(chars)
        self.folded = fold(self.text)
        self.where = where

    def original(self, i: int) -> tuple[int, int]:
        return self.where[i]


def region_parts(doc: Document, start: Pos, end: Pos) -> list[Part]:
    parts = []
    for bi in range(start.block, min(end.block, len(doc.blocks) - 1) + 1):
        block = doc.blocks[bi]
        if not isinstance(block, Paragraph):
            continue
        a = start.offset if bi == start.block else 0
        b = end.offset if bi == end.block else len(block.text)
        if b > a:
            parts.append(Part(bi, a, b, block.text, block.page))
    return parts


def _numbering_pattern(row: Row) -> str:
    n, _ = split_numbering(nfkc(row.label))
    if not n:
        return ""
    if n.kind == "arabic":
        return rf"{n.number}\s*[.．、]\s*"
    cn = CN_NUMERAL[n.number - 1] if n.number <= 10 else ""
    if n.kind == "cn_paren":
        return rf"[（(]\s*{cn}\s*[)）]\s*"
    if n.kind == "cn_dun":
        return rf"{cn}\s*[、.．]\s*"
    return ""


def _plain_numbering(row: Row) -> str:
    n, _ = split_numbering(nfkc(row.label))
    if not n:
        return ""
    return str(n.number) if n.kind.startswith("arabic") else CN_NUMERAL[n.number - 1]


@dataclass
class Occurrence:
    row: int  # index into rows
    start: int  # in SearchText.text
    end: int
    weight: int
    folded: bool = False  # found only with recognition confusions folded
    gaps: list[tuple[int, int]] = field(default_factory=list)  # values printed inside the label (wrapped around them)


def occurrences(st: SearchText, rows: list[Row]) -> list[Occurrence]:
    found: list[Occurrence] = []
    for ri, row in enumerate(rows):
        needles = {core(a) for a in row.labels if core(a)}
        if row.short:
            num = _plain_numbering(row)
            needles = {num + n for n in needles} if num else set()
        folded = False
        spans = _find(st.text, needles)
        if not spans:  # the label as a recogniser may have printed it (了以大开)
            spans = _find(st.folded, {fold(n) for n in needles if len(n) >= 4})
            folded = bool(spans)
        if not spans:  # the label wrapped around its values (2.其他法 0 0 0 / 律行政法规禁止公开)
            gapped = _find_around_values(st.text, needles)
            found.extend(Occurrence(ri, a, b, b - a - sum(z - y for y, z in gaps), gaps=gaps) for a, b, gaps in gapped)
            continue
        # drop spans inside a longer span of the same row
        spans = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
        found.extend(Occurrence(ri, a, b, b - a, folded) for a, b in set(spans))
    return found


# what may stand inside a label wrapped around its values: the values' digits, then at most a few
# characters of a neighbouring label printed beside them (（三）不 / 予公开 around 1.属于国 / 家秘密)
_INSIDE = r"\d{1,60}[\u4e00-\u9fff]{0,4}"


def _find_around_values(text: str, needles) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """A label found with one run of values inside it: (start, end, [the run's span])."""
    out = []
    for needle in needles:
        if len(needle) < SETTINGS.wrapped_label_min or any(ch.isdigit() for ch in needle):
            continue
        for cut in range(2, len(needle)):
            rx = re.compile(re.escape(needle[:cut]) + f"({_INSIDE})" + re.escape(needle[cut:]))
            for m in rx.finditer(text):
                out.append((m.start(), m.end(), [m.span(1)]))
    return out


def _find(text: str, needles) -> list[tuple[int, int]]:
    spans = []
    for needle in needles:
        i = text.find(needle)
        while i >= 0:
            spans.append((i, i + len(needle)))
            i = text.find(needle, i + 1)
    return spans


def choose(found: list[Occurrence]) -> dict[int, Occurrence]:
    """At most one occurrence per row, increasing with the row order; most rows, then longest labels."""
    found = sorted(found, key=lambda o: (o.start, o.row))
    best: list[tuple[tuple[int, int], int]] = []  # ((rows, weight), prev)
    for i, o in enumerate(found):
        score, prev = (1, o.weight), -1
        for j in range(i):
            p = found[j]
            if p.row < o.row and p.end <= o.start:
                cand = (best[j][0][0] + 1, best[j][0][1] + o.weight)
                if cand > score:
                    score, prev = cand, j
        best.append((score, prev))
    if not best:
        return {}
    i = max(range(len(best)), key=lambda k: best[k][0])
    chosen = {}
    while i >= 0:
        chosen[found[i].row] = found[i]
        i = best[i][1]
    return chosen


@dataclass
class TextScan:
    """A region's running text, where each row's label was found in it, and the lines they give."""

    text: str  # the region's text without spaces or punctuation (``SearchText.text``)
    spans: dict[str, tuple[int, int]]  # row key → where its label is in ``text``
    lines: dict[str, Line]
    folded: list[str] = field(default_factory=list)  # rows whose label was found only with confusions folded

    def before(self, row_keys: list[str]) -> str:
        """The text between the end of the last label found before the first of these rows and the
        first of them: where a block's header words are printed."""
        starts = [self.spans[k][0] for k in row_keys if k in self.spans]
        if not starts:
            return ""
        first = min(starts)
        ends = [e for s, e in self.spans.values() if e <= first]
        return self.text[max(ends, default=0):first]


def text_lines(doc: Document, start: Pos, end: Pos, rows: list[Row]) -> dict[str, Line]:
    """Row key → line of value text found after that row's label in the region's running text."""
    return scan_text(doc, start, end, rows).lines


def scan_text(doc: Document, start: Pos, end: Pos, rows: list[Row], stops: tuple[str, ...] = ()) -> TextScan:
    """``stops``: words (label cores) that end a row's values — the next block's caption and header words:
    a number printed after them is not this row's (recognised text out of reading order)."""
    parts = region_parts(doc, start, end)
    if not parts:
        return TextScan("", {}, {})
    st = SearchText(parts)
    chosen = choose(occurrences(st, rows))
    ordered = sorted(chosen.items(), key=lambda kv: kv[1].start)
    stop_rx = re.compile("|".join(re.escape(s) for s in sorted(stops, key=len, reverse=True))) if stops else None
    out: dict[str, Line] = {}
    for k, (ri, occ) in enumerate(ordered):
        pi, off = st.original(occ.end - 1)
        value_from = (pi, off + 1)
        until = ordered[k + 1][1].start if k + 1 < len(ordered) else len(st.text)
        stop = stop_rx.search(st.text, occ.end, until) if stop_rx is not None else None
        if stop is not None:
            value_to = st.original(stop.start())
        elif k + 1 < len(ordered):
            nri, nocc = ordered[k + 1]
            npi, noff = st.original(nocc.start)
            # the next label's numbering belongs to it, not to this row's values
            lo = value_from[1] if npi == value_from[0] else parts[npi].start
            pattern = _numbering_pattern(rows[nri])
            m = re.search(pattern + r"$", parts[npi].text[lo:noff]) if pattern else None
            if m:
                noff = lo + m.start()
            value_to = (npi, noff)
        else:
            value_to = (len(parts) - 1, parts[-1].end)
        pieces = []
        for p in range(value_from[0], value_to[0] + 1):
            part = parts[p]
            a = value_from[1] if p == value_from[0] else part.start
            b = value_to[1] if p == value_to[0] else part.end
            if b > a:
                pieces.append((part, a, b))
        cells = []
        for y, z in occ.gaps:  # values the label was wrapped around come first
            for p in range(st.original(y)[0], st.original(z - 1)[0] + 1):
                part = parts[p]
                a = st.original(y)[1] if p == st.original(y)[0] else part.start
                b = st.original(z - 1)[1] + 1 if p == st.original(z - 1)[0] else part.end
                for tok in value_tokens(part.text[a:b]):
                    cells.append(ValueCell(tok.text, f"c{a + tok.start}-{a + tok.end}", part.page, part.block,
                                           exact=tok.separated))
        last = k + 1 == len(ordered)
        for part, a, b in pieces:
            segment = part.text[a:b]
            if last and cells:
                break
            if last:  # nothing follows the last row but notes: its values end where other text begins
                first = re.search(r"\d", segment)
                other = _NOT_VALUE.search(segment, first.start()) if first else None
                if other:
                    segment = segment[: other.start()]
            for tok in value_tokens(segment):
                cells.append(ValueCell(tok.text, f"c{a + tok.start}-{a + tok.end}", part.page, part.block,
                                       exact=tok.separated))
        label_part = parts[st.original(occ.start)[0]]
        first, final = st.original(occ.start), st.original(occ.end - 1)
        if first[0] == final[0] and not occ.gaps:
            label = label_part.text[first[1]:final[1] + 1]
        else:  # over several lines, or around values: its characters
            label = "".join(st.text[i] for i in range(occ.start, occ.end) if not any(y <= i < z for y, z in occ.gaps))
        out[rows[ri].key] = Line([label], cells, label_part.block, None, label_part.page, source="text")
    spans = {rows[ri].key: (occ.start, occ.end) for ri, occ in ordered}
    return TextScan(st.text, spans, out, [rows[ri].key for ri, occ in ordered if occ.folded])


def trailing_values(doc: Document, start: Pos, end: Pos, header_words: list[str]) -> Line | None:
    """The run of values after the last header word of a one-line table (the appeals table)."""
    parts = region_parts(doc, start, end)
    if not parts:
        return None
    # a header word may be printed with spaces or line breaks inside it (总 计)
    words = re.compile("|".join(r"\s*".join(re.escape(ch) for ch in w)
                                for w in sorted(set(header_words), key=len, reverse=True)))
    last = None
    for pi, part in enumerate(parts):
        for m in words.finditer(part.text, part.start, part.end):
            last = (pi, m.end())
    if last is None:
        return None
    pi, off = last
    cells = []
    for p in range(pi, len(parts)):
        part = parts[p]
        a = off if p == pi else part.start
        segment = part.text[a:part.end]
        if not cells and _HEADER_PIECES.match(segment):
            continue  # pieces of header words split over lines (结果 / 维持), before the values
        # values stop at the first word of prose
        stop = re.search(r"[\u4e00-\u9fff]", segment)
        if stop:
            segment = segment[: stop.start()]
        for tok in value_tokens(segment):
            cells.append(ValueCell(tok.text, f"c{a + tok.start}-{a + tok.end}", part.page, part.block,
                                   exact=tok.separated))
        if stop:
            break
    if not cells:
        return None
    header = "".join(parts[p].text[parts[p].start:parts[p].end] for p in range(pi)) + parts[pi].text[parts[pi].start:off]
    return Line([], cells, parts[pi].block, None, parts[pi].page, header_text=[header], source="text")

"""Tables printed with spaces: ``pdftotext -layout``, pandoc's plain text, console tables.

No rule or pipe marks the cells: columns are where the values line up. Steps:

1. ``pieces``: each line cut at runs of two or more spaces into pieces, each with the columns it
   occupies; numbers after a single space are pieces of their own (``要求提供公开出 0``). Columns
   are counted two ways — one per character (pdftotext puts each glyph in one column) and by East
   Asian width (pandoc, consoles) — and each block is read in the count under which its values
   line up best.
2. ``zones``: runs of lines that hold a table — lines ending in values (*data lines*), the header
   lines above them and the label lines between. A section heading, prose or a page break ends a
   zone (a table's part on the next page is a table of its own).
3. ``blocks``: a header line between data lines (words over the values, no values) starts a new
   block with columns of its own (the blocks of table 二).
4. ``bands``: a block's value columns, from its fullest data lines; each data line's values are
   put under the bands they stand under. A line with fewer values than bands is placed only when
   each value is clearly under one band; otherwise its values stay one cell whose boundaries are
   not known, and the stages treat them so.
5. ``units``: the label pieces of each label column joined into labels — a label wrapped over two
   or three lines is one — and each data line given the labels printed beside it: those whose
   lines surround it, else the nearest label that has no values of its own.
6. ``block_table``: header lines as header rows (each word over the bands it stands above), then
   one row per data line: label cells, value cells. The table's rows are printed lines
   (``Table.line_rows``): a header cell centred over several lines may print above or below its
   neighbours.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from statistics import median

from ..document import Cell, Table
from ..textnorm import nfkc, split_numbering
from ..values import parse_value
from ..settings import SETTINGS

GAP = re.compile(r"\s{2,}")


# ------------------------------------------------------------------ 1. pieces


@dataclass
class Piece:
    text: str
    x0: int
    x1: int
    value: bool  # a number or a dash placeholder
    tight: bool = False  # a number set off from the words before it by one space only


def char_width(ch: str, wide: bool) -> int:
    if not wide:
        return 1
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _is_value(text: str) -> bool:
    p = parse_value(text)
    return p.kind == "number" or (p.kind == "dash" and not re.search(r"[\u4e00-\u9fff]", text))


def pieces(line: str, wide: bool) -> list[Piece]:
    """A line's pieces with their columns (``wide``: East Asian characters count two)."""
    cols = [0]
    for ch in line:
        cols.append(cols[-1] + char_width(ch, wide))
    out: list[Piece] = []
    pos = 0
    for m in list(GAP.finditer(line)) + [None]:
        end = m.start() if m is not None else len(line)
        chunk = line[pos:end]
        lead = len(chunk) - len(chunk.lstrip())
        chunk, start = chunk.strip(), pos + lead
        if chunk:
            out.extend(_split_chunk(chunk, start, cols))
        if m is not None:
            pos = m.end()
    return out


def _split_chunk(chunk: str, start: int, cols: list[int]) -> list[Piece]:
    """A chunk of words and numbers with single spaces: numbers after the words are pieces of their own,
    and so is every number of a run of numbers (``10 1 0``)."""
    words = [(m.group(0), m.start()) for m in re.finditer(r"\S+", chunk)]
    k = len(words)
    while k > 0 and _is_value(words[k - 1][0]):
        k -= 1
    out = []
    if k:
        a, b = start, start + words[k - 1][1] + len(words[k - 1][0])
        out.append(Piece(chunk[: words[k - 1][1] + len(words[k - 1][0])], cols[a], cols[b], False))
    for text, off in words[k:]:
        a, b = start + off, start + off + len(text)
        out.append(Piece(text, cols[a], cols[b], True, tight=k > 0 and off == words[k - 1][1] + len(words[k - 1][0]) + 1
                         if k else False))
    return out


# ------------------------------------------------------------------ 2. zones


@dataclass
class Row:
    """One printed line of a zone: its pieces under both column counts."""

    index: int
    text: str
    narrow: list[Piece]
    wide: list[Piece]

    def parts(self, wide: bool) -> list[Piece]:
        return self.wide if wide else self.narrow

    @property
    def values(self) -> list[Piece]:
        return [p for p in self.narrow if p.value]

    @property
    def words(self) -> list[Piece]:
        return [p for p in self.narrow if not p.value]

    @property
    def is_data(self) -> bool:
        """Ends in values, with words (if any) only before them."""
        ps = self.narrow
        if not ps or not ps[-1].value:
            return False
        first_value = next(i for i, p in enumerate(ps) if p.value)
        if any(not p.value for p in ps[first_value:]):
            return False
        vals = ps[first_value:]
        if len(vals) >= 2:
            return True
        # one value: set off by a wide gap (a single space after words is prose: 复议 351)
        return first_value == 0 or not vals[0].tight

    @property
    def blank(self) -> bool:
        return not self.narrow

    @property
    def gapped(self) -> bool:
        """Its values are set apart by runs of spaces (a table's columns), not single spaces (running text)."""
        vals = [p for p in self.narrow if p.value]
        if not vals:
            return False
        if any(not p.value for p in self.narrow) and not vals[0].tight:
            return True
        return any(b.x0 - a.x1 >= 2 for a, b in zip(vals, vals[1:]))


def is_heading(text: str, heading_rx: re.Pattern | None) -> bool:
    """A section heading (二、主动公开政府信息情况): it ends a table, whatever follows."""
    t = nfkc(text).strip()
    n, rest = split_numbering(t)
    if n is None or n.kind != "cn_dun":
        return False
    if heading_rx is not None:
        return bool(heading_rx.search(re.sub(r"\s+", "", rest)))
    return len(rest) >= 10


def is_prose(row: Row) -> bool:
    return len(row.narrow) == 1 and not row.narrow[0].value and len(row.narrow[0].text) >= SETTINGS.text_prose_chars


@dataclass
class Zone:
    rows: list[Row]  # from the first header line to the last label line, blank lines kept


def zones(rows: list[Row], heading_rx: re.Pattern | None = None) -> list[tuple[int, int]]:
    """Spans [start, end) of ``rows`` that hold a table. A zone needs two data lines, or one with two
    values or more and a header line over it."""
    n = len(rows)
    stop = [r.blank is False and (is_heading(r.text, heading_rx) or is_prose(r)) for r in rows]
    data = [not stop[i] and rows[i].is_data for i in range(n)]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if not data[i]:
            i += 1
            continue
        first = last = i
        j = i + 1
        gap = 0
        while j < n and not stop[j]:
            if data[j]:
                last, gap = j, 0
            elif not rows[j].blank:
                gap += 1
                if gap > SETTINGS.text_zone_gap:
                    break
            j += 1
        # header lines above the first data line, up to a heading, prose or a blank run of three
        start, blanks = first, 0
        k = first - 1
        while k >= 0 and not stop[k] and not data[k] and (not spans or k >= spans[-1][1]):
            if rows[k].blank:
                blanks += 1
                if blanks >= 3:
                    break
            else:
                blanks, start = 0, k
            k -= 1
        # label lines just under the last data line (the rest of a wrapped label)
        end, k = last + 1, last + 1
        while k < n and k <= last + SETTINGS.text_label_gap and not stop[k] and not data[k]:
            if not rows[k].blank:
                if not _label_area_only(rows[k], rows[first:last + 1]):
                    break
                end = k + 1
            k += 1
        datas = [d for d in range(first, last + 1) if data[d]]
        values = max(len(rows[d].values) for d in datas)
        gapped = sum(rows[d].gapped for d in datas)
        if (len(datas) >= 2 or (values >= 2 and start < first)) and gapped * 5 >= len(datas) * 3:
            spans.append((start, end))
        i = max(end, last + 1)
    return spans


def _label_area_only(row: Row, block: list[Row]) -> bool:
    starts = [r.values[0].x0 for r in block if r.is_data and r.values]
    return bool(starts) and all(p.x1 <= min(starts) for p in row.narrow)


# ------------------------------------------------------------------ 3. blocks


def blocks(rows: list[Row]) -> list[list[Row]]:
    """A zone cut where a header line stands between data lines: each block has its own columns."""
    out: list[list[Row]] = []
    current: list[Row] = []
    seen_data = False
    pending: list[Row] = []  # non-data lines since the last data line
    for r in rows:
        if r.is_data:
            if seen_data and _has_header(pending, current):
                head = _header_start(pending, current)
                current.extend(pending[:head])
                out.append(current)
                current = pending[head:]
            else:
                current.extend(pending)
            pending = []
            current.append(r)
            seen_data = True
        else:
            pending.append(r)
    current.extend(pending)
    if current:
        out.append(current)
    return out


def _edge(block: list[Row]) -> float | None:
    starts = [p.x0 for r in block if r.is_data for p in r.values[:1]]
    return min(starts) if starts else None


def _is_header_line(r: Row, edge: float) -> bool:
    return not r.blank and any(p.x1 > edge for p in r.narrow)


def _has_header(pending: list[Row], block: list[Row]) -> bool:
    edge = _edge(block)
    return edge is not None and any(_is_header_line(r, edge) for r in pending)


def _header_start(pending: list[Row], block: list[Row]) -> int:
    """Where the next block's header begins among the lines after a data line: at the line over its first
    header line (a caption: 第二十条第（五）项), or where a blank line ends the previous row's own label lines."""
    edge = _edge(block)
    h = next(i for i, r in enumerate(pending) if _is_header_line(r, edge))
    blank = next((i for i, r in enumerate(pending) if r.blank), h)
    # the one label line just over the header is its caption, not the rest of the row above
    caption = h - 1 if h >= 1 and not pending[h - 1].blank else h
    return min(caption, blank)


# ------------------------------------------------------------------ 4. bands


@dataclass
class Bands:
    wide: bool
    spans: list[tuple[float, float]]  # each value column's extent
    spread: float  # how badly the fullest lines' values line up under this count

    @property
    def edge(self) -> float:
        return self.spans[0][0] if self.spans else 0.0


def bands(rows: list[Row], wide: bool) -> Bands:
    data = [r for r in rows if r.is_data]
    vals = [[p for p in r.parts(wide) if p.value] for r in data]
    k = max((len(v) for v in vals), default=0)
    full = [v for v in vals if len(v) == k]
    spans, spread = [], 0.0
    for j in range(k):
        xs = [((v[j].x0 + v[j].x1) / 2) for v in full]
        spread += max(xs) - min(xs)
        spans.append((median(v[j].x0 for v in full), median(v[j].x1 for v in full)))
    return Bands(wide, spans, spread / max(k, 1))


def place(values: list[Piece], b: Bands) -> list[int] | None:
    """The band under each value, in order; None when a value is not clearly under one band."""
    k = len(b.spans)
    if len(values) == k:
        return list(range(k))
    if len(values) > k or not values:
        return None
    centers = [(a + z) / 2 for a, z in b.spans]
    gaps = [centers[i + 1] - centers[i] for i in range(k - 1)] or [8.0]
    tolerance = max(2.0, min(gaps) / 3)
    out, lo = [], 0
    for p in values:
        c = (p.x0 + p.x1) / 2
        dist = sorted((abs(c - centers[j]), j) for j in range(lo, k))
        if not dist:
            return None
        d, j = dist[0]
        inside = b.spans[j][0] - 1 <= p.x0 and p.x1 <= b.spans[j][1] + 1
        if not inside and d > tolerance:
            return None
        if len(dist) > 1 and dist[1][0] - d < tolerance:
            return None
        out.append(j)
        lo = j + 1
    return out


# ------------------------------------------------------------------ 5. label units


@dataclass
class Unit:
    band: int
    lines: list[int] = field(default_factory=list)  # row indexes of its pieces
    texts: list[str] = field(default_factory=list)
    data: list[int] = field(default_factory=list)  # data rows printed on one of its lines

    @property
    def text(self) -> str:
        return "".join(self.texts)

    @property
    def first(self) -> int:
        return self.lines[0]

    @property
    def last(self) -> int:
        return self.lines[-1]


def label_bands(rows: list[Row], wide: bool, edge: float) -> list[float]:
    """Left edges of the label columns: where label pieces start, grouped within two columns."""
    xs = sorted({p.x0 for r in rows for p in r.parts(wide) if not p.value and p.x1 <= edge + 1})
    out: list[float] = []
    for x in xs:
        if not out or x - out[-1] > 2:
            out.append(x)
    return out


def _band_of(x: float, starts: list[float]) -> int:
    best = 0
    for i, s in enumerate(starts):
        if x >= s - 2:
            best = i
    return best


def units(rows: list[Row], wide: bool, edge: float, starts: list[float], begin: int = 0) -> list[Unit]:
    """Label pieces joined into labels, per label column, top to bottom (from row ``begin``: the
    lines above are the header's)."""
    out: list[Unit] = []
    open_units: dict[int, Unit] = {}
    for i, r in enumerate(rows):
        if i < begin:
            continue
        for p in r.parts(wide):
            if p.value or p.x1 > edge + 1:
                continue
            b = _band_of(p.x0, starts)
            u = open_units.get(b)
            numbered = split_numbering(nfkc(p.text).strip())[0] is not None
            reach = max(u.lines[-1], *(u.data or [u.lines[-1]])) if u is not None else -99
            if (u is None or numbered or i - reach > SETTINGS.text_label_gap
                    or (r.is_data and u.data) or (u.data and i - reach > 1)):
                u = Unit(b)
                out.append(u)
                open_units[b] = u
            u.lines.append(i)
            u.texts.append(p.text)
            if r.is_data and i not in u.data:
                u.data.append(i)
    return out


def assign(rows: list[Row], found: list[Unit]) -> dict[int, list[Unit]]:
    """Each data row's labels, left to right: the units whose lines surround it (or hold it); a row
    with none takes the nearest unit that has no values of its own (the one above on a tie)."""
    data = [i for i, r in enumerate(rows) if r.is_data]
    owned: dict[int, list[Unit]] = {i: [] for i in data}
    for u in found:
        for i in data:
            if u.first <= i <= u.last and (i in u.data or not any(u.first <= d <= u.last and d != i and d in u.data
                                                                   for d in u.data)):
                owned[i].append(u)
                if i not in u.data:
                    u.data.append(i)
    for i in data:
        if owned[i]:
            continue
        free = [u for u in found if not u.data]
        if not free:
            continue
        best = min(free, key=lambda u: (min(abs(i - u.first), abs(i - u.last)), u.first > i, -u.band))
        if min(abs(i - best.first), abs(i - best.last)) <= SETTINGS.text_label_gap:
            best.data.append(i)
            owned[i].append(best)
    for i in data:
        owned[i].sort(key=lambda u: u.band)
    return owned


# ------------------------------------------------------------------ 6. the table


def _score(b: Bands, rows: list[Row]) -> float:
    """How badly the values line up in this count of columns: the fullest lines' spread, and every other
    data line's values that stand under no band clearly (a label of two characters and one of seven
    put their values in different character columns when the table was laid out by width)."""
    misplaced = 0
    for r in rows:
        if r.is_data:
            vals = [p for p in r.parts(b.wide) if p.value]
            if len(vals) < len(b.spans) and place(vals, b) is None:
                misplaced += 1
    return b.spread + 10 * misplaced


def block_table(rows: list[Row], page: int | None) -> Table | None:
    """One block of a zone as a table: header rows, then a row per data line (label cells, value cells)."""
    if not any(r.is_data for r in rows):
        return None
    b = min((bands(rows, False), bands(rows, True)), key=lambda b: _score(b, rows))
    wide = b.wide
    k = len(b.spans)
    edge = b.edge
    starts = label_bands(rows, wide, edge)
    nl = max(len(starts), 1)
    first_data = next(i for i, r in enumerate(rows) if r.is_data)
    head_end = first_data
    if not any(not p.value for p in rows[first_data].narrow):
        # the first row's label printed above its values: the label lines just over it are not header
        while head_end > 0 and not rows[head_end - 1].blank and _label_area_only(rows[head_end - 1], rows) \
                and first_data - head_end < SETTINGS.text_label_gap:
            head_end -= 1
    found = units(rows, wide, edge, starts, head_end)
    labels = assign(rows, found)
    cells: list[Cell] = []
    out_row = 0
    for i, r in enumerate(rows[:head_end]):
        if r.blank:
            continue
        placed = False
        for p in r.parts(wide):
            if p.x1 <= edge + 1 and not p.value:
                cells.append(Cell(p.text, out_row, _band_of(p.x0, starts), page=page))
                placed = True
                continue
            cols = _under(p, b)
            cells.append(Cell(p.text, out_row, nl + cols[0], colspan=len(cols), page=page))
            placed = True
        if placed:
            out_row += 1
    for i, r in enumerate(rows):
        if not r.is_data or i < first_data:
            continue
        for u in labels.get(i, []):
            cells.append(Cell(u.text, out_row, u.band, page=page))
        vals = [p for p in r.parts(wide) if p.value]
        at = place(vals, b)
        if at is None:
            # which column each value stands under is not clear: one cell, its boundaries unknown
            cells.append(Cell(" ".join(p.text for p in vals), out_row, nl, colspan=k, page=page))
        else:
            for j in range(k):
                text = next((p.text for p, c in zip(vals, at) if c == j), "")
                cells.append(Cell(text, out_row, nl + j, page=page))
        out_row += 1
    cells = _dedupe(cells)
    return Table(cells, page=page, line_rows=True)


def _under(p: Piece, b: Bands) -> list[int]:
    """The bands a header word stands over: those it overlaps, else the nearest."""
    hit = [j for j, (a, z) in enumerate(b.spans) if p.x0 < z + 1 and a - 1 < p.x1]
    if hit:
        return list(range(hit[0], hit[-1] + 1))
    c = (p.x0 + p.x1) / 2
    return [min(range(len(b.spans)), key=lambda j: abs(c - (b.spans[j][0] + b.spans[j][1]) / 2))]


def _dedupe(cells: list[Cell]) -> list[Cell]:
    """Two words on one header line over the same band: one cell with both (in printed order)."""
    by_pos: dict[tuple[int, int], Cell] = {}
    order: list[tuple[int, int]] = []
    for c in cells:
        key = (c.row, c.col)
        if key in by_pos:
            prev = by_pos[key]
            by_pos[key] = Cell(prev.text + " " + c.text, prev.row, prev.col, 1, max(prev.colspan, c.colspan),
                               page=prev.page)
            continue
        by_pos[key] = c
        order.append(key)
    out = [by_pos[k] for k in order]
    # a spanning cell must not cover a later cell of its row
    taken: dict[int, set[int]] = {}
    final = []
    for c in sorted(out, key=lambda c: (c.row, c.col)):
        used = taken.setdefault(c.row, set())
        span = 1
        while span < c.colspan and c.col + span not in used and not any(
                o.row == c.row and o.col == c.col + span for o in out):
            span += 1
        if c.col in used:
            continue
        used.update(range(c.col, c.col + span))
        final.append(Cell(c.text, c.row, c.col, 1, span, page=c.page))
    return final


def read_rows(lines: list[str]) -> list[Row]:
    return [Row(i, line, pieces(line, False), pieces(line, True)) for i, line in enumerate(lines)]


def tables_in(lines: list[str], page: int | None = None,
              heading_rx: re.Pattern | None = None) -> list[tuple[int, int, list[Table]]]:
    """The space-aligned tables among ``lines`` (one page's lines, no form feeds): for each zone,
    its span [start, end) and the tables of its blocks."""
    rows = read_rows(lines)
    out = []
    for start, end in zones(rows, heading_rx):
        tables = [t for blk in blocks(rows[start:end]) if (t := block_table(blk, page)) is not None]
        if tables:
            out.append((start, end, tables))
    return out

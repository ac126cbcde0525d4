"""Tables of markup formats as grids: which tables are layout, where spanned cells sit, and
spans repaired when the markup got them wrong.

Steps for an HTML-style table (rows of cells with declared ``rowspan``/``colspan``):
1. ``place``: the HTML table model: each cell takes the first free grid column of its row and
   covers ``rowspan`` × ``colspan`` slots; a rowspan never runs past the table's last row.
2. ``repair_spans``: a row that covers fewer grid columns than the table's usual width, just
   after a vertical merge ended, had that merge cut short (``rowspan="20"`` over 22 rows): the
   merge is extended. A row that covers more had a merge run too long: it is ended before it.
   A change is kept only when it makes that row as wide as the rest.
3. ``to_table``: the placed cells as a :class:`~extract.document.Table`.

A table is *layout* (a frame around content, not data) when a cell holds another table, when
it has a single cell or column, when a cell holds more text than any form label, or when it
is one row without a number (``is_layout``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..document import Cell, Table
from ..values import is_value_text

LABEL_MAX = 200  # longer than any label or value of the national forms: such a cell holds prose
# Bounds on what is read as a table: the national tables have at most 9 columns and 300 cells, and
# the later stages' work grows with a table's width squared; a bigger "table" is no report's table.
MAX_COLUMNS = 100
MAX_CELLS = 10_000
MAX_SLOTS = 100_000  # grid positions covered by the cells, merges counted
REPAIR_WORK = 2_000_000  # cells visited while repairing merges, for the whole table


@dataclass
class RawCell:
    """A cell as the markup declares it: text and declared spans (position comes from placing)."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Placed:
    cell: RawCell
    row: int
    col: int
    rowspan: int


def is_layout(rows: list[list[str]], has_nested_table: bool) -> bool:
    """A frame around content rather than data: it holds a table, is a single cell or a single
    column, holds prose, or is one row without a number (a signature line: agency | date)."""
    texts = [t.strip() for row in rows for t in row]
    if has_nested_table or len(texts) <= 1 or max(len(r) for r in rows) <= 1:
        return True
    if max(len(t) for t in texts) > LABEL_MAX:
        return True
    return len(rows) == 1 and not any(t and is_value_text(t) for t in texts)


def too_big(rows: list[list[RawCell]]) -> str | None:
    """Why the rows are too big to be read as a table (None when they are not): counted from the
    declared spans before any grid is allocated."""
    cells = sum(len(r) for r in rows)
    if cells > MAX_CELLS:
        return f"{cells:,} cells"
    n = len(rows)
    width = max((sum(max(1, c.colspan) for c in r) for r in rows), default=0)
    if width > MAX_COLUMNS:
        return f"{width:,} columns"
    slots = sum(min(c.rowspan if c.rowspan > 0 else n, n - r) * max(1, c.colspan)
                for r, row in enumerate(rows) for c in row)
    if slots > MAX_SLOTS:
        return f"merged cells covering {slots:,} places"
    return None


def place(rows: list[list[RawCell]], spans: dict[int, int]) -> list[Placed]:
    """HTML table model with the rowspans in ``spans`` (by ``id`` of the cell)."""
    n = len(rows)
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rs = max(1, min(spans[id(cell)], n - r))
            for dr in range(rs):
                for dc in range(max(1, cell.colspan)):
                    taken.add((r + dr, c + dc))
            out.append(Placed(cell, r, c, rs))
            c += max(1, cell.colspan)
    return out


def _widths(placed: list[Placed], n: int) -> list[int]:
    """Grid columns each row covers, counting cells spanning into it from above."""
    widths = [0] * n
    for p in placed:
        for r in range(p.row, p.row + p.rowspan):
            widths[r] += max(1, p.cell.colspan)
    return widths


def repair_spans(rows: list[list[RawCell]]) -> tuple[list[Placed], list[str]]:
    """Place the cells, extending or ending vertical merges that make rows too short or too long."""
    n = len(rows)
    spans = {id(c): (c.rowspan if c.rowspan > 0 else n) for row in rows for c in row}
    placed = place(rows, spans)
    widths = _widths(placed, n)
    if n < 3:
        return placed, []
    usual = Counter(widths).most_common(1)[0][0]
    declared = dict(spans)
    work, notes = 0, []
    for r in range(1, n):
        if widths[r] == usual:
            continue
        if work > REPAIR_WORK:
            notes.append(f"the table's merged cells were not all checked ({n} rows): rows from {r + 1} on are "
                         "read as the markup places them")
            break
        if widths[r] < usual:
            # merges that ended on the row above: one of them was cut short
            tries = [p for p in placed if p.row + p.rowspan == r and spans[id(p.cell)] >= 2]
            change = 1
        else:
            # merges reaching into this row from above: one of them runs too long
            tries = [p for p in placed if p.row < r < p.row + p.rowspan and spans[id(p.cell)] >= 2]
            change = -1
        work += len(placed)
        for p in sorted(tries, key=lambda p: p.col):
            old = spans[id(p.cell)]
            spans[id(p.cell)] = (p.rowspan + 1) if change > 0 else (r - p.row)
            again = place(rows, spans)
            again_widths = _widths(again, n)
            work += 2 * len(placed)
            if again_widths[r] == usual:
                placed, widths = again, again_widths
                break
            spans[id(p.cell)] = old
            if work > REPAIR_WORK:
                break
    notes[:0] = [f"rowspan of the cell {p.cell.text[:20] or f'r{p.row}c{p.col}'!r} repaired from {declared[id(p.cell)]} "
                 f"to {p.rowspan} rows to fit the table's grid" for p in placed
                 if p.rowspan != min(declared[id(p.cell)], n - p.row)]
    return placed, notes


def to_table(placed: list[Placed], page: int | None = None) -> Table:
    cells = [Cell(p.cell.text, p.row, p.col, p.rowspan, max(1, p.cell.colspan), page) for p in placed]
    return Table(cells=cells, page=page)

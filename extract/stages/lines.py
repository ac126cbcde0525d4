"""Turn the parts of a document that hold a statistical table into *lines*.

A line is what one printed row of a table amounts to: label segments (left) and value
cells (right), each value keeping where it was found. Two sources give lines:

- ``grid_lines``: a :class:`Table`'s expanded grid, row by row. Label cells are the cells
  with words; value cells are every cell after the last label cell (blank cells kept,
  merged cells counted once). Header rows above are remembered per grid column so values
  can later be matched to column labels.
- ``text_lines`` (in ``textscan``): running text where cell boundaries were lost.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Cell, Table
from ..textnorm import is_value_text, nfkc, squash


@dataclass
class ValueCell:
    text: str
    ref: str
    page: int | None
    block: int
    exact: bool = True  # one cell of a real grid (its boundaries are known)


@dataclass
class Line:
    segments: list[str]
    cells: list[ValueCell]
    block: int
    row: int | None = None
    page: int | None = None
    headers: list[list[str]] = field(default_factory=list)  # per value cell: header texts above it, outer first
    # per value cell: the innermost header words above each grid column it spans
    leaves: list[list[str]] = field(default_factory=list)
    source: str = "grid"  # grid | text

    @property
    def label(self) -> str:
        return " ".join(self.segments)

    def has_values(self) -> bool:
        return any(squash(c.text) for c in self.cells)


def _text(cell: Cell | None) -> str:
    return nfkc(cell.text).strip() if cell is not None else ""


def grid_lines(table: Table, block: int) -> list[Line]:
    grid = table.grid()
    lines: list[Line] = []
    header_rows: list[list[str]] = []
    last_was_data = False
    for r, row in enumerate(grid):
        origins: list[Cell] = []
        for cell in row:
            if cell is not None and (not origins or origins[-1] is not cell) and cell not in origins:
                origins.append(cell)
        label_idx = [i for i, c in enumerate(origins) if _text(c) and not is_value_text(c.text)]
        last_label = label_idx[-1] if label_idx else -1
        segments = []
        for i in label_idx:
            t = " ".join(_text(origins[i]).split())
            if t and t not in segments:
                segments.append(t)
        values = origins[last_label + 1:]
        has_number = any(_text(c) for c in values)
        if not has_number:
            # a header (or caption) row: remember its words per grid column
            if last_was_data:
                header_rows = []
            header_rows.append([_text(c) if c is not None else "" for c in row])
            last_was_data = False
        else:
            last_was_data = True
        headers, leaves = [], []
        for c in values:
            leaf = []
            for k in range(c.col, c.col + c.colspan):
                words = [hr[k] for hr in header_rows if k < len(hr) and hr[k]]
                leaf.append(words[-1] if words else "")
            leaves.append(leaf)
            path: list[str] = []
            for hr in header_rows:
                words = [hr[k] for k in range(c.col, min(c.col + c.colspan, len(hr))) if hr[k]]
                if words and (not path or path[-1] != words[0]):
                    path.append(words[0])
            headers.append(path)
        cells = [ValueCell(c.text, f"r{r}c{c.col}", c.page if c.page is not None else table.page, block)
                 for c in values]
        if segments or has_number:
            lines.append(Line(segments, cells, block, r, table.page, headers, leaves))
    return lines

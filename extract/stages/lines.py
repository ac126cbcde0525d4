"""Turn the parts of a document that hold a statistical table into *lines*.

A line is what one printed row of a table amounts to: label segments (left) and value
cells (right), each value keeping where it was found. Two sources give lines:

- ``grid_lines``: a :class:`Table`'s expanded grid, row by row. Label cells are the cells
  with words; value cells are every cell after the last label cell (blank cells kept,
  merged cells counted once). The header rows above a run of data rows are kept with each
  line: their words in reading order, and for every grid column a value cell spans, the
  header texts above that column (outer first), so columns can be told by their headers.
- ``text_lines`` (in ``textscan``): running text where cell boundaries were lost.
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field

from ..document import Cell, Table
from ..textnorm import nfkc, squash
from ..values import is_value_text


@dataclass
class ValueCell:
    text: str
    ref: str
    page: int | None
    block: int
    exact: bool = True  # one cell of a real grid (its boundaries are known)
    confidence: float | None = None  # OCR'd text: the recogniser's confidence
    alternatives: tuple[str, ...] = ()  # OCR'd text: other readings, best first


@dataclass
class Line:
    segments: list[str]
    cells: list[ValueCell]
    block: int
    row: int | None = None
    page: int | None = None
    # per value cell, per grid column it spans: the header texts above that column, outer first
    paths: list[list[list[str]]] = field(default_factory=list)
    header_text: list[str] = field(default_factory=list)  # the header rows' cells above, in reading order
    source: str = "grid"  # grid | text
    line_rows: bool = False  # the table's rows are printed lines (``Table.line_rows``): header rows approximate

    @property
    def label(self) -> str:
        return " ".join(s.replace("\n", "") for s in self.segments)

    def has_values(self) -> bool:
        return any(squash(c.text) for c in self.cells)


def _text(cell: Cell | None) -> str:
    return nfkc(cell.text).strip() if cell is not None else ""


_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # a Chinese character
_NUMBERING_ONLY = re.compile(r"^(?:\d{1,2}\s*[.．、]|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、)$")


def is_label_text(text: str) -> bool:
    """Words of a label (Chinese characters, or a numbering on its own: ``（三）``), not a value; text with
    digits and no words (``(53)``, ``1,36,3``, ``3.63E+02``) stands where a value does and is refused by the
    grammar there."""
    t = nfkc(text).strip()
    if not t or is_value_text(t):
        return False
    return bool(_WORD.search(t)) or bool(_NUMBERING_ONLY.match(t)) or not any(ch.isdigit() for ch in t)


def _value_cell(c: Cell, r: int, table: Table, block: int) -> ValueCell:
    return ValueCell(c.text, f"r{r}c{c.col}", c.page if c.page is not None else table.page, block,
                     confidence=c.confidence, alternatives=c.alternatives)


def _origins(row: list[Cell | None]) -> list[Cell]:
    """The distinct cells of a grid row, left to right (a merged cell once)."""
    origins: list[Cell] = []
    for cell in row:
        if cell is not None and (not origins or origins[-1] is not cell) and cell not in origins:
            origins.append(cell)
    return origins


def label_columns(grid: list[list[Cell | None]]) -> set[int]:
    """Grid columns that hold a row label in some row with values and a value in none: a blank cell
    there is the rest of a label cut in two (``（一）予以公开 |  | 50``), never a blank value."""
    labels: set[int] = set()
    numbers: set[int] = set()
    for row in grid:
        origins = _origins(row)
        valued = [c for c in origins if _text(c) and not is_label_text(c.text)]
        if not valued:
            continue
        for c in origins:
            if is_label_text(c.text):
                labels.update(range(c.col, c.col + c.colspan))
        for c in valued:
            numbers.update(range(c.col, c.col + c.colspan))
    return labels - numbers


def grid_lines(table: Table, block: int) -> list[Line]:
    grid = table.grid()
    label_cols = label_columns(grid)
    lines: list[Line] = []
    header_rows: list[list[Cell | None]] = []
    last_was_data = False
    for r, row in enumerate(grid):
        origins = _origins(row)
        label_idx = [i for i, c in enumerate(origins) if is_label_text(c.text)]
        last_label = label_idx[-1] if label_idx else -1
        segments = []
        for i in label_idx:
            # the cell's lines kept apart: a label a converter split across two cells line by line is
            # read again with the lines rejoined (``rowmatch``)
            t = "\n".join(" ".join(ln.split()) for ln in _text(origins[i]).splitlines() if ln.strip())
            if t and t not in segments:
                segments.append(t)
        values = [c for c in origins[last_label + 1:]
                  if _text(c) or not all(k in label_cols for k in range(c.col, c.col + c.colspan))]
        has_number = any(_text(c) for c in values)
        if not has_number:
            # a header (or caption) row: remember its cells per grid column
            if last_was_data:
                header_rows = []
            header_rows.append(list(row))
            last_was_data = False
        else:
            last_was_data = True
        paths = []
        for c in values:
            spans = []
            for k in range(c.col, c.col + c.colspan):
                path: list[str] = []
                for hr in header_rows:
                    h = hr[k] if k < len(hr) else None
                    words = _text(h)
                    if words and (not path or path[-1] != words):
                        path.append(words)
                spans.append(path)
            paths.append(spans)
        header_text = []
        seen: set[int] = set()
        for hr in header_rows:
            for h in hr:
                if h is not None and id(h) not in seen and h.row + h.rowspan - 1 >= 0:
                    seen.add(id(h))
                    if _text(h):
                        header_text.append(_text(h))
        cells = [_value_cell(c, r, table, block) for c in values]
        if segments or has_number:
            lines.append(Line(segments, cells, block, r, table.page, paths, header_text, line_rows=table.line_rows))
    return lines

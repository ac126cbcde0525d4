"""Rulings → grids of cells with spans, filled with their text.

Steps, each a function:
1. ``find_cell_boxes``: pdfplumber's table finder on the page's visible rulings
   (``merge_edges`` → ``edges_to_intersections`` → ``intersections_to_cells`` →
   ``cells_to_tables``): one list of cell rectangles per table.
2. ``to_grid``: the distinct x and y edges of those rectangles become the grid's column and
   row boundaries; each rectangle becomes one :class:`GCell` with its row and column span
   (this is what ``extract_tables()`` loses when it returns None for merged cells).
3. ``fill_holes``: places inside the table that no rectangle covers (a border missing at
   the top of a page, say) become cells too, so their text is not lost.
4. ``fill_text``: every character goes to the cell under its centre; ``layout.cell_text``
   joins each cell's characters.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
from pdfplumber.utils import filter_edges

from ...values import is_value_text
from .layout import cell_text
from .scan import Char
from ...settings import SETTINGS



@dataclass
class GCell:
    """A cell covering grid rows [r0, r1) and columns [c0, c1)."""

    text: str
    r0: int
    r1: int
    c0: int
    c1: int
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom
    page: int
    confidence: float | None = None  # recognised from an image (OCR): the lowest character probability
    alternatives: tuple[str, ...] = ()  # OCR: other readings of the text, best first


@dataclass
class Grid:
    cells: list[GCell]
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    page: int

    @property
    def n_rows(self) -> int:
        return max((c.r1 for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.c1 for c in self.cells), default=0)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (min(c.bbox[0] for c in self.cells), min(c.bbox[1] for c in self.cells),
                max(c.bbox[2] for c in self.cells), max(c.bbox[3] for c in self.cells))

    def has_text(self) -> bool:
        return any(c.text for c in self.cells)


def close_open_ends(edges: list[dict]) -> list[dict]:
    """Draw the border a table leaves open at a page break.

    Word processors often draw no bottom border where a table breaks to the next page (and
    no top border where it resumes): the columns' rulings just stop. Where two or more
    rulings of a table stop at the same height with nothing across, a line across them is
    added, so the last (or first) row on the page is still a row.
    """
    h = [e for e in edges if e["orientation"] == "h"]
    v = [e for e in edges if e["orientation"] == "v"]

    def crossed(x: float, y: float) -> bool:
        return any(abs(e["top"] - y) <= SETTINGS.pdf_snap and e["x0"] - SETTINGS.pdf_snap <= x <= e["x1"] + SETTINGS.pdf_snap for e in h)

    def in_table(e: dict) -> bool:
        return any(e["top"] - SETTINGS.pdf_snap <= g["top"] <= e["bottom"] + SETTINGS.pdf_snap and g["x0"] - SETTINGS.pdf_snap <= e["x0"] <= g["x1"] + SETTINGS.pdf_snap
                   for g in h)

    added = []
    for end in ("top", "bottom"):
        open_at: dict[float, list[float]] = {}
        for e in v:
            y = e[end]
            if not crossed(e["x0"], y) and in_table(e):
                key = next((k for k in open_at if abs(k - y) <= SETTINGS.pdf_snap), y)
                open_at.setdefault(key, []).append(e["x0"])
        for y, xs in open_at.items():
            if len(xs) < 2:
                continue
            along = [e["x0"] for e in v if abs(e[end] - y) <= SETTINGS.pdf_snap]
            x0, x1 = min(along + xs), max(along + xs)
            added.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "doctop": y, "width": x1 - x0, "height": 0.0,
                          "orientation": "h", "object_type": "line"})
    return edges + added


MAX_CROSSINGS = 6000  # ruling crossings on a page: a page of report tables has a few hundred


class TooManyRulings(Exception):
    """The rulings cross more often than on any page of tables (pdfplumber's cell finder takes the
    square of the crossings: a page ruled every 4 pt would cost minutes)."""

    def __init__(self, crossings: int):
        super().__init__(crossings)
        self.crossings = crossings


def find_cell_boxes(edges: list[dict]) -> list[list[tuple[float, float, float, float]]]:
    """pdfplumber's table finder, fed with the rulings a reader can see; raises TooManyRulings."""
    merged = merge_edges(edges, SETTINGS.pdf_snap, SETTINGS.pdf_snap, SETTINGS.pdf_snap, SETTINGS.pdf_snap)
    merged = filter_edges(merged, min_length=SETTINGS.pdf_min_edge)
    merged = merge_edges(close_open_ends(merged), SETTINGS.pdf_snap, SETTINGS.pdf_snap, SETTINGS.pdf_snap, SETTINGS.pdf_snap)
    crossings = edges_to_intersections(merged, SETTINGS.pdf_snap, SETTINGS.pdf_snap)
    if len(crossings) > MAX_CROSSINGS:
        raise TooManyRulings(len(crossings))
    cells = intersections_to_cells(crossings)
    return cells_to_tables(cells)


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted representatives of values that lie within ``tol`` of their neighbours."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def nearest(bounds: list[float], v: float) -> int:
    i = bisect_left(bounds, v)
    if i == 0:
        return 0
    if i == len(bounds):
        return len(bounds) - 1
    return i if bounds[i] - v < v - bounds[i - 1] else i - 1


def to_grid(boxes: list[tuple[float, float, float, float]], page: int) -> Grid:
    xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes], SETTINGS.pdf_same_edge)
    ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes], SETTINGS.pdf_same_edge)
    covered: set[tuple[int, int]] = set()
    cells: list[GCell] = []
    for x0, top, x1, bottom in sorted(boxes, key=lambda b: (b[1], b[0])):
        c0, c1, r0, r1 = nearest(xs, x0), nearest(xs, x1), nearest(ys, top), nearest(ys, bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        spots = {(r, c) for r in range(r0, r1) for c in range(c0, c1)}
        if spots & covered:  # overlapping rectangles: keep the first
            continue
        covered |= spots
        cells.append(GCell("", r0, r1, c0, c1, (xs[c0], ys[r0], xs[c1], ys[r1]), page))
    grid = Grid(cells, xs, ys, page)
    fill_holes(grid, covered)
    return grid


def fill_holes(grid: Grid, covered: set[tuple[int, int]]) -> None:
    """Uncovered places become cells: one per maximal run along a row, stacked runs joined."""
    xs, ys = grid.xs, grid.ys
    runs: dict[tuple[int, int], GCell] = {}  # (c0, c1) of a run open in the previous row
    for r in range(len(ys) - 1):
        c = 0
        current: dict[tuple[int, int], GCell] = {}
        while c < len(xs) - 1:
            if (r, c) in covered:
                c += 1
                continue
            start = c
            while c < len(xs) - 1 and (r, c) not in covered:
                c += 1
            above = runs.get((start, c))
            if above is not None and above.r1 == r:
                above.r1 = r + 1
                above.bbox = (above.bbox[0], above.bbox[1], above.bbox[2], ys[r + 1])
                current[(start, c)] = above
            else:
                cell = GCell("", r, r + 1, start, c, (xs[start], ys[r], xs[c], ys[r + 1]), grid.page)
                grid.cells.append(cell)
                current[(start, c)] = cell
        runs = current


def fill_text(grid: Grid, chars: list[Char]) -> list[Char]:
    """Put each character into the cell under its centre; return the characters outside the grid."""
    x0, top, x1, bottom = grid.xs[0], grid.ys[0], grid.xs[-1], grid.ys[-1]
    at: dict[tuple[int, int], int] = {}
    for i, cell in enumerate(grid.cells):
        for r in range(cell.r0, cell.r1):
            for c in range(cell.c0, cell.c1):
                at[(r, c)] = i
    inside: dict[int, list[Char]] = {}
    outside: list[Char] = []
    for ch in chars:
        cx, cy = ch.cx, ch.cy
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            outside.append(ch)
            continue
        c = min(max(bisect_right(grid.xs, cx) - 1, 0), len(grid.xs) - 2)
        r = min(max(bisect_right(grid.ys, cy) - 1, 0), len(grid.ys) - 2)
        i = at.get((r, c))
        if i is None:
            outside.append(ch)
        else:
            inside.setdefault(i, []).append(ch)
    for i, cell in enumerate(grid.cells):
        cell.text = cell_text(inside.get(i, []))
    return outside


def boxes_inside_cells(edges: list[dict]) -> list[dict]:
    """Without the sides of shaded boxes that lie inside one cell of the table the drawn lines make.

    A cell's shading fills the cell, so its sides are the cell's borders (and a table drawn only
    with shading has no other rulings). A smaller box inside a cell (a blacked-out figure, a patch
    behind one word) is ink in that cell: its sides would split the cell, and the table's columns
    with it."""
    lines = [e for e in edges if "box" not in e]
    boxes = {e["box"] for e in edges if "box" in e}
    if not boxes or len(lines) < 4:
        return edges
    cells = [c for table in find_cell_boxes(lines) for c in table]
    inner = set()
    for box in boxes:
        x0, top, x1, bottom = box
        for c0, ct, c1, cb in cells:
            inside = c0 - SETTINGS.pdf_snap <= x0 and x1 <= c1 + SETTINGS.pdf_snap and ct - SETTINGS.pdf_snap <= top and bottom <= cb + SETTINGS.pdf_snap
            fills = abs(x0 - c0) <= SETTINGS.pdf_snap and abs(x1 - c1) <= SETTINGS.pdf_snap and abs(top - ct) <= SETTINGS.pdf_snap and abs(bottom - cb) <= SETTINGS.pdf_snap
            if inside and not fills:
                inner.add(box)
                break
    return [e for e in edges if e.get("box") not in inner] if inner else edges


def page_grids(edges: list[dict], page: int, notes: list[str] | None = None) -> list[Grid]:
    """Every ruled table on a page, without text yet; page frames and text boxes (one column) left
    out. A page ruled more densely than any table is read as text, with a note."""
    if len(edges) < 4:
        return []
    try:
        edges = boxes_inside_cells(edges)
        grids = [to_grid(boxes, page) for boxes in find_cell_boxes(edges)]
    except TooManyRulings as exc:
        if notes is not None:
            notes.append(f"page {page}: its rulings cross {exc.crossings:,} times (more than any page of tables; "
                         f"the limit is {MAX_CROSSINGS:,}): its tables were not read as tables")
        return []
    return [g for g in grids if g.n_cols > 1 and g.n_rows > 0]


def widen_labels(grid: Grid) -> None:
    """An empty cell right of a label, in a column that holds only labels, is part of that label.

    (A row such as ``（六）其他处理`` drawn with an empty cell where other rows carry a
    second label level: without this, the empty cell would read as a blank value.) A column
    holds labels when words start in it on rows that carry values; a column whose values are
    all blank under a header is not one.
    """
    valued = {r for c in grid.cells if c.text and is_value_text(c.text) for r in range(c.r0, c.r1)}
    label_cols = set()
    for col in range(grid.n_cols):
        starting = [c for c in grid.cells if c.c0 == col and c.text]
        if any(is_value_text(c.text) for c in starting):
            continue
        if any(valued & set(range(c.r0, c.r1)) for c in starting):
            label_cols.add(col)
    for cell in sorted(grid.cells, key=lambda c: (c.r0, c.c0)):
        if cell.text or cell.c0 not in label_cols:
            continue
        left = [c for c in grid.cells if c.c1 == cell.c0 and (c.r0, c.r1) == (cell.r0, cell.r1) and c.text
                and not is_value_text(c.text)]
        if left:
            left[0].c1 = cell.c1
            left[0].bbox = (left[0].bbox[0], left[0].bbox[1], cell.bbox[2], left[0].bbox[3])
            grid.cells.remove(cell)

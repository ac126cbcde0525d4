"""A table that runs over a page break, made one table again.

``stitch(a, b)`` joins ``b`` (the first block of a page) under ``a`` (the last block of the
page before) when they are as wide as each other. On the way:

1. ``align_columns``: ``b``'s column boundaries are snapped onto ``a``'s (pages of one
   table often differ by a point or two); boundaries only one part has become new columns
   that the other part's cells span.
2. ``drop_repeated_header``: leading rows of ``b`` that repeat ``a``'s first rows word for
   word (a header repeated on each page) are dropped.
3. ``join_cut_row``: a row cut by the break (``3.危及“三安全一稳`` / ``定”``) has its values on
   one side only, and the other side's value cells are empty; its two halves become one row.
4. ``join_continued_labels``: otherwise, label cells left of the row's own label that carry
   over the break (an empty cell under a group label, or ``（四）无`` / ``法提供``) are merged
   into the cell above.
"""
from __future__ import annotations

from ...textnorm import NUMBERING, nfkc
from ...values import is_value_text
from .grid import GCell, Grid
from .layout import join_lines
from ...settings import SETTINGS



def same_table(a: Grid, b: Grid) -> bool:
    ax0, _, ax1, _ = a.bbox
    bx0, _, bx1, _ = b.bbox
    return abs(ax0 - bx0) <= SETTINGS.pdf_stitch_width and abs(ax1 - bx1) <= SETTINGS.pdf_stitch_width


def _numbered(text: str) -> bool:
    t = nfkc(text)
    return any(rx.match(t) for _, rx in NUMBERING)


def _is_label(cell: GCell) -> bool:
    return bool(cell.text) and not is_value_text(cell.text)


def _covering(cells: list[GCell], row: int) -> list[GCell]:
    return sorted((c for c in cells if c.r0 <= row < c.r1), key=lambda c: c.c0)


def _leaf(cells: list[GCell], row: int) -> GCell | None:
    """The row's own label: its rightmost label cell."""
    labels = [c for c in _covering(cells, row) if _is_label(c)]
    return labels[-1] if labels else None


def _values(cells: list[GCell], row: int) -> list[GCell]:
    """Cells right of the row's own label."""
    leaf = _leaf(cells, row)
    start = leaf.c1 if leaf is not None else 0
    return [c for c in _covering(cells, row) if c.c0 >= start]


def align_columns(a: Grid, b: Grid) -> list[float]:
    """Column boundaries of the joined table; ``b``'s cells re-indexed onto them."""
    bounds = list(a.xs)
    mapping = {}
    for x in b.xs:
        near = min(bounds, key=lambda v: abs(v - x))
        if abs(near - x) <= SETTINGS.pdf_stitch_column:
            mapping[x] = near
        else:
            bounds.append(x)
            mapping[x] = x
    bounds.sort()
    index = {x: i for i, x in enumerate(bounds)}
    for cell in a.cells:
        cell.c0, cell.c1 = index[a.xs[cell.c0]], index[a.xs[cell.c1]]
    for cell in b.cells:
        cell.c0, cell.c1 = index[mapping[b.xs[cell.c0]]], index[mapping[b.xs[cell.c1]]]
    return bounds


def _row_texts(cells: list[GCell], row: int) -> list[str]:
    return ["".join(c.text.split()) for c in sorted(cells, key=lambda c: c.c0) if c.r0 == row]


def drop_repeated_header(a: Grid, b: Grid) -> None:
    """Drop ``b``'s leading rows that repeat ``a``'s first rows (headers repeated on the next page)."""
    k = 0
    while k < min(a.n_rows, b.n_rows) - 1:
        row_a, row_b = _row_texts(a.cells, k), _row_texts(b.cells, k)
        if not row_b or row_a != row_b or any(is_value_text(t) and t for t in row_b):
            break
        k += 1
    if k == 0 or any(c.r0 < k < c.r1 for c in b.cells):
        return
    b.cells = [c for c in b.cells if c.r0 >= k]
    for c in b.cells:
        c.r0 -= k
        c.r1 -= k


def _merge_down(upper: GCell, lower: GCell, cells: list[GCell]) -> None:
    upper.text = join_lines([upper.text, lower.text])
    if lower.confidence is not None:  # OCR: the joined text is as sure as its least sure part
        upper.confidence = lower.confidence if upper.confidence is None else min(upper.confidence, lower.confidence)
        upper.alternatives = ()
    upper.r1 = max(upper.r1, lower.r1)
    cells.remove(lower)


def join_cut_row(cells: list[GCell], seam: int) -> bool:
    """Rows ``seam - 1`` and ``seam`` are one row cut by the break: join them. True if done."""
    above, below = seam - 1, seam
    starts = [c for c in cells if c.r0 == below]
    if not starts:
        return False
    val_a = [c for c in _values(cells, above) if c.text]
    val_b = [c for c in _values(cells, below) if c.text]
    if bool(val_a) == bool(val_b):
        return False
    empty_row = below if val_a else above
    value_cols = {(c.c0, c.c1) for c in (val_a or val_b)}
    if any(c.text and (c.c0, c.c1) in value_cols for c in _covering(cells, empty_row)):
        return False  # words where the other half has values: a header, not half a row
    leaf = _leaf(cells, below)
    if leaf is not None and leaf.r0 == below and _numbered(leaf.text):
        return False  # a numbered label starts a row of its own
    partners = {}
    for c in starts:
        match = [u for u in cells if u.r0 <= above < u.r1 and u.r1 == below and (u.c0, u.c1) == (c.c0, c.c1)]
        if not match:
            return False
        partners[id(c)] = match[0]
    for c in starts:
        _merge_down(partners[id(c)], c, cells)
    for c in cells:  # the boundary between the two rows goes away
        if c.r0 > above:
            c.r0 -= 1
        if c.r1 > above + 1:
            c.r1 -= 1
    return True


def join_continued_labels(cells: list[GCell], seam: int) -> None:
    """Label cells left of row ``seam``'s own label that continue the cell above the break."""
    leaf = _leaf(cells, seam)
    if leaf is None:
        return
    leaf_a = _leaf(cells, seam - 1)
    for c in [c for c in cells if c.r0 == seam and c.c1 <= leaf.c0]:
        match = [u for u in cells if u.r1 == seam and (u.c0, u.c1) == (c.c0, c.c1)]
        if not match:
            continue
        upper = match[0]
        if not c.text:
            _merge_down(upper, c, cells)
        elif (_is_label(upper) and leaf_a is not None and upper.c1 <= leaf_a.c0
              and _is_label(c) and not _numbered(c.text)):
            _merge_down(upper, c, cells)


def stitch(a: Grid, b: Grid) -> Grid:
    """``b`` joined under ``a`` (call only when ``same_table``)."""
    xs = align_columns(a, b)
    drop_repeated_header(a, b)
    seam = a.n_rows
    for c in b.cells:
        c.r0 += seam
        c.r1 += seam
    cells = a.cells + b.cells
    if b.cells and not join_cut_row(cells, seam):
        join_continued_labels(cells, seam)
    return Grid(cells, xs, a.ys, a.page)

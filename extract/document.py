"""The one document model every reader produces.

A :class:`Document` is an ordered list of blocks: :class:`Paragraph` (a line or run of text)
and :class:`Table` (a grid of :class:`Cell` with spans). Readers put format quirks behind
them; every later stage sees only this model and never the format it came from.

Positions inside a document are ``(block_index, char_offset)`` pairs (:class:`Pos`), so a
heading found in the middle of a flattened paragraph can still bound a region.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Union


@dataclass(frozen=True)
class Cell:
    """One cell of a table grid, at its top-left grid position, with its spans.

    Text recognised from an image (OCR) carries the recogniser's ``confidence`` (0–1, the lowest
    of its characters) and ``alternatives``: other readings of the same text, best first. Text
    from a text layer or markup has ``confidence`` None."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None
    alternatives: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return f"r{self.row}c{self.col}"


@dataclass
class Table:
    """A table as a grid of cells with spans; merged cells are one :class:`Cell`."""

    cells: list[Cell]
    page: int | None = None
    caption: str = ""
    kind: str = field(default="table", init=False)
    # rows are printed lines of text, not the rows of a drawn grid: a header cell centred over
    # several lines may print above or below its neighbours, and cell boundaries are where words
    # line up (space-aligned text)
    line_rows: bool = False

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def grid(self) -> list[list[Cell | None]]:
        """Expanded grid: every position covered by a merged cell points at that cell."""
        n_rows, n_cols = self.n_rows, self.n_cols
        grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    if grid[r][c] is None:
                        grid[r][c] = cell
        return grid

    @classmethod
    def from_rows(cls, rows: list[list[str]], page: int | None = None) -> "Table":
        """A table from plain rows of strings, one cell per string, no spans."""
        cells = [Cell(text=t, row=r, col=c, page=page) for r, row in enumerate(rows) for c, t in enumerate(row)]
        return cls(cells=cells, page=page)


@dataclass
class Paragraph:
    """A run of text. ``heading_hint`` is the reader's own heading level, if the format had one."""

    text: str
    page: int | None = None
    heading_hint: int | None = None
    kind: str = field(default="paragraph", init=False)
    confidence: float | None = None  # OCR'd text: the recogniser's confidence (0–1); None from a text layer


Block = Union[Paragraph, Table]


class Pos(NamedTuple):
    """A position in a document: block index and character offset inside a paragraph."""

    block: int
    offset: int = 0


@dataclass
class Document:
    """What a reader returns: blocks in reading order plus the container's own metadata.

    ``properties`` holds metadata the container states outright, under normalised keys:
    ``title``, ``published``, ``publisher``, ``doc_number``, ``index_no``. ``layout`` names the form
    the reader recognised (``pdf/text-layer``, ``text/space-aligned``, ``md/pipe`` …), for the
    record only: no stage after the reader reads it.
    """

    source: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    pages: int | None = None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    layout: str = ""

    def paragraphs(self) -> list[tuple[int, Paragraph]]:
        return [(i, b) for i, b in enumerate(self.blocks) if isinstance(b, Paragraph)]

    def tables(self) -> list[tuple[int, Table]]:
        return [(i, b) for i, b in enumerate(self.blocks) if isinstance(b, Table)]

    def text(self) -> str:
        """All text in reading order, table cells joined row by row (for search, not for values)."""
        out = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                for row in b.grid():
                    seen, parts = set(), []
                    for cell in row:
                        if cell is not None and id(cell) not in seen:
                            seen.add(id(cell))
                            parts.append(cell.text)
                    out.append(" ".join(parts))
        return "\n".join(out)

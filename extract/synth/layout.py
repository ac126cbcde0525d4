"""The official layout of the three tables, built from the template data: grids of cells with
the merges of the national forms (TEMPLATES.md §3–5)."""
from __future__ import annotations

from dataclasses import dataclass

from ..templates import CellKey, Template

REQUESTS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class GridCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    key: CellKey | None = None  # the value cell it shows, if any


@dataclass
class Grid:
    cells: list[GridCell]
    width: int

    @property
    def height(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    def rows(self) -> list[list[GridCell]]:
        """Cells by the row they start in, in column order."""
        out: list[list[GridCell]] = [[] for _ in range(self.height)]
        for c in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[c.row].append(c)
        return out


def active_grid(t: Template, cells: dict[CellKey, str]) -> Grid:
    width, out, r = 4, [], 0
    for block in t.table("active").blocks:
        out.append(GridCell(block.caption, r, 0, colspan=width))
        r += 1
        n = len(block.columns)
        out.append(GridCell("信息内容", r, 0))
        for i, col in enumerate(block.columns):
            span = width - 1 - i if i == n - 1 else 1
            out.append(GridCell(col.label, r, 1 + i, colspan=span))
        r += 1
        for row in block.rows:
            out.append(GridCell(row.label, r, 0))
            for i, col in enumerate(block.columns):
                key = CellKey("active", row.key, col.key)
                span = width - 1 - i if i == n - 1 else 1
                out.append(GridCell(cells.get(key, ""), r, 1 + i, colspan=span, key=key))
            r += 1
    return Grid(out, width)


def requests_grid(t: Template, cells: dict[CellKey, str]) -> Grid:
    spec = t.table("requests")
    cols = spec.blocks[0].columns
    out = [GridCell(REQUESTS_NOTE, 0, 0, rowspan=3, colspan=3), GridCell("申请人情况", 0, 3, colspan=7),
           GridCell(cols[0].label, 1, 3, rowspan=2), GridCell("法人或其他组织", 1, 4, colspan=5),
           GridCell(cols[-1].label, 1, 9, rowspan=2)]
    out += [GridCell(c.label, 2, 4 + i) for i, c in enumerate(cols[1:-1])]
    rows = spec.rows()
    r0 = 3
    placed: set[str] = set()
    for i, row in enumerate(rows):
        r = r0 + i
        parts = row.group.split("/") if row.group else []
        for depth, _ in enumerate(parts):
            path = "/".join(parts[: depth + 1])
            if path not in placed:
                placed.add(path)
                span = sum(1 for x in rows if x.group == path or x.group.startswith(path + "/"))
                out.append(GridCell(parts[depth], r, depth, rowspan=span))
        out.append(GridCell(row.label, r, len(parts), colspan=3 - len(parts)))
        for j, col in enumerate(cols):
            key = CellKey("requests", row.key, col.key)
            out.append(GridCell(cells.get(key, ""), r, 3 + j, key=key))
    return Grid(out, 10)


def appeals_grid(t: Template, cells: dict[CellKey, str]) -> Grid:
    spec = t.table("appeals")
    cols = spec.blocks[0].columns
    review, direct, after = spec.rows()
    out = [GridCell("行政复议", 0, 0, colspan=5), GridCell("行政诉讼", 0, 5, colspan=10)]
    out += [GridCell(c.label, 1, i, rowspan=2) for i, c in enumerate(cols)]
    out += [GridCell(direct.label, 1, 5, colspan=5), GridCell(after.label, 1, 10, colspan=5)]
    out += [GridCell(c.label, 2, 5 + i) for i, c in enumerate(cols)]
    out += [GridCell(c.label, 2, 10 + i) for i, c in enumerate(cols)]
    for k, row in enumerate((review, direct, after)):
        for i, c in enumerate(cols):
            key = CellKey("appeals", row.key, c.key)
            out.append(GridCell(cells.get(key, ""), 3, 5 * k + i, key=key))
    return Grid(out, 15)


def grids(t: Template, cells: dict[CellKey, str]) -> dict[str, Grid]:
    return {"active": active_grid(t, cells), "requests": requests_grid(t, cells), "appeals": appeals_grid(t, cells)}

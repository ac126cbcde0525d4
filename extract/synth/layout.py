"""The official layout of the three tables, built from the template data: grids of cells with
the merges of the national forms (TEMPLATES.md §3–5)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..templates import CellKey, Template

REQUESTS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass
class Variant:
    """Ways a real report departs from the official layout, for tests of the alignment: columns printed
    in another order (their header cells moved with them), rows printed twice or under another row's
    label, and lines of rows the format does not have."""

    org_order: tuple[int, ...] | None = None  # the five 法人或其他组织 columns, as printed
    active_orders: dict[str, tuple[int, ...]] = field(default_factory=dict)  # block key → its columns as printed
    appeals_order: tuple[int, ...] | None = None  # 结果维持 … 总计, as printed under each group
    suits_swapped: bool = False  # 复议后起诉 printed before 未经复议直接起诉
    duplicates: dict[str, tuple[str, ...]] = field(default_factory=dict)  # requests row → a second line's values
    relabel: dict[str, str] = field(default_factory=dict)  # row key → the label printed instead of its own
    extra_lines: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # (table, label, values)
    short_rows: dict[str, int] = field(default_factory=dict)  # requests row → printed column whose cell it lacks
    long_rows: dict[str, tuple[int, str]] = field(default_factory=dict)  # requests row → (where, a cell too many)


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


def active_grid(t: Template, cells: dict[CellKey, str], v: Variant | None = None) -> Grid:
    v = v or Variant()
    width, out, r = 4, [], 0
    for block in t.table("active").blocks:
        out.append(GridCell(block.caption, r, 0, colspan=width))
        r += 1
        n = len(block.columns)
        cols = [block.columns[i] for i in v.active_orders.get(block.key, range(n))]
        out.append(GridCell("信息内容", r, 0))
        for i, col in enumerate(cols):
            span = width - 1 - i if i == n - 1 else 1
            out.append(GridCell(col.label, r, 1 + i, colspan=span))
        r += 1
        printed = [(v.relabel.get(row.key, row.label), [cells.get(CellKey("active", row.key, c.key), "") for c in cols],
                    row.key) for row in block.rows]
        printed += [(label, list(texts), None) for table, label, texts in v.extra_lines
                    if table == "active" and block is t.table("active").blocks[0]]
        for label, texts, row_key in printed:
            out.append(GridCell(label, r, 0))
            for i, text in enumerate(texts[:n]):
                key = CellKey("active", row_key, cols[i].key) if row_key else None
                span = width - 1 - i if i == n - 1 else 1
                out.append(GridCell(text, r, 1 + i, colspan=span, key=key))
            r += 1
    return Grid(out, width)


def requests_grid(t: Template, cells: dict[CellKey, str], v: Variant | None = None) -> Grid:
    v = v or Variant()
    spec = t.table("requests")
    cols = list(spec.blocks[0].columns)
    orgs = [cols[1 + i] for i in (v.org_order or range(len(cols) - 2))]
    printed_cols = [cols[0]] + orgs + [cols[-1]]
    out = [GridCell(REQUESTS_NOTE, 0, 0, rowspan=3, colspan=3), GridCell("申请人情况", 0, 3, colspan=7),
           GridCell(cols[0].label, 1, 3, rowspan=2), GridCell("法人或其他组织", 1, 4, colspan=5),
           GridCell(cols[-1].label, 1, 9, rowspan=2)]
    out += [GridCell(c.label, 2, 4 + i) for i, c in enumerate(orgs)]
    printed = []  # (row spec for its place and group, label, value texts, key of the row or None)
    for row in spec.rows():
        texts = [cells.get(CellKey("requests", row.key, c.key), "") for c in printed_cols]
        if row.key in v.short_rows:  # the row lacks a cell: the ones after it stand one column to the left
            texts = texts[:v.short_rows[row.key]] + texts[v.short_rows[row.key] + 1:]
        if row.key in v.long_rows:
            at, extra = v.long_rows[row.key]
            texts = texts[:at] + [extra] + texts[at:]
        printed.append((row, v.relabel.get(row.key, row.label), texts, row.key))
        if row.key in v.duplicates:
            printed.append((row, row.label, list(v.duplicates[row.key]), None))
    r0 = 3
    placed: set[str] = set()
    for i, (row, label, texts, row_key) in enumerate(printed):
        r = r0 + i
        parts = row.group.split("/") if row.group else []
        for depth, _ in enumerate(parts):
            path = "/".join(parts[: depth + 1])
            if path not in placed:
                placed.add(path)
                span = sum(1 for x, *_ in printed if x.group == path or x.group.startswith(path + "/"))
                out.append(GridCell(parts[depth], r, depth, rowspan=span))
        out.append(GridCell(label, r, len(parts), colspan=3 - len(parts)))
        for j, text in enumerate(texts):
            key = CellKey("requests", row_key, printed_cols[j].key) if row_key and j < len(printed_cols) and \
                row_key not in v.short_rows and row_key not in v.long_rows else None
            out.append(GridCell(text, r, 3 + j, key=key))
    return Grid(out, max(10, 3 + max(len(t) for *_, t, _k in printed)))


def appeals_grid(t: Template, cells: dict[CellKey, str], v: Variant | None = None) -> Grid:
    v = v or Variant()
    spec = t.table("appeals")
    cols = [spec.blocks[0].columns[i] for i in (v.appeals_order or range(5))]
    review, direct, after = spec.rows()
    suits = (after, direct) if v.suits_swapped else (direct, after)
    out = [GridCell("行政复议", 0, 0, colspan=5), GridCell("行政诉讼", 0, 5, colspan=10)]
    out += [GridCell(c.label, 1, i, rowspan=2) for i, c in enumerate(cols)]
    out += [GridCell(suits[0].label, 1, 5, colspan=5), GridCell(suits[1].label, 1, 10, colspan=5)]
    out += [GridCell(c.label, 2, 5 + i) for i, c in enumerate(cols)]
    out += [GridCell(c.label, 2, 10 + i) for i, c in enumerate(cols)]
    for k, row in enumerate((review,) + suits):
        for i, c in enumerate(cols):
            key = CellKey("appeals", row.key, c.key)
            out.append(GridCell(cells.get(key, ""), 3, 5 * k + i, key=key))
    return Grid(out, 15)


def grids(t: Template, cells: dict[CellKey, str], variant: Variant | None = None) -> dict[str, Grid]:
    return {"active": active_grid(t, cells, variant), "requests": requests_grid(t, cells, variant),
            "appeals": appeals_grid(t, cells, variant)}

"""The vocabulary in which the national report formats are declared.

Nothing here knows a label: ``national.py`` declares the 2019 and 2021 formats with these
classes once, and mapping, checks, best guesses, the datapackage and the docs read them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator, NamedTuple


class CellKey(NamedTuple):
    table: str
    row: str
    column: str

    def __str__(self) -> str:  # "requests/new_received/total"
        return f"{self.table}/{self.row}/{self.column}"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    en: str
    aliases: tuple[str, ...] = ()
    group: str = ""  # header above the label, e.g. 法人或其他组织
    unit: str | None = None
    decimal: bool = False  # may hold a decimal (money)
    signed: bool = False  # may be negative (本年增/减)
    small: bool = False  # usually the smallest in its row, often 0 (增/减, 废止); ranks run-together readings
    # typical size, as (log10 centre, spread), used only to rank readings of run-together digits
    magnitude: tuple[float, float] | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label,) + self.aliases

    @cached_property
    def grammar(self):
        """What the column's cells admit (``values.Grammar``): integer or decimal, signed or not, its unit."""
        from ..values import Grammar

        return Grammar(decimal=self.decimal, signed=self.signed, unit=self.unit,
                       unit_as_printed=self.decimal and self.unit is None)


@dataclass(frozen=True)
class Row:
    key: str
    label: str  # the official label, numbering included
    en: str
    aliases: tuple[str, ...] = ()  # other wordings seen in real reports (numbering excluded)
    group: str = ""  # enclosing merged labels, e.g. 三、本年度办理结果/（三）不予公开
    short: bool = False  # label too short to be found in running text without its numbering

    @cached_property
    def labels(self) -> tuple[str, ...]:
        from ..textnorm import split_numbering

        return (split_numbering(self.label)[1],) + self.aliases

    @property
    def number(self) -> str:
        from ..textnorm import split_numbering

        n, _ = split_numbering(self.label)
        return n.text if n else ""


@dataclass(frozen=True)
class Block:
    """A block of rows sharing one set of columns (the 第二十条第（X）项 blocks; a whole table otherwise)."""

    key: str
    caption: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    caption_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    key: str  # active | requests | appeals
    title: str
    en: str
    blocks: tuple[Block, ...]
    one_line: bool = False  # the appeals table prints all its rows as one line of values

    def rows(self) -> list[Row]:
        return [r for b in self.blocks for r in b.rows]

    def block_of(self, row_key: str) -> Block:
        for b in self.blocks:
            if any(r.key == row_key for r in b.rows):
                return b
        raise KeyError(row_key)

    def columns_of(self, row_key: str) -> tuple[Column, ...]:
        return self.block_of(row_key).columns

    def cells(self) -> Iterator[CellKey]:
        for b in self.blocks:
            for r in b.rows:
                for c in b.columns:
                    yield CellKey(self.key, r.key, c.key)

    def column(self, row_key: str, col_key: str) -> Column:
        for c in self.columns_of(row_key):
            if c.key == col_key:
                return c
        raise KeyError(col_key)

    def row(self, row_key: str) -> Row:
        for r in self.rows():
            if r.key == row_key:
                return r
        raise KeyError(row_key)


@dataclass(frozen=True)
class Identity:
    """lhs = Σ rhs over cells. ``substitutes`` maps a group of cells to cells that may stand in
    for it when the report printed the other format's rows (the 2019 single （六） row)."""

    id: str
    table: str
    lhs: tuple[CellKey, ...]
    rhs: tuple[CellKey, ...]
    description: str
    printed: bool = False  # stated in the form itself (the 勾稽关系 note), not only implied
    optional: bool = False  # about rows of the other format: checked only when the report prints them
    substitutes: tuple[tuple[tuple[CellKey, ...], tuple[CellKey, ...]], ...] = ()

    @property
    def cells(self) -> tuple[CellKey, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class Relation:
    """A soft inequality ``big >= small`` used only to rank readings of run-together digits."""

    table: str
    big: str  # column key, same row
    small: str
    rows: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """One of the six level-1 sections: number, official heading, and patterns of its variants."""

    key: str
    number: int
    heading: str
    en: str
    pattern: str  # regex over NFKC text without spaces
    table: str | None = None


@dataclass(frozen=True)
class Template:
    key: str  # "2019" | "2021"
    name: str
    notice: str
    tables: dict[str, TableSpec]
    identities: tuple[Identity, ...]
    relations: tuple[Relation, ...] = ()
    # rows of the other format a report may print instead of this format's rows
    variant_rows: dict[str, tuple[Row, ...]] = field(default_factory=dict)
    # in running text the variant rows are looked for just before this row
    variant_before: dict[str, str] = field(default_factory=dict)
    # header words that show a report uses this format
    markers: tuple[str, ...] = ()

    def cells(self) -> Iterator[CellKey]:
        for t in self.tables.values():
            yield from t.cells()

    def table(self, key: str) -> TableSpec:
        return self.tables[key]

    def scan_rows(self, table: str) -> list[Row]:
        """The table's rows in printed order with the other format's rows at their place."""
        rows = list(self.tables[table].rows())
        variants = list(self.variant_rows.get(table, ()))
        if variants:
            keys = [r.key for r in rows]
            at = keys.index(self.variant_before[table]) if self.variant_before.get(table) in keys else len(rows)
            rows[at:at] = variants
        return rows

    def row_columns(self, table: str, row_key: str) -> tuple[Column, ...]:
        """Columns of a row of this format, or of a variant row (same block as the rows it replaces)."""
        spec = self.tables[table]
        try:
            return spec.columns_of(row_key)
        except KeyError:
            if any(r.key == row_key for r in self.variant_rows.get(table, ())):
                return spec.blocks[-1].columns if len(spec.blocks) == 1 else spec.columns_of(self.variant_before[table])
            raise

    def row_spec(self, table: str, row_key: str) -> Row:
        key = (self.key, table, row_key)
        if key not in _ROW_SPECS:
            for r in self.scan_rows(table):
                if r.key == row_key:
                    _ROW_SPECS[key] = r
                    break
            else:
                raise KeyError(row_key)
        return _ROW_SPECS[key]


_ROW_SPECS: dict[tuple[str, str, str], Row] = {}


@dataclass(frozen=True)
class Term:
    """A cell of the current (``cur``) or previous year's (``prev``) report, with a sign."""

    year: str  # cur | prev
    cell: CellKey
    sign: int = 1


@dataclass(frozen=True)
class CrossYear:
    """A heuristic identity between consecutive reports of one agency (``warn`` when it fails)."""

    id: str
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    description: str
    formats: tuple[str, str] | None = None  # (previous, current) formats it applies to; None: any


@dataclass(frozen=True)
class Claim:
    """A number stated in prose (``本年度共收到申请70件``) and the table cells it names.

    ``targets`` lists alternative sums of cells; the claim holds when it equals any of them."""

    id: str
    patterns: tuple[str, ...]  # regexes over one sentence (NFKC, no spaces); group 1 is the number
    targets: tuple[tuple[CellKey, ...], ...]
    description: str

"""Identities between consecutive reports of one agency (``CROSS_YEAR``), evaluated as ``warn``.

These rows belong to the later year's report. A term that is blank or missing makes the check
``unknown``; a difference makes it ``warn`` (corrections and re-counts happen), never ``fail``.
"""
from __future__ import annotations

from decimal import Decimal

from ..results import CellValue, CheckResult
from ..templates import CROSS_YEAR, CellKey
from .sums import total


def _side(terms, cells_by_year) -> Decimal | None:
    values = (_value(cells_by_year[t.year].get(t.cell)) for t in terms)
    return total(None if v is None else t.sign * v for t, v in zip(terms, values))


def _value(cell) -> Decimal | None:
    """A cell's value: a :class:`CellValue`'s, or a plain value as ``link_data`` keeps it."""
    return cell.value if isinstance(cell, CellValue) else cell


def cross_year_checks(prev: dict[CellKey, CellValue | Decimal | None], cur: dict[CellKey, CellValue | Decimal | None],
                      prev_format: str, cur_format: str, prev_id: str) -> list[CheckResult]:
    out = []
    cells = {"prev": prev, "cur": cur}
    for ident in CROSS_YEAR:
        if ident.formats is not None and ident.formats != (prev_format, cur_format):
            continue
        lhs, rhs = _side(ident.lhs, cells), _side(ident.rhs, cells)
        terms = ident.lhs + ident.rhs
        keys = ";".join(f"{'prev:' if t.year == 'prev' else ''}{t.cell.row}/{t.cell.column}" for t in terms)
        if lhs is None or rhs is None:
            status, delta = "unknown", None
        else:
            delta = lhs - rhs
            status = "pass" if delta == 0 else "warn"
        out.append(CheckResult(terms[0].cell.table, ident.id, lhs, rhs, delta, status, keys, ident.description,
                               f"previous year's report {prev_id}"))
    return out

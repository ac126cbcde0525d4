"""Evaluate every identity of the template on a report's cells.

``pass`` when both sides are equal, ``fail`` when they differ (the agency's own error is kept
as printed, never corrected), ``unknown`` when a term is blank, a dash or missing. For
unknowns, the note says whether the identity would hold with blank cells read as 0.
"""
from __future__ import annotations

from decimal import Decimal

from ..results import CellValue, CheckResult
from ..templates import CellKey, Identity, Template
from .sums import cell_total, total


def _present(cv: CellValue | None) -> bool:
    return cv is not None and cv.status != "missing"


def identity_terms(ident: Identity, cells: dict[CellKey, CellValue]) -> tuple[tuple[CellKey, ...], tuple[CellKey, ...], str]:
    lhs, rhs, note = ident.lhs, ident.rhs, ""
    for group, stand_in in ident.substitutes:
        if not any(_present(cells.get(k)) for k in group) and all(_present(cells.get(k)) for k in stand_in):
            rhs = tuple(k for k in rhs if k not in group) + stand_in
            note = "the report prints the other format's row(s) " + ", ".join(k.row for k in stand_in)
    return lhs, rhs, note


def _side(keys, cells, blank_as_zero=False) -> Decimal | None:
    if not blank_as_zero:
        return cell_total(cells, keys)
    zero = Decimal(0)
    return total(zero if cells.get(k) is not None and cells[k].status in ("blank", "dash")
                 else getattr(cells.get(k), "value", None) for k in keys)


def run_checks(cells: dict[CellKey, CellValue], template: Template) -> list[CheckResult]:
    out = []
    for ident in template.identities:
        if ident.optional and not any(_present(cells.get(k)) for k in ident.cells):
            continue
        lhs_keys, rhs_keys, note = identity_terms(ident, cells)
        keys = lhs_keys + rhs_keys
        lhs, rhs = _side(lhs_keys, cells), _side(rhs_keys, cells)
        cell_list = ";".join(f"{k.row}/{k.column}" for k in keys)
        notes = [note] if note else []
        if lhs is None or rhs is None:
            status, delta = "unknown", None
            absent = [f"{k.row}/{k.column}" for k in keys if cells.get(k) is None or cells[k].value is None]
            notes.append("no value in " + ", ".join(absent[:6]) + (" …" if len(absent) > 6 else ""))
            l0, r0 = _side(lhs_keys, cells, True), _side(rhs_keys, cells, True)
            if l0 is not None and r0 is not None:
                notes.append("holds if blank cells are read as 0" if l0 == r0 else
                             f"fails even with blank cells read as 0 ({l0} vs {r0})")
        else:
            delta = lhs - rhs
            status = "pass" if delta == 0 else "fail"
            if any(cells[k].status == "ambiguous" for k in keys):
                notes.append("uses best-guess readings of run-together digits")
            elif any(cells[k].status == "inferred" for k in keys):
                notes.append("uses values read from run-together digits, whose reading was chosen to satisfy "
                             "the format's identities")
        out.append(CheckResult(ident.table, ident.id, lhs, rhs, delta, status, cell_list, ident.description,
                               "; ".join(notes)))
    return out

"""What needs more than one report, or is the same for many: the agency's id and region, each
report's predecessor (same agency, previous year), the cross-year checks and text reuse against
it, duplicates of one agency-year, and the report's row of the panel.

The agency is located and the link data prepared in the worker, with the report; the parent pairs
reports and compares only what ``link_data`` kept (a few cells and hashed 4-grams), never whole
results."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from ..results import FileResult
from ..templates import CROSS_YEAR, TABLE_KEYS, CellKey
from .agency import locate
from .crossyear import cross_year_checks
from .reuse import hash_array, hashed_shingles, hashes_text, reuse_share


def place(result: FileResult) -> None:
    """Fill the report's agency_id and region from its agency name (in place)."""
    rep = result.report
    if rep is None or not rep.agency:
        return
    where = _locate(rep.agency)
    rep.agency_id, rep.province, rep.city, rep.county, rep.adcode = (
        where.agency_id, where.province, where.city, where.county, where.adcode)


_locate = lru_cache(maxsize=None)(locate)

LINK_CELLS = tuple(sorted({str(t.cell) for ident in CROSS_YEAR for t in ident.lhs + ident.rhs}))


def link_data(result: FileResult) -> dict:
    """What the same agency's next report needs of this one: the cells the cross-year identities name
    (exact text, None when the cell has no value) and each section's hashed word 4-grams."""
    values = {str(CellKey(f.table, f.row, f.column)): f.value for f in result.facts}
    return {"template": result.report.template if result.report else "",
            "cells": {k: (None if values.get(k) is None else format(values[k], "f")) for k in LINK_CELLS},
            "shingles": [hashes_text(hashed_shingles(s.text)) if s.section_key not in TABLE_KEYS and s.text else ""
                         for s in result.sections]}


def predecessors(keys: dict[int, tuple[str, int]]) -> dict[int, int]:
    """Item index → index of the same agency's report for the previous year (first of each kind wins)."""
    by_year: dict[tuple[str, int], int] = {}
    for i, key in sorted(keys.items()):
        by_year.setdefault(key, i)
    return {i: by_year[(agency, year - 1)] for (agency, year), i in by_year.items() if (agency, year - 1) in by_year}


def _cells(link: dict) -> dict[CellKey, Decimal | None]:
    out = {}
    for k, v in (link.get("cells") or {}).items():
        parts = k.split("/")
        if len(parts) == 3:
            try:
                out[CellKey(*parts)] = None if v is None else Decimal(v)
            except ArithmeticError:
                out[CellKey(*parts)] = None
    return out


def linked(report: dict, link: dict, sections: list[dict], prev_report: dict, prev_link: dict) -> list:
    """Cross-year checks of a report against the previous year's (returned), and each section's share of
    text repeated from it (set in ``sections``, in place)."""
    checks = []
    if report.get("template") in ("2019", "2021") and prev_report.get("template") in ("2019", "2021"):
        checks = cross_year_checks(_cells(prev_link), _cells(link), prev_report["template"], report["template"],
                                   prev_report["report_id"])
    import numpy as np

    previous = np.sort(np.concatenate([hash_array(t) for t in prev_link.get("shingles") or []] or [hash_array("")]))
    own = link.get("shingles") or []
    for i, s in enumerate(sections):
        if s.get("section_key") not in TABLE_KEYS and s.get("text") and i < len(own):
            s["reuse_prev"] = reuse_share(hash_array(own[i]), previous)  # (sorted, each once: ``hashed_shingles``)
            s["prev_report_id"] = prev_report["report_id"]
    return checks


def panel_row(result: FileResult) -> dict:
    rep = result.report
    row = {"report_id": rep.report_id, "source_path": rep.source_path, "agency": rep.agency, "agency_id": rep.agency_id,
           "province": rep.province, "city": rep.city, "county": rep.county, "year": rep.year,
           "template": rep.template}
    for f in result.facts:
        if f.value is not None:
            row[f"{f.table}.{f.row}.{f.column}"] = f.value
    return row


def duplicate_groups(keys: dict[int, tuple[str, int]], rank: dict[int, tuple]) -> dict[int, int]:
    """Reports of one agency-year read from several files: item index → the index of the one kept.
    The kept one has the most cells found, then the fewest failed checks, then comes first."""
    groups: dict[tuple[str, int], list[int]] = {}
    for i, key in keys.items():
        groups.setdefault(key, []).append(i)
    out = {}
    for members in groups.values():
        if len(members) > 1:
            kept = min(members, key=lambda i: (rank[i], i))
            out.update({i: kept for i in members if i != kept})
    return out

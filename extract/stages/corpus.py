"""What needs more than one report, or is the same for many: the agency's id and region, each
report's predecessor (same agency, previous year), the cross-year checks and text reuse against
it, and the report's row of the panel. Runs in the parent process, once per run."""
from __future__ import annotations

from functools import lru_cache

from ..results import FileResult
from ..templates import TABLE_KEYS, CellKey
from .agency import locate
from .crossyear import cross_year_checks
from .reuse import reuse_share, shingles



def place(result: FileResult) -> None:
    """Fill the report's agency_id and region from its agency name (in place)."""
    rep = result.report
    if rep is None or not rep.agency:
        return
    where = _locate(rep.agency)
    rep.agency_id, rep.province, rep.city, rep.county, rep.adcode = (
        where.agency_id, where.province, where.city, where.county, where.adcode)


_locate = lru_cache(maxsize=None)(locate)


def predecessors(keys: dict[int, tuple[str, int]]) -> dict[int, int]:
    """Item index → index of the same agency's report for the previous year (first of each kind wins)."""
    by_year: dict[tuple[str, int], int] = {}
    for i, key in sorted(keys.items()):
        by_year.setdefault(key, i)
    return {i: by_year[(agency, year - 1)] for (agency, year), i in by_year.items() if (agency, year - 1) in by_year}


def link_previous(result: FileResult, prev: FileResult) -> None:
    """Add cross-year checks and text reuse against the previous year's report (in place)."""
    cur_cells = {CellKey(f.table, f.row, f.column): f for f in result.facts}
    prev_cells = {CellKey(f.table, f.row, f.column): f for f in prev.facts}
    if result.report.template in ("2019", "2021") and prev.report.template in ("2019", "2021"):
        result.checks.extend(cross_year_checks(prev_cells, cur_cells, prev.report.template, result.report.template,
                                               prev.report.report_id))
    previous = _report_shingles(prev.report.report_id, tuple(s.text for s in prev.sections
                                                             if s.section_key not in TABLE_KEYS))
    for s in result.sections:
        if s.section_key not in TABLE_KEYS and s.text:
            s.reuse_prev = reuse_share(s.text, previous)
            s.prev_report_id = prev.report.report_id


@lru_cache(maxsize=64)
def _report_shingles(report_id: str, texts: tuple[str, ...]) -> frozenset[str]:
    """A report's word 4-grams, kept for the next report of the series (consecutive in most corpora)."""
    out: set[str] = set()
    for text in texts:
        out |= shingles(text)
    return frozenset(out)


def panel_row(result: FileResult) -> dict:
    rep = result.report
    row = {"report_id": rep.report_id, "source_path": rep.source_path, "agency": rep.agency, "agency_id": rep.agency_id,
           "province": rep.province, "city": rep.city, "county": rep.county, "year": rep.year,
           "template": rep.template}
    for f in result.facts:
        if f.value is not None:
            row[f"{f.table}.{f.row}.{f.column}"] = f.value
    return row

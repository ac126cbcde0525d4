"""``reports.duckdb``: the same tables for SQL users, plus views auditors ask for first."""
from __future__ import annotations

from pathlib import Path

from ..schema import RESOURCES
from ..templates import TEMPLATES, outcome_groups

STORAGE_VERSION = "v1.0.0"

VIEWS = {
    "problems": """
        SELECT r.agency, r.agency_id, r.year, r.template, c."check" AS check_id, c.status, c.lhs, c.rhs, c.delta, c.cells, c.note,
               r.source_path, c.report_id
        FROM checks c JOIN reports r USING (report_id)
        WHERE c.status IN ('fail', 'warn')
        ORDER BY r.agency_id, r.year, check_id""",
    "agency_years": """
        SELECT agency_id, any_value(agency) AS agency, province, city, county,
               count(*) AS reports, min(year) AS first_year, max(year) AS last_year,
               string_agg(CAST(year AS VARCHAR), ',' ORDER BY year) AS years
        FROM reports GROUP BY agency_id, province, city, county ORDER BY agency_id""",
    "request_outcomes": None,  # built from the template data below

}


def _total(row: str) -> str:
    return f'"requests.{row}.total"'


def request_outcomes_sql() -> str:
    """One row per report: requests received and each outcome group of 三、本年度办理结果, summed from
    the panel; groups whose rows differ between the formats count the rows the report has."""
    everywhere = set.intersection(*({r.key for r in t.table("requests").rows()} for t in TEMPLATES.values()))
    formats = ", ".join(f"'{k}'" for k in TEMPLATES)
    outcomes = []
    for key, _label, rows in outcome_groups():
        if set(rows) <= everywhere:
            outcomes.append(" + ".join(_total(r) for r in rows) + f" AS {key}")
        else:
            summed = " + ".join(f"coalesce({_total(r)}, 0)" for r in rows)
            outcomes.append(f"CASE WHEN p.template IN ({formats}) THEN {summed} END AS {key}")
    return ("SELECT p.report_id, p.agency, p.agency_id, p.year, "
            f"{_total('new_received')} AS received, {_total('carried_over')} AS carried_over, "
            + ", ".join(outcomes) +
            f", {_total('results_total')} AS answered, {_total('carried_forward')} AS carried_forward, "
            '"appeals.review.total" AS reviews, "appeals.suit_direct.total" + "appeals.suit_after_review.total" AS lawsuits '
            # a report with no value (a blank form, a report whose tables were not read) has no outcomes
            "FROM panel p JOIN reports r USING (report_id) WHERE r.status <> 'failed' ORDER BY p.agency_id, p.year")


def write_duckdb(folder: Path, path: Path) -> None:
    import duckdb

    # a bounded buffer pool: DuckDB writes through to the file instead of holding the tables in memory, but
    # it holds a block per column of the row group it builds: the panel's 235 columns need ~250 MB from
    # ~20,000 rows on (128 MB failed there); it runs in a process of its own (``side.SideWriter``).
    # The storage format every DuckDB 1.x reads (the `duckdb` command line users have may be older)
    con = duckdb.connect(str(path), config={"memory_limit": "320MB", "threads": 1,
                                            "storage_compatibility_version": STORAGE_VERSION})
    try:
        for r in RESOURCES:
            source = (folder / f"{r.name}.parquet").as_posix().replace("'", "''")
            con.execute(f'CREATE TABLE "{r.name}" AS SELECT * FROM read_parquet(\'{source}\')')
            con.execute(f"COMMENT ON TABLE \"{r.name}\" IS '{r.en}'")
        for name, sql in VIEWS.items():
            con.execute(f'CREATE VIEW "{name}" AS {sql or request_outcomes_sql()}')
    finally:
        con.close()

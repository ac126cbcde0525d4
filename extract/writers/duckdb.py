"""``reports.duckdb``: the same tables for SQL users, plus views auditors ask for first."""
from __future__ import annotations

from pathlib import Path

from ..schema import RESOURCES

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
    "request_outcomes": """
        SELECT p.report_id, p.agency, p.agency_id, p.year,
               "requests.new_received.total" AS received, "requests.carried_over.total" AS carried_over,
               "requests.granted.total" AS granted, "requests.partially_granted.total" AS partially_granted,
               "requests.withheld_state_secret.total" + "requests.withheld_law_prohibited.total"
                 + "requests.withheld_three_safeties.total" + "requests.withheld_third_party.total"
                 + "requests.withheld_internal_affairs.total" + "requests.withheld_process_info.total"
                 + "requests.withheld_enforcement_file.total" + "requests.withheld_admin_query.total" AS withheld,
               "requests.unavailable_not_held.total" + "requests.unavailable_needs_creation.total"
                 + "requests.unavailable_unclear.total" AS unavailable,
               "requests.rejected_petition.total" + "requests.rejected_duplicate.total"
                 + "requests.rejected_publication.total" + "requests.rejected_excessive.total"
                 + "requests.rejected_confirmation.total" AS not_processed,
               CASE WHEN p.template IN ('2019', '2021') THEN
                 coalesce("requests.other_handling.total", 0) + coalesce("requests.other_no_correction.total", 0)
                 + coalesce("requests.other_unpaid_fee.total", 0) + coalesce("requests.other_misc.total", 0) END AS other,
               "requests.results_total.total" AS answered, "requests.carried_forward.total" AS carried_forward,
               "appeals.review.total" AS reviews,
               "appeals.suit_direct.total" + "appeals.suit_after_review.total" AS lawsuits
        FROM panel p ORDER BY p.agency_id, p.year""",
}


def write_duckdb(folder: Path, path: Path) -> None:
    import duckdb

    # a small buffer pool: DuckDB writes through to the file instead of holding the tables in memory
    con = duckdb.connect(str(path), config={"memory_limit": "128MB", "threads": 1})
    try:
        for r in RESOURCES:
            source = (folder / f"{r.name}.parquet").as_posix().replace("'", "''")
            con.execute(f'CREATE TABLE "{r.name}" AS SELECT * FROM read_parquet(\'{source}\')')
            con.execute(f"COMMENT ON TABLE \"{r.name}\" IS '{r.en}'")
        for name, sql in VIEWS.items():
            con.execute(f'CREATE VIEW "{name}" AS {sql}')
    finally:
        con.close()

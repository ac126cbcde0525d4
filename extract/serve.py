"""``extract serve OUT``: a run's outputs in Datasette on localhost.

Datasette reads ``OUT/reports.sqlite`` (written with the other tables) with metadata made here
from ``schema`` and the templates: every table and column described in Chinese and English,
facets on the columns people filter by, canned queries, and the link tables of the SQLite file
(a check → its cells → their report) shown as links.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .schema import RESOURCES

DATABASE = "reports"

FACETS = {
    "reports": ["agency", "status", "template", "year", "province", "format"],
    "facts": ["status", "table", "source"],
    "checks": ["status", "check", "table"],
    "sections": ["section_key"],
    "errors": ["code", "stage"],
    "panel": ["agency", "year", "template", "province"],
    "problems": ["agency", "status", "check_id", "year"],
}

LABELS = {"reports": "title", "facts": "fact_id", "checks": "check_id"}

QUERIES = {
    "problems": {
        "title": "Problems: failed and warned checks / 勾稽校验未通过",
        "sql": "SELECT * FROM problems ORDER BY agency_id, year",
    },
    "agency_years": {
        "title": "Agencies and the years they reported / 机关及其报告年度",
        "sql": "SELECT * FROM agency_years ORDER BY reports DESC, agency_id",
    },
    "request_outcomes": {
        "title": "Requests and their outcomes per report / 依申请公开办理结果",
        "sql": "SELECT * FROM request_outcomes ORDER BY agency_id, year",
    },
    "agency_series": {
        "title": "One agency's series / 某机关历年数据",
        "sql": "SELECT r.year, r.agency, r.status, o.received, {outcomes}o.answered, "
               "o.reviews, o.lawsuits, r.source_path FROM reports r LEFT JOIN request_outcomes o USING (report_id) "
               "WHERE r.agency_id = :agency_id OR r.agency LIKE '%' || :agency_id || '%' ORDER BY r.year",
    },
    "doubtful_values": {
        "title": "Values not read for certain (ambiguous, inferred, invalid) / 存疑数值",
        "sql": "SELECT f.fact_id, r.agency, r.year, f.\"table\", f.row, f.\"column\", f.value, f.raw, f.status, "
               "f.note, r.source_path FROM facts f JOIN reports r USING (report_id) "
               "WHERE f.status IN ('ambiguous', 'inferred', 'invalid') ORDER BY r.agency_id, r.year",
    },
}


def _outcome_columns() -> list[str]:
    from .templates import outcome_groups

    return [key for key, _label, _rows in outcome_groups()]


def metadata() -> dict:
    tables = {}
    for r in RESOURCES:
        columns = {f.name: f"{f.zh} — {f.en}" for f in r.fields}
        if r.name == "facts":
            columns["fact_id"] = "单元格标识 report_id/table.row.column — cell id (check_cells links to it)"
        if r.name == "checks":
            columns["check_id"] = "校验标识 report_id/check — check id (check_cells lists its cells)"
        entry = {"title": f"{r.name} — {r.zh}", "description": r.en, "columns": columns}
        if r.name in FACETS:
            entry["facets"] = FACETS[r.name]
        if r.name in LABELS:
            entry["label_column"] = LABELS[r.name]
        if r.name == "panel":
            entry["size"] = 20
        tables[r.name] = entry
    tables["check_cells"] = {"title": "check_cells — 校验涉及的单元格",
                             "description": "One row per cell an identity names: from a check to its cells",
                             "columns": {"check_id": "校验 — the check", "fact_id": "单元格 — the cell"}}
    tables["problems"] = {"title": "problems — 未通过的校验", "facets": FACETS["problems"]}
    queries = {k: dict(v) for k, v in QUERIES.items()}
    # the series names every outcome group the templates declare
    queries["agency_series"]["sql"] = queries["agency_series"]["sql"].format(
        outcomes="".join(f"o.{key}, " for key in _outcome_columns()))
    return {
        "title": "政府信息公开工作年度报告 — extract outputs",
        "description": "The statistical tables, checks and sections read from the reports of this run. "
                       "Every value has a status; see the README for what each means.",
        "license": "Public government information; the tool is MIT",
        "databases": {DATABASE: {"tables": tables, "queries": queries}},
    }


def serve_command(out: Path, host: str = "127.0.0.1", port: int = 8001, metadata_path: Path | None = None) -> list[str]:
    db = Path(out) / f"{DATABASE}.sqlite"
    if not db.is_file():
        raise FileNotFoundError(f"no {DATABASE}.sqlite in {out}: run `extract run … --out {out}` first")
    if metadata_path is None:
        metadata_path = Path(tempfile.mkdtemp(prefix="extract-serve-")) / "metadata.json"
    metadata_path.write_text(json.dumps(metadata(), ensure_ascii=False, indent=2), encoding="utf-8")
    # -i: immutable, so Datasette counts rows once and never writes to the file
    return [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--metadata", str(metadata_path),
            "--host", host, "--port", str(port), "--setting", "default_page_size", "50",
            "--setting", "sql_time_limit_ms", "5000"]


def serve(out: Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Datasette in a child process that dies with this one (Ctrl-C, ``kill``, even ``kill -9``); the
    metadata file it reads is removed when it stops."""
    from .workers import die_with_parent

    with tempfile.TemporaryDirectory(prefix="extract-serve-") as tmp:
        cmd = serve_command(out, host, port, Path(tmp) / "metadata.json")
        print(f"Serving {Path(out) / (DATABASE + '.sqlite')} at http://{host}:{port}/{DATABASE} (Ctrl-C stops)",
              file=sys.stderr)
        proc = subprocess.Popen(cmd, preexec_fn=die_with_parent)

        def forward(signum, _frame):  # a signal to `extract serve` stops Datasette too
            if proc.poll() is None:
                proc.send_signal(signum)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
        try:
            code = proc.wait()
            return 0 if code in (-signal.SIGINT, -signal.SIGTERM, -signal.SIGHUP) else code
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

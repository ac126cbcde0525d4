"""``reports.sqlite``: the tables in SQLite for Datasette (``extract serve``) and any SQLite tool.

Streamed from the staged Parquet files batch by batch. Numbers keep their value: a column of
exact decimals has NUMERIC affinity (an integral value is stored as an integer, a fraction as
the decimal text SQLite turns into a real number when that is exact to 15 digits). Beside the
tables of the CSVs, two link tables let a browser go from a check to its cells and from a cell
to its report (single-column foreign keys, which Datasette shows as links):

- ``facts.fact_id`` = ``report_id/table.row.column``; ``checks.check_id`` = ``report_id/check``;
- ``check_cells(check_id → checks, fact_id → facts)``, one row per cell an identity names.

The views of ``reports.duckdb`` (problems, agency_years, request_outcomes) are here too.
"""
from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from ..schema import RESOURCES, Resource
from .duckdb import request_outcomes_sql
from .side import SideProcess, serve_side

SQL_TYPE = {"string": "TEXT", "integer": "INTEGER", "decimal": "NUMERIC", "number": "REAL", "boolean": "INTEGER"}

# the columns whose foreign key points at reports (every such row belongs to a report read)
REPORT_CHILDREN = ("facts", "checks", "sections", "panel")

VIEWS = {
    "problems": """
        SELECT r.agency, r.agency_id, r.year, r.template, c."check" AS check_id, c.status, c.lhs, c.rhs, c.delta,
               c.cells, c.note, r.source_path, c.report_id
        FROM checks c JOIN reports r USING (report_id)
        WHERE c.status IN ('fail', 'warn')
        ORDER BY r.agency_id, r.year, c."check" """,
    "agency_years": """
        SELECT agency_id, min(agency) AS agency, province, city, county,
               count(*) AS reports, min(year) AS first_year, max(year) AS last_year,
               group_concat(year, ',') AS years
        FROM (SELECT * FROM reports ORDER BY year) GROUP BY agency_id, province, city, county ORDER BY agency_id""",
}

INDEXES = {
    "reports": [("agency_id", "year")],
    "facts": [("report_id",), ("table", "row", "column")],
    "checks": [("report_id",), ("status",)],
    "sections": [("report_id",)],
    "panel": [("agency_id", "year")],
    "check_cells": [("check_id",), ("fact_id",)],
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cell(value):
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 2 ** 63:
            return int(value)
        return format(value, "f").rstrip("0").rstrip(".")
    return value


def _create(con: sqlite3.Connection, r: Resource) -> None:
    cols = []
    if r.name == "facts":
        cols.append('"fact_id" TEXT PRIMARY KEY')
    if r.name == "checks":
        cols.append('"check_id" TEXT PRIMARY KEY')
    for f in r.fields:
        col = f"{_q(f.name)} {SQL_TYPE[f.type]}"
        if f.name == "report_id" and r.name == "reports":
            col += " PRIMARY KEY"
        elif f.name == "report_id" and r.name in REPORT_CHILDREN:
            col += " REFERENCES reports(report_id)"
        cols.append(col)
    con.execute(f"CREATE TABLE {_q(r.name)} ({', '.join(cols)})")


def _rows(r: Resource, batch):
    """The batch's rows as tuples, column by column: only decimal columns need their values converted."""
    data = []
    for f in r.fields:
        values = batch.column(f.name).to_pylist()
        data.append([None if v is None else _cell(v) for v in values] if f.type == "decimal" else values)
    if r.name == "facts":
        rid, t, row, c = (batch.column(n).to_pylist() for n in ("report_id", "table", "row", "column"))
        data.insert(0, [f"{a}/{b}.{d}.{e}" for a, b, d, e in zip(rid, t, row, c)])
    elif r.name == "checks":
        rid, chk = batch.column("report_id").to_pylist(), batch.column("check").to_pylist()
        data.insert(0, [f"{a}/{b}" for a, b in zip(rid, chk)])
    return zip(*data)


def _check_cells(batch) -> list[tuple[str, str]]:
    out = []
    for rid, table, chk, cells in zip(*(batch.column(n).to_pylist() for n in ("report_id", "table", "check", "cells"))):
        if not table or not cells:
            continue  # a cross-year check names cells of two reports in words
        for cell in cells.split(";"):
            row, _, col = cell.partition("/")
            if row and col:
                out.append((f"{rid}/{chk}", f"{rid}/{table}.{row}.{col}"))
    return out


class _Db:
    """reports.sqlite being filled: tables created, then batches of rows table by table, then finished."""

    def __init__(self, path: Path):
        path.unlink(missing_ok=True)
        self.con = sqlite3.connect(str(path))
        self.con.execute("PRAGMA journal_mode = OFF")
        self.con.execute("PRAGMA synchronous = OFF")
        for r in RESOURCES:
            _create(self.con, r)
        self.con.execute('CREATE TABLE "check_cells" ("check_id" TEXT REFERENCES checks(check_id), '
                         '"fact_id" TEXT REFERENCES facts(fact_id))')
        self.inserts = {}
        for r in RESOURCES:
            width = len(r.fields) + (1 if r.name in ("facts", "checks") else 0)
            self.inserts[r.name] = f"INSERT OR IGNORE INTO {_q(r.name)} VALUES ({', '.join('?' * width)})"

    def add(self, r: Resource, batch) -> None:
        self.con.executemany(self.inserts[r.name], _rows(r, batch))
        if r.name == "checks":
            self.con.executemany('INSERT INTO "check_cells" VALUES (?, ?)', _check_cells(batch))

    def finish(self) -> None:
        con = self.con
        # a cell an identity names exists in facts (every template cell is written), but keep only links that resolve
        con.execute('DELETE FROM "check_cells" WHERE fact_id NOT IN (SELECT fact_id FROM facts)')
        for table, indexes in INDEXES.items():
            for i, cols in enumerate(indexes):
                con.execute(f'CREATE INDEX "idx_{table}_{i}" ON {_q(table)} ({", ".join(map(_q, cols))})')
        for name, sql in VIEWS.items():
            con.execute(f"CREATE VIEW {_q(name)} AS {sql}")
        con.execute(f'CREATE VIEW "request_outcomes" AS {request_outcomes_sql()}')
        con.commit()

    def close(self) -> None:
        self.con.close()


def write_sqlite(folder: Path, path: Path) -> None:
    """reports.sqlite from the staged Parquet files, table by table."""
    import pyarrow.parquet as pq

    db = _Db(path)
    try:
        for r in RESOURCES:
            for batch in pq.ParquetFile(folder / f"{r.name}.parquet").iter_batches(batch_size=5000):
                db.add(r, batch)
        db.finish()
    finally:
        db.close()


# ------------------------------------------------------------------ written beside the run, as rows stream


def _serve(conn, path: str) -> None:
    """The SQLite process: Arrow stream messages ``(table, ipc bytes)`` in the order the run writes
    them, then ``None``; answers as ``side.serve_side`` does."""
    from ..packing import read_arrow
    from ..schema import BY_NAME

    def work():
        db = _Db(Path(path))
        try:
            while True:
                message = conn.recv_bytes()
                if message == b"":
                    break
                name, _, data = message.partition(b"\n")
                r = BY_NAME[name.decode()]
                for batch in read_arrow(data).to_batches(max_chunksize=5000):
                    db.add(r, batch)
            db.finish()
        finally:
            db.close()

    serve_side(conn, work)


class SqliteStream(SideProcess):
    """reports.sqlite written by a process of its own while the run streams its rows: every table's
    rows go to it as Arrow streams, table by table in the order they are written (each table's rows in
    output order), so its inserts run beside the parent's work instead of after it. The file holds what
    ``write_sqlite`` writes from the Parquet files, row for row; its pages are laid out in the order
    the rows came (the same for the same inputs)."""

    def __init__(self, path: Path):
        super().__init__("reports.sqlite", _serve, str(path))

    def send(self, name: str, ipc: bytes) -> None:
        try:
            self.conn.send_bytes(name.encode() + b"\n" + ipc)
        except OSError:  # it stopped: say why
            self.wait()
            raise

    def end(self) -> None:
        """Every row sent: it builds the indexes and views and commits while the run writes the rest."""
        try:
            self.conn.send_bytes(b"")
        except OSError:
            self.wait()
            raise

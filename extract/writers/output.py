"""Stream results into staged tables (CSV, Parquet, and SQLite beside), then DuckDB, Stata and datapackage.json, and commit.

A packed result (``packing``) goes in as it came from its worker: the facts, checks and panel rows
it carries rendered are copied as bytes into the CSV and as Arrow batches into the Parquet file; the
few records the parent makes (the report row, sections with their text reuse, errors, cross-year
checks) are typed and written one by one. Every CSV is hashed as it is written.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..frames import rows_of
from ..results import FileResult
from ..schema import RESOURCES
from .csv import CsvSink
from .datapackage import write_datapackage
from .duckdb import write_duckdb
from .side import SideWriter
from .sqlite import SqliteStream
from .stata import write_stata
from .journal import JOURNAL, commit
from .names import PARTITION_FOLDERS
from .parquet import ParquetSink
from .partition import is_partition_folder, write_partitions


ROWS_AT_ONCE = 512  # rows the parent makes (reports, sections, errors, cross-year checks) written together


class OutputWriter:
    """Streams results into staged tables; ``commit`` puts them in place."""

    def __init__(self, out: Path, partition: str | None = None):
        """``partition``: also write the long tables partitioned by this key (``writers.partition``)."""
        self.out = Path(out)
        self.partition = partition
        self.out.mkdir(parents=True, exist_ok=True)
        self.staging = self.out / f".staging-{os.getpid()}"
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir()
        self.committed = False
        # reports.sqlite fills beside the run, reports.duckdb is written beside the end: each in a process of
        # its own, started before the Parquet writers' threads
        self.sqlite = SqliteStream(self.staging / "reports.sqlite")
        self.duckdb = SideWriter("reports.duckdb", write_duckdb, self.staging, self.staging / "reports.duckdb")
        self.rows: dict[str, list[dict]] = {r.name: [] for r in RESOURCES}  # the parent's rows not yet written
        self.sinks: dict[str, tuple[CsvSink, ParquetSink]] = {}
        for r in RESOURCES:
            self.sinks[r.name] = (CsvSink(r, self.staging / f"{r.name}.csv"),
                                  ParquetSink(r, self.staging / f"{r.name}.parquet",
                                              tap=lambda ipc, name=r.name: self.sqlite.send(name, ipc)))

    def add(self, result: FileResult) -> None:
        for name, row in rows_of(result):
            self.add_row(name, row)

    def add_row(self, name: str, row: dict) -> None:
        """A row the parent made: held with the table's next few, then written column by column."""
        rows = self.rows[name]
        rows.append(row)
        if len(rows) >= ROWS_AT_ONCE:
            self._drain(name)

    def _drain(self, name: str) -> None:
        rows = self.rows[name]
        if rows:
            from ..packing import render_rows

            csv_bytes, table = render_rows(name, rows)
            self.rows[name] = []
            csv_sink, pq_sink = self.sinks[name]
            csv_sink.add_bytes(csv_bytes)
            pq_sink.add_table(table, rows=True)

    def add_rendered(self, name: str, csv_bytes: bytes, arrow_bytes: bytes) -> None:
        from ..packing import read_arrow

        self._drain(name)  # rows the parent made before these come first
        csv_sink, pq_sink = self.sinks[name]
        csv_sink.add_bytes(csv_bytes)
        pq_sink.add_table(read_arrow(arrow_bytes), arrow_bytes)

    def add_packed(self, p, extra_checks: list[dict] = (), panel: bool = True) -> None:
        """A packed result; ``extra_checks``: rows the parent made (cross-year checks); ``panel``: whether
        the report's panel row goes in (one row per agency-year)."""
        if p.report is not None:
            self.add_row("reports", p.report)
            for name in ("facts", "checks"):
                if f"{name}.csv" in p.parts:
                    self.add_rendered(name, p.parts[f"{name}.csv"], p.parts[f"{name}.arrow"])
            for row in extra_checks:
                self.add_row("checks", row)
        for s in p.sections:
            self.add_row("sections", s)
        for e in p.errors:
            self.add_row("errors", e)
        if p.report is not None and panel and "panel.csv" in p.parts:
            self.add_rendered("panel", p.parts["panel.csv"], p.parts["panel.arrow"])

    def commit(self) -> list[Path]:
        files, hashes = [], {}
        for name, (csv_sink, pq_sink) in self.sinks.items():
            self._drain(name)
            csv_sink.close()
            pq_sink.close()
            hashes[name] = (csv_sink.size, csv_sink.hash)
            files += [f"{name}.csv", f"{name}.parquet"]
        self.sqlite.end()  # its indexes and views, while DuckDB (beside) and Stata (here) are written
        self.duckdb.start()
        write_stata(self.staging, self.staging / "panel.dta")
        self.duckdb.wait()
        self.sqlite.wait()
        files += ["reports.duckdb", "reports.sqlite", "panel.dta"]
        write_datapackage(self.staging, self.staging / "datapackage.json", hashes)
        files.append("datapackage.json")
        remove: tuple[str, ...] = ()
        if self.partition:
            files += write_partitions(self.staging, self.partition)
        else:  # a previous run's partitions are not part of this set
            remove = tuple(n for n in PARTITION_FOLDERS if is_partition_folder(self.out / n))
        try:
            commit(self.out, self.staging, files, remove)
        except KeyboardInterrupt:
            # a signal held during the commit acts once it is done: the set may already be in place
            self.committed = not (self.out / JOURNAL).exists() and not any((self.staging / f).exists() for f in files)
            raise
        self.committed = True
        return [self.out / f for f in files]

    def abort(self) -> None:
        self.sqlite.abort()
        self.duckdb.abort()
        for sinks in self.sinks.values():
            for sink in sinks:
                try:
                    sink.close()
                except Exception:  # pragma: no cover - closing after a failure
                    pass
        if (self.out / JOURNAL).exists():
            return  # a commit began: its journal needs these files to make the set whole (recover)
        shutil.rmtree(self.staging, ignore_errors=True)

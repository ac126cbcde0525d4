"""Stream results into staged tables (CSV, Parquet), then DuckDB and datapackage.json, and commit."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..frames import rows_of, typed_row
from ..results import FileResult
from ..schema import BY_NAME, RESOURCES
from .csv import CsvSink
from .datapackage import write_datapackage
from .duckdb import write_duckdb
from .journal import JOURNAL, commit
from .parquet import ParquetSink


class OutputWriter:
    """Streams results into staged tables; ``commit`` puts them in place."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.staging = self.out / f".staging-{os.getpid()}"
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir()
        self.sinks = {}
        for r in RESOURCES:
            self.sinks[r.name] = (CsvSink(r, self.staging / f"{r.name}.csv"),
                                  ParquetSink(r, self.staging / f"{r.name}.parquet"))

    def add(self, result: FileResult) -> None:
        for name, row in rows_of(result):
            self.add_row(name, row)

    def add_row(self, name: str, row: dict) -> None:
        typed = typed_row(BY_NAME[name], row)
        for sink in self.sinks[name]:
            sink.add(typed)

    def commit(self) -> list[Path]:
        files = []
        for name, sinks in self.sinks.items():
            for sink in sinks:
                sink.close()
            files += [f"{name}.csv", f"{name}.parquet"]
        write_duckdb(self.staging, self.staging / "reports.duckdb")
        files.append("reports.duckdb")
        write_datapackage(self.staging, self.staging / "datapackage.json")
        files.append("datapackage.json")
        commit(self.out, self.staging, files)
        return [self.out / f for f in files]

    def abort(self) -> None:
        for sinks in self.sinks.values():
            for sink in sinks:
                try:
                    sink.close()
                except Exception:  # pragma: no cover - closing after a failure
                    pass
        if (self.out / JOURNAL).exists():
            return  # a commit began: its journal needs these files to make the set whole (recover)
        shutil.rmtree(self.staging, ignore_errors=True)

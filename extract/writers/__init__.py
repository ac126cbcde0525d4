"""Writers: each table streamed to CSV (UTF-8 with BOM) and Parquet, then reports.duckdb and
datapackage.json.

Outputs are replaced as a set: everything is written into a staging folder inside the output
folder, a commit journal is written, the files are moved into place, the journal is removed.
A run killed before the journal leaves the previous outputs untouched; a run killed while
moving leaves a journal that the next run (or ``recover``) completes first.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..frames import rows_of, typed_row
from ..results import FileResult
from ..schema import BY_NAME, RESOURCES
from .csv import CsvSink
from .datapackage import write_datapackage
from .duckdb import write_duckdb
from .parquet import ParquetSink

JOURNAL = ".commit.json"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:  # pragma: no cover - not every filesystem allows it
        pass


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def recover(out: Path) -> bool:
    """Finish a commit that a killed run left half done; drop stale staging folders."""
    out = Path(out)
    journal = out / JOURNAL
    finished = False
    if journal.exists():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            staging = out / plan["staging"]
            for name in plan["files"]:
                if (staging / name).exists():
                    os.replace(staging / name, out / name)
            finished = True
        except (ValueError, KeyError, OSError):
            pass
        _fsync_dir(out)
        journal.unlink(missing_ok=True)
    if out.is_dir():
        for stale in out.glob(".staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
    return finished


class OutputWriter:
    """Streams results into staged tables; ``commit`` puts them in place."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        recover(self.out)
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
        for name in files:
            _fsync(self.staging / name)
        _fsync_dir(self.staging)
        journal = self.out / JOURNAL
        tmp = self.out / (JOURNAL + ".tmp")
        tmp.write_text(json.dumps({"staging": self.staging.name, "files": files}), encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, journal)
        _fsync_dir(self.out)
        recover(self.out)
        return [self.out / f for f in files]

    def abort(self) -> None:
        for sinks in self.sinks.values():
            for sink in sinks:
                try:
                    sink.close()
                except Exception:  # pragma: no cover - closing after a failure
                    pass
        shutil.rmtree(self.staging, ignore_errors=True)

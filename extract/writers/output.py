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
from .parquet import COMPACT_CHUNKS, ParquetSink
from .partition import is_partition_folder, write_partitions


FLUSH_ROWS = 1024  # rows a table holds (the parent's and the workers') before they are written together
FLUSH_PARTS = 64  # workers' renderings a table holds before they are read as one Arrow stream


class _Waiting:
    """A table's rows not yet written, in output order: pieces of the workers' renderings
    ``("w", csv bytes, Arrow stream, rows)`` and of rows the parent made ``("p", [row, ...])``."""

    __slots__ = ("pieces", "rows", "rendered")

    def __init__(self):
        self.pieces: list[tuple] = []
        self.rows = 0
        self.rendered = 0


def _render_made(name: str, made: list[list[dict]]):
    """Pieces of rows the parent made, rendered together: each piece's CSV bytes, one Arrow table."""
    from ..packing import render_pieces
    from ..schema import BY_NAME

    columns = [[r.get(f.name) for rows in made for r in rows] for f in BY_NAME[name].fields]
    return render_pieces(name, columns, [len(rows) for rows in made])


def _read_rendered(name: str, streams: list[bytes], rows: int):
    """Workers' Arrow streams of a table read as one: their record batches joined between one schema
    message and one end mark (``packing.stream_ends``). Returns the table and that joined stream."""
    from ..packing import read_arrow, stream_ends

    begin, end = stream_ends(name)
    if all(s.startswith(begin) and s.endswith(end) for s in streams):
        ipc = begin + b"".join(s[len(begin):-len(end)] for s in streams) + end
        table = read_arrow(ipc)
    else:  # pragma: no cover - a stream another Arrow version wrote (a cluster worker's): read one by one
        import pyarrow as pa

        ipc, table = None, pa.concat_tables([read_arrow(s) for s in streams])
    if table.num_rows != rows:
        raise ValueError(f"{name}: the workers' renderings hold other rows than they say")
    if len(streams) * table.num_columns >= COMPACT_CHUNKS:
        # a batch per rendering: hundreds of one-row batches of the panel's 235 columns take ~50 KB each
        # in arrays; joined, a few bytes a cell
        table = table.combine_chunks()
    return table, ipc


class OutputWriter:
    """Streams results into staged tables; ``commit`` puts them in place.

    A table's rows wait in order (``_Waiting``) until ``FLUSH_ROWS`` rows or ``FLUSH_PARTS`` workers'
    renderings are there; then the parent's rows are rendered in one go, the workers' Arrow streams
    joined and read as one, and both written in their order: the same bytes as one piece at a time."""

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
        self.waiting: dict[str, _Waiting] = {r.name: _Waiting() for r in RESOURCES}
        self.sinks: dict[str, tuple[CsvSink, ParquetSink]] = {}
        for r in RESOURCES:
            self.sinks[r.name] = (CsvSink(r, self.staging / f"{r.name}.csv"),
                                  ParquetSink(r, self.staging / f"{r.name}.parquet",
                                              tap=lambda ipc, name=r.name: self.sqlite.send(name, ipc)))

    def add(self, result: FileResult) -> None:
        for name, row in rows_of(result):
            self.add_row(name, row)

    def add_row(self, name: str, row: dict) -> None:
        """A row the parent made."""
        w = self.waiting[name]
        if w.pieces and w.pieces[-1][0] == "p":
            w.pieces[-1][1].append(row)
        else:
            w.pieces.append(("p", [row]))
        w.rows += 1
        if w.rows >= FLUSH_ROWS:
            self._flush(name)

    def add_rendered(self, name: str, csv_bytes: bytes, arrow_bytes: bytes, rows: int) -> None:
        """Rows a worker rendered: their CSV bytes, their Arrow stream and how many they are."""
        w = self.waiting[name]
        w.pieces.append(("w", csv_bytes, arrow_bytes, rows))
        w.rows += rows
        w.rendered += 1
        if w.rows >= FLUSH_ROWS or w.rendered >= FLUSH_PARTS:
            self._flush(name)

    def _flush(self, name: str) -> None:
        w = self.waiting[name]
        if not w.pieces:
            return
        self.waiting[name] = _Waiting()
        made = [piece[1] for piece in w.pieces if piece[0] == "p"]
        streams = [piece[2] for piece in w.pieces if piece[0] == "w"]
        made_csv, made_table = _render_made(name, made) if made else ([], None)
        rendered, ipc = _read_rendered(name, streams, w.rows - sum(map(len, made))) if streams else (None, None)
        csv_parts, slices, pieces = [], [], []
        at = {"p": 0, "w": 0}
        chunks = iter(made_csv)
        for piece in w.pieces:
            kind = piece[0]
            n = len(piece[1]) if kind == "p" else piece[3]
            csv_parts.append(next(chunks) if kind == "p" else piece[1])
            slices.append((made_table if kind == "p" else rendered).slice(at[kind], n))
            pieces.append((n, kind == "w"))
            at[kind] += n
        if made and streams:  # pieces of both kinds, in their order
            import pyarrow as pa

            table, ipc = pa.concat_tables(slices), None
        else:
            table = made_table if made else rendered
        csv_sink, pq_sink = self.sinks[name]
        csv_sink.add_bytes(b"".join(csv_parts))
        pq_sink.add_pieces(table, pieces, ipc)

    def add_packed(self, p, extra_checks: list[dict] = (), panel: bool = True) -> None:
        """A packed result; ``extra_checks``: rows the parent made (cross-year checks); ``panel``: whether
        the report's panel row goes in (one row per agency-year)."""
        if p.report is not None:
            self.add_row("reports", p.report)
            for name in ("facts", "checks"):
                if f"{name}.csv" in p.parts:
                    self.add_rendered(name, p.parts[f"{name}.csv"], p.parts[f"{name}.arrow"], p.rows[name])
            for row in extra_checks:
                self.add_row("checks", row)
        for s in p.sections:
            self.add_row("sections", s)
        for e in p.errors:
            self.add_row("errors", e)
        if p.report is not None and panel and "panel.csv" in p.parts:
            self.add_rendered("panel", p.parts["panel.csv"], p.parts["panel.arrow"], p.rows["panel"])

    def commit(self) -> list[Path]:
        files, hashes = [], {}
        for name, (csv_sink, pq_sink) in self.sinks.items():
            self._flush(name)
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

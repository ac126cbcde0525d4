"""Stream results into staged tables (CSV, Parquet, and SQLite beside), then DuckDB, Stata and datapackage.json, and commit.

Rows come rendered (``assemble``: a chunk of reports' rows per table, as CSV bytes and an Arrow
stream): the bytes are copied into the CSV, the Arrow batches into the Parquet file. Every CSV is
hashed as it is written.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

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


FLUSH_ROWS = 1024  # rows a table holds before they are written together
FLUSH_PARTS = 64  # renderings a table holds before they are read as one Arrow stream


class _Waiting:
    """A table's rows not yet written, in output order: chunks ``(csv bytes, Arrow stream, pieces)``
    (``OutputWriter.add_assembled``)."""

    __slots__ = ("pieces", "rows")

    def __init__(self):
        self.pieces: list[tuple] = []
        self.rows = 0


def _read_rendered(name: str, streams: list[bytes], rows: int):
    """Workers' Arrow streams of a table read as one: their record batches joined between one schema
    message and one end mark (``packing.stream_ends``). Returns the table and that joined stream."""
    from ..packing import read_arrow, stream_ends

    begin, end = stream_ends(name)
    if all(s.startswith(begin) and s.endswith(end) for s in streams):
        ipc = b"".join([begin, *(memoryview(s)[len(begin):-len(end)] for s in streams), end])
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

    A table's rows wait in order (``_Waiting``) until ``FLUSH_ROWS`` rows or ``FLUSH_PARTS`` renderings
    are there; then their Arrow streams are joined and read as one and written with their CSV bytes,
    row groups ending where the pieces say: the same bytes as one piece at a time."""

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

    def add_assembled(self, assembled) -> None:
        """A chunk of reports' rows made ready by ``assemble``: each table's CSV bytes, Arrow stream and
        pieces ``(rows, whole)`` in order (``ParquetSink.add_pieces``)."""
        for name, (csv_bytes, arrow_bytes, pieces) in assembled.tables.items():
            w = self.waiting[name]
            w.pieces.append((csv_bytes, arrow_bytes, pieces))
            w.rows += sum(n for n, _ in pieces)
            if w.rows >= FLUSH_ROWS or len(w.pieces) >= FLUSH_PARTS:
                self._flush(name)

    def _flush(self, name: str) -> None:
        w = self.waiting[name]
        if not w.pieces:
            return
        self.waiting[name] = _Waiting()
        table, ipc = _read_rendered(name, [piece[1] for piece in w.pieces], w.rows)
        csv_sink, pq_sink = self.sinks[name]
        for piece in w.pieces:
            csv_sink.add_bytes(piece[0])
        pq_sink.add_pieces(table, [x for piece in w.pieces for x in piece[2]], ipc)

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

"""Parquet with an explicit Arrow schema taken from ``schema``, written in batches.

Rows come as Arrow tables, in pieces: tables a worker rendered (each whole in one row group) and rows
the parent made (a row group may end inside them); they are kept in arrival order and written
together every ``BATCH`` rows (``ROWS`` for some tables)."""
from __future__ import annotations

from array import array
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate

import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import Resource
from ..settings import SETTINGS

ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
         "decimal": pa.decimal128(SETTINGS.value_precision, SETTINGS.value_scale)}
BATCH = 20_000


def arrow_schema(resource: Resource) -> pa.Schema:
    return pa.schema([pa.field(f.name, ARROW[f.type], nullable=True,
                               metadata={"description": f.en, "description_zh": f.zh}) for f in resource.fields],
                     metadata={"description": resource.en})


@lru_cache(maxsize=None)
def plain_schema(resource: Resource) -> pa.Schema:
    """The same fields without the descriptions (what a worker's batches carry)."""
    return pa.schema([pa.field(f.name, ARROW[f.type], nullable=True) for f in resource.fields])


def _validity(values: list) -> tuple[pa.Buffer | None, int]:
    nulls = values.count(None)
    if not nulls:
        return None, 0
    bits = 0
    for i, v in enumerate(values):
        if v is not None:
            bits |= 1 << i
    return pa.py_buffer(bits.to_bytes((len(values) + 7) // 8 or 1, "little")), nulls


def _unscaled(v: Decimal, scale: int) -> int:
    sign, digits, exponent = v.as_tuple()
    shift = exponent + scale
    if not isinstance(exponent, int) or shift < 0:
        raise ValueError(f"{v} has more than {scale} decimal places")
    n = int("".join(map(str, digits)) or "0") * 10 ** shift
    return -n if sign else n


def column_array(kind: pa.DataType, values: list) -> pa.Array:
    """A list of Python values (as ``frames.typed_row`` leaves them: str, int, float, bool, Decimal or
    None) as an Arrow array of ``kind``, built from its buffers: the same array ``pa.array`` makes,
    without pyarrow looking for pandas (which imports it, ~0.2 s of a run that never needs it)."""
    n = len(values)
    validity, nulls = _validity(values)
    if pa.types.is_string(kind):
        data = [b"" if v is None else v.encode("utf-8") for v in values]
        offsets = array("i", accumulate(map(len, data), initial=0))
        if offsets[-1] >= 2**31 - 1:  # pragma: no cover - a batch is far smaller
            return pa.array(values, type=kind)
        return pa.Array.from_buffers(kind, n, [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))], nulls)
    if pa.types.is_int64(kind):
        return pa.Array.from_buffers(kind, n, [validity, pa.py_buffer(array("q", [0 if v is None else v
                                                                                   for v in values]))], nulls)
    if pa.types.is_float64(kind):
        return pa.Array.from_buffers(kind, n, [validity, pa.py_buffer(array("d", [0.0 if v is None else v
                                                                                   for v in values]))], nulls)
    if pa.types.is_boolean(kind):
        bits = 0
        for i, v in enumerate(values):
            if v:
                bits |= 1 << i
        return pa.Array.from_buffers(kind, n, [validity, pa.py_buffer(bits.to_bytes((n + 7) // 8 or 1, "little"))],
                                     nulls)
    if pa.types.is_decimal(kind) and kind.bit_width == 128:
        limit = 10 ** kind.precision
        raw = bytearray()
        for v in values:
            u = 0 if v is None else _unscaled(v if isinstance(v, Decimal) else Decimal(v), kind.scale)
            if not -limit < u < limit:
                raise pa.ArrowInvalid(f"{v} does not fit in {kind}")
            raw += u.to_bytes(16, "little", signed=True)
        return pa.Array.from_buffers(kind, n, [validity, pa.py_buffer(bytes(raw))], nulls)
    return pa.array(values, type=kind)  # pragma: no cover - no other type in the schema


def ipc_bytes(table: pa.Table) -> bytes:
    """A table as an Arrow IPC stream (what workers send and ``packing.read_arrow`` reads)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def rows_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Rows (dicts) as a table of ``schema``, column by column (``column_array``)."""
    return pa.Table.from_arrays([column_array(f.type, [r.get(f.name) for r in rows]) for f in schema],
                                schema=schema)


# rows per row group where not BATCH: the panel is wide (235 columns), one row per report; sections hold
# the reports' prose (~15 KB a report, ~100 KB for a portal page): a row group is built whole in memory
ROWS = {"panel": 2_048, "sections": 4_096, "reports": 4_096}
COMPACT_CHUNKS = 4096  # pending tables × columns past which the pending tables are joined into one


class ParquetSink:
    """A table's rows written in row groups of ``BATCH`` rows (``ROWS`` for some). What waits for its row
    group is held compactly: the small tables joined once they hold ``COMPACT_CHUNKS`` column chunks (a one-row panel table of 235 columns read from
    its Arrow stream takes ~190 KB: a few hundred MB for a few thousand reports, were they kept apart);
    the bytes written are the same."""

    def __init__(self, resource: Resource, path, tap=None):
        """``tap(ipc_bytes)``: given every batch of rows, in order, as an Arrow stream (reports.sqlite)."""
        self.resource = resource
        self.tap = tap
        self.schema = arrow_schema(resource)
        self.plain = plain_schema(resource)
        self.batch = ROWS.get(resource.name, BATCH)
        self.writer = pq.ParquetWriter(str(path), self.schema)
        self.tables: list[pa.Table] = []
        self.count = 0

    def add_table(self, table: pa.Table, ipc: bytes | None = None, rows: bool = False) -> None:
        """``ipc``: the table's Arrow stream, when it came as one (what a worker rendered). ``rows``: the
        table stands for rows added one by one (the parent's): a row group may end inside it, where it
        ends after that many rows; a worker's table goes whole into one row group."""
        self.add_pieces(table, [(table.num_rows, not rows)], ipc)

    def add_pieces(self, table: pa.Table, pieces: list[tuple[int, bool]], ipc: bytes | None = None) -> None:
        """``table``'s rows as consecutive pieces ``(rows, whole)``, each what ``add_table`` takes: a
        worker's table (``whole``) or rows the parent made. ``ipc``: ``table`` as an Arrow stream, when
        it came as one."""
        if self.tap is not None and table.num_rows:
            self.tap(ipc if ipc is not None else ipc_bytes(table))
        start = at = 0  # the rows of ``table`` before ``start`` are placed; ``at``: the end of those counted
        for n, whole in pieces:
            while not whole and n and self.count + n >= self.batch:  # a row group ends inside the parent's rows
                take = self.batch - self.count
                at, n = at + take, n - take
                self._append(table.slice(start, at - start))
                start = at
                self.count = self.batch
                self.flush()
            at += n
            self.count += n
            if self.count >= self.batch:  # a row group ends after a worker's table (or exactly at the rows' end)
                self._append(table.slice(start, at - start))
                start = at
                self.flush()
        if at > start:
            self._append(table.slice(start, at - start))

    def _append(self, table: pa.Table) -> None:
        self.tables.append(table)
        if len(self.tables) * len(self.plain) >= COMPACT_CHUNKS:  # many tables of many columns (the panel's)
            self.tables = [pa.concat_tables(self.tables).combine_chunks()]

    def flush(self) -> None:
        if not self.tables:
            return
        # the same columns under the schema with descriptions (``Table.cast`` would import pyarrow.compute),
        # in one chunk: the writer cuts data pages where chunks end too, and the file is the same however
        # the rows arrived (a report at a time, or many)
        table = pa.Table.from_arrays(pa.concat_tables(self.tables).combine_chunks().columns, schema=self.schema)
        self.writer.write_table(table)
        self.tables, self.count = [], 0

    def close(self) -> None:
        self.flush()
        self.writer.close()

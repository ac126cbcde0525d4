"""Parquet with an explicit Arrow schema taken from ``schema``, written in batches.

Rows come either one by one (records the parent makes) or as Arrow tables a worker rendered; both
are kept in arrival order and written together every ``BATCH`` rows."""
from __future__ import annotations

from functools import lru_cache

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


class ParquetSink:
    def __init__(self, resource: Resource, path):
        self.resource = resource
        self.schema = arrow_schema(resource)
        self.writer = pq.ParquetWriter(str(path), self.schema)
        self.pending: list[pa.Table | list[dict]] = []
        self.count = 0

    def add(self, row: dict) -> None:
        if self.pending and isinstance(self.pending[-1], list):
            self.pending[-1].append(row)
        else:
            self.pending.append([row])
        self._grew(1)

    def add_table(self, table: pa.Table) -> None:
        self.pending.append(table)
        self._grew(table.num_rows)

    def _grew(self, n: int) -> None:
        self.count += n
        if self.count >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        plain = plain_schema(self.resource)
        tables = [t if isinstance(t, pa.Table) else pa.Table.from_pylist(t, schema=plain) for t in self.pending]
        table = pa.concat_tables(tables).replace_schema_metadata(self.schema.metadata)
        self.writer.write_table(table.cast(self.schema))
        self.pending, self.count = [], 0

    def close(self) -> None:
        self.flush()
        self.writer.close()

"""Parquet with an explicit Arrow schema taken from ``schema``, written in batches."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import Resource

from ..settings import SETTINGS

ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
         "decimal": pa.decimal128(SETTINGS.value_precision, SETTINGS.value_scale)}
BATCH = 5000


def arrow_schema(resource: Resource) -> pa.Schema:
    return pa.schema([pa.field(f.name, ARROW[f.type], nullable=True,
                               metadata={"description": f.en, "description_zh": f.zh}) for f in resource.fields],
                     metadata={"description": resource.en})


class ParquetSink:
    def __init__(self, resource: Resource, path):
        self.schema = arrow_schema(resource)
        self.writer = pq.ParquetWriter(str(path), self.schema)
        self.rows: list[dict] = []

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()

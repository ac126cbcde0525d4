"""Parquet with an explicit Arrow schema taken from ``schema``."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import Resource

ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}


def arrow_schema(resource: Resource) -> pa.Schema:
    return pa.schema([pa.field(f.name, ARROW[f.type], nullable=True,
                               metadata={"description": f.en, "description_zh": f.zh}) for f in resource.fields],
                     metadata={"description": resource.en})


def write_parquet(df: pd.DataFrame, resource: Resource, path: Path) -> None:
    table = pa.Table.from_pandas(df, schema=arrow_schema(resource), preserve_index=False)
    pq.write_table(table, path)

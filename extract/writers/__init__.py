"""Writers: each table as CSV (UTF-8 with BOM) and Parquet, plus datapackage.json.

Every file is written under a temporary name in the output folder and moved into place with
``os.replace``, so a reader never sees a half-written file.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..schema import BY_NAME
from .csv import write_csv
from .datapackage import write_datapackage
from .parquet import write_parquet


def replace_atomically(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_all(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        resource = BY_NAME[name]
        for ext, writer in (("csv", write_csv), ("parquet", write_parquet)):
            path = out / f"{name}.{ext}"
            replace_atomically(path, lambda p, w=writer: w(df, resource, p))
            written.append(path)
    path = out / "datapackage.json"
    replace_atomically(path, lambda p: write_datapackage(out, p))
    written.append(path)
    return written

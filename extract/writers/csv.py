"""CSV in UTF-8 with a BOM (Excel opens Chinese text correctly); numbers without a trailing .0."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..schema import Resource


def _number(v) -> str:
    if v is None or pd.isna(v):
        return ""
    f = float(v)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return repr(f)


def write_csv(df: pd.DataFrame, resource: Resource, path: Path) -> None:
    out = df.copy()
    for f in resource.fields:
        if f.type == "number":
            out[f.name] = out[f.name].map(_number).astype("string")
        elif f.type == "boolean":
            out[f.name] = out[f.name].map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")

"""Read a run's outputs back as typed pandas DataFrames.

Keys are categoricals, counts are nullable integers, numbers nullable floats, and the panel's
money columns (本年收费金额, 采购总金额) are exact decimals.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .schema import BY_NAME, PANEL
from .writers import busy, recover

CATEGORIES = {
    "reports": ("format", "template", "status", "province", "city", "county"),
    "facts": ("table", "row", "column", "status", "unit"),
    "checks": ("table", "status"),
    "sections": ("section_key",),
    "errors": ("stage", "code"),
    "panel": ("template", "province", "city", "county"),
}
DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


@dataclass
class Outputs:
    """The tables of one output folder."""

    path: Path
    reports: pd.DataFrame
    facts: pd.DataFrame
    checks: pd.DataFrame
    sections: pd.DataFrame
    errors: pd.DataFrame
    panel: pd.DataFrame

    def __iter__(self):
        return iter((self.reports, self.facts, self.checks, self.sections, self.errors, self.panel))


def _money_columns() -> list[str]:
    from .templates import TEMPLATES

    cols = []
    for t in TEMPLATES.values():
        for table in t.tables.values():
            for block in table.blocks:
                for col in block.columns:
                    if col.decimal:
                        cols += [f"{table.key}.{row.key}.{col.key}" for row in block.rows]
    return sorted(set(cols) & set(PANEL.names))


def _typed(name: str, df: pd.DataFrame) -> pd.DataFrame:
    resource = BY_NAME[name]
    for f in resource.fields:
        if f.name in df.columns:
            df[f.name] = df[f.name].astype(DTYPES[f.type])
    for col in CATEGORIES.get(name, ()):
        if col in df.columns:
            df[col] = df[col].astype("category")
    if name == "panel":
        for col in _money_columns():
            # the shortest decimal that round-trips the stored float is the value as printed
            values = [None if pd.isna(v) else Decimal(repr(float(v))) for v in df[col]]
            scale = max([-v.as_tuple().exponent for v in values if v is not None] + [0])
            scale = min(max(scale, 2), 18)
            df[col] = pd.array(pa.array(values, type=pa.decimal128(38, scale)), dtype=pd.ArrowDtype(
                pa.decimal128(38, scale)))
    return df


def load(out: str | os.PathLike = "outputs") -> Outputs:
    """The tables written by ``run`` to ``out``, typed for analysis."""
    out = Path(out)
    if not (out / "reports.parquet").exists():
        raise FileNotFoundError(f"no outputs in {out}: run `python -m extract run INPUT --out {out}` first")
    if os.access(out, os.W_OK) and not busy(out):
        recover(out)  # a run killed while replacing the tables left them to finish
    frames = {name: _typed(name, pd.read_parquet(out / f"{name}.parquet"))
              for name in ("reports", "facts", "checks", "sections", "errors", "panel")}
    return Outputs(out, **frames)

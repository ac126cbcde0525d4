"""Read a run's outputs back as typed pandas DataFrames.

Keys are categoricals, counts nullable integers, and every exact value (``facts.value``, the
checks' sides, the panel's money columns) an exact decimal (``pd.ArrowDtype(decimal128(38, 9))``):
nothing passes through float. ``.astype(float)`` gives floats where exactness does not matter.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .schema import BY_NAME
from .settings import SETTINGS
from .writers import JOURNAL, LockError, OutputLock, recover

CATEGORIES = {
    "reports": ("format", "template", "status", "province", "city", "county"),
    "facts": ("table", "row", "column", "status", "unit"),
    "checks": ("table", "status"),
    "sections": ("section_key",),
    "errors": ("stage", "code"),
    "panel": ("template", "province", "city", "county"),
}
DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def dtype(kind: str):
    """The pandas dtype of a schema field type."""
    if kind == "decimal":
        return pd.ArrowDtype(pa.decimal128(SETTINGS.value_precision, SETTINGS.value_scale))
    return DTYPES[kind]


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


def _typed(name: str, df: pd.DataFrame) -> pd.DataFrame:
    resource = BY_NAME[name]
    for f in resource.fields:
        if f.name in df.columns:
            df[f.name] = df[f.name].astype(dtype(f.type))
    for col in CATEGORIES.get(name, ()):
        if col in df.columns:
            df[col] = df[col].astype("category")
    return df


def load(out: str | os.PathLike = "outputs") -> Outputs:
    """The tables written by ``run`` to ``out``, typed for analysis."""
    out = Path(out)
    if not (out / "reports.parquet").exists():
        raise FileNotFoundError(f"no outputs in {out}: run `python -m extract run INPUT --out {out}` first")
    if os.access(out, os.W_OK) and (out / JOURNAL).exists():
        # a run killed while replacing the tables left them to finish: done holding the folder's lock, so
        # no run starts meanwhile (a run holding it finishes its own commit)
        lock = OutputLock(out)
        try:
            if lock.acquire():
                try:
                    recover(out)
                finally:
                    lock.release()
        except (LockError, OSError):
            pass
    handles = _one_set(out)
    try:
        frames = {name: _typed(name, pd.read_parquet(fh, dtype_backend="pyarrow")) for name, fh in handles.items()}
    finally:
        for fh in handles.values():
            fh.close()
    return Outputs(out, **frames)


TABLES = ("reports", "facts", "checks", "sections", "errors", "panel")


def _one_set(out: Path, tries: int = 600) -> dict:
    """The six Parquet files opened, all of one set: a run may be replacing them as they are opened (its
    commit journal present, or a file no longer the one opened), then they are opened again. Read through
    these handles, a file replaced meanwhile is still the one opened (a path read twice could be two)."""
    import time

    for _ in range(tries):
        if not (out / JOURNAL).exists():
            handles = {name: open(out / f"{name}.parquet", "rb") for name in TABLES}
            same = not (out / JOURNAL).exists() and all(
                os.fstat(fh.fileno()).st_ino == os.stat(out / f"{name}.parquet").st_ino for name, fh in handles.items())
            if same:
                return handles
            for fh in handles.values():
                fh.close()
        time.sleep(0.05)
    raise RuntimeError(f"the outputs in {out} kept changing (a run replacing them): try again when it is done")

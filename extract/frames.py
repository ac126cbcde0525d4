"""Per-file results → the five tidy tables as typed pandas DataFrames (types from ``schema``)."""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Iterable

import pandas as pd

from .results import FileResult
from .schema import BY_NAME, RESOURCES, Resource

PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean"}


def _num(v):
    if v is None:
        return None
    return float(v) if isinstance(v, Decimal) else v


def rows(results: Iterable[FileResult]) -> dict[str, list[dict]]:
    """Plain rows per table, in input order (deterministic)."""
    out: dict[str, list[dict]] = {r.name: [] for r in RESOURCES}
    for res in results:
        rid = res.report.report_id if res.report else ""
        if res.report:
            out["reports"].append(asdict(res.report))
        for f in res.facts:
            out["facts"].append({"report_id": rid, "source_path": res.source_path, **asdict(f)})
        for c in res.checks:
            out["checks"].append({"report_id": rid, "source_path": res.source_path, **asdict(c), "check": c.check})
        for s in res.sections:
            out["sections"].append({"report_id": rid, "source_path": res.source_path, **asdict(s)})
        for e in res.errors:
            out["errors"].append(asdict(e))
    return out


def frame(resource: Resource, records: list[dict]) -> pd.DataFrame:
    data = {}
    for f in resource.fields:
        col = [r.get(f.name) for r in records]
        if f.type == "number":
            col = [_num(v) for v in col]
        data[f.name] = pd.Series(col, dtype=PANDAS_DTYPES[f.type] if f.type != "number" else "float64")
    return pd.DataFrame(data, columns=resource.names)


def frames(results: Iterable[FileResult]) -> dict[str, pd.DataFrame]:
    recs = rows(results)
    return {name: frame(BY_NAME[name], recs[name]) for name in recs}

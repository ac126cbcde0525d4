"""Per-file results → rows of the five tables (plain dicts, in a fixed order), and typed frames."""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Iterable, Iterator

from .results import FileResult
from .schema import BY_NAME, RESOURCES, Resource

PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean"}


def _plain(v):
    return float(v) if isinstance(v, Decimal) else v


def rows_of(res: FileResult) -> Iterator[tuple[str, dict]]:
    """``(table name, row)`` for everything one file produced, in output order."""
    rid = res.report.report_id if res.report else ""
    if res.report:
        yield "reports", asdict(res.report)
    for f in res.facts:
        yield "facts", {"report_id": rid, "source_path": res.source_path, **asdict(f)}
    for c in res.checks:
        yield "checks", {"report_id": rid, "source_path": res.source_path, **asdict(c)}
    for s in res.sections:
        yield "sections", {"report_id": rid, "source_path": res.source_path, **asdict(s)}
    for e in res.errors:
        yield "errors", asdict(e)


def typed_row(resource: Resource, row: dict) -> dict:
    return {f.name: _plain(row.get(f.name)) for f in resource.fields}


def frame(resource: Resource, records: list[dict]):
    import pandas as pd

    data = {f.name: pd.Series([_plain(r.get(f.name)) for r in records], dtype=PANDAS_DTYPES[f.type])
            for f in resource.fields}
    return pd.DataFrame(data, columns=resource.names)


def frames(results: Iterable[FileResult]) -> dict:
    recs: dict[str, list[dict]] = {r.name: [] for r in RESOURCES}
    for res in results:
        for name, row in rows_of(res):
            recs[name].append(row)
    return {name: frame(BY_NAME[name], recs[name]) for name in recs}

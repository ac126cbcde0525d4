"""Per-file results → rows of the output tables (plain dicts in a fixed order, values typed by the
schema), and typed frames.

Values keep their exact type on the way to the writers: integers as ``int`` (int64 in Parquet),
decimals as ``Decimal`` (decimal(38, 9) in Parquet, plain text in CSV), so CSV and Parquet agree
cell for cell. A value the store cannot hold (more than int64, more than 29 + 9 digits) becomes
empty in both rather than a crash; the grammar keeps such values out of the cells already.
"""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from typing import Iterable, Iterator

from .results import FileResult
from .schema import BY_NAME, RESOURCES, Resource
from .settings import SETTINGS
from .values import whole_digits

INT64 = 2**63 - 1
MAX_TEXT = 32_000  # Excel shows at most 32,767 characters in a cell; Python's csv refuses fields over 131,072
MAX_NOTE = 4_000  # a report's note: what was found or not, not a dump


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


def as_integer(v) -> int | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        d = v if isinstance(v, Decimal) else Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite() or d != d.to_integral_value() or abs(d) > INT64:
        return None
    return int(d)


def as_decimal(v) -> Decimal | None:
    """The value as a Decimal the store holds exactly (decimal(38, 9)), else None."""
    if v is None or isinstance(v, bool):
        return None
    try:
        d = v if isinstance(v, Decimal) else Decimal(repr(v) if isinstance(v, float) else str(v))
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    exponent = d.as_tuple().exponent
    places = -exponent if exponent < 0 else 0
    if places > SETTINGS.value_scale:
        normal = d.normalize()
        places = max(0, -normal.as_tuple().exponent)
        if places > SETTINGS.value_scale:
            return None
        d = normal
    if whole_digits(d) > SETTINGS.value_precision - SETTINGS.value_scale:
        return None
    return d


def _typed(kind: str, v):
    if v is None:
        return None
    if kind == "integer":
        return as_integer(v)
    if kind == "decimal":
        return as_decimal(v)
    if kind == "number":
        try:
            return float(v)
        except (TypeError, ValueError):
            return None
    if kind == "boolean":
        return bool(v)
    return capped(str(v), MAX_TEXT)


def typed_column(kind: str, values: list) -> list:
    """``_typed`` of every value of one column (what ``typed_row`` does cell by cell), with the common
    cases taken without a detour: an ``int`` is checked against int64 rather than parsed as a Decimal,
    a ``str`` short enough is itself."""
    if kind == "integer":
        return [v if type(v) is int and -INT64 <= v <= INT64 else (None if v is None else as_integer(v))
                for v in values]
    if kind == "string":
        return [v if type(v) is str and len(v) <= MAX_TEXT else (None if v is None else capped(str(v), MAX_TEXT))
                for v in values]
    if kind == "decimal":
        return [v if type(v) is Decimal and _plain_decimal(v) else (None if v is None else as_decimal(v))
                for v in values]
    return [None if v is None else _typed(kind, v) for v in values]


_SCALE, _INTEGER_DIGITS = SETTINGS.value_scale, SETTINGS.value_precision - SETTINGS.value_scale


def _plain_decimal(d: Decimal) -> bool:
    """A Decimal ``as_decimal`` returns unchanged, known without its detour (finite, at most
    ``value_scale`` places, fewer integer digits than the store holds); others take the detour."""
    if not d.is_finite():
        return False
    exponent = d.as_tuple().exponent
    return -_SCALE <= exponent <= 0 and d.adjusted() < _INTEGER_DIGITS


def capped(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f" … ({len(text) - limit} more characters)"


def typed_row(resource: Resource, row: dict) -> dict:
    out = {f.name: _typed(f.type, row.get(f.name)) for f in resource.fields}
    if resource.name == "reports" and out.get("note"):
        out["note"] = capped(out["note"], MAX_NOTE)
    return out


def frame(resource: Resource, records: list[dict]):
    import pandas as pd

    from .loading import dtype

    data = {f.name: pd.Series([_typed(f.type, r.get(f.name)) for r in records], dtype=dtype(f.type))
            for f in resource.fields}
    return pd.DataFrame(data, columns=resource.names)


def frames(results: Iterable[FileResult]) -> dict:
    recs: dict[str, list[dict]] = {r.name: [] for r in RESOURCES}
    for res in results:
        for name, row in rows_of(res):
            recs[name].append(row)
    return {name: frame(BY_NAME[name], recs[name]) for name in recs}

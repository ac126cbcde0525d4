"""What processing one file yields: plain records, ready to become rows of the output tables.

Every record is a dataclass of simple values so that a file's result can cross a process
boundary, be cached, and be written without knowing how it was produced.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass
class CellValue:
    table: str
    row: str
    column: str
    value: Decimal | None
    raw: str
    status: str  # ok | blank | dash | inferred | ambiguous | missing
    row_label: str = ""
    column_label: str = ""
    unit: str | None = None
    page: int | None = None
    block: int | None = None  # index of the document block the value came from
    cell: str = ""  # r3c4 (grid cell) or c120-127 (characters of a paragraph)
    alternatives: str = ""  # other readings of run-together digits, best first
    note: str = ""
    in_template: bool = True  # False for a row of the other format printed by the report
    source: str = "text"  # text (a text layer, markup or plain text) | ocr (recognised from an image)
    confidence: float | None = None  # OCR only: the recogniser's confidence in the cell's text (0–1)


@dataclass
class CheckResult:
    table: str
    check: str
    lhs: Decimal | None
    rhs: Decimal | None
    delta: Decimal | None
    status: str  # pass | fail | unknown | warn
    cells: str
    description: str = ""
    note: str = ""


@dataclass
class SectionRecord:
    seq: int
    level: int
    number: str
    heading: str
    text: str
    section_key: str
    page: int | None = None
    keywords: str = ""
    reuse_prev: float | None = None  # share of the text repeated from the agency's previous report
    prev_report_id: str = ""


@dataclass
class ErrorRecord:
    source_path: str
    stage: str
    code: str
    message: str
    report_id: str = ""


@dataclass
class ReportRecord:
    report_id: str
    source_path: str
    format: str
    agency: str = ""
    agency_id: str = ""
    province: str = ""
    city: str = ""
    county: str = ""
    adcode: str = ""
    year: int | None = None
    template: str = "unknown"
    title: str = ""
    published: str = ""
    doc_number: str = ""
    status: str = "failed"
    template_evidence: str = ""
    encoding: str = ""
    layout: str = ""
    pages: int | None = None
    cells_found: int = 0
    cells_expected: int = 0
    checks_failed: int = 0
    bytes: int = 0
    parser_version: str = ""
    note: str = ""
    duplicate_of: str = ""  # another report of the same agency and year that the panel keeps


@dataclass
class FileResult:
    """Everything one input file produced."""

    source_path: str
    report: ReportRecord | None = None
    facts: list[CellValue] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    sections: list[SectionRecord] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------ a result as data (the cache's format)

_RECORDS = {"report": ReportRecord, "facts": CellValue, "checks": CheckResult, "sections": SectionRecord,
            "errors": ErrorRecord}
_DECIMALS = {CellValue: ("value",), CheckResult: ("lhs", "rhs", "delta")}


def to_data(result: FileResult) -> dict:
    """The result as JSON-able data: decimals as their exact text, nothing else special."""
    def rec(obj) -> dict:
        d = asdict(obj)
        for name in _DECIMALS.get(type(obj), ()):
            if d[name] is not None:
                d[name] = format(d[name], "f")
        return d

    return {"source_path": result.source_path,
            "report": rec(result.report) if result.report is not None else None,
            "facts": [rec(f) for f in result.facts], "checks": [rec(c) for c in result.checks],
            "sections": [rec(s) for s in result.sections], "errors": [rec(e) for e in result.errors]}


class BadData(ValueError):
    """Data that is not a result this tool wrote."""


def _record(cls, d) -> object:
    from dataclasses import fields as dc_fields

    if not isinstance(d, dict):
        raise BadData(f"{cls.__name__} is not a mapping")
    names = {f.name: f for f in dc_fields(cls)}
    if set(d) != set(names):
        raise BadData(f"{cls.__name__} has fields {sorted(set(d) ^ set(names))[:3]} it should not")
    decimals = _DECIMALS.get(cls, ())
    kwargs = {}
    for name, value in d.items():
        if name in decimals:
            if value is not None:
                if not isinstance(value, str):
                    raise BadData(f"{cls.__name__}.{name} is not decimal text")
                try:
                    value = Decimal(value)
                except Exception as exc:
                    raise BadData(f"{cls.__name__}.{name} is not a number") from exc
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            raise BadData(f"{cls.__name__}.{name} is not a plain value")
        kwargs[name] = value
    return cls(**kwargs)


def from_data(data) -> FileResult:
    """A result from ``to_data``'s output; raises :class:`BadData` for anything else."""
    if not isinstance(data, dict) or not isinstance(data.get("source_path"), str):
        raise BadData("not a file result")
    res = FileResult(data["source_path"])
    res.report = _record(ReportRecord, data["report"]) if data.get("report") is not None else None
    for key in ("facts", "checks", "sections", "errors"):
        items = data.get(key)
        if not isinstance(items, list):
            raise BadData(f"{key} is not a list")
        setattr(res, key, [_record(_RECORDS[key], x) for x in items])
    return res

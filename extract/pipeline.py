"""One file through every stage, in a fixed order; failures become ``errors`` rows, never exceptions.

read → sections → metadata → template → tables → checks → records
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
import traceback

from . import __version__
from .document import Document
from .errors import INTERNAL, NOT_A_REPORT, ExtractError
from .readers import read
from .results import CellValue, ErrorRecord, FileResult, ReportRecord, SectionRecord
from .stages.checks import run_checks
from .stages.mapping import map_tables
from .stages.metadata import extract_metadata
from .stages.prose import numbers_by_row, prose_checks
from .stages.reuse import forget, keywords
from .stages.sections import SectionRow, find_sections, table_regions
from .stages.template_detect import detect_template
from .templates import TABLE_KEYS, TEMPLATES, CellKey, Template, reader_hints


@lru_cache(maxsize=1)
def _hints():
    return reader_hints()


def report_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def complete(values: dict[CellKey, CellValue], extra: list[tuple[str, str]], template: Template) -> list[CellValue]:
    """Every template cell once, in template order (``missing`` where absent), then extra rows."""
    out = []
    for key in template.cells():
        cv = values.get(key)
        if cv is None:
            spec = template.table(key.table)
            cv = CellValue(key.table, key.row, key.column, None, "", "missing",
                           row_label=spec.row(key.row).label, column_label=spec.column(key.row, key.column).label,
                           unit=spec.column(key.row, key.column).unit, source="")
        out.append(cv)
    for table, row in extra:
        for col in template.row_columns(table, row):
            cv = values.get(CellKey(table, row, col.key))
            if cv is not None:
                cv.in_template = False
                cv.note = (cv.note + "; " if cv.note else "") + "row of the other national format, printed by the report"
                out.append(cv)
    return out


def _section_records(sections: list[SectionRow], doc: Document) -> list[SectionRecord]:
    out = []
    for s in sections:
        block = doc.blocks[s.start.block] if s.start.block < len(doc.blocks) else None
        words = "" if s.key in TABLE_KEYS else keywords(s.text)
        out.append(SectionRecord(s.seq, s.level, s.number, s.heading, s.text, s.key, getattr(block, "page", None),
                                 keywords=words))
    return out


MIN_SECTIONS = 1  # of the six sections of the national outline (every real report prints four or more)


def _mentions_only() -> ExtractError:
    return ExtractError(NOT_A_REPORT, "this names a government information disclosure annual report (政府信息公开…年度报告) "
                        "but has none of a report's sections (一、总体情况 … 六、其他需要报告的事项) "
                        "and almost no rows of its tables: a news item or notice about a report, not the report",
                        stage="detect")


def analyse(doc: Document, rid: str, source_path: str, size: int, trace: dict | None = None) -> FileResult:
    """Every stage after the reader: format-agnostic from here on. ``trace``, when given, receives
    each stage's output (for ``extract inspect``)."""
    result = FileResult(source_path)
    sections = find_sections(doc)
    meta = extract_metadata(doc, sections)
    # a report prints the national outline; a text that only names one (a news item) is not a report
    outline = len({s.key for s in sections if s.level == 1 and s.key})
    choice = detect_template(doc, meta.year)
    if trace is not None:
        trace.update(sections=sections, meta=meta, choice=choice, result=result)
    report = ReportRecord(
        report_id=rid, source_path=source_path, format=doc.format, agency=meta.agency, year=meta.year,
        template=choice.key, title=meta.title, published=meta.published, doc_number=meta.doc_number,
        template_evidence=choice.evidence, encoding=doc.encoding or "", layout=doc.layout, pages=doc.pages, bytes=size,
        parser_version=__version__)
    result.sections = _section_records(sections, doc)
    template = TEMPLATES.get(choice.key)
    if template is None:
        if not meta.looks_like_report:
            raise ExtractError(NOT_A_REPORT, "this does not look like a government information disclosure annual "
                               "report (no 政府信息公开…年度报告 title and none of its sections or tables)", stage="detect")
        if outline < MIN_SECTIONS:
            raise _mentions_only()
        # no table of a national format was read: never `ok`, whatever the reason
        report.status = "partial"
        report.note = ("report written before the 2019 national format: sections and metadata only, no statistical "
                       "tables read"
                       if choice.key == "pre2019" else "no statistical tables of a national format found")
        result.report = report
        return result
    mapped = map_tables(doc, table_regions(sections), template, numbers_by_row(sections, template))
    if trace is not None:
        trace.update(mapped=mapped, template=template)
    if not meta.looks_like_report and mapped.lines_matched < 5:
        raise ExtractError(NOT_A_REPORT, "this does not look like a government information disclosure annual "
                           "report (no 政府信息公开…年度报告 title and too few rows of its tables)", stage="detect")
    if outline < MIN_SECTIONS and mapped.lines_matched < 5:
        raise _mentions_only()
    facts = complete(mapped.values, mapped.extra_rows, template)
    cells = {CellKey(f.table, f.row, f.column): f for f in facts}
    result.checks = run_checks(cells, template) + prose_checks(sections, cells)
    in_template = [f for f in facts if f.in_template]
    found = sum(1 for f in in_template if f.status != "missing")
    report.cells_found, report.cells_expected = found, len(in_template)
    report.checks_failed = sum(1 for c in result.checks if c.status == "fail")
    valued = sum(1 for f in in_template if f.status not in ("missing", "blank"))
    report.status = "ok" if found == len(in_template) else ("partial" if found else "failed")
    notes = list(dict.fromkeys(doc.warnings + mapped.notes))
    if found == 0:
        notes.insert(0, "no cell of the statistical tables was found")
    elif valued == 0:
        # every cell the tables print is empty: a blank form (or a template published as a report)
        report.status = "failed"
        notes.insert(0, f"blank form: all {found} cells found in the statistical tables are empty, none holds a value")
    elif report.status == "partial":
        notes.insert(0, _missing_note(in_template))
    report.note = "; ".join(notes)
    result.report = report
    result.facts = facts
    return result


def _missing_note(in_template: list) -> str:
    """Say what a `partial` report lacks: how many cells, and in which tables."""
    missing: dict[str, int] = {}
    for f in in_template:
        if f.status == "missing":
            missing[f.table] = missing.get(f.table, 0) + 1
    where = ", ".join(f"{table}: {n}" for table, n in sorted(missing.items()))
    return f"{sum(missing.values())} of {len(in_template)} cells missing ({where})"


def process_bytes(data: bytes, source_path: str, trace: dict | None = None) -> FileResult:
    """Read and analyse one file's bytes; never raises. ``trace`` receives the Document and each
    stage's output."""
    rid = report_id(data) if data else ""
    forget()  # the previous report's segmentations
    try:
        doc = read(data, source_path, _hints())
        if trace is not None:
            trace["doc"] = doc
        return analyse(doc, rid, source_path, len(data), trace)
    except ExtractError as exc:
        result = FileResult(source_path)
        result.errors.append(ErrorRecord(source_path, exc.stage, exc.code, exc.message, rid))
        return result
    except Exception as exc:  # a bug must not stop the run: record it with where it happened
        result = FileResult(source_path)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        result.errors.append(ErrorRecord(
            source_path, "internal", INTERNAL,
            f"unexpected {type(exc).__name__}: {exc} (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno}); "
            "please report this file", rid))
        return result

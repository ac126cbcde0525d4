"""Map a document's tables onto the template's canonical cells.

1. ``align.align``: which printed line is which row, which printed column which column, with the
   evidence (scores, runner-ups, header readings, duplicates, contradictions, unmatched lines).
2. ``resolve.read_line``: each aligned line's candidate readings.
3. ``resolve.propagate``: identities across lines settle readings still open.
4. ``resolve.cell_values``: one :class:`CellValue` per printed cell, its status from the evidence;
   recognised (OCR) values are ``ok`` only when every identity they take part in holds.
5. the rows of the other format that the report printed are listed apart.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..document import Document, Pos
from ..results import CellValue
from ..templates import CellKey, Template
from .align import Alignment, align
from .resolve import Resolution, cell_values, propagate, read_line
from .sums import total


@dataclass
class Mapped:
    values: dict[CellKey, CellValue]
    extra_rows: list[tuple[str, str]]  # rows of the other format found
    notes: list[str]
    lines_matched: int
    alignment: Alignment | None = None
    resolutions: list[Resolution] | None = None


def _holds(ident, values: dict[CellKey, CellValue]) -> bool:
    """The identity holds on these values, blank and dash cells read as 0 (a missing cell: it does not)."""
    def side(keys):
        terms = []
        for k in keys:
            cv = values.get(k)
            if cv is None or cv.status == "missing":
                return None
            terms.append(cv.value if cv.value is not None else (0 if cv.status in ("blank", "dash") else None))
        return total(terms)

    lhs, rhs = side(ident.lhs), side(ident.rhs)
    return lhs is not None and rhs is not None and lhs == rhs


def confirm_recognised(values: dict[CellKey, CellValue], template: Template) -> None:
    """A value recognised from an image is ``ok`` only when every identity it takes part in holds."""
    for ident in template.identities:
        cells = [values.get(k) for k in ident.cells]
        if not any(cv is not None and cv.source == "ocr" and cv.status == "ok" for cv in cells):
            continue
        if ident.optional and not all(cv is not None for cv in cells):
            continue
        if not _holds(ident, values):
            for cv in cells:
                if cv is not None and cv.source == "ocr" and cv.status == "ok":
                    cv.status = "ambiguous"
                    cv.note = "; ".join(x for x in (cv.note, f"recognised from an image and {ident.id} does not hold")
                                        if x)


def map_tables(doc: Document, regions: dict[str, tuple[Pos, Pos]], template: Template,
               prose: dict[str, frozenset] | None = None) -> Mapped:
    prose = prose or {}
    alignment = align(doc, regions, template)
    resolutions = [read_line(a, template, prose) for a in alignment.rows]
    propagate(resolutions, template)
    values: dict[CellKey, CellValue] = {}
    notes = list(alignment.notes)
    extra_rows = []
    headers_told = set()
    for res in resolutions:
        a = res.aligned
        for doubt in a.evidence.doubt:  # what speaks against a row reaches the report, not only its cells
            notes.append(f"{a.ref}: {doubt}")
        if a.header.verdict in ("reordered", "conflict") and (a.table, a.header.note) not in headers_told:
            headers_told.add((a.table, a.header.note))
            notes.append(f"table {a.table}: {a.header.note}")
        if not a.in_template:
            extra_rows.append((a.table, a.row))
        produced = cell_values(res, template)
        if not produced and res.notes:  # nothing to attach the explanation to: the report keeps it
            notes.append(f"{a.table}.{a.row}: {'; '.join(res.notes)}")
        for cv in produced:
            values.setdefault(CellKey(cv.table, cv.row, cv.column), cv)
    confirm_recognised(values, template)
    matched = sum(1 for a in alignment.rows if a.table != "appeals")
    return Mapped(values, extra_rows, notes, matched, alignment, resolutions)

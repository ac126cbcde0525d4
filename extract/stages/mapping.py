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
from ..settings import SETTINGS
from ..templates import CellKey, Template
from .align import Alignment, align
from .resolve import Resolution, cell_values, propagate, read_line
from .checks import identity_terms
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
    """The identity holds on these values, blank and dash cells read as 0 (a missing cell: it does not);
    the other format's rows stand in where the report printed them (``checks.identity_terms``)."""
    lhs_keys, rhs_keys, _ = identity_terms(ident, values)

    def side(keys):
        terms = []
        for k in keys:
            cv = values.get(k)
            if cv is None or cv.status == "missing":
                return None
            terms.append(cv.value if cv.value is not None else (0 if cv.status in ("blank", "dash") else None))
        return total(terms)

    lhs, rhs = side(lhs_keys), side(rhs_keys)
    return lhs is not None and rhs is not None and lhs == rhs


def confirm_recognised(values: dict[CellKey, CellValue], template: Template, recognised_text: bool = False) -> None:
    """A recognised value (OCR'd from an image, or a text that shows recognition errors) is ``ok`` only
    when it was recognised with confidence and every identity it takes part in holds; a doubtful one that
    the identities confirm is ``inferred``; otherwise it is ``ambiguous``."""
    for key, cv in values.items():
        if cv.status != "ok" or not (cv.source == "ocr" or recognised_text):
            continue
        idents = [i for i in template.identities if key in identity_terms(i, values)[0] + identity_terms(i, values)[1]
                  and not (i.optional and not all(values.get(k) is not None for k in i.cells))]
        failed = [i.id for i in idents if not _holds(i, values)]
        confident = not recognised_text and cv.confidence is not None and cv.confidence >= SETTINGS.ocr_confident
        what = "recognised from an image" if cv.source == "ocr" else "the text looks recognised (OCR)"
        if failed:
            cv.status = "ambiguous"
            why = f"{what} and {failed[0]} does not hold"
        elif not confident:
            cv.status = "inferred" if idents else "ambiguous"
            why = (f"{what}; every identity it takes part in holds" if idents else
                   f"{what} and no identity can confirm it")
        else:
            continue
        cv.note = "; ".join(x for x in (cv.note, why) if x)


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
    doubtful: dict[str, list[str]] = {}  # why a line's values are doubtful → the lines
    for res in resolutions:
        a = res.aligned
        for doubt in a.evidence.doubt:  # what speaks against a row reaches the report, not only its cells
            notes.append(f"{a.ref}: {doubt}")
        if res.status == "ambiguous" and res.placed == "left":
            for why in res.notes:
                doubtful.setdefault(why, []).append(a.ref)
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
    for why, refs in doubtful.items():  # rows placed from the left: said once per reason, in the report too
        notes.append(f"{', '.join(refs[:6])}{' …' if len(refs) > 6 else ''}: {why}")
    confirm_recognised(values, template, bool(alignment.recognised))
    matched = sum(1 for a in alignment.rows if a.table != "appeals")
    return Mapped(values, extra_rows, notes, matched, alignment, resolutions)

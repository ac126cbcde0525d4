"""Why one file came out as it did: every stage's evidence, as text or as one HTML page.

``inspect_file(path)`` runs the pipeline on one file and keeps what each stage decided: the
format and layout the reader recognised, the encoding, the template and its evidence, every
table as a grid (page and box where the format has them), every printed line with the row it was
taken for (score, runner-up, what speaks for and against it), every column's evidence (the
header reading), and every cell's status and reason. ``render_text`` writes it for a terminal,
``render_html`` as a self-contained page (no scripts, readable offline).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from .api import _display
from .document import Document, Paragraph, Table
from .pipeline import process_bytes
from .results import FileResult

STATUS_COLOURS = {"ok": "#d9f2d9", "inferred": "#fff2b3", "ambiguous": "#ffd9b3", "invalid": "#f4b6b6",
                  "blank": "#eeeeee", "dash": "#eeeeee", "missing": "#ffffff"}


@dataclass
class Inspection:
    path: Path
    result: FileResult
    trace: dict = field(default_factory=dict)

    @property
    def doc(self) -> Document | None:
        return self.trace.get("doc")


def inspect_file(path: str | Path) -> Inspection:
    """Every stage's decisions on one file, or on a file inside a ZIP archive named as ``source_path``
    names it (``reports.zip/2019/a.pdf``)."""
    from . import archives
    from .tasks import MAX_FILE_MB

    path = Path(path)
    trace: dict = {}
    member = None if path.is_file() else archives.locate(str(path))
    data = archives.read(member[0], member[1], MAX_FILE_MB * 2**20, member[2]) if member else path.read_bytes()
    result = process_bytes(data, _display(path.name), trace)
    return Inspection(path, result, trace)


# ------------------------------------------------------------------ what each stage decided

def _summary(ins: Inspection) -> list[tuple[str, str]]:
    res, doc = ins.result, ins.doc
    rows = [("file", _display(str(ins.path)))]
    if doc is not None:
        rows += [("format", doc.format), ("layout", doc.layout or "—"), ("encoding", doc.encoding or "—"),
                 ("pages", str(doc.pages or "—")), ("blocks", f"{len(doc.paragraphs())} paragraphs, "
                                                            f"{len(doc.tables())} tables")]
    if res.report is not None:
        r = res.report
        rows += [("agency", r.agency or "—"), ("year", str(r.year or "—")), ("template", r.template),
                 ("template evidence", r.template_evidence or "—"), ("title", r.title or "—"),
                 ("status", f"{r.status} ({r.cells_found}/{r.cells_expected} cells, {r.checks_failed} checks fail)"),
                 ("note", r.note or "—")]
    for e in res.errors:
        rows.append(("error", f"{e.code}: {e.message}"))
    if doc is not None and doc.warnings:
        rows.append(("reader notes", "; ".join(doc.warnings)))
    return rows


def _lines(ins: Inspection) -> list[dict]:
    mapped = ins.trace.get("mapped")
    if mapped is None or mapped.alignment is None:
        return []
    out = []
    for a in mapped.alignment.rows:
        ev = a.evidence
        ru = f"{ru.table}.{ru.row} ({ru.score:.2f})" if (ru := ev.runner_up) else "—"
        out.append({"row": a.ref, "label": a.line.label or "(no label)", "where": f"block {a.line.block}"
                    + (f" row {a.line.row}" if a.line.row is not None else "")
                    + (f" page {a.line.page}" if a.line.page else "") + f" ({a.line.source})",
                    "score": f"{ev.score:.2f}", "runner_up": ru, "because": "; ".join(ev.because),
                    "doubt": "; ".join(ev.doubt) or "—",
                    "columns": f"{a.header.verdict}: {a.header.note}",
                    "values": " | ".join(c.text for c in a.line.cells)})
    for u in mapped.alignment.unmatched:
        out.append({"row": "(unmatched)", "label": u.line.label, "where": f"block {u.line.block} row {u.line.row}",
                    "score": "—", "runner_up": "—", "because": "", "doubt": u.reason, "columns": "—",
                    "values": " | ".join(c.text for c in u.line.cells)})
    return out


def _cells(ins: Inspection) -> list:
    return [f for f in ins.result.facts]


# ------------------------------------------------------------------ text

def render_text(ins: Inspection) -> str:
    out = []
    width = max(len(k) for k, _ in _summary(ins))
    for k, v in _summary(ins):
        out.append(f"{k:<{width}}  {v}")
    lines = _lines(ins)
    if lines:
        out += ["", "Lines (printed line → template row):"]
        for ln in lines:
            out.append(f"  {ln['row']:<38} {ln['score']:>5}  {ln['label'][:40]}  [{ln['where']}]")
            out.append(f"      runner-up {ln['runner_up']}; columns {ln['columns']}")
            if ln["doubt"] != "—":
                out.append(f"      doubt: {ln['doubt']}")
            out.append(f"      values: {ln['values'][:120]}")
    doc = ins.doc
    if doc is not None and doc.tables():
        out += ["", "Tables as read (a merged cell once: < continues it to the right, ^ from above):"]
        for bi, table in doc.tables():
            out += _grid_text(bi, table)
    facts = _cells(ins)
    if facts:
        out += ["", "Cells (table.row.column = value  status  raw  [where]  reason):"]
        for f in facts:
            where = f"p{f.page} " if f.page else ""
            where += f"b{f.block} {f.cell}" if f.block is not None else ""
            value = "" if f.value is None else format(f.value, "f")
            out.append(f"  {f.table}.{f.row}.{f.column} = {value}  {f.status}  {f.raw!r}  [{where.strip()}]"
                       + (f"  {f.note}" if f.note else "") + (f"  alternatives: {f.alternatives}" if f.alternatives else ""))
    checks = [c for c in ins.result.checks if c.status != "pass"]
    if checks:
        out += ["", "Checks that do not pass:"]
        out += [f"  {c.check}: {c.status} ({c.lhs} vs {c.rhs}) {c.note}" for c in checks]
    return "\n".join(out) + "\n"


def _grid_text(bi: int, table: Table, width: int = 14) -> list[str]:
    boxes = [c.bbox for c in table.cells if c.bbox]
    box = (" box " + ",".join(f"{v:.0f}" for v in (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                                     max(b[2] for b in boxes), max(b[3] for b in boxes)))) if boxes else ""
    head = f"  table at block {bi}" + (f" page {table.page}" if table.page else "") + box + \
        f", {table.n_rows} rows × {table.n_cols} columns" + (" (rows are printed lines)" if table.line_rows else "")
    out = [head]
    for r, row in enumerate(table.grid()):
        shown = []
        for c, cell in enumerate(row):
            if cell is None:
                shown.append("")
            elif cell.row != r:
                shown.append("^")
            elif cell.col != c:
                shown.append("<")
            else:
                text = " ".join(cell.text.split())
                shown.append(text if len(text) <= width else text[:width - 1] + "…")
        out.append(f"    r{r:<3}| " + " | ".join(shown))
    return out


# ------------------------------------------------------------------ HTML

_CSS = """body{font:14px/1.4 sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #bbb;padding:2px 6px;vertical-align:top}th{background:#f3f3f3;text-align:left}
.grid td{font-size:12px;max-width:16em}.label{background:#eef3ff}.doubt{color:#a33}small{color:#666}
h2{margin-top:2em}.legend span{display:inline-block;padding:0 .5em;margin-right:.3em;border:1px solid #bbb}"""


def _e(x) -> str:
    return html.escape(str(x))


def _grid_html(bi: int, table: Table, by_cell: dict) -> str:
    rows = []
    grid = table.grid()
    for r, row in enumerate(grid):
        tds, seen = [], set()
        for cell in row:
            if cell is None:
                tds.append("<td></td>")
                continue
            if id(cell) in seen:
                continue
            seen.add(id(cell))
            if cell.row != r:
                continue
            fact = by_cell.get((bi, cell.ref))
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                   (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            if fact is not None:
                tip = f"{fact.table}.{fact.row}.{fact.column}: {fact.status}" + (f" — {fact.note}" if fact.note else "")
                style = f' style="background:{STATUS_COLOURS.get(fact.status, "#fff")}"'
                tds.append(f'<td{span}{style} title="{_e(tip)}">{_e(cell.text)}<br><small>{_e(fact.row)}/'
                           f'{_e(fact.column)}</small></td>')
            else:
                box = (f" page {cell.page}" if cell.page else "") + \
                      (" box " + ",".join(f"{x:.0f}" for x in cell.bbox) if cell.bbox else "")
                tds.append(f'<td{span} class="label" title="{_e(cell.ref + box)}">{_e(cell.text)}</td>')
        rows.append("<tr>" + "".join(tds) + "</tr>")
    where = f" page {table.page}" if table.page else ""
    return f"<h3>Table at block {bi}{where}</h3><table class='grid'>" + "".join(rows) + "</table>"


def render_html(ins: Inspection) -> str:
    name = _e(_display(ins.path.name))
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>inspect {name}</title>"
             f"<style>{_CSS}</style></head><body><h1>{name}</h1><table>"]
    parts += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _summary(ins)]
    parts.append("</table><p class='legend'>" + "".join(
        f"<span style='background:{c}'>{s}</span>" for s, c in STATUS_COLOURS.items()) + "</p>")
    lines = _lines(ins)
    if lines:
        parts.append("<h2>Lines: printed line → template row</h2><table><tr><th>row</th><th>label</th><th>where</th>"
                     "<th>score</th><th>runner-up</th><th>evidence</th><th>doubt</th><th>columns</th><th>values</th></tr>")
        for ln in lines:
            parts.append("<tr>" + "".join(f"<td{' class=doubt' if k == 'doubt' and v != '—' else ''}>{_e(v)}</td>"
                                          for k, v in (("row", ln["row"]), ("label", ln["label"]), ("where", ln["where"]),
                                                       ("score", ln["score"]), ("ru", ln["runner_up"]),
                                                       ("because", ln["because"]), ("doubt", ln["doubt"]),
                                                       ("columns", ln["columns"]), ("values", ln["values"]))) + "</tr>")
        parts.append("</table>")
    doc = ins.doc
    if doc is not None:
        by_cell = {(f.block, f.cell): f for f in ins.result.facts if f.block is not None}
        parts.append("<h2>Tables as read</h2>")
        for bi, block in enumerate(doc.blocks):
            if isinstance(block, Table):
                parts.append(_grid_html(bi, block, by_cell))
        texts = [(bi, b) for bi, b in enumerate(doc.blocks) if isinstance(b, Paragraph)
                 and any(f.block == bi for f in ins.result.facts)]
        if texts:
            parts.append("<h2>Running text that gave values</h2>")
            for bi, b in texts:
                parts.append(f"<p><small>block {bi}</small> {_e(b.text[:2000])}</p>")
    facts = _cells(ins)
    if facts:
        parts.append("<h2>Cells</h2><table><tr><th>table.row.column</th><th>value</th><th>status</th><th>raw</th>"
                     "<th>where</th><th>alternatives</th><th>reason</th></tr>")
        for f in facts:
            value = "" if f.value is None else format(f.value, "f")
            where = (f"p{f.page} " if f.page else "") + (f"b{f.block} {f.cell}" if f.block is not None else "")
            parts.append(f"<tr style='background:{STATUS_COLOURS.get(f.status, '#fff')}'><td>{_e(f.table)}.{_e(f.row)}."
                         f"{_e(f.column)}</td><td>{_e(value)}</td><td>{_e(f.status)}</td><td>{_e(f.raw)}</td>"
                         f"<td>{_e(where)}</td><td>{_e(f.alternatives)}</td><td>{_e(f.note)}</td></tr>")
        parts.append("</table>")
    checks = [c for c in ins.result.checks if c.status != "pass"]
    if checks:
        parts.append("<h2>Checks that do not pass</h2><table><tr><th>check</th><th>status</th><th>lhs</th><th>rhs</th>"
                     "<th>note</th></tr>" + "".join(
                         f"<tr><td>{_e(c.check)}</td><td>{_e(c.status)}</td><td>{_e(c.lhs)}</td><td>{_e(c.rhs)}</td>"
                         f"<td>{_e(c.note)}</td></tr>" for c in checks) + "</table>")
    parts.append("</body></html>")
    return "\n".join(parts)

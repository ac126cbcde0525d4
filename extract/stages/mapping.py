"""Map a document's tables onto the template's canonical cells.

Steps:
1. ``collect_lines``: grid lines from every table; each labelled line is matched to a template
   row by its label (``rowmatch``); unlabelled lines of the appeals table are kept in order.
2. Rows no grid line gave are looked for in the running text of their section (``textscan``).
3. ``resolve_line``: a line's value cells become the row's values. Exact cells map one to one
   (columns checked against the header words above them); text whose boundaries were lost is
   read by ``digits`` with the identities that fall inside the line.
4. ``propagate``: identities across lines (the column balances) settle readings still open.
5. ``cell_values``: one :class:`CellValue` per template cell, ``missing`` where nothing was
   found, plus rows of the other format that the report printed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from ..document import Document, Pos
from ..results import CellValue
from ..templates import CellKey, Column, Template
from ..textnorm import parse_value, squash
from .digits import LineContext, Reading, Token, fits, rank, readings
from .lines import Line, ValueCell, grid_lines
from .rowmatch import best_row, match_column
from .sums import total
from .textscan import text_lines, trailing_values

MAX_ALTERNATIVES = 5
JOINT_LIMIT = 4096  # combinations of open readings tried against one identity


@dataclass
class Resolution:
    """A line's candidate readings for its cells, best first."""

    keys: list[CellKey]
    columns: list[Column]
    candidates: list[Reading]
    token_cells: list[ValueCell]  # where each token of the line was found
    status: str  # ok | inferred | ambiguous | partial
    line: Line
    notes: list[str] = field(default_factory=list)
    direct: dict[CellKey, tuple[ValueCell, str]] | None = None  # exact cells: key → (cell, status)


def _region_of(regions: dict[str, tuple[Pos, Pos]], block: int) -> str | None:
    for key, (start, end) in regions.items():
        if start.block <= block <= end.block:
            return key
    return None


def _appeal_columns(template: Template) -> tuple[list[CellKey], list[Column]]:
    spec = template.table("appeals")
    keys, cols = [], []
    for row in spec.rows():
        for col in spec.columns_of(row.key):
            keys.append(CellKey("appeals", row.key, col.key))
            cols.append(col)
    return keys, cols


def _tokens_of(cells: list[ValueCell]) -> tuple[list[Token], list[ValueCell], bool]:
    """Tokens for reading a line; ``exact`` is True when every cell is one clean value."""
    tokens, owners, exact = [], [], True
    for vc in cells:
        parsed = parse_value(vc.text)
        if vc.exact and parsed.kind in ("number", "blank", "dash"):
            tokens.append(Token(vc.text.strip(), separated=True))
            owners.append(vc)
            continue
        exact = False
        for piece in vc.text.split():
            tokens.append(Token(piece, separated=vc.exact))
            owners.append(vc)
    return tokens, owners, exact


def _header_slots(line: Line, columns: list[Column], count: int) -> list[list[int]] | None:
    """For each of the first ``count`` value cells, the columns the header words above it name —
    when together they name every column exactly once (a merged cell may name several)."""
    if len(line.leaves) < count:
        return None
    keys = [c.key for c in columns]
    slots = []
    for leaf in line.leaves[:count]:
        named = [match_column(w, tuple(columns)) if w else None for w in leaf]
        if None in named or not named:
            return None
        slots.append(sorted({keys.index(k) for k in named}))
    flat = [i for s in slots for i in s]
    return slots if sorted(flat) == list(range(len(columns))) else None


def _line_context(keys: list[CellKey], columns: list[Column], template: Template,
                  prose: dict[str, frozenset]) -> LineContext:
    pos = {k: i for i, k in enumerate(keys)}
    ids = []
    for ident in template.identities:
        if all(c in pos for c in ident.cells):
            ids.append((tuple(pos[c] for c in ident.lhs), tuple(pos[c] for c in ident.rhs)))
    rels = []
    for rel in template.relations:
        for k in keys:
            if k.table == rel.table and k.row in rel.rows and k.column == rel.big:
                small = CellKey(k.table, k.row, rel.small)
                if small in pos:
                    rels.append((pos[k], pos[small]))
    stated = frozenset().union(*(prose.get(r, frozenset()) for r in {k.row for k in keys}))
    return LineContext(columns, ids, rels, stated)


def resolve_line(line: Line, keys: list[CellKey], columns: list[Column], template: Template,
                 prose: dict[str, frozenset]) -> Resolution:
    n = len(keys)
    tokens, owners, exact = _tokens_of(line.cells)
    # cells beyond the template's count that are blank are layout padding
    while len(tokens) > n and not squash(tokens[-1].text):
        tokens.pop()
        owners.pop()
    if exact and (line.source == "grid" or len(tokens) == n):
        direct: dict[CellKey, tuple[ValueCell, str]] = {}
        notes = []
        slots = _header_slots(line, columns, len(tokens)) if len(tokens) == len(line.cells[:len(tokens)]) else None
        if slots is not None:
            if [s for s in slots] != [[i] for i in range(n)]:
                notes.append("columns placed by the header words above them")
            for owner, slot in zip(owners, slots):
                for target in slot:
                    # one printed cell across several of the format's columns says nothing of each
                    direct[keys[target]] = (owner, "ok" if len(slot) == 1 else "merged")
            status = "ok"
        else:
            status = "ok" if len(tokens) == n else "ambiguous"
            if len(tokens) != n:
                notes.append(f"the printed row has {len(tokens)} values where the format has {n}; placed from "
                             "the left, which may be wrong")
            for i, owner in enumerate(owners[:n]):
                direct[keys[i]] = (owner, status)
        return Resolution(keys, columns, [], owners, status, line, notes, direct)
    ctx = _line_context(keys, columns, template, prose)
    found = readings(tokens, columns, identities=ctx.identities)
    notes = []
    if found is None:
        return Resolution(keys, columns, [], owners, "ambiguous", line,
                          ["too many readings of the run-together digits to choose from"])
    if not found:
        return Resolution(keys, columns, [], owners, "partial", line,
                          [f"the value text {' '.join(t.text for t in tokens)!r} cannot be read as {n} values"])
    ranked = rank(found, ctx)
    fitting = [r for r in ranked if fits(r, ctx)]
    if ctx.identities and not fitting:
        notes.append("no reading of the run-together digits satisfies the row's total")
    pool = fitting or ranked
    split = any(p.split for p in pool[0].pieces)
    if len(pool) == 1 and (fitting or not ctx.identities):
        status = "inferred" if split else "ok"
    else:
        status = "ambiguous"
    return Resolution(keys, columns, pool, owners, status, line, notes)


def propagate(resolutions: list[Resolution], template: Template) -> None:
    """Use identities that span lines to discard readings that cannot be right."""
    where: dict[CellKey, tuple[int, int]] = {}
    for li, res in enumerate(resolutions):
        if res.candidates:
            for pi, key in enumerate(res.keys):
                where[key] = (li, pi)
    changed = True
    while changed:
        changed = False
        for ident in template.identities:
            if not all(c in where for c in ident.cells):
                continue
            lines = sorted({where[c][0] for c in ident.cells})
            open_lines = [li for li in lines if len(resolutions[li].candidates) > 1]
            combos = 1
            for li in open_lines:
                combos *= len(resolutions[li].candidates)
            if not open_lines or combos > JOINT_LIMIT:
                continue
            chosen = {li: resolutions[li].candidates[0] for li in lines}
            keep: dict[int, list[Reading]] = {li: [] for li in open_lines}

            def side(cells: tuple[CellKey, ...]) -> Decimal | None:
                return total(chosen[where[c][0]].pieces[where[c][1]].value for c in cells)

            for combo in product(*(resolutions[li].candidates for li in open_lines)):
                chosen.update(zip(open_lines, combo))
                lhs, rhs = side(ident.lhs), side(ident.rhs)
                if lhs is None or rhs is None or lhs == rhs:
                    for li, cand in zip(open_lines, combo):
                        if all(cand is not k for k in keep[li]):
                            keep[li].append(cand)
            if not any(keep.values()):
                continue  # no combination holds: the report itself does not add up
            for li in open_lines:
                if len(keep[li]) < len(resolutions[li].candidates):
                    resolutions[li].candidates = keep[li]
                    changed = True
                    if len(keep[li]) == 1:
                        resolutions[li].status = "inferred"
                        resolutions[li].notes.append(f"reading settled by {ident.id}")


@dataclass
class Mapped:
    values: dict[CellKey, CellValue]
    extra_rows: list[tuple[str, str]]  # rows of the other format found
    notes: list[str]
    lines_matched: int


def _cell_value(key: CellKey, row_label: str, col: Column, owner: ValueCell | None, text: str,
                status: str, value: Decimal | None, unit: str | None, note: str = "", alternatives: str = "") -> CellValue:
    return CellValue(
        table=key.table, row=key.row, column=key.column, value=value, raw=text, status=status,
        row_label=row_label, column_label=col.label, unit=col.unit or unit,
        page=owner.page if owner else None, block=owner.block if owner else None,
        cell=owner.ref if owner else "", alternatives=alternatives, note=note)


def cell_values(res: Resolution, template: Template) -> list[CellValue]:
    out = []
    note = "; ".join(res.notes)
    labels = {k: template.row_spec(k.table, k.row).label if k.table != "appeals" else
              template.table("appeals").row(k.row).label for k in res.keys}
    if res.direct is not None:
        for key, col in zip(res.keys, res.columns):
            if key not in res.direct:
                continue
            owner, line_status = res.direct[key]
            parsed = parse_value(owner.text)
            if parsed.kind == "text":
                status, value = "ambiguous", None
            elif line_status == "merged":
                status, value = "ambiguous", None
                note = (note + "; " if note else "") + "one printed cell spans several columns of the format"
            else:
                status = {"number": "ok", "blank": "blank", "dash": "dash"}[parsed.kind]
                value = parsed.value
                if line_status == "ambiguous" and parsed.kind == "number":
                    status = "ambiguous"
            out.append(_cell_value(key, labels[key], col, owner, owner.text.strip(), status, value, parsed.unit, note))
        return out
    if not res.candidates:
        return out
    best = res.candidates[0]
    for pi, (key, col) in enumerate(zip(res.keys, res.columns)):
        piece = best.pieces[pi]
        owner = res.token_cells[piece.token] if piece.token < len(res.token_cells) else None
        if piece.text == "":
            status = "blank"
        elif piece.value is None:
            status = "dash"
        else:
            status = res.status if res.status in ("ok", "inferred", "ambiguous") else "inferred"
        alts = ""
        if len(res.candidates) > 1:
            others = []
            for cand in res.candidates[1:]:
                v = cand.pieces[pi].text
                if v != piece.text and v not in others:
                    others.append(v)
            alts = "; ".join(others[:MAX_ALTERNATIVES])
        cell_note = note
        if owner is not None and piece.split:
            cell_note = (f"read from {owner.text.strip()!r}" + ("; " + note if note else ""))
        if len(res.candidates) > 1:
            line_alts = " / ".join(c.show() for c in res.candidates[:MAX_ALTERNATIVES + 1])
            cell_note = (cell_note + "; " if cell_note else "") + f"readings of the line, best first: {line_alts}"
        out.append(_cell_value(key, labels[key], col, owner, piece.text, status, piece.value, piece.unit,
                               cell_note, alts))
    return out


def map_tables(doc: Document, regions: dict[str, tuple[Pos, Pos]], template: Template,
               prose: dict[str, frozenset] | None = None) -> Mapped:
    prose = prose or {}
    candidates = []
    for table in ("active", "requests"):
        for row in template.scan_rows(table):
            candidates.append((table, row))
    hits: dict[tuple[str, str], Line] = {}
    placed: dict[tuple[str, str], tuple[bool, bool]] = {}  # key → (in its section, has values)
    appeal_lines: list[Line] = []
    notes: list[str] = []
    for bi, table in doc.tables():
        region = _region_of(regions, bi)
        for line in grid_lines(table, bi):
            if line.segments:
                if not line.cells:
                    continue
                match = best_row(line.segments, candidates)
                if match is None or (not line.has_values() and match.score < 0.9):
                    continue
                key = (match.table, match.row)
                rank_new = (region == match.table or not regions, line.has_values())
                if key in hits:
                    # the row printed twice: the one in its own section, with values, wins
                    if rank_new > placed[key]:
                        notes.append(f"row {match.table}.{match.row} is printed more than once; the one in its "
                                     "own section is used")
                        hits[key], placed[key] = line, rank_new
                    elif line.has_values():
                        notes.append(f"row {match.table}.{match.row} is printed more than once; the first "
                                     "in its section is used")
                    continue
                hits[key], placed[key] = line, rank_new
            elif line.has_values() and (region == "appeals" or _appeal_headers(line, template)):
                appeal_lines.append(line)
    # rows the grids did not give: look in the running text of the section
    for table in ("active", "requests"):
        rows = template.scan_rows(table)
        if all((table, r.key) in hits for r in template.table(table).rows()) or table not in regions:
            continue
        start, end = regions[table]
        for row_key, line in text_lines(doc, start, end, rows).items():
            if (table, row_key) not in hits and line.cells:
                hits[(table, row_key)] = line
    resolutions: list[Resolution] = []
    extra_rows = []
    for (table, row_key), line in hits.items():
        cols = list(template.row_columns(table, row_key))
        keys = [CellKey(table, row_key, c.key) for c in cols]
        res = resolve_line(line, keys, cols, template, prose)
        resolutions.append(res)
        if not any(r.key == row_key for r in template.table(table).rows()):
            extra_rows.append((table, row_key))
    keys, cols = _appeal_columns(template)
    if appeal_lines:
        merged = Line([], [c for ln in appeal_lines for c in ln.cells], appeal_lines[0].block, None,
                      appeal_lines[0].page, [h for ln in appeal_lines for h in ln.headers])
        resolutions.append(resolve_line(merged, keys, cols, template, prose))
    elif "appeals" in regions:
        line = trailing_values(doc, *regions["appeals"], [w for c in cols for w in c.labels])
        if line is not None:
            resolutions.append(resolve_line(line, keys, cols, template, prose))
    propagate(resolutions, template)
    values: dict[CellKey, CellValue] = {}
    for res in resolutions:
        produced = cell_values(res, template)
        if not produced and res.notes:  # nothing to attach the explanation to: the report keeps it
            notes.append(f"{res.keys[0].table}.{res.keys[0].row}: {'; '.join(res.notes)}")
        for cv in produced:
            values.setdefault(CellKey(cv.table, cv.row, cv.column), cv)
    return Mapped(values, extra_rows, notes, len(hits))


def _appeal_headers(line: Line, template: Template) -> bool:
    """The header words above the line name the appeals table's rows (行政复议, and 行政诉讼 or its groups)."""
    words = "".join(w for path in line.headers for w in path)
    rows = template.table("appeals").rows()
    return rows[0].label in words and any(r.group in words or r.label in words for r in rows[1:])

"""Aligned lines → the values of their cells, each with a status computed from its evidence.

Steps:
1. ``tokens``: a line's value cells as tokens. A cell that is one clean value is one token; text
   whose cell boundaries were lost is split at its spaces. A recognised (OCR) cell the recogniser
   doubts brings its other readings along.
2. ``placement``: the slot each token fills — the header cell above it, the header's printed
   order (followed when it names another order), or the official layout.
3. ``read_line``: exact cells give one reading (several when an OCR'd cell is doubtful); text
   whose cell boundaries were lost gives every reading the columns' grammar admits, filtered by
   the identities inside the line (``digits``).
4. ``propagate``: identities across lines settle readings still open, using only values that are
   certain (an ``ambiguous`` line never settles another).
5. ``cell_values``: one :class:`CellValue` per cell. ``ok`` needs positive evidence for the row
   (its label, not doubted), for the column (header words, or values its class cannot confuse)
   and a value the column's grammar admits; anything less is said in the status and the note.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from ..results import CellValue
from ..settings import SETTINGS
from ..templates import CellKey, Column, Template
from ..textnorm import squash
from ..values import Token, parse_value
from .align import Aligned
from .digits import LineContext, Piece, Reading, fits, rank, readings
from .lines import ValueCell
from .sums import total

OCR_OPTIONS = 64  # readings of one line's doubtful OCR cells tried together


@dataclass
class Resolution:
    """A line's candidate readings (pieces in slot order), best first, and what is known of them."""

    aligned: Aligned
    candidates: list[Reading]
    owners: list[ValueCell]  # where each token was found
    status: str  # ok | inferred | ambiguous | partial
    notes: list[str] = field(default_factory=list)
    exact: bool = False  # every cell was one clean value of a real grid
    merged: set[int] = field(default_factory=set)  # slots under a printed cell that spans several
    invalid: dict[int, str] = field(default_factory=dict)  # slot → why the grammar refused its text
    placed: str = ""  # how tokens were placed: header | order | layout | left
    certain: bool = False  # the best reading may settle other lines

    @property
    def keys(self) -> list[CellKey]:
        return self.aligned.keys

    @property
    def columns(self) -> list[Column]:
        return self.aligned.columns


# ------------------------------------------------------------------ 1–2. tokens and their slots


def tokens_of(cells: list[ValueCell]) -> tuple[list[Token], list[ValueCell], bool]:
    """Tokens for reading a line; ``exact`` is True when every cell is one clean value."""
    tokens, owners, exact = [], [], True
    for vc in cells:
        parsed = parse_value(vc.text)
        if vc.exact and parsed.kind in ("number", "blank", "dash"):
            tokens.append(Token(vc.text.strip(), separated=True))
            owners.append(vc)
            continue
        if vc.exact and parsed.kind == "text" and (not any(ch.isdigit() for ch in vc.text)
                                                   or not re.search(r"\s", vc.text.strip())
                                                   or any(parse_value(alt).kind == "number" for alt in vc.alternatives)):
            # words, or one piece of digits the grammar refuses ((53), 1,36,3), in a cell of its own, or a recognised
            # cell another reading of which is a number (24402 12 / 24402.12): one token, read or refused later
            tokens.append(Token(vc.text.strip(), separated=True))
            owners.append(vc)
            continue
        exact = False
        for piece in vc.text.split():
            tokens.append(Token(piece, separated=vc.exact))
            owners.append(vc)
    return tokens, owners, exact


def placement(a: Aligned, count: int) -> tuple[list[list[int]], str, list[str]]:
    """For each of ``count`` tokens, the slots it fills, and how that was decided."""
    n = len(a.keys)
    h = a.header
    if h.cells is not None and len(h.cells) >= count and all(h.cells[:count]) and \
            sorted(s for c in h.cells[:count] for s in c) == list(range(n)):
        # the header cells above the printed cells name every column once (a row short of a cell does not)
        return [list(c) for c in h.cells[:count]], "header", []
    if h.order is not None and count == n and h.verdict in ("official", "reordered", "partial"):
        notes = [h.note] if h.verdict == "reordered" else []
        return [[s] for s in h.order], "order", notes
    if count == n:
        return [[i] for i in range(n)], "layout", []
    return [[i] for i in range(min(count, n))], "left", [
        f"the printed row has {count} values where the format has {n}; placed from the left, which may be wrong"]


# ------------------------------------------------------------------ 3. one line


_INSIDE: dict[tuple, tuple[list, list]] = {}


def _line_context(keys: list[CellKey], columns: list[Column], template: Template,
                  prose: dict[str, frozenset]) -> LineContext:
    ids, rels = _inside(tuple(keys), template)
    stated = frozenset().union(*(prose.get(r, frozenset()) for r in {k.row for k in keys}))
    return LineContext(columns, ids, rels, stated)


def _inside(keys: tuple[CellKey, ...], template: Template) -> tuple[list, list]:
    """The identities and soft relations that fall inside one line's cells (as indexes), per format."""
    cache_key = (template.key, keys)
    if cache_key in _INSIDE:
        return _INSIDE[cache_key]
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
    _INSIDE[cache_key] = (ids, rels)
    return ids, rels


def _options(vc: ValueCell, text: str) -> list[str]:
    """A recognised cell's text and its other readings (the recogniser's runner-ups), best first."""
    if vc.confidence is not None and vc.alternatives:
        return [text] + [alt for alt in vc.alternatives if alt != text]
    return [text]


def _exact_pieces(texts: list[str], columns: list[Column], slots: list[list[int]], n: int,
                  res: Resolution) -> tuple[Piece, ...]:
    """One reading of a line's own cells; ``res`` records which slots are merged or refused."""
    res.merged, res.invalid = set(), {}
    pieces: list[Piece | None] = [None] * n
    for ti, (text, where) in enumerate(zip(texts, slots)):
        if len(where) > 1:  # one printed cell across several of the format's columns says nothing of each
            for s in where:
                res.merged.add(s)
                pieces[s] = Piece(text.strip(), None, None, ti, False)
            continue
        s = where[0]
        parsed = parse_value(text)
        note = f"footnote marker {parsed.marker} set aside" if parsed.marker else ""
        if parsed.kind in ("blank", "dash"):
            pieces[s] = Piece("" if parsed.kind == "blank" else text.strip(), None, None, ti, False, note)
            continue
        if parsed.kind == "text":
            res.invalid[s] = "the cell holds text, not a number"
            pieces[s] = Piece(text.strip(), None, None, ti, False, note)
            continue
        verdict = columns[s].grammar.admit(parsed)
        if not verdict.admitted:
            res.invalid[s] = verdict.note
            pieces[s] = Piece(text.strip(), None, parsed.unit, ti, False, note)
            continue
        note = "; ".join(x for x in (note, verdict.note) if x)
        pieces[s] = Piece(text.strip(), verdict.value, verdict.unit, ti, False, note)
    return tuple(pieces)


def read_line(a: Aligned, template: Template, prose: dict[str, frozenset]) -> Resolution:
    n = len(a.keys)
    tokens, owners, exact = tokens_of(a.line.cells)
    # cells beyond the format's count that are blank are layout padding
    while len(tokens) > n and not squash(tokens[-1].text):
        tokens.pop()
        owners.pop()
    spread = ""
    if n == 1 and len(tokens) > 1 and exact:
        # a one-column row whose merged value cell a converter split into several cells: blank cells
        # around one value, or the value repeated in each
        filled = [i for i, t in enumerate(tokens) if squash(t.text)]
        if filled and len({squash(tokens[i].text) for i in filled}) == 1:
            spread = f"one value printed across {len(tokens)} cells (a merged cell split in the conversion)"
            tokens, owners = [tokens[filled[0]]], [owners[filled[0]]]
    res = Resolution(a, [], owners, "ok", exact=exact)
    if spread:
        res.notes.append(spread)
    ctx = _line_context(a.keys, a.columns, template, prose)
    if exact and (a.line.source == "grid" or len(tokens) == n):
        slots, res.placed, notes = placement(a, len(tokens))
        res.notes += notes
        if len(tokens) > n and res.placed in ("left", "layout"):
            res.notes.append(f"the printed row has {len(tokens)} values where the format has {n}; placed from the "
                             "left, which may be wrong")
            res.placed = "left"
        tokens, owners = tokens[:len(slots)], owners[:len(slots)]
        res.owners = owners
        options = [_options(vc, t.text) for vc, t in zip(owners, tokens)]
        combos = 1
        for o in options:
            combos *= len(o)
        if combos > OCR_OPTIONS:
            options = [o[:1] for o in options]
        combos_texts = list(product(*options))
        candidates = [Reading(_exact_pieces(list(texts), a.columns, slots, n, res)) for texts in combos_texts]
        chosen_texts = combos_texts[0]
        if len(candidates) > 1 and ctx.identities and not fits(candidates[0], ctx):
            # the recognised digits break the row's total: the recogniser's other readings may not
            fitting = [(r, t) for r, t in zip(candidates, combos_texts) if fits(r, ctx)]
            if fitting:
                res.candidates = [r for r, _ in fitting]
                chosen_texts = fitting[0][1]
                res.status = "inferred" if len(fitting) == 1 else "ambiguous"
                res.notes.append("the recognised digits break the row's total; " + (
                    "one of the recogniser's other readings keeps it" if len(fitting) == 1 else
                    "several of the recogniser's other readings keep it"))
            else:
                res.candidates = candidates[:1] + candidates[1:SETTINGS.max_alternatives + 1]
                res.status = "ambiguous"
                res.notes.append("the recognised digits break the row's total, and so do the recogniser's "
                                 "other readings")
            _exact_pieces(list(chosen_texts), a.columns, slots, n, res)  # merged/invalid of the chosen reading
        elif len(candidates) > 1:
            res.candidates = candidates[:1]  # the recognised reading holds (or nothing inside the line checks it)
            _exact_pieces(list(chosen_texts), a.columns, slots, n, res)
            res.status = "ok"
            if res.invalid:
                # the recognised text is no value its column admits; one of the recogniser's other readings
                # may be (24402 12 → 24402.12): the first such, never more than a guess
                for texts in combos_texts[1:]:
                    _exact_pieces(list(texts), a.columns, slots, n, res)
                    if not res.invalid:
                        res.candidates = [Reading(_exact_pieces(list(texts), a.columns, slots, n, res))] + \
                            candidates[:1]
                        res.status = "ambiguous"
                        res.notes.append("the recognised text is no value its column admits; one of the "
                                         "recogniser's other readings is, and nothing confirms it")
                        break
                else:
                    _exact_pieces(list(chosen_texts), a.columns, slots, n, res)
        else:
            res.candidates = candidates
            res.status = "ambiguous" if res.placed == "left" else "ok"
            if a.line.source == "text" and res.status == "ok":
                # boundaries taken from the spaces of running text: a line that does not add up, or
                # holds a token that is no value, may have lost or gained a digit or a cell
                if ctx.identities and not fits(candidates[0], ctx):
                    res.status = "ambiguous"
                    res.notes.append("values read from running text that break the row's total: a digit or a "
                                     "cell may have been lost")
                elif res.invalid:
                    res.status = "ambiguous"
                    res.notes.append("the line's running text holds something that is no value: its other values "
                                     "may be misread")
            if res.status == "ok" and _short_row(candidates[0], tokens, slots, ctx):
                res.status, res.placed = "ambiguous", "left"
                res.notes.append("the printed row ends in a blank cell and does not add up: it may be a value short, "
                                 "its values placed from the left")
        res.certain = res.status != "ambiguous" and not a.evidence.doubt
        return res
    # text whose cell boundaries were lost: every reading the grammar admits, in printed order
    printed = list(range(n))
    if a.header.order is not None and a.header.verdict in ("official", "reordered", "partial"):
        printed = list(a.header.order)
        if a.header.verdict == "reordered":
            res.notes.append(a.header.note)
    res.placed = "order" if a.header.order is not None else "layout"
    pcols = [a.columns[s] for s in printed]
    pctx = _line_context([a.keys[s] for s in printed], pcols, template, prose)
    found = readings(tokens, pcols, identities=pctx.identities)
    if found is None:
        res.status, res.notes = "ambiguous", ["too many readings of the run-together digits to choose from"]
        return res
    if not found:
        res.status = "partial"
        res.notes.append(f"the value text {' '.join(t.text for t in tokens)!r} cannot be read as {n} values")
        return res
    ranked = rank(found, pctx)
    fitting = [r for r in ranked if fits(r, pctx)]
    if pctx.identities and not fitting:
        res.notes.append("no reading of the run-together digits satisfies the row's total")
    pool = fitting or ranked
    # back to the format's order
    inverse = {s: i for i, s in enumerate(printed)}
    res.candidates = [Reading(tuple(r.pieces[inverse[s]] for s in range(n)), r.cost) for r in pool]
    split = any(p.split for p in pool[0].pieces)
    if len(pool) == 1 and (fitting or not pctx.identities):
        res.status = "inferred" if split else "ok"
    else:
        res.status = "ambiguous"
    res.certain = res.status != "ambiguous" and not a.evidence.doubt and (fitting or not pctx.identities)
    return res


def _short_row(reading: Reading, tokens: list[Token], slots: list[list[int]], ctx: LineContext) -> bool:
    """A row whose last printed cell is blank and which does not add up with blanks read as 0: a row one
    value short (``4 | 0 | 0 | 0 | 0 | 4 |`` under seven columns), padded to the table's width."""
    if not ctx.identities or not tokens or squash(tokens[-1].text) or len(slots) < len(tokens):
        return False
    values = [p.value if p is not None and p.value is not None else (Decimal(0) if p is not None and p.text == ""
                                                                       else None)
              for p in reading.pieces]
    return any(a is not None and b is not None and a != b
               for a, b in ((total(values[i] for i in lhs), total(values[i] for i in rhs)) for lhs, rhs in ctx.identities))


# ------------------------------------------------------------------ 4. identities across lines


def propagate(resolutions: list[Resolution], template: Template) -> None:
    """Use identities that span lines to discard readings that cannot be right. Only certain lines
    (one reading, no doubt about their row) act as fixed terms; an open line is never settled by a
    term that is itself a guess."""
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
            fixed = [li for li in lines if len(resolutions[li].candidates) == 1]
            if not open_lines or any(not resolutions[li].certain for li in fixed):
                continue
            if any(resolutions[li].aligned.evidence.doubt for li in open_lines):
                continue
            combos = 1
            for li in open_lines:
                combos *= len(resolutions[li].candidates)
            if combos > SETTINGS.joint_limit:
                continue
            chosen = {li: resolutions[li].candidates[0] for li in lines}
            keep: dict[int, list[Reading]] = {li: [] for li in open_lines}

            def side(cells: tuple[CellKey, ...]) -> Decimal | None:
                return total(chosen[where[c][0]].values[where[c][1]] for c in cells)

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
                        resolutions[li].certain = True
                        resolutions[li].notes.append(f"reading settled by {ident.id}")


# ------------------------------------------------------------------ 5. cells


def _classes(columns: list[Column]) -> list[tuple]:
    """Columns nothing but a header can tell apart share a class: both parts or both totals. Grammar does
    not tell them apart: a signed or a money column admits any count (478 may be 本年增/减)."""
    return [(c.key == "total",) for c in columns]


def _uniform(pieces: tuple[Piece, ...], classes: list[tuple], slot: int) -> bool:
    mine = classes[slot]
    same = [p for p, c in zip(pieces, classes) if c == mine and p is not None]
    return len({(p.value, p.text == "") for p in same}) <= 1


def _copy_values(line, a: Aligned, template: Template) -> list[Decimal | None] | None:
    """The values of another printed copy of the row, placed as its own header says."""
    other = Aligned(line, a.table, a.row, a.keys, a.columns, a.evidence, a.header, a.region)
    res = read_line(other, template, {})
    return list(res.candidates[0].values) if res.candidates else None


def _alternatives(res: Resolution, slot: int, piece: Piece) -> list[str]:
    others: list[str] = []
    for cand in res.candidates[1:]:
        v = cand.pieces[slot].text if cand.pieces[slot] is not None else ""
        if v != piece.text and v not in others:
            others.append(v)
    return others[:SETTINGS.max_alternatives]


def cell_values(res: Resolution, template: Template) -> list[CellValue]:
    a = res.aligned
    if not res.candidates:
        return []
    best = res.candidates[0]
    classes = _classes(res.columns)
    copies = [v for v in (_copy_values(line, a, template) for line in a.copies) if v is not None]
    doubt_row = [d for d in a.evidence.doubt if not d.startswith("the row is printed more than once")]
    line_notes = list(res.notes) + list(a.evidence.doubt)
    confirmed = set(range(len(res.keys))) if res.placed == "header" else a.header.confirmed
    out = []
    for slot, (key, col) in enumerate(zip(res.keys, res.columns)):
        piece = best.pieces[slot]
        if piece is None:
            continue
        owner = res.owners[piece.token] if piece.token < len(res.owners) else None
        notes = list(line_notes)
        if piece.note:
            notes.append(piece.note)
        alts = _alternatives(res, slot, piece)
        value = piece.value
        if slot in res.merged:
            status, value = "ambiguous", None
            notes.append("one printed cell spans several columns of the format")
        elif slot in res.invalid:
            status, value = "invalid", None
            notes.append(res.invalid[slot])
        elif piece.text == "" or piece.value is None:
            status = "blank" if piece.text == "" else "dash"
            if res.placed == "left":  # which column the printed cells belong to is not known
                status = "ambiguous"
        else:
            status = res.status if res.status in ("ok", "inferred", "ambiguous") else "inferred"
            if doubt_row:
                status = "ambiguous"
            differing = [v[slot] for v in copies if v[slot] != value]
            if differing:
                status = "ambiguous"
                alts += [("" if v is None else format(v, "f")) for v in differing if v is not None]
            uniform = _uniform(best.pieces, classes, slot)
            if a.header.verdict == "conflict" and not uniform and res.placed != "header":
                status = "ambiguous"
                notes.append(a.header.note)
            elif slot not in confirmed and not uniform and status == "ok":
                status = "inferred"
                notes.append("placed by the national layout: no header words name this column")
        if owner is not None and piece.split:
            notes.insert(0, f"read from {owner.text.strip()!r}")
        if len(res.candidates) > 1:
            line_alts = " / ".join(c.show() for c in res.candidates[:SETTINGS.max_alternatives + 1])
            notes.append(f"readings of the line, best first: {line_alts}")
        row_label = (template.row_spec(key.table, key.row).label if key.table != "appeals"
                     else template.table("appeals").row(key.row).label)
        out.append(CellValue(
            table=key.table, row=key.row, column=key.column, value=value, raw=piece.text, status=status,
            row_label=row_label, column_label=col.label, unit=col.unit or piece.unit,
            page=owner.page if owner else None, block=owner.block if owner else None,
            cell=owner.ref if owner else "", alternatives="; ".join(dict.fromkeys(alts)),
            note="; ".join(dict.fromkeys(n for n in notes if n)),
            source="ocr" if owner is not None and owner.confidence is not None else "text",
            confidence=owner.confidence if owner is not None else None))
    return out


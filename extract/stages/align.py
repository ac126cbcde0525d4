"""Align a document's printed tables to the template: which printed line is which row, which
printed column is which column — with the evidence for each decision kept as data.

Steps (in the spirit of pdfplumber's named steps; ``extract inspect`` shows each one):
1. ``grid_candidates``: every line of every grid (``lines.grid_lines``) with the rows its label
   may name (``rowmatch.rank_rows``: best score and runner-up).
2. ``choose_rows``: one line per template row. A line in the row's own section beats one
   elsewhere (a row quoted in the overview); a row printed twice with the same values is noted;
   printed twice with other values, the row is *doubted*. A label whose numbering belongs to
   another row (``2.要求提供公开出版物`` where 2. is 重复申请), or whose runner-up scores as well, is
   doubted too. A line with a label and values inside a table's section that names no row is kept
   as *unmatched*, never dropped silently.
3. ``text_rows``: rows no grid gave, found in the running text of their section (``textscan``).
4. ``appeals_line``: the appeals table's one line of fifteen values.
5. ``read_headers``: each line's printed column order (``header``): the header cells above its
   values, or the header's words in reading order; a line with no header of its own takes the
   last one read for its block; with none at all, only the official layout places the columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Document, Pos
from ..settings import SETTINGS
from ..templates import CellKey, Column, Row, Template
from ..textnorm import core, fold, nfkc, split_numbering, squash
from .header import HeaderReading, header_tree, header_words, order_from_words, read_grid_header
from .lines import Line, grid_lines
from .rowmatch import RowMatch, rank_rows
from .textscan import scan_text, trailing_values





def no_header() -> HeaderReading:
    return HeaderReading("layout", None, [], [], "no header words name the columns")


@dataclass
class RowEvidence:
    """Why a line was taken for a row, and what speaks against it."""

    score: float
    runner_up: RowMatch | None = None
    because: list[str] = field(default_factory=list)
    doubt: list[str] = field(default_factory=list)


@dataclass
class Aligned:
    """One printed line aligned to one template row (or, for appeals, to the whole table)."""

    line: Line
    table: str
    row: str  # template row key; "appeals" for the one-line appeals table
    keys: list[CellKey]  # the cells of the format, in the format's order (the header's slots)
    columns: list[Column]
    evidence: RowEvidence
    header: HeaderReading = field(default_factory=no_header)
    region: str | None = None  # the section the line stands in
    copies: list[Line] = field(default_factory=list)  # the row printed again with other values
    in_template: bool = True  # False: a row of the other national format

    @property
    def ref(self) -> str:
        return f"{self.table}.{self.row}"


@dataclass
class Unmatched:
    line: Line
    region: str
    reason: str


@dataclass
class Alignment:
    rows: list[Aligned]
    unmatched: list[Unmatched] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # labels printed as a recogniser misreads them: evidence that the whole text was recognised (OCR)
    recognised: list[str] = field(default_factory=list)

    def by_row(self) -> dict[tuple[str, str], Aligned]:
        return {(a.table, a.row): a for a in self.rows}


# ------------------------------------------------------------------ helpers


def _region_of(regions: dict[str, tuple[Pos, Pos]], block: int) -> str | None:
    for key, (start, end) in regions.items():
        if start.block <= block <= end.block:
            return key
    return None


def _block_key(template: Template, table: str, row: str) -> str:
    spec = template.table(table)
    try:
        return spec.block_of(row).key
    except KeyError:  # a row of the other format sits in the block of the rows it replaces
        return (spec.blocks[-1] if len(spec.blocks) == 1 else spec.block_of(template.variant_before[table])).key


def _values_text(line: Line) -> tuple[str, ...]:
    cells = [squash(nfkc(c.text)) for c in line.cells]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def _numbered_row(line: Line, row: Row, template: Template, table: str) -> Row | None:
    """The row of the same list (group) that the label's own numbering names, when it is not ``row``."""
    segs = [s for s in line.segments if squash(s)]
    mine, _ = split_numbering(nfkc(segs[-1])) if segs else (None, "")
    if mine is None:
        return None
    for other in template.scan_rows(table):
        theirs, _ = split_numbering(nfkc(other.label))
        if other.key != row.key and other.group == row.group and theirs and theirs.number == mine.number and (
                theirs.kind == mine.kind or {theirs.kind, mine.kind} <= {"arabic", "arabic_paren"}):
            return other
    return None


def _numbering_doubt(line: Line, row: Row) -> str:
    """The label's own numbering names another row of the same list (2. where the words are 3.'s)."""
    segs = [s for s in line.segments if squash(s)]
    if not segs:
        return ""
    mine, _ = split_numbering(nfkc(segs[-1]))
    theirs, _ = split_numbering(nfkc(row.label))
    if mine and theirs and mine.number != theirs.number and (
            mine.kind == theirs.kind or {mine.kind, theirs.kind} <= {"arabic", "arabic_paren"}):
        return (f"the label's numbering {mine.text} is not the row's ({theirs.text} {split_numbering(row.label)[1]}): "
                "the words and the numbering name different rows")
    return ""


# ------------------------------------------------------------------ 1–2. grid lines → rows


@dataclass
class _Candidate:
    line: Line
    region: str | None
    ranked: tuple[RowMatch, ...]


def grid_candidates(doc: Document, regions: dict[str, tuple[Pos, Pos]], template: Template):
    """Labelled lines with the rows they may name; unlabelled lines with values (appeals, by place)."""
    rows = [(table, row) for table in ("active", "requests") for row in template.scan_rows(table)]
    labelled: list[_Candidate] = []
    bare: list[tuple[Line, str | None]] = []
    unmatched: list[Unmatched] = []
    for bi, table in doc.tables():
        region = _region_of(regions, bi)
        for line in grid_lines(table, bi):
            if line.segments:
                if not line.cells:
                    continue
                ranked = rank_rows(line.segments, rows)
                if not ranked or (not line.has_values() and ranked[0].score < 0.9):
                    if ranked == () and line.has_values() and region in ("active", "requests"):
                        unmatched.append(Unmatched(line, region, "its label names no row of the format"))
                    continue
                labelled.append(_Candidate(line, region, ranked))
            elif line.has_values():
                bare.append((line, region))
    return labelled, bare, unmatched


def choose_rows(cands: list[_Candidate], regions: dict, template: Template) -> tuple[list[Aligned], list[str]]:
    notes: list[str] = []
    by_row: dict[tuple[str, str], list[_Candidate]] = {}
    for c in cands:
        best = c.ranked[0]
        by_row.setdefault((best.table, best.row), []).append(c)
    taken = {key for key in by_row}
    out: list[Aligned] = []
    for (table, row_key), group in by_row.items():
        def rank(c: _Candidate):
            return (c.region == table or not regions, c.line.has_values(), c.ranked[0].score)

        group.sort(key=rank, reverse=True)
        chosen = group[0]
        row = template.row_spec(table, row_key)
        best = chosen.ranked[0]
        ev = RowEvidence(best.score, next((m for m in chosen.ranked[1:] if (m.table, m.row) != (table, row_key)), None))
        ev.because.append(f"label {chosen.line.label!r} names {table}.{row_key} (score {best.score:.2f})")
        if chosen.region == table:
            ev.because.append("printed in its own section")
        doubt = _numbering_doubt(chosen.line, row)
        if doubt:
            ev.doubt.append(doubt)
        ru = ev.runner_up
        if ru is not None and ru.score >= best.score - SETTINGS.row_margin and (ru.table, ru.row) not in taken:
            ev.doubt.append(f"the label fits {ru.table}.{ru.row} almost as well ({ru.score:.2f} against {best.score:.2f})")
        aligned = Aligned(chosen.line, table, row_key, [], [], ev, region=chosen.region)
        mine = _values_text(chosen.line)
        for other in group[1:]:
            if other.region != chosen.region and chosen.region == table:
                notes.append(f"{table}.{row_key} is printed again outside its section ({other.line.label!r}); "
                             "the copy in its section is used")
                continue
            if not other.line.has_values():
                continue
            if _values_text(other.line) == mine:
                notes.append(f"{table}.{row_key} is printed twice with the same values")
                continue
            aligned.copies.append(other.line)
            ev.doubt.append(f"the row is printed more than once with other values "
                            f"({' | '.join(_values_text(other.line))} against {' | '.join(mine)})")
        out.append(aligned)
    # a line whose numbering names another row of its list stands for that row too
    by_key = {(a.table, a.row): a for a in out}
    for c in cands:
        best = c.ranked[0]
        other = _numbered_row(c.line, template.row_spec(best.table, best.row), template, best.table)
        target = by_key.get((best.table, other.key)) if other is not None else None
        if target is None or target.line is c.line or not c.line.has_values() or \
                (c.region != target.region and target.region == best.table):
            continue
        if _values_text(target.line) != _values_text(c.line):
            target.copies.append(c.line)
            target.evidence.doubt.append(
                f"a line numbered as this row but worded as {best.table}.{best.row} ({c.line.label!r}) prints "
                f"other values ({' | '.join(_values_text(c.line))} against {' | '.join(_values_text(target.line))})")
    return out, notes


# ------------------------------------------------------------------ 3–4. running text and the appeals line


def _appeal_keys(template: Template) -> tuple[list[CellKey], list[Column]]:
    spec = template.table("appeals")
    keys, cols = [], []
    for row in spec.rows():
        for col in spec.columns_of(row.key):
            keys.append(CellKey("appeals", row.key, col.key))
            cols.append(col)
    return keys, cols


def _names_appeals(line: Line, template: Template) -> bool:
    """The header words above the line name the appeals table's rows (行政复议, and 行政诉讼 or its groups)."""
    words = "".join(w for cell in line.paths for span in cell for w in span)
    rows = template.table("appeals").rows()
    return rows[0].label in words and any(r.group in words or r.label in words for r in rows[1:])


def appeals_line(bare: list[tuple[Line, str | None]], doc: Document, regions: dict, template: Template) -> Aligned | None:
    keys, cols = _appeal_keys(template)
    lines = [ln for ln, region in bare if region == "appeals" or _names_appeals(ln, template)]
    tree = header_tree(template, "appeals", "appeals")
    if lines:
        first = lines[0]
        merged = Line([], [c for ln in lines for c in ln.cells], first.block, first.row, first.page,
                      [p for ln in lines for p in ln.paths], first.header_text, line_rows=first.line_rows)
        header = read_grid_header(tree, merged.paths, merged.header_text, merged.line_rows)
        ev = RowEvidence(1.0, because=["unlabelled values " + ("in the appeals section" if first.block is not None and
                                                               _region_of(regions, first.block) == "appeals"
                                                               else "under the appeals table's header words")])
        return Aligned(merged, "appeals", "appeals", keys, cols, ev, header, "appeals")
    if "appeals" in regions:
        line = trailing_values(doc, *regions["appeals"], [w for c in cols for w in c.labels])
        if line is not None:
            words = [w for t in line.header_text for w in header_words(tree, t)]
            ev = RowEvidence(1.0, because=["values after the appeals table's header words in running text"])
            return Aligned(line, "appeals", "appeals", keys, cols, ev, order_from_words(tree, words, rows_known=False),
                           "appeals")
    return None


def _stop_words(template: Template, table: str) -> tuple[str, ...]:
    """Words after which no value belongs to the row before: the blocks' captions and header words."""
    spec = template.table(table)
    if len(spec.blocks) < 2:
        return ()
    words = {core(b.caption) for b in spec.blocks if b.caption} | {"信息内容"}
    words |= {core(c.label) for b in spec.blocks for c in b.columns}
    return tuple(sorted(w for w in words if len(w) >= 4))


def text_rows(doc: Document, regions: dict, template: Template, have: set[tuple[str, str]],
              recognised: list[str]) -> list[Aligned]:
    """Rows the grids did not give, from the running text of their section. ``recognised`` receives the
    rows whose label was found only as a recogniser misprints it."""
    out = []
    for table in ("active", "requests"):
        rows = template.scan_rows(table)
        if table not in regions or all((table, r.key) in have for r in template.table(table).rows()):
            continue
        scan = scan_text(doc, *regions[table], rows, _stop_words(template, table))
        recognised.extend(f"{table}.{k}" for k in scan.folded)
        headers: dict[str, HeaderReading] = {}
        for block in template.table(table).blocks:
            tree = header_tree(template, table, block.key)
            zone = scan.before([r.key for r in block.rows])
            words = header_words(tree, zone)
            headers[block.key] = order_from_words(tree, words, rows_known=False) if words else no_header()
        for row_key, line in scan.lines.items():
            if (table, row_key) in have or not line.cells:
                continue
            ev = RowEvidence(1.0, because=[f"label {line.label!r} found in the running text of its section"])
            out.append(Aligned(line, table, row_key, [], [], ev, headers[_block_key(template, table, row_key)], table))
    return out


# ------------------------------------------------------------------ 5. headers


def read_headers(aligned: list[Aligned], template: Template) -> None:
    """Each grid line's printed column order; a line with no header of its own takes the last
    positive one of its block (a table continued on the next page without its header)."""
    last: dict[tuple[str, str], HeaderReading] = {}
    for a in sorted(aligned, key=lambda a: (a.line.block, a.line.row or 0)):
        block = "appeals" if a.table == "appeals" else _block_key(template, a.table, a.row)
        if a.line.source == "grid" and a.table != "appeals":
            tree = header_tree(template, a.table, block)
            a.header = read_grid_header(tree, a.line.paths, a.line.header_text, a.line.line_rows)
        if a.header.verdict == "layout" and (a.table, block) in last:
            inherited = last[(a.table, block)]
            suffix = " (the header printed above for the block)"
            a.header = HeaderReading(inherited.verdict, inherited.order, inherited.found, inherited.words,
                                     inherited.note if inherited.note.endswith(suffix) else inherited.note + suffix)
        if a.header.positive:
            last[(a.table, block)] = a.header


def _keys(a: Aligned, template: Template) -> None:
    if a.table == "appeals":
        return
    cols = list(template.row_columns(a.table, a.row))
    a.columns = cols
    a.keys = [CellKey(a.table, a.row, c.key) for c in cols]
    a.in_template = any(r.key == a.row for r in template.table(a.table).rows())


def _form_words(template: Template) -> dict[str, str]:
    """Words of the forms' tables long enough to tell a misreading (label core → name): row labels and
    their groups (予以公开, 不予处理 …)."""
    out: dict[str, str] = {}
    for table in ("active", "requests"):
        for row in template.scan_rows(table):
            for label in (row.label, *row.aliases, *row.group.split("/")):
                c = core(label)
                if len(c) >= 4 and fold(c) == c:
                    out.setdefault(c, f"{table}.{row.key}")
    return out


def misread_words(doc: Document, template: Template) -> list[str]:
    """Words of the forms printed only as a recogniser misreads them (了以大开, 不子处理), anywhere in the
    text: evidence that the whole text was recognised, whichever way its tables were read."""
    text = core(doc.text())
    folded = fold(text)
    return sorted({c for c in _form_words(template) if c not in text and c in folded})


def align(doc: Document, regions: dict[str, tuple[Pos, Pos]], template: Template) -> Alignment:
    labelled, bare, unmatched = grid_candidates(doc, regions, template)
    rows, notes = choose_rows(labelled, regions, template)
    recognised = [f"{c.ranked[0].table}.{c.ranked[0].row}" for c in labelled if c.ranked[0].folded]
    have = {(a.table, a.row) for a in rows}
    rows += text_rows(doc, regions, template, have, recognised)
    recognised += [w for w in misread_words(doc, template) if w not in recognised]
    appeals = appeals_line(bare, doc, regions, template)
    if appeals is not None:
        rows.append(appeals)
    for a in rows:
        _keys(a, template)
    read_headers(rows, template)
    for u in unmatched:
        notes.append(f"a line in table {u.region} ({u.line.label!r}: {' | '.join(_values_text(u.line))}) "
                     f"{u.reason}; it was not read")
    if len(recognised) >= SETTINGS.recognised_labels:
        notes.append(f"the text looks recognised (OCR): {len(recognised)} labels are printed as a recogniser misreads "
                     f"them ({', '.join(recognised[:4])}{' …' if len(recognised) > 4 else ''}); its values count only "
                     "where the identities confirm them")
    return Alignment(rows, unmatched, notes, recognised if len(recognised) >= SETTINGS.recognised_labels else [])

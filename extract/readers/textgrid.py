"""Tables drawn with characters: box and ASCII grids, and tables ruled with dashes.

Two forms, both read by display columns (an East Asian character takes two):

- **Grid tables** — ``+----+----+`` with ``|`` between cells (reST, pandoc's grid tables,
  console tools), or the same drawn with box characters (``┌─┬─┐ │ ├─┼─┤``). Steps:
  ``grid_runs`` finds runs of rule and bar lines; ``boundaries`` takes the column edges from the
  rules' junctions and the row edges from the rule lines; ``grid_cells`` merges two neighbouring
  slots where no bar or rule divides them (merged cells: a rule line left blank over a slot is a
  cell spanning rows, a missing bar a cell spanning columns).
- **Dash-ruled tables** — pandoc's plain text (simple and multiline tables): a line of dash runs
  (``-----  ------  ----``) gives the columns' extents; each line between the rules is cut at
  them. When blank lines stand between the rows (a multiline table), the lines of one row are
  joined cell by cell.
"""
from __future__ import annotations

import re
import unicodedata

from ..document import Cell, Table

# box-drawing characters by role
_VERTICAL = set("|│┃║╎╏┆┇┊┋╽╿")
_HORIZONTAL = set("-─━═╌╍┄┅┈┉╼╾=~")
# every other box-drawing character (U+2500–U+257F) is a corner or a junction
_JUNCTION = {"+"} | {chr(c) for c in range(0x2500, 0x2580)} - _VERTICAL - _HORIZONTAL
_RULE_CHARS = _HORIZONTAL | _JUNCTION | _VERTICAL | {":", " "}
_DASH_RULE = re.compile(r"^\s*(?:-{3,}(?:\s+-{3,})*|={3,}(?:\s+={3,})*)\s*$")  # pandoc's dashes, reST's =
MAX_GRID_LINES = 2000  # a grid longer than any report's table is not read as one


def _width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def expand(line: str, wide: bool = True) -> str:
    """The line with each wide character followed by a filler (NUL), so that string index = display column
    (``wide`` False: one column per character, as tools that do not know East Asian widths draw)."""
    out = []
    for ch in line.rstrip("\n"):
        w = _width(ch) if wide else 1
        if w == 0:
            if out:
                out[-1] += ch
            continue
        out.append(ch)
        if w == 2:
            out.append("\0")
    return "".join(out)


def _text(s: str) -> str:
    return s.replace("\0", "")


# ------------------------------------------------------------------ grid tables


def is_rule(line: str) -> bool:
    """A grid's rule: horizontal strokes with junctions (``+----+``, ``├──┼──┤``); a Markdown table's
    delimiter row (``|---|---|``) has no junctions and is not one."""
    t = line.strip()
    return (len(t) >= 3 and set(t) <= _RULE_CHARS and sum(ch in _HORIZONTAL for ch in t) >= 3
            and any(ch in _JUNCTION for ch in t))


def is_bar_line(line: str) -> bool:
    t = line.strip()
    return len(t) >= 2 and t[0] in _VERTICAL | _JUNCTION and t[-1] in _VERTICAL | _JUNCTION


def grid_runs(lines: list[str]) -> list[tuple[int, int]]:
    """Spans [start, end) of runs of rule and bar lines that begin with a rule and hold a bar line."""
    out = []
    i = 0
    while i < len(lines):
        if not is_rule(lines[i]):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and j - i < MAX_GRID_LINES and (is_rule(lines[j]) or is_bar_line(lines[j])):
            j += 1
        end = j
        while end > i + 1 and not is_rule(lines[end - 1]):
            end -= 1  # the last rule closes the table (a missing one: up to the last bar line)
        if end <= i + 1:
            end = j
        if any(is_bar_line(lines[k]) and not is_rule(lines[k]) for k in range(i, end)):
            start = i
            while start > (out[-1][1] if out else 0) and is_bar_line(lines[start - 1]) and not is_rule(lines[start - 1]):
                start -= 1  # a header over the first rule, with no rule above it (org-mode tables)
            out.append((start, end))
            i = end
        else:
            i += 1
    return out


def _role(ch: str) -> str:
    if ch in _JUNCTION:
        return "+"
    if ch in _VERTICAL:
        return "|"
    if ch in _HORIZONTAL:
        return "-"
    return ch


def _aligned(lines: list[str], wide: bool) -> float:
    """How many of the content lines' bars stand on a junction of the rules, counting columns so."""
    rows = [expand(ln, wide) for ln in lines]
    junctions = {x for ln, r in zip(lines, rows) if is_rule(ln) for x, ch in enumerate(r) if _role(ch) == "+"}
    bars = [x for ln, r in zip(lines, rows) if not is_rule(ln) for x, ch in enumerate(r) if _role(ch) == "|"]
    return sum(x in junctions for x in bars) / max(len(bars), 1)


def grid_table(lines: list[str], page: int | None = None) -> Table | None:
    wide = _aligned(lines, True) >= _aligned(lines, False)
    rows = [expand(ln, wide) for ln in lines]
    width = max(len(r) for r in rows)
    rows = [r.ljust(width) for r in rows]
    norm = ["".join(_role(ch) for ch in r) for r in rows]
    rule_rows = [i for i, ln in enumerate(lines) if is_rule(ln)]
    if rule_rows and rule_rows[0] != 0:  # no rule above the header: draw one
        rows.insert(0, " " * width)
        norm.insert(0, "".join("+" if ch in "|+" else "-" for ch in norm[rule_rows[0]]))
        rule_rows = [0] + [i + 1 for i in rule_rows]
    if len(rule_rows) < 2 and not (rule_rows and rule_rows[0] == 0):
        return None
    if rule_rows[-1] != len(rows) - 1:
        rule_rows.append(len(rows))  # no closing rule
        norm.append("+" * width)
        rows.append(" " * width)
    # column edges: junctions on the rules, bars on the content lines
    edges = sorted({x for i in rule_rows if i < len(lines) for x, ch in enumerate(norm[i]) if ch == "+"}
                   | {x for i, ln in enumerate(norm) if i not in rule_rows for x, ch in enumerate(ln) if ch == "|"})
    edges = [x for x in edges if any(norm[i][x] in "+|" for i in range(len(norm)))]
    if len(edges) < 2:
        return None
    rows, norm, rule_rows = _record_lines(rows, norm, rule_rows, edges, width)
    n_rows, n_cols = len(rule_rows) - 1, len(edges) - 1
    # a bar between slot (r, c) and (r, c+1)?  a rule between (r, c) and (r+1, c)?
    parent = list(range(n_rows * n_cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for r in range(n_rows):
        top, bottom = rule_rows[r], rule_rows[r + 1]
        content = range(top + 1, bottom)
        for c in range(1, n_cols):
            x = edges[c]
            if content and not any(norm[i][x] in "|+" for i in content):
                union(r * n_cols + c - 1, r * n_cols + c)
        if r + 1 < n_rows:
            for c in range(n_cols):
                seg = norm[bottom][edges[c] + 1:edges[c + 1]]
                if seg and "-" not in seg and "=" not in seg and ":" not in seg:
                    union(r * n_cols + c, (r + 1) * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    cells = []
    for slots in groups.values():
        r0 = min(r for r, _ in slots)
        c0 = min(c for _, c in slots)
        r1 = max(r for r, _ in slots)
        c1 = max(c for _, c in slots)
        if len(slots) != (r1 - r0 + 1) * (c1 - c0 + 1):
            # an L-shaped merge is no cell of a table: keep the slots apart
            for r, c in slots:
                cells.append(Cell(_slot_text(rows, rule_rows, edges, r, r, c, c), r, c, page=page))
            continue
        cells.append(Cell(_slot_text(rows, rule_rows, edges, r0, r1, c0, c1), r0, c0, r1 - r0 + 1, c1 - c0 + 1,
                          page=page))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(cells, page=page)


def _record_lines(rows: list[str], norm: list[str], rule_rows: list[int], edges: list[int],
                  width: int) -> tuple[list[str], list[str], list[int]]:
    """Lines between two rules that are records of their own (psql, org-mode and many console tables rule
    only the header): when two or more of them hold a number, a rule is drawn between each — they are
    rows, not the wrapped lines of one cell (reST rules every row)."""
    rule = "".join("+" if x in edges else "-" for x in range(width))
    out_rows, out_norm, out_rules = [], [], []
    for k, i in enumerate(rule_rows):
        out_rules.append(len(out_rows))
        out_rows.append(rows[i])
        out_norm.append(norm[i])
        if k + 1 == len(rule_rows):
            break
        content = list(range(i + 1, rule_rows[k + 1]))
        records = sum(any(ch.isdigit() for ch in _text(rows[j])) for j in content) >= 2
        for n, j in enumerate(content):
            if records and n:
                out_rules.append(len(out_rows))
                out_rows.append(" " * width)
                out_norm.append(rule)
            out_rows.append(rows[j])
            out_norm.append(norm[j])
    return out_rows, out_norm, out_rules


def _slot_text(rows: list[str], rule_rows: list[int], edges: list[int], r0: int, r1: int, c0: int, c1: int) -> str:
    parts = []
    for i in range(rule_rows[r0] + 1, rule_rows[r1 + 1]):
        if i in rule_rows:
            continue  # a rule line inside a cell that spans rows (blank over it)
        seg = _text(rows[i][edges[c0] + 1:edges[c1 + 1]])
        # bars inside a cell that spans columns are the drawing's, not the text's
        seg = "".join(ch for ch in seg if ch not in _VERTICAL and ch not in _JUNCTION).strip()
        if seg and not set(seg) <= _HORIZONTAL:
            parts.append(seg)
    return "\n".join(parts)


# ------------------------------------------------------------------ dash-ruled tables (pandoc plain)


def _runs(line: str) -> list[tuple[int, int]]:
    ex = expand(line)
    return [(m.start(), m.end()) for m in re.finditer(r"-{3,}|={3,}", ex)]


def dash_runs(lines: list[str]) -> list[tuple[int, int]]:
    """Spans [start, end) of dash-ruled tables: a rule of two or more dash runs, the lines after it up to
    a closing rule (or a blank line, for a table without one); a header over the first rule belongs to it."""
    out = []
    i = 0
    while i < len(lines):
        if not (_DASH_RULE.match(lines[i]) and len(_runs(lines[i])) >= 2):
            i += 1
            continue
        j = i + 1
        blank = 0
        closed = False
        header_only = True  # no value yet: a rule here ends a header (reST: === / header / === / rows / ===)
        while j < len(lines) and j - i < MAX_GRID_LINES:
            if _DASH_RULE.match(lines[j]):
                if header_only and j > i + 1 and j + 1 < len(lines) and lines[j + 1].strip() \
                        and not _DASH_RULE.match(lines[j + 1]):
                    header_only = False
                    j += 1
                    continue
                closed = True
                j += 1
                break
            if any(ch.isdigit() for ch in lines[j]):
                header_only = False
            if not lines[j].strip():
                blank += 1
                if blank >= 2:
                    break
            else:
                blank = 0
            j += 1
        end = j if closed else j - blank
        start = i
        # header lines just above the rule (a simple table with a header), their words within the columns
        runs = _runs(lines[i])
        k = i - 1
        while k >= 0 and lines[k].strip() and not _DASH_RULE.match(lines[k]) and i - k <= 3 \
                and _within(lines[k], runs):
            k -= 1
        if k < i - 1 and not closed:
            start = k + 1
        if end - i > 1:
            out.append((start, end))
            i = end
        else:
            i += 1
    return out


def _within(line: str, runs: list[tuple[int, int]]) -> bool:
    """No character of the line stands between two of the rule's runs (the line is the table's, not a heading's)."""
    ex = expand(line)
    gaps = [(a[1], b[0]) for a, b in zip(runs, runs[1:])]
    return not any(not ch.isspace() and any(g0 <= x < g1 for g0, g1 in gaps) for x, ch in enumerate(ex))


def dash_table(lines: list[str], page: int | None = None) -> Table | None:
    rule = next(ln for ln in lines if _DASH_RULE.match(ln) and len(_runs(ln)) >= 2)
    runs = _runs(rule)
    starts = [a for a, _ in runs]
    body = [ln for ln in lines if not _DASH_RULE.match(ln)]
    multiline = any(not ln.strip() for ln in body)
    groups: list[list[str]] = []
    current: list[str] = []
    for ln in body:
        if not ln.strip():
            if current:
                groups.append(current)
            current = []
            continue
        current.append(ln)
        if not multiline:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    cells = []
    for r, group in enumerate(groups):
        texts = [[] for _ in starts]
        for ln in group:
            for c, piece in enumerate(_cut(expand(ln), starts)):
                if piece:
                    texts[c].append(piece)
        for c in range(len(starts)):
            cells.append(Cell("\n".join(texts[c]), r, c, page=page))
    return Table(cells, page=page) if groups else None


def _cut(ex: str, starts: list[int]) -> list[str]:
    """A line cut at the columns' starts; a word that runs over a column's edge (a header wider than its
    column) stays whole in the column it starts in."""
    out = []
    at = 0
    for c, a in enumerate(starts):
        start = max(a, at)
        end = starts[c + 1] if c + 1 < len(starts) else len(ex)
        if end < len(ex) and start < end and not ex[end - 1].isspace() and not ex[end].isspace():
            while end < len(ex) and not ex[end].isspace():
                end += 1
        end = max(end, start)
        out.append(_text(ex[start:end]).strip())
        at = end
    return out


def tables_in(lines: list[str], page: int | None = None) -> list[tuple[int, int, list[Table]]]:
    """Drawn tables among ``lines``: (start, end, [table]) in order."""
    out = []
    taken: set[int] = set()
    for start, end in grid_runs(lines):
        t = grid_table(lines[start:end], page)
        if t is not None and t.cells:
            out.append((start, end, [t]))
            taken.update(range(start, end))
    for start, end in dash_runs(lines):
        if taken & set(range(start, end)):
            continue
        t = dash_table(lines[start:end], page)
        if t is not None and t.cells:
            out.append((start, end, [t]))
    return sorted(out)

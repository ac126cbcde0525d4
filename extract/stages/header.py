"""Which printed column is which: a table's header read against the template's header tree.

The national tables have nested headers (申请人情况 / 法人或其他组织 / 商业企业 …; 行政诉讼 /
未经复议直接起诉 / 结果维持 …). ``header_tree`` derives that tree from the template's declarations
(column groups, appeals rows and their groups); its leaves are *slots*, the positions of a line's
cells in the format's own order.

Two readings of a printed header, each giving the printed left-to-right order of the slots:

- ``slots_from_paths``: a grid whose header cells sit above the value cells they name (HTML,
  Word, PDF). Each value cell's header path (outer first) is walked down the tree.
- ``order_from_words``: the header's words in reading order, wherever they stand — a flattened
  table (``自然人 法人或其他组织 总计 商业企业 科研机构 …``) or pipe text whose merged header cells
  were collapsed. A printed header lists, row by row, the children of the groups above in their
  printed order, so the words are consumed breadth first: each group takes the next words that
  name its children (a group whose own label was not printed lends its children to its parent).

``HeaderReading.verdict`` says what the words prove: the official order, another order (then the
words are followed), nothing (no header words: the official layout is all there is), or a conflict.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from ..templates import Column, Template
from ..textnorm import core
from ..settings import SETTINGS



@dataclass(frozen=True, eq=False)
class Node:
    labels: tuple[str, ...]  # official label and aliases (empty for the root)
    children: tuple["Node", ...] = ()
    slot: int | None = None  # leaves: position in the format's order

    @cached_property
    def cores(self) -> tuple[str, ...]:
        return tuple(c for c in (core(x) for x in self.labels) if c)

    def leaves(self) -> list["Node"]:
        if self.slot is not None:
            return [self]
        return [leaf for c in self.children for leaf in c.leaves()]

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


def _names(word_core: str, node: Node) -> bool:
    """A header word names a node: equal cores, or one contains the other (labels cut short: 本年新)."""
    return _names_cores(word_core, node.cores)


@lru_cache(maxsize=65536)
def _names_cores(word_core: str, cores: tuple[str, ...]) -> bool:
    for c in cores:
        if word_core == c:
            return True
        if len(c) >= SETTINGS.header_min_word and c in word_core and len(word_core) <= len(c) + 6:
            return True
        if len(word_core) >= SETTINGS.header_min_word + 1 and word_core in c:
            return True
    return False


_TREES: dict[tuple[str, str, str], Node] = {}


def header_tree(template: Template, table: str, block_key: str) -> Node:
    """The header tree of one block of a table, with slots in the format's cell order."""
    key = (template.key, table, block_key)
    if key not in _TREES:
        _TREES[key] = _tree(template, table, block_key)
    return _TREES[key]


def _tree(template: Template, table: str, block_key: str) -> Node:
    spec = template.table(table)
    if spec.one_line:  # appeals: rows side by side, each row's columns under it, rows grouped
        slot = 0
        tops: list[Node | tuple[str, list[Node]]] = []
        for row in spec.rows():
            leaves = []
            for col in spec.columns_of(row.key):
                leaves.append(Node(col.labels, slot=slot))
                slot += 1
            node = Node(row.labels, tuple(leaves))
            if row.group:
                if tops and isinstance(tops[-1], tuple) and tops[-1][0] == row.group:
                    tops[-1][1].append(node)
                else:
                    tops.append((row.group, [node]))
            else:
                tops.append(node)
        kids = tuple(t if isinstance(t, Node) else Node((t[0],), tuple(t[1])) for t in tops)
        return Node((), kids)
    block = next(b for b in spec.blocks if b.key == block_key)
    return Node((), _column_nodes(block.columns))


def _column_nodes(columns: tuple[Column, ...]) -> tuple[Node, ...]:
    out: list[Node] = []
    groups: dict[str, list[Node]] = {}
    for i, col in enumerate(columns):
        leaf = Node(col.labels, slot=i)
        if col.group:
            if col.group not in groups:
                groups[col.group] = []
                out.append(Node((col.group,), ()))  # placeholder, filled below
            groups[col.group].append(leaf)
        else:
            out.append(leaf)
    return tuple(Node(n.labels, tuple(groups[n.labels[0]])) if n.slot is None and n.labels[0] in groups else n
                 for n in out)


# ------------------------------------------------------------------ grid: a header path above each cell

def slots_from_paths(tree: Node, paths: list[str]) -> list[int] | None:
    """The slots a value cell's header names: its header path (outer first) walked down the tree.
    A cell under a group (a merged value cell) names every slot of the group; None when the path
    names nothing, or strays off the tree. A path whose words do not walk the tree one by one is
    read again with its words joined (a header cell wrapped over lines: 商业企 / 业)."""
    got = _walk(tree, paths)
    if got is None and len(paths) > 1:
        joined = header_words(tree, "".join(paths))
        if joined:
            got = _walk(tree, joined)
    return got


def _walk(tree: Node, paths: list[str]) -> list[int] | None:
    node = tree
    named = False
    for word in paths:
        w = core(word)
        if not w:
            continue
        nxt = [c for c in node.children if _names(w, c)]
        if not nxt:
            # a column under a group whose label is not printed above it (法人或其他组织 over 商业企业
            # only): the one node below that the word names
            deep = [d for d in list(node.walk())[1:] if _names(w, d)]
            exact = [d for d in deep if w in d.cores]
            if len(deep) == 1 or len(exact) == 1:
                node, named = (deep if len(deep) == 1 else exact)[0], True
                continue
            # a word above the table's own header (申请人情况, a caption) or of the row labels
            if named:
                return None
            continue
        if len(nxt) > 1:
            exact = [c for c in nxt if w in c.cores]
            if len(exact) != 1:
                return None
            nxt = exact
        node, named = nxt[0], True
    if not named:
        return None
    return [leaf.slot for leaf in node.leaves()]


# ------------------------------------------------------------------ words in reading order

@dataclass
class HeaderReading:
    """What a printed header says of the printed order of a block's slots."""

    verdict: str  # official | reordered | partial (some columns named, in order) | layout (none) | conflict
    order: list[int] | None  # slots left to right as printed (complete), when known
    found: list[int] = field(default_factory=list)  # slots the words named, in printed order
    words: list[str] = field(default_factory=list)
    note: str = ""
    cells: list[list[int]] | None = None  # grids: the slots each value cell's header names

    @property
    def positive(self) -> bool:
        return self.verdict in ("official", "reordered")

    @property
    def confirmed(self) -> set[int]:
        """Slots whose printed place the header proves."""
        if self.verdict in ("official", "reordered"):
            return set(self.order or ())
        return set(self.found) if self.verdict == "partial" else set()


_VOCAB: dict[int, re.Pattern] = {}


def header_words(tree: Node, text: str) -> list[str]:
    """The header's words found in running text, in order: every label of the tree, longest first,
    never overlapping (法人或其他组织 is one word, not 其他 inside it)."""
    rx = _VOCAB.get(id(tree))
    if rx is None:
        vocab = sorted({c for n in tree.walk() for c in n.cores}, key=len, reverse=True)
        rx = _VOCAB[id(tree)] = re.compile("|".join(re.escape(v) for v in vocab))
    return rx.findall(core(text))


def _interleave(group: Node, taken: list[Node]) -> list[Node]:
    """Running text: a column whose header cell spans the header's rows (自然人) prints beside the first
    row of a group's header (法人或其他组织), above or below it as the text flows, so their order in the
    words proves nothing; columns of one kind (two groups, or two single cells) print on one line, in
    their order. Each kind keeps its printed order; where the kinds alternate is the format's."""
    official = [k for k in group.children if k in taken]
    groups = iter([k for k in taken if k.children])
    cells = iter([k for k in taken if not k.children])
    return [next(groups) if k.children else next(cells) for k in official]


def order_from_words(tree: Node, words: list[str], rows_known: bool = True) -> HeaderReading:
    """The printed order of the slots from the header's words in reading order. ``rows_known``: the
    words come from header rows of a grid, left to right; in running text (a flattened table, layout
    text) a header cell centred over several lines may print above or below its neighbours, so there
    the words order only columns of one kind among themselves (``_interleave``).

    A word that names only columns already read is a repeat (a converter that writes a merged header
    cell again in every row it spans) and is skipped; a word naming a column of a group still to come
    ends the current group's words."""
    cores = [core(w) for w in words]
    cores = [c for c in cores if c]
    everything = list(tree.walk())[1:]

    def names(w: str, node: Node) -> bool:
        # a word that is some node's label names that node only (法人或其他组织 is not 其他)
        exact = [n for n in everything if w in n.cores]
        return node in exact if exact else _names(w, node)

    seen: set[int] = set()  # nodes already read
    printed: dict[int, list[Node]] = {}
    pos = 0
    queue: deque[Node] = deque([tree])
    while queue:
        group = queue.popleft()
        kids = list(group.children)
        taken: list[Node] = []
        while pos < len(cores) and len(taken) < len(kids):
            w = cores[pos]
            cands = [k for k in kids if k not in taken and names(w, k)]
            if not cands:
                deep = [k for k in kids if k not in taken and k.children
                        and any(names(w, d) for d in list(k.walk())[1:])]
                if deep:  # a word of a group whose own label was not found
                    g = deep[0]
                    later = kids[kids.index(g) + 1:]
                    if not any(k in taken for k in later):
                        # nothing after it printed yet: its children stand in its place (one header row)
                        at = kids.index(g)
                        kids[at:at + 1] = list(g.children)
                        continue
                    # its siblings after it were printed already: its children are on the next header
                    # row, and the group stands where the format puts it among the siblings found
                    taken.insert(min(taken.index(k) for k in later if k in taken), g)
                    break
                named = [n for n in everything if names(w, n)]
                if named and any(id(n) not in seen for n in named):
                    break  # a word of a group still to come: this group's words have ended
                pos += 1  # a repeat, or a word of no column (申请人情况, 信息内容, a caption)
                continue
            exact = [k for k in cands if w in k.cores]
            k = (exact or cands)[0]
            taken.append(k)
            seen.add(id(k))
            pos += 1
        if not rows_known and any(k.children for k in group.children):
            taken = _interleave(group, taken)
        printed[id(group)] = taken
        queue.extend(k for k in taken if k.children)
    found: list[int] = []

    def dfs(node: Node) -> None:
        for k in printed.get(id(node), []):
            if k.slot is not None:
                found.append(k.slot)
            else:
                dfs(k)

    dfs(tree)
    n = len(tree.leaves())
    official = list(range(n))
    if not found:
        return HeaderReading("layout", None, [], words, "no header words name the columns")
    if len(found) == n:
        if found == official:
            return HeaderReading("official", official, found, words, "header words in the official order")
        return HeaderReading("reordered", found, found, words, "header words name another order: followed")
    if found == sorted(found):
        return HeaderReading("partial", official, found, words,
                             f"header words name {len(found)} of {n} columns, in the official order")
    return HeaderReading("conflict", None, found, words,
                         f"header words name {len(found)} of {n} columns out of the official order")


_READINGS: dict[tuple, HeaderReading] = {}


def read_grid_header(tree: Node, cell_paths: list[list[list[str]]], header_text: list[str],
                     line_rows: bool = False) -> HeaderReading:
    """A grid line's header: the paths above its value cells when, cell by cell, they name every slot
    exactly once (a merged value cell names several), else the header's words in reading order.
    ``line_rows``: the table's rows are printed lines, where a header cell centred over several lines
    prints above or below its neighbours: the words' order counts only among one group's columns, and
    the cells above the values prove another order than the official one only if the words agree.
    Lines under one header share one reading."""
    key = (id(tree), tuple(tuple(tuple(p) for p in spans) for spans in cell_paths), tuple(header_text), line_rows)
    if key not in _READINGS:
        if len(_READINGS) > 4096:
            _READINGS.clear()
        _READINGS[key] = _read_grid_header(tree, cell_paths, header_text, line_rows)
    r = _READINGS[key]
    return HeaderReading(r.verdict, r.order, r.found, r.words, r.note, r.cells)


def _read_grid_header(tree: Node, cell_paths: list[list[list[str]]], header_text: list[str],
                      line_rows: bool) -> HeaderReading:
    n = len(tree.leaves())
    words = [w for t in header_text for w in (header_words(tree, t) or [t])]
    from_words = (order_from_words(tree, words, rows_known=not line_rows) if words
                  else HeaderReading("layout", None, [], [], "no header words"))
    by_cell: list[list[int]] = []
    covered: list[int] = []
    for spans in cell_paths:
        if sorted(covered) == list(range(n)):
            break
        slots: list[int] = []
        for path in spans:
            got = slots_from_paths(tree, path)
            if got is None:
                return from_words
            slots += [s for s in got if s not in slots]
        if any(s in covered for s in slots):
            return from_words
        covered += slots
        by_cell.append(slots)
    if sorted(covered) != list(range(n)):
        return from_words
    order = [s for c in by_cell for s in c]
    if from_words.verdict in ("official", "reordered") and len(from_words.found) == n and from_words.order != order:
        return HeaderReading("conflict", None, order, from_words.words,
                             "the header cells above the values and the header's words name different orders")
    verdict = "official" if order == list(range(n)) else "reordered"
    if line_rows and verdict == "reordered" and from_words.order != order:
        # words placed over the values by where they print on a line: not proof of another order alone
        return from_words
    return HeaderReading(verdict, order, order, from_words.words,
                         "header cells above each value " + ("in the official order" if verdict == "official"
                                                             else "name another order: followed"), by_cell)

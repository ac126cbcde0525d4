"""What the end of a run keeps of every file, compactly, and how it pairs the files' reports.

A run of 20,000 files keeps something of each of them from the moment it is read until its rows are
written: the digest of its bytes (to take its result from the cache) and, until the pairing is
decided, a brief of its report (``Briefs``). ``pair`` decides the pairing once every file is read — which file
repeats another's bytes, which report is another copy of an agency-year (the panel keeps one), which
is the same agency's previous year — and keeps only that, so the briefs can go before the writing
starts: the parent's memory then holds a few bytes a file, not a few hundred.
"""
from __future__ import annotations

import sys
from array import array

from .stages.corpus import duplicate_groups, predecessors


class Briefs:
    """What the pairing needs of each file's report, by item index, in columns (no object a file: a
    run's many small objects made one by one among the cached results it unpacks keep the parent's
    heap large after they go): its agency and year (to pair it with last year's and find second copies
    of one agency-year), how it ranks among such copies, and its id."""

    __slots__ = ("agency", "year", "cells", "failed", "has", "_ids", "_odd_ids")

    def __init__(self, n: int):
        self.agency: list[str] = [""] * n  # one interned string per agency
        self.year = array("q", [0]) * n  # 0: none
        self.cells = array("q", [0]) * n
        self.failed = array("q", [0]) * n
        self.has = bytearray(n)  # whether the file holds a report
        self._ids = bytearray(8 * n)  # a report id is 16 hex digits (``pipeline.report_id``)
        self._odd_ids: dict[int, str] = {}  # any other

    def __len__(self) -> int:
        return len(self.has)

    def set(self, i: int, meta: dict) -> None:
        """Item ``i``'s brief from its result's meta (``tasks.meta_of``)."""
        if not meta.get("report"):
            self.has[i] = 0
            return
        self.has[i] = 1
        self.agency[i] = sys.intern(meta.get("agency_id") or "")
        year = meta.get("year")
        self.year[i] = year if type(year) is int and 0 < year < 10_000 else 0
        self.cells[i] = int(meta.get("cells_found", 0))
        self.failed[i] = int(meta.get("checks_failed", 0))
        rid = meta.get("report_id", "")
        self._odd_ids.pop(i, None)
        if len(rid) == 16 and all(c in "0123456789abcdef" for c in rid):
            self._ids[8 * i:8 * i + 8] = bytes.fromhex(rid)
        else:
            self._odd_ids[i] = rid

    def key(self, i: int) -> tuple[str, int] | None:
        """The report's agency and year, when it has both."""
        if self.has[i] and self.agency[i] and self.year[i]:
            return self.agency[i], self.year[i]
        return None

    def rank(self, i: int) -> tuple[int, int]:
        """Among copies of an agency-year the kept one has the most cells found, then the fewest failed checks."""
        return -self.cells[i], self.failed[i]

    def report_id(self, i: int) -> str:
        if i in self._odd_ids:
            return self._odd_ids[i]
        return self._ids[8 * i:8 * i + 8].hex() if self.has[i] else ""


class Digests:
    """The SHA-256 digests of a run's files, by item index: set and read as hex text ("" for a file
    whose bytes were never read), held as 32 bytes each in one buffer (hex strings in a list take
    ~120 bytes a file)."""

    __slots__ = ("raw", "known")

    def __init__(self, n: int):
        self.raw = bytearray(32 * n)
        self.known = bytearray(n)

    def __len__(self) -> int:
        return len(self.known)

    def __setitem__(self, i: int, hexdigest: str) -> None:
        if not hexdigest:
            self.known[i] = 0
            return
        raw = bytes.fromhex(hexdigest)
        if len(raw) != 32:
            raise ValueError(f"not a SHA-256 digest: {hexdigest!r}")
        self.raw[32 * i:32 * i + 32] = raw
        self.known[i] = 1

    def __getitem__(self, i: int) -> str:
        return self.raw[32 * i:32 * i + 32].hex() if self.known[i] else ""

    def first_copies(self) -> dict[int, int]:
        """Items whose bytes an earlier item already holds → that earlier item's index."""
        seen: dict[bytes, int] = {}
        out = {}
        for i in range(len(self.known)):
            if self.known[i]:
                first = seen.setdefault(bytes(self.raw[32 * i:32 * i + 32]), i)
                if first != i:
                    out[i] = first
        return out


class Pairing:
    """How a run's files relate, decided once all are read (``pair``); a few bytes a file.

    ``copy_of``: item → the earlier item with the same bytes (read once; its row says so);
    ``same``: item → the item the panel keeps for its agency-year, with ``kept_id`` its report id;
    ``previous(i)``: the item of the same agency's previous year, or None; ``wanted_later(i)``:
    whether a later item pairs with ``i`` as its previous year."""

    __slots__ = ("copy_of", "same", "kept_id", "_previous", "_wanted")

    def __init__(self, n: int, copy_of: dict[int, int], same: dict[int, int], kept_id: dict[int, str],
                 previous: dict[int, int]):
        self.copy_of, self.same, self.kept_id = copy_of, same, kept_id
        self._previous = array("q", [-1]) * n
        self._wanted = bytearray(n)
        for i, j in previous.items():
            self._previous[i] = j
            self._wanted[j] = 1

    def previous(self, i: int) -> int | None:
        j = self._previous[i]
        return None if j < 0 else j

    def wanted_later(self, i: int) -> bool:
        return bool(self._wanted[i])


def pair(digests: Digests, briefs: Briefs) -> Pairing:
    """The pairing of a run's files from their digests and briefs (the briefs can go after it)."""
    copy_of = digests.first_copies()
    keys = {i: k for i in range(len(briefs)) if i not in copy_of and (k := briefs.key(i)) is not None}
    same = duplicate_groups(keys, {i: briefs.rank(i) for i in keys})
    kept_id = {i: briefs.report_id(k) for i, k in same.items()}
    previous = predecessors({i: k for i, k in keys.items() if i not in same})
    return Pairing(len(briefs), copy_of, same, kept_id, previous)

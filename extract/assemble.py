"""Each report's rows made ready for the writers, in helper processes, so the parent only writes.

Once every file is read and the pairing decided (``pairing``), what is left per report is work of its
own: take its packed result from the cache, add what other reports decide (a second copy of an
agency-year, the cross-year checks and text reuse against last year's report), make the rows the
worker did not render (the report row, sections, errors, cross-year checks) and join everything into
each table's CSV bytes and Arrow stream. ``assemble`` does it for a run of consecutive items; helpers
(``Helpers``: processes forked from the parent or from a fork server, one per core) do it for chunks of ``CHUNK`` items
while the parent writes the chunk before, in order. The parent's serial work per report is then a
few byte copies.

A chunk's table comes back as its CSV bytes, its rows as one Arrow stream, and its pieces — ``(rows,
whole)``, in order: a worker's rendering (``whole``: a row group ends after it, never inside) or rows
made here (a row group may end inside them) — so the writers place row groups where they would have
placed them row by row: the same bytes. A helper that fails or dies costs nothing but time: the
parent assembles that chunk itself.
"""
from __future__ import annotations

import os
import pickle
import resource
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterator

from .errors import CACHE_LOST, DUPLICATE
from .packing import Packed, plain, read_arrow, relocated, render_pieces, unpack
from .stages.corpus import linked
from .tasks import error_outcome

CHUNK = 16  # items a helper assembles at a time (a chunk's rows arrive in the parent at once: more, and its peak grows)
MIN_ITEMS = 256  # fewer items: the parent assembles them itself (forking helpers costs more)
TABLE_ORDER = ("reports", "facts", "checks", "sections", "errors", "panel")


@dataclass(slots=True)
class Item:
    """What assembling one item needs: its file name, where its result is and how it pairs.

    ``kind``: ``"skip"`` (``data``: code and message), ``"copy"`` (the bytes of an earlier file:
    ``data`` is that file's name and the digest), ``"entry"`` (``data``: the digest of its cache entry)
    or ``"fresh"`` (``data``: the packed bytes, not kept in the cache). ``same``: the report id and
    file name of the copy of its agency-year the panel keeps, when it is another copy. ``prev``: the
    previous year's item as ``(index, kind, data)``, with ``kind`` ``"entry"`` or ``"fresh"``."""

    index: int
    source_path: str
    kind: str
    data: object
    same: tuple[str, str] | None = None
    prev: tuple[int, str, object] | None = None
    wanted_later: bool = False


@dataclass
class Assembled:
    tables: dict[str, tuple[bytes, bytes, list[tuple[int, bool]]]]  # name → CSV bytes, Arrow stream, pieces
    counts: Counter


class _Table:
    """A table's segments in order: a worker's rendering ``("w", csv, arrow, rows)`` or rows made here."""

    def __init__(self):
        self.segments: list = []

    def rendered(self, csv_bytes: bytes, arrow_bytes: bytes, rows: int) -> None:
        if rows:
            self.segments.append(("w", csv_bytes, arrow_bytes, rows))

    def row(self, row: dict) -> None:
        if self.segments and self.segments[-1][0] == "p":
            self.segments[-1][1].append(row)
        else:
            self.segments.append(("p", [row]))


def _join(name: str, table: _Table) -> tuple[bytes, bytes, list[tuple[int, bool]]]:
    """A table's segments as one CSV text, one Arrow stream and its pieces."""
    import pyarrow as pa

    from .schema import BY_NAME
    from .writers.parquet import ipc_bytes

    made = [s[1] for s in table.segments if s[0] == "p"]
    made_csv, made_table = [], None
    if made:
        columns = [[r.get(f.name) for rows in made for r in rows] for f in BY_NAME[name].fields]
        made_csv, made_table = render_pieces(name, columns, [len(rows) for rows in made])
    csv_parts, slices, pieces, at = [], [], [], 0
    chunks = iter(made_csv)
    for s in table.segments:
        if s[0] == "p":
            n = len(s[1])
            csv_parts.append(next(chunks))
            slices.append(made_table.slice(at, n))
            at += n
            pieces.append((n, False))
        else:
            csv_parts.append(s[1])
            slices.append(read_arrow(s[2]))
            pieces.append((s[3], True))
    if len(slices) == 1 and table.segments[0][0] == "w":
        arrow = table.segments[0][2]
    else:  # one batch: the panel's one-row batches of 235 columns take ~50 KB each in arrays
        arrow = ipc_bytes(pa.concat_tables(slices).combine_chunks())
    return b"".join(csv_parts), arrow, pieces


def _load(cache, kind: str, data) -> Packed | None:
    """A result from the cache (its seal proves it as checked when the run took it) or from bytes."""
    return unpack(data) if kind == "fresh" else cache.packed(data)


def assemble(items: list[Item], cache) -> Assembled:
    """The rows of consecutive items, ready for the writers (see the module's notes)."""
    tables = {name: _Table() for name in TABLE_ORDER}
    counts: Counter = Counter()
    kept: dict[int, Packed] = {}  # items of this chunk a later one pairs with
    for it in items:
        if it.kind == "skip":
            p = unpack(error_outcome(it.source_path, "discover", *it.data).blob)
            counts["skipped"] += 1
        elif it.kind == "copy":
            first, digest = it.data
            p = unpack(error_outcome(it.source_path, "run", DUPLICATE, f"same content as {first} "
                                     f"(report {digest[:16]}); read once", digest).blob)
            counts["duplicates"] += 1
        else:
            p = _load(cache, it.kind, it.data)
            if p is None:
                p = unpack(error_outcome(it.source_path, "run", CACHE_LOST,
                                         "the result of this file was lost from the cache during the run; "
                                         "run again", it.data).blob)
            else:
                p = relocated(p, it.source_path)
                if it.wanted_later:
                    kept[it.index] = p
        extra: list[dict] = []
        if p.report is not None:
            if it.same is not None:
                kept_id, kept_path = it.same
                p.report["duplicate_of"] = kept_id
                p.report["note"] = "; ".join(x for x in (p.report.get("note", ""), (
                    f"the same agency and year as {kept_path}, which the panel keeps")) if x)
                counts["same_report"] += 1
            if it.prev is not None:
                j, kind, data = it.prev
                prev = kept.get(j) or _load(cache, kind, data)
                if prev is not None and prev.report is not None:
                    for c in linked(p.report, p.link, p.sections, prev.report, prev.link):
                        extra.append({"report_id": p.report_id, "source_path": p.source_path, **plain(c)})
        _count(counts, p, extra)
        if p.report is not None:
            tables["reports"].row(p.report)
            for name in ("facts", "checks"):
                if f"{name}.csv" in p.parts:
                    tables[name].rendered(p.parts[f"{name}.csv"], p.parts[f"{name}.arrow"], p.rows[name])
            for row in extra:
                tables["checks"].row(row)
        for s in p.sections:
            tables["sections"].row(s)
        for e in p.errors:
            tables["errors"].row(e)
        if p.report is not None and it.same is None and "panel.csv" in p.parts:
            tables["panel"].rendered(p.parts["panel.csv"], p.parts["panel.arrow"], p.rows["panel"])
    return Assembled({name: _join(name, t) for name, t in tables.items() if t.segments}, counts)


def _count(counts: Counter, p: Packed, extra: list[dict]) -> None:
    if p.report is not None:
        status = p.report.get("status", "failed")
        if status in ("ok", "partial", "failed"):
            counts[status] += 1
        counts["checks_failed"] += p.counts.get("checks_failed", 0)
        counts["checks_warned"] += p.counts.get("checks_warned", 0) + sum(1 for c in extra if c["status"] == "warn")
    counts["errors"] += len(p.errors)


# ------------------------------------------------------------------ helpers


def _send(out, assembled: Assembled | None, failure: str = "") -> None:
    """A chunk's rows to the parent through a plain pipe: the length of a small pickled head (the
    counts, each table's pieces and part sizes, and the CPU seconds the helper has taken so far), the
    head, then every table's CSV bytes and Arrow stream as they are — the parent reads each part
    straight into a buffer of its own (a pickle of the parts would be copied twice more on its way in)."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    cpu = use.ru_utime + use.ru_stime
    if assembled is None:
        head = pickle.dumps(("failed", failure, [], cpu))
        out.write(len(head).to_bytes(8, "big") + head)
    else:
        spec = [(name, pieces, len(csv_bytes), len(arrow)) for name, (csv_bytes, arrow, pieces)
                in assembled.tables.items()]
        head = pickle.dumps(("ok", dict(assembled.counts), spec, cpu), protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(head).to_bytes(8, "big") + head)
        for csv_bytes, arrow, _ in assembled.tables.values():
            out.write(csv_bytes)
            out.write(arrow)
    out.flush()


def _read_exact(raw, n: int) -> bytearray:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = raw.readinto(view[got:])
        if not k:
            raise EOFError("the helper's pipe closed")
        got += k
    return buf


def _receive(raw) -> tuple[Assembled | None, float]:
    """What ``_send`` sent: the chunk's ``Assembled`` (None when the helper failed on it), and the CPU
    seconds the helper has taken."""
    head = pickle.loads(_read_exact(raw, int.from_bytes(_read_exact(raw, 8), "big")))
    status, counts, spec, cpu = head
    if status != "ok":
        return None, cpu
    tables = {}
    for name, pieces, csv_size, arrow_size in spec:
        tables[name] = (_read_exact(raw, csv_size), _read_exact(raw, arrow_size), pieces)
    return Assembled(tables, Counter(counts)), cpu


def _helper_main(conn, out_conn, others: list[int], cache) -> None:
    from .workers import as_child

    as_child()
    for fd in others:  # (forked) the read ends, the parent's
        os.close(fd)
    out_fd = os.dup(out_conn.fileno())
    out_conn.close()
    with open(out_fd, "wb") as out:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            if job is None:
                return
            try:
                assembled, failure = assemble(job, cache), ""
            except Exception as exc:  # the parent assembles the chunk itself (and meets the error there)
                assembled, failure = None, repr(exc)
            _send(out, assembled, failure)


class Helpers:
    """Processes that assemble chunks in turn: chunk ``k`` goes to helper ``k mod n``, each helper a
    chunk ahead, and results are taken in order; killed when the run ends or fails.

    ``start``: ``"fork"`` (forked from the parent, sharing what it has imported: before the writers
    start their threads and processes) or ``"forkserver"`` (forked from multiprocessing's fork server,
    which has the pipeline imported: for a parent that runs threads — a dask client's — beside which a
    forked process could inherit a lock one of them held)."""

    def __init__(self, n: int, cache, start: str = "fork"):
        import multiprocessing as mp

        from .workers import forkserver

        ctx = forkserver() if start == "forkserver" else mp.get_context(start)
        self.procs, self.conns, self.results, self.cpu = [], [], [], [0.0] * n
        for _ in range(n):
            parent, child = ctx.Pipe()
            reader, writer = ctx.Pipe(duplex=False)
            others = [reader.fileno()] + [r.fileno() for r in self.results] if start == "fork" else []
            proc = ctx.Process(target=_helper_main, daemon=True, args=(child, writer, others, cache))
            proc.start()
            child.close()
            writer.close()
            self.procs.append(proc)
            self.conns.append(parent)
            self.results.append(open(os.dup(reader.fileno()), "rb", buffering=0))
            reader.close()

    def run(self, count: int, make: Callable[[int], list[Item]], cache) -> Iterator[Assembled]:
        """Each of ``count`` chunks' ``Assembled``, in order; ``make(k)`` gives chunk ``k``'s items."""
        n = len(self.conns)
        live = [True] * n
        sent: list[tuple[int, list[Item]] | None] = [None] * n

        def give(w: int, k: int) -> None:
            sent[w] = None
            if k < count:
                chunk = make(k)
                sent[w] = (k, chunk)
                if live[w]:
                    try:
                        self.conns[w].send(chunk)
                    except (OSError, ValueError):
                        live[w] = False

        for w in range(min(n, count)):
            give(w, w)
        for k in range(count):
            w = k % n
            _, chunk = sent[w]
            got = None
            if live[w]:
                try:
                    got, self.cpu[w] = _receive(self.results[w])
                except (EOFError, OSError, pickle.UnpicklingError, ValueError):
                    live[w] = False  # the helper died (killed, out of memory): its chunks come here
            give(w, k + n)
            yield got if got is not None else assemble(chunk, cache)

    def close(self) -> float:
        """Stop the helpers; returns the CPU seconds they took (as each last said: a helper that died
        took its own figure with it)."""
        for conn in self.conns:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in self.conns + self.results:
            conn.close()
        return sum(self.cpu)

    def kill(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
        for proc in self.procs:
            proc.join()
        for conn in self.conns + self.results:
            conn.close()


def helper_count(jobs: int) -> int:
    """Helpers for a run given ``jobs`` worker processes: as many, up to 4 (the parent writing is the
    bound past that)."""
    return max(1, min(jobs, 4))

"""One file's result as the parent writes it: rows already rendered, a small index, and what the
same agency's next report will need.

A worker turns its :class:`~extract.results.FileResult` into a :class:`Packed`; its bytes go to the
cache as they are, and the parent writes them without touching rows one by one:

- ``facts``, the report's own ``checks`` and its ``panel`` row are rendered by the worker, each as
  CSV text (the exact bytes of the CSV file) and as an Arrow batch (what goes into Parquet);
- ``report``, ``sections`` and ``errors`` travel as plain records: the parent adds what needs other
  reports (duplicates, text reuse against last year);
- ``link`` holds what a cross-year check or the next report's text-reuse share needs: the values of
  the cells the cross-year identities name, and the hashed word 4-grams of each section.

The container is data only (``MAGIC``, a SHA-256 of the payload, the payload: its inflated size and
the zstd-compressed header and parts); ``unpack`` refuses anything else, so a planted cache entry cannot run code, and ``verify`` refuses content the
writers would fail on.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import lru_cache
from itertools import islice

import pyarrow as pa

from .frames import MAX_NOTE, capped, typed_column, typed_row
from .results import FileResult
from .schema import BY_NAME
from .writers.csv import cell_text, column_text
from .writers.parquet import column_array, ipc_bytes, plain_schema, rows_table

MAGIC = b"extract-packed-3\n"
RENDERED = ("facts", "checks", "panel")  # tables the worker renders whole
MAX_INFLATED = 256 << 20
CODEC = "zstd"  # 3-4x faster than zlib both ways here, and as small (pyarrow bundles it)
LEVEL = 3


@dataclass
class Packed:
    source_path: str
    digest: str  # SHA-256 of the bytes read ("" when the file could not be read)
    report: dict | None  # the report record as plain values
    sections: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # checks failed / warned: for the run's summary
    link: dict = field(default_factory=dict)  # cells the cross-year identities name (text), section shingles
    parts: dict[str, bytes] = field(default_factory=dict)  # "<table>.csv" / "<table>.arrow" → bytes
    cacheable: bool = True
    rows: dict[str, int] = field(default_factory=dict)  # rendered table → its number of rows

    @property
    def report_id(self) -> str:
        return (self.report or {}).get("report_id", "")


# ------------------------------------------------------------------ rendering


def csv_rows(name: str, rows: list[dict]) -> bytes:
    """Rows of a table as the CSV file holds them (no header)."""
    resource = BY_NAME[name]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for row in rows:
        w.writerow([cell_text(f.type, row.get(f.name)) for f in resource.fields])
    return buf.getvalue().encode("utf-8")


def arrow_rows(name: str, rows: list[dict]) -> bytes:
    return ipc_bytes(rows_table(rows, plain_schema(BY_NAME[name])))


def read_arrow(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def typed_rows(name: str, rows) -> list[dict]:
    resource = BY_NAME[name]
    return [typed_row(resource, r) for r in rows]


def rendered(name: str, rows: list[dict]) -> dict[str, bytes]:
    typed = typed_rows(name, rows)
    return {f"{name}.csv": csv_rows(name, typed), f"{name}.arrow": arrow_rows(name, typed)}


@lru_cache(maxsize=None)
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def plain(record) -> dict:
    """A record's fields as a dict (``asdict`` without its deep copy: every field is a plain value)."""
    return {name: getattr(record, name) for name in _field_names(type(record))}


def render_columns(name: str, columns: list[list]) -> tuple[bytes, pa.Table]:
    """A table's rows given column by column (raw values, in schema order): typed as ``typed_row`` types
    them, as CSV bytes (what ``csv_rows`` writes) and as an Arrow table (what ``arrow_rows`` holds)."""
    chunks, table = render_pieces(name, columns, [len(columns[0]) if columns else 0])
    return chunks[0], table


def render_pieces(name: str, columns: list[list], lengths: list[int]) -> tuple[list[bytes], pa.Table]:
    """``render_columns`` of rows that go to the CSV file in pieces of ``lengths`` rows (between other
    rows): each piece's CSV bytes, and one Arrow table of them all."""
    resource = BY_NAME[name]
    typed = [typed_column(f.type, values) for f, values in zip(resource.fields, columns)]
    if name == "reports":  # typed_row caps a report's note
        at = resource.names.index("note")
        typed[at] = [None if v is None else capped(v, MAX_NOTE) for v in typed[at]]
    texts = [column_text(f.type, col) for f, col in zip(resource.fields, typed)]
    buf = io.StringIO()
    writer, rows, chunks = csv.writer(buf, lineterminator="\n"), zip(*texts), []
    for n in lengths:
        writer.writerows(islice(rows, n))
        chunks.append(buf.getvalue().encode("utf-8"))
        buf.seek(0)
        buf.truncate()
    schema = plain_schema(resource)
    table = pa.Table.from_arrays([column_array(f.type, col) for f, col in zip(schema, typed)], schema=schema)
    return chunks, table


def rendered_records(name: str, records: list, report_id: str, source_path: str) -> dict[str, bytes]:
    """Records (facts, checks) rendered column by column: the same bytes ``rendered`` gives for their rows
    (``report_id`` and ``source_path`` prefixed), without a dict per row."""
    n = len(records)
    columns = []
    for f in BY_NAME[name].fields:
        if f.name == "report_id":
            columns.append([report_id] * n)
        elif f.name == "source_path":
            columns.append([source_path] * n)
        else:
            columns.append([getattr(r, f.name) for r in records])
    csv_bytes, table = render_columns(name, columns)
    return {f"{name}.csv": csv_bytes, f"{name}.arrow": ipc_bytes(table)}


def render_rows(name: str, rows: list[dict]) -> tuple[bytes, pa.Table]:
    """Rows (dicts) rendered column by column (``render_columns``): what ``add_row`` wrote one by one."""
    return render_columns(name, [[r.get(f.name) for r in rows] for f in BY_NAME[name].fields])


@lru_cache(maxsize=None)
def stream_ends(name: str) -> tuple[bytes, bytes]:
    """What begins and ends every Arrow stream of a table's rows a worker renders: its schema message and
    the end-of-stream mark. Between them, its record batches: the batches of many streams joined between
    one beginning and one end are one stream (read at once)."""
    sink = pa.BufferOutputStream()
    pa.ipc.new_stream(sink, plain_schema(BY_NAME[name])).close()
    empty = sink.getvalue().to_pybytes()
    return empty[:-8], empty[-8:]


# ------------------------------------------------------------------ a result → packed


def pack(result: FileResult, digest: str, cacheable: bool = True) -> Packed:
    from .stages.corpus import link_data, panel_row

    rid = result.report.report_id if result.report else ""
    sp = result.source_path
    p = Packed(sp, digest, plain(result.report) if result.report else None, cacheable=cacheable)
    p.sections = [{"report_id": rid, "source_path": sp, **plain(s)} for s in result.sections]
    p.errors = [plain(e) for e in result.errors]
    p.counts = {"checks_failed": sum(1 for c in result.checks if c.status == "fail"),
                "checks_warned": sum(1 for c in result.checks if c.status == "warn")}
    if result.report is not None:
        p.parts.update(rendered_records("facts", result.facts, rid, sp))
        p.parts.update(rendered_records("checks", result.checks, rid, sp))
        p.parts.update(rendered("panel", [panel_row(result)]))
        p.rows = {"facts": len(result.facts), "checks": len(result.checks), "panel": 1}
        p.link = link_data(result)
    return p


def relocated(p: Packed, source_path: str) -> Packed:
    """The same result under another file name (the same bytes, renamed or copied): its rendered rows
    are rendered again with the new path."""
    if p.source_path == source_path:
        return p
    q = Packed(source_path, p.digest, dict(p.report) if p.report else None,
               [dict(s, source_path=source_path) for s in p.sections],
               [dict(e, source_path=source_path) for e in p.errors], p.counts, p.link, {}, p.cacheable, dict(p.rows))
    if q.report is not None:
        q.report["source_path"] = source_path
    for name in RENDERED:
        if f"{name}.arrow" in p.parts:
            rows = read_arrow(p.parts[f"{name}.arrow"]).to_pylist()
            for r in rows:
                r["source_path"] = source_path
            q.parts.update(rendered(name, rows))
    return q


# ------------------------------------------------------------------ bytes


def _plain(v):
    if isinstance(v, Decimal):
        return {"$d": format(v, "f")}
    return v


def encode(p: Packed) -> bytes:
    head = {"source_path": p.source_path, "digest": p.digest, "report": p.report, "sections": p.sections,
            "errors": p.errors, "counts": p.counts, "link": p.link, "cacheable": p.cacheable, "rows": p.rows,
            "parts": [[name, len(data)] for name, data in p.parts.items()]}
    head_bytes = json.dumps(head, ensure_ascii=False, separators=(",", ":"), default=_plain).encode("utf-8")
    raw = len(head_bytes).to_bytes(8, "big") + head_bytes + b"".join(p.parts.values())
    payload = len(raw).to_bytes(8, "big") + pa.Codec(CODEC, compression_level=LEVEL).compress(raw, asbytes=True)
    return MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


class BadPacked(ValueError):
    """Bytes that are not a packed result this tool wrote whole."""


def _revive(obj):
    if isinstance(obj, dict) and set(obj) == {"$d"}:
        return Decimal(obj["$d"])
    return obj


_HEAD = {"source_path": str, "digest": str, "sections": list, "errors": list, "counts": dict, "link": dict,
         "cacheable": bool, "parts": list, "rows": dict}


def unpack(blob: bytes) -> Packed:
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 65 or blob[len(MAGIC) + 64:len(MAGIC) + 65] != b"\n":
        raise BadPacked("not a packed result")
    digest, payload = blob[len(MAGIC):len(MAGIC) + 64], blob[len(MAGIC) + 65:]
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        raise BadPacked("checksum does not match")
    size = int.from_bytes(payload[:8], "big")
    if len(payload) < 8 or size > MAX_INFLATED:
        raise BadPacked("does not inflate within its bound")
    try:  # the codec checks the stated size: a frame that inflates to more or less is refused
        raw = pa.Codec(CODEC).decompress(payload[8:], decompressed_size=size, asbytes=True)
        n = int.from_bytes(raw[:8], "big")
        head = json.loads(raw[8:8 + n].decode("utf-8"), object_hook=_revive)
    except (OSError, pa.ArrowException, UnicodeDecodeError, ValueError) as exc:
        raise BadPacked(str(exc)) from exc
    if len(raw) != size:
        raise BadPacked("does not inflate to its stated size")
    if not isinstance(head, dict) or any(not isinstance(head.get(k), t) for k, t in _HEAD.items()):
        raise BadPacked("not a packed result's header")
    if head.get("report") is not None and not isinstance(head["report"], dict):
        raise BadPacked("report is not a record")
    parts, at = {}, 8 + n
    for item in head["parts"]:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], int)):
            raise BadPacked("bad part list")
        name, size = item
        if size < 0 or at + size > len(raw) or name.split(".")[0] not in RENDERED:
            raise BadPacked("bad part")
        parts[name] = raw[at:at + size]
        at += size
    if at != len(raw):
        raise BadPacked("trailing bytes")
    return Packed(head["source_path"], head["digest"], head.get("report"), head["sections"], head["errors"],
                  head["counts"], head["link"], parts, head["cacheable"], head["rows"])


# ------------------------------------------------------------------ a kept entry, checked whole

_PLAIN_TYPES = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "Decimal": (Decimal,),
                "None": (type(None),)}


@lru_cache(maxsize=None)
def _field_types(cls, extra: tuple[str, ...] = ()) -> dict[str, tuple[type, ...]]:
    """A record's fields and the plain types each may hold (from the dataclass's annotations)."""
    out = {name: (str,) for name in extra}
    for f in fields(cls):
        kinds: tuple[type, ...] = ()
        for part in str(f.type).split("|"):
            kinds += _PLAIN_TYPES[part.strip()]
        out[f.name] = kinds
    return out


def _check_record(what: str, rec, types: dict[str, tuple[type, ...]]) -> None:
    if not isinstance(rec, dict) or set(rec) != set(types):
        raise BadPacked(f"{what} is not a record this tool writes")
    for name, value in rec.items():
        kinds = types[name]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise BadPacked(f"{what}.{name} is a {type(value).__name__}")


def _hashes_text(text) -> bool:
    """A section's hashed 4-grams as ``reuse.hashes_text`` writes them: base64 of whole 8-byte integers,
    sorted, each once (what ``corpus.linked`` counts on)."""
    if not isinstance(text, str):
        return False
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return False
    if len(raw) % 8:
        return False
    import numpy as np

    hashes = np.frombuffer(raw, dtype="<i8")  # (as ``reuse.hash_array`` reads them)
    return bool((hashes[1:] > hashes[:-1]).all())


def verify(p: Packed, digest: str) -> Packed:
    """``p`` when it is, in every part, a result this tool keeps for ``digest``; else :class:`BadPacked`.

    ``unpack`` proves the bytes whole (a flipped byte, a truncated entry, garbage); this proves the
    content is what the writers take without failing: the file's own digest, records with the
    fields and plain types the writers expect, and rendered parts whose Arrow batches have the
    table's schema and whose CSV rows are as many as the batch's, each with every column. (A
    checksum is no signature: an entry made to look right with other values is not detected.)"""
    from .results import ErrorRecord, ReportRecord, SectionRecord

    if p.digest != digest or not p.cacheable:
        raise BadPacked("an entry for other bytes")
    if p.report is not None:
        _check_record("report", p.report, _field_types(ReportRecord))
    for s in p.sections:
        _check_record("section", s, _field_types(SectionRecord, ("report_id", "source_path")))
    for e in p.errors:
        _check_record("error", e, _field_types(ErrorRecord))
    if set(p.counts) != {"checks_failed", "checks_warned"} or any(type(v) is not int for v in p.counts.values()):
        raise BadPacked("bad counts")
    if p.report is not None:
        link = p.link
        if (set(link) != {"template", "cells", "shingles"} or not isinstance(link["template"], str)
                or not isinstance(link["cells"], dict) or not isinstance(link["shingles"], list)
                or any(not isinstance(v, (str, type(None))) for v in link["cells"].values())
                or any(not _hashes_text(s) for s in link["shingles"])):
            raise BadPacked("bad link data")
    elif p.link or p.parts:
        raise BadPacked("rows without a report")
    for name in RENDERED:
        csv_part, arrow_part = p.parts.get(f"{name}.csv"), p.parts.get(f"{name}.arrow")
        if csv_part is None and arrow_part is None:
            continue
        if csv_part is None or arrow_part is None:
            raise BadPacked(f"{name}: one of its two renderings")
        try:
            table = read_arrow(arrow_part)
            rows = list(csv.reader(io.StringIO(csv_part.decode("utf-8"), newline="")))
        except (pa.ArrowException, UnicodeDecodeError, csv.Error) as exc:
            raise BadPacked(f"{name}: {exc}") from exc
        resource = BY_NAME[name]
        if not table.schema.equals(plain_schema(resource)):
            raise BadPacked(f"{name}: not the table's schema")
        if p.rows.get(name) != table.num_rows:
            raise BadPacked(f"{name}: not as many rows as its index says")
        if len(rows) != table.num_rows or any(len(r) != len(resource.fields) for r in rows):
            raise BadPacked(f"{name}: the CSV and Arrow renderings differ")
    return p

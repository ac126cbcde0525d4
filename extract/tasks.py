"""What one worker does with one file, wherever it runs (a local worker process or a cluster task).

``run_file`` reads the file (refusing one larger than any report), hashes the bytes it read (so a file
changed while the run looks at it can never be cached under another file's hash), runs every stage,
locates the agency, and packs the result (``packing``): the :class:`Outcome` carries the packed bytes,
ready for the cache, and a small ``meta`` the parent needs to pair reports and count them.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from . import archives
from .errors import FILE_TOO_LARGE, UNREADABLE_FILE, ExtractError
from .packing import Packed, encode, pack
from .results import ErrorRecord, FileResult

MAX_FILE_MB = 512
# results that depend on this machine's state rather than the file: read again next time
NOT_CACHED = {"time_limit", "memory_limit", "worker_crash", "internal_error", "unreadable_file", "needs_converter"}


@dataclass
class Outcome:
    digest: str  # SHA-256 of the bytes read; "" when none were
    blob: bytes  # packing.encode of the packed result
    meta: dict  # what the parent needs without unpacking: see ``meta_of``


def meta_of(p: Packed) -> dict:
    rep = p.report or {}
    return {"source_path": p.source_path, "report_id": rep.get("report_id", ""), "agency_id": rep.get("agency_id", ""),
            "year": rep.get("year"), "template": rep.get("template", ""), "status": rep.get("status", ""),
            "cells_found": rep.get("cells_found", 0), "published": rep.get("published", ""),
            "checks_failed": p.counts.get("checks_failed", 0), "checks_warned": p.counts.get("checks_warned", 0),
            "errors": len(p.errors), "report": p.report is not None, "cacheable": p.cacheable}


def outcome(result: FileResult, digest: str = "") -> Outcome:
    cacheable = bool(digest) and not any(e.code in NOT_CACHED for e in result.errors)
    p = pack(result, digest, cacheable)
    return Outcome(digest, encode(p), meta_of(p))


def error_outcome(source_path: str, stage: str, code: str, message: str, digest: str = "") -> Outcome:
    res = FileResult(source_path)
    res.errors.append(ErrorRecord(source_path, stage, code, message, digest[:16]))
    return outcome(res, "")


def analyse_bytes(data: bytes, source_path: str) -> Outcome:
    """Every stage on bytes already read (a cluster task given the bytes, or ``run_file``)."""
    from .pipeline import process_bytes
    from .stages.corpus import place

    digest = hashlib.sha256(data).hexdigest()
    result = process_bytes(data, source_path)
    place(result)
    return outcome(result, digest)


def read_input(path: str) -> bytes:
    """A task's bytes: the file at ``path``, or a member of a ZIP archive (``archives.task_path``). Raises
    :class:`ExtractError` for a member that cannot be read, ``OSError`` for a file."""
    archive, member, name = archives.split(path)
    if member is not None:
        return archives.read(archive, member, MAX_FILE_MB * 2**20, name)
    with open(path, "rb") as fh:
        return fh.read(MAX_FILE_MB * 2**20 + 1)


def run_file(path: str, source_path: str) -> Outcome:
    """Read one file from disk (or from an archive) and run every stage (what a worker does)."""
    if archives.split(path)[1] is not None:
        try:
            data = read_input(path)
        except ExtractError as exc:
            return error_outcome(source_path, "read", exc.code, exc.message)
        except OSError as exc:
            return error_outcome(source_path, "read", UNREADABLE_FILE,
                                 f"the archive holding the file could not be read: {exc.strerror or exc}")
        return analyse_bytes(data, source_path)
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_MB * 2**20:
            return error_outcome(source_path, "read", FILE_TOO_LARGE,
                                 f"the file is {size / 2**20:.0f} MB, over the {MAX_FILE_MB} MB limit for one report")
        data = read_input(path)
        if len(data) > MAX_FILE_MB * 2**20:  # it grew while being read
            return error_outcome(source_path, "read", FILE_TOO_LARGE, f"the file is over the {MAX_FILE_MB} MB limit")
    except OSError as exc:
        return error_outcome(source_path, "read", UNREADABLE_FILE, f"the file could not be read: {exc.strerror or exc}")
    return analyse_bytes(data, source_path)

"""Results of earlier runs, kept by file content and code version, so unchanged files are not re-read.

A file's key is the SHA-256 of its bytes; the cache folder is named after a fingerprint of the
package's source and the readers' libraries, so any change to the code (or a ``--force``) reads
everything again. Results that hit a time or memory limit are not kept: the machine may have been
busy.

An entry is data, never code: ``MAGIC``, the SHA-256 of the payload, then the payload (the result as
JSON, zlib-compressed). An entry that is too large, fails its checksum, does not inflate within its
bound or is not a result this tool wrote counts as absent (the file is read again) and is removed —
so an output folder prepared by someone else cannot run code or plant values through its cache.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import zlib
from functools import lru_cache
from pathlib import Path

from . import __version__
from .results import BadData, FileResult, from_data, to_data

# results that depend on this machine's state rather than the file: read again next time
NOT_CACHED = {"time_limit", "memory_limit", "worker_crash", "internal_error", "unreadable_file", "needs_converter"}
LIBRARIES = ("pdfplumber", "pypdfium2", "python-docx", "beautifulsoup4", "lxml", "markdown-it-py", "jieba",
             "charset-normalizer", "rapidocr", "onnxruntime", "opencv-python-headless")
MAGIC = b"extract-result-1\n"
MAX_ENTRY = 64 << 20  # compressed bytes of one entry; a report's result is tens of KB
MAX_INFLATED = 256 << 20


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """What a result depends on besides the file: the package's source and the readers' libraries.
    (Whether LibreOffice is installed matters only to the files that need it, whose results without it
    are never kept.)"""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}={version(lib)}".encode())
        except PackageNotFoundError:
            h.update(f"{lib}=none".encode())
    return f"{__version__}-{h.hexdigest()[:12]}"


def file_hash(path: Path, limit: int | None = None) -> str:
    """SHA-256 of a file's bytes, read in chunks; ``limit`` bytes at most (a larger file raises)."""
    h = hashlib.sha256()
    seen = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            seen += len(chunk)
            if limit is not None and seen > limit:
                raise OverflowError(f"more than {limit} bytes")
            h.update(chunk)
    return h.hexdigest()


def encode(result: FileResult) -> bytes:
    payload = zlib.compress(json.dumps(to_data(result), ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 3)
    return MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def decode(blob: bytes) -> FileResult | None:
    """The result an entry holds, or None when the entry is not one this tool wrote whole."""
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 65:
        return None
    digest, payload = blob[len(MAGIC):len(MAGIC) + 64], blob[len(MAGIC) + 65:]
    if blob[len(MAGIC) + 64:len(MAGIC) + 65] != b"\n" or hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(payload, MAX_INFLATED)
        if inflater.unconsumed_tail or not inflater.eof:
            return None
        return from_data(json.loads(raw.decode("utf-8")))
    except (zlib.error, UnicodeDecodeError, ValueError, BadData, TypeError, RecursionError):
        return None


class Cache:
    """Results in ``root/<fingerprint>/``; ``root`` holds nothing else, so older fingerprints can go."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.dir = self.root / code_fingerprint()
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.root.iterdir():  # results of older code versions are of no further use
            if old.is_dir() and not old.is_symlink() and old != self.dir:
                shutil.rmtree(old, ignore_errors=True)

    def _path(self, digest: str) -> Path:
        return self.dir / digest[:2] / f"{digest}.result"

    def has(self, digest: str) -> bool:
        path = self._path(digest)
        return path.is_file() and not path.is_symlink()

    def get(self, digest: str) -> FileResult | None:
        """The kept result, or None (absent, or not an entry this tool wrote whole: then it is removed)."""
        path = self._path(digest)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            blob = fh.read(MAX_ENTRY + 1)
        result = decode(blob) if len(blob) <= MAX_ENTRY else None
        if result is None:
            self.drop(digest)
        return result

    def drop(self, digest: str) -> None:
        try:
            self._path(digest).unlink()
        except OSError:
            pass

    def put(self, digest: str, result: FileResult) -> bool:
        """Keep a result; False when it is of a kind not kept (a limit was hit)."""
        if any(e.code in NOT_CACHED for e in result.errors):
            return False
        path = self._path(digest)
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(encode(result))
        os.replace(tmp, path)
        return True

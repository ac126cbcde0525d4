"""Results of earlier runs, kept by file content and code version, so unchanged files are not re-read.

A file's key is the SHA-256 of its bytes; the cache folder is named after a fingerprint of the
package's source, so any change to the code (or a ``--force``) reads everything again. Results
that hit a time or memory limit are not kept: the machine may have been busy.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from functools import lru_cache
from pathlib import Path

from . import __version__
from .results import FileResult

# results that depend on this machine's state rather than the file: read again next time
NOT_CACHED = {"time_limit", "memory_limit", "worker_crash", "internal_error", "unreadable_file", "needs_converter"}
LIBRARIES = ("pdfplumber", "pypdfium2", "python-docx", "beautifulsoup4", "lxml", "markdown-it-py", "jieba",
             "charset-normalizer")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """What a result depends on besides the file: the package's source, the readers' libraries,
    and whether LibreOffice (for .doc/.wps/.rtf) is installed."""
    from importlib.metadata import PackageNotFoundError, version

    from .readers.convert import soffice

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
    h.update(f"soffice={bool(soffice())}".encode())
    return f"{__version__}-{h.hexdigest()[:12]}"


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Cache:
    """Results in ``root/<fingerprint>/``; ``root`` holds nothing else, so older fingerprints can go."""

    def __init__(self, root: Path):
        self.dir = root / code_fingerprint()
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in root.iterdir():  # results of older code versions are of no further use
            if old.is_dir() and old != self.dir:
                shutil.rmtree(old, ignore_errors=True)

    def has(self, digest: str) -> bool:
        return self._path(digest).exists()

    def _path(self, digest: str) -> Path:
        return self.dir / digest[:2] / f"{digest}.pickle"

    def get(self, digest: str) -> FileResult | None:
        path = self._path(digest)
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None

    def put(self, digest: str, result: FileResult) -> bool:
        """Keep a result; False when it is of a kind not kept (a limit was hit)."""
        if any(e.code in NOT_CACHED for e in result.errors):
            return False
        path = self._path(digest)
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True

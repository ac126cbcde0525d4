"""Results of earlier runs, kept by file content and code version, so unchanged files are not re-read.

A file's key is the SHA-256 of its bytes; the cache folder is named after a fingerprint of the
package's source and the readers' libraries, so any change to the code (or a ``--force``) reads
everything again. Results that hit a time or memory limit are not kept: the machine may have been
busy.

An entry is a packed result (``packing``): data with a checksum, never code, sealed with an HMAC
under this user's key (``user_key``: 32 random bytes in ``~/.cache/zfxxgk-extract/key``, readable
by the user only, never in an output folder). An entry that is too large, is not sealed with the
key, fails its checksum or is not a result this tool wrote (``packing.verify``) counts as absent and
is removed, and its file is read again in the same run — so a damaged cache loses nothing, an output
folder prepared by someone else cannot run code through its cache, and an entry forged with other
values (reports are public: anyone can compute their SHA-256) is not taken: forging the seal needs
the key. A cache copied from another user or machine is read again once.

``stats.jsonl`` remembers, per file path, the size, times and inode it had when last hashed and
the digest of its result: an unchanged file is neither read nor hashed again (a file whose size,
mtime, ctime or inode changed is). A path is stored as text JSON holds: as it is when it is valid
UTF-8, else its bytes in base64 after a NUL (which no path contains). The result's ``meta`` is not
trusted from the index: it is taken again from the entry, once the entry has been checked whole.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

from . import __version__

LIBRARIES = ("pdfplumber", "pypdfium2", "python-docx", "beautifulsoup4", "lxml", "markdown-it-py", "jieba",
             "charset-normalizer", "rapidocr", "onnxruntime", "opencv-python-headless", "cpca", "pyarrow")
MAX_ENTRY = 64 << 20  # compressed bytes of one entry; a report's result is tens of KB
MAX_INDEX = 256 << 20
INDEX = "stats.jsonl"  # what each path held: a JSON array a line
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


SEAL = b"extract-sealed-1\n"  # then the HMAC-SHA256 of the digest and the entry, then the entry


def user_cache() -> Path:
    """This user's cache folder for what every run shares: ``$XDG_CACHE_HOME`` (or ``~/.cache``)
    ``/zfxxgk-extract``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zfxxgk-extract"


@lru_cache(maxsize=None)
def user_key(folder: str | None = None) -> bytes:
    """The key cache entries are sealed with: ``folder/key`` (default ``user_cache()``), made once with
    32 random bytes, mode 0600. When it cannot be read or made (no home, a read-only one, a planted
    link), a key for this process only: entries then last for the run."""
    path = Path(folder) if folder else user_cache()
    key_file = path / "key"
    for _ in range(3):
        try:
            path.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(key_file, os.O_RDONLY | os.O_NOFOLLOW)
            except FileNotFoundError:
                key = None
            else:
                with os.fdopen(fd, "rb") as fh:
                    key = fh.read(65)
            if key is not None and len(key) == 32:
                return key
            # none yet, or a short one (a full disk, a kill while it was written): a whole new key is put
            # in place in one step, so two first runs at once end with the same key
            fd, tmp = tempfile.mkstemp(dir=path, prefix=".key-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(32))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                if key is None:
                    os.link(tmp, key_file)  # fails if another process put its key first: that one is read
                else:
                    os.replace(tmp, key_file)
            except FileExistsError:
                pass
            finally:
                if os.path.lexists(tmp):
                    os.unlink(tmp)
        except OSError:
            break
    return os.urandom(32)


def _seal(key: bytes, digest: str, blob: bytes) -> bytes:
    return hmac.new(key, digest.encode("ascii") + b"\n" + blob, hashlib.sha256).digest()


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


def stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _stat_text(key: list[int]) -> str:
    return ",".join(map(str, key))


def _entry(key: list[int], digest: str) -> str:
    return _stat_text(key) + " " + digest


def path_key(path: str) -> str:
    """A path as text that JSON holds and UTF-8 encodes: itself when it is valid UTF-8, else NUL + the
    base64 of its bytes (a name with invalid UTF-8 bytes reaches Python as lone surrogates)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return "\0" + base64.b64encode(os.fsencode(path)).decode("ascii")


class Cache:
    """Results in ``root/<fingerprint>/``; ``root`` holds nothing else, so older fingerprints can go."""

    def __init__(self, root: Path, key: bytes | None = None):
        self.root = Path(root)
        self.key = key if key is not None else user_key()
        self.dir = self.root / code_fingerprint()
        if self.dir.is_symlink():  # planted: entries would be written where it points
            self.dir.unlink()
        self.dir.mkdir(parents=True, exist_ok=True)
        self._dir = str(self.dir)
        for old in self.root.iterdir():  # results of older code versions are of no further use
            if old.is_dir() and not old.is_symlink() and old != self.dir:
                shutil.rmtree(old, ignore_errors=True)
        self.stats: dict[str, str] = self._load_index()

    def __getstate__(self) -> dict:
        """A copy sent to another process (an ``assemble`` helper from a fork server) takes and drops
        entries; the index of what each path held stays with the run."""
        return {**self.__dict__, "stats": {}}

    # ---------------------------------------------------------------- entries

    def _path(self, digest: str) -> str:
        # text, not a Path: pathlib keeps every name it parses (sys.intern), 20,000 runs' worth in a long run
        return os.path.join(self._dir, digest[:2], digest + ".packed")

    def has(self, digest: str) -> bool:
        if not _DIGEST.match(digest):
            return False
        try:
            return stat.S_ISREG(os.lstat(self._path(digest)).st_mode)
        except OSError:
            return False

    def get(self, digest: str) -> bytes | None:
        """The kept entry's bytes (checked when unpacked), or None."""
        if not _DIGEST.match(digest):
            return None
        try:
            fd = os.open(self._path(digest), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            blob = fh.read(MAX_ENTRY + len(SEAL) + 33)
        head = len(SEAL) + 32
        if len(blob) > MAX_ENTRY + head or not blob.startswith(SEAL) or not hmac.compare_digest(
                blob[len(SEAL):head], _seal(self.key, digest, blob[head:])):
            self.drop(digest)  # not sealed with this user's key: damaged, forged, or another user's
            return None
        return blob[head:]

    def packed(self, digest: str, check: bool = False):
        """The entry for ``digest`` unpacked (``packing.Packed``) when it is whole and a result this tool
        keeps; a damaged entry (a flipped byte, truncated, garbage, or content of the wrong kind) is
        removed and None returned. ``check``: prove its content too (``packing.verify``), as the run does
        once, when it first takes the entry; when it takes it again to write it, the entry's seal (``get``:
        only this user's runs can make one) shows it is still what was checked, or an entry this code
        wrote for the file."""
        from .packing import BadPacked, unpack, verify

        blob = self.get(digest)
        if blob is None:
            return None
        try:
            p = unpack(blob)  # proves the bytes whole against their checksum
            if check:
                verify(p, digest)
            return p
        except BadPacked:
            self.drop(digest)
            return None

    def drop(self, digest: str) -> None:
        path = self._path(digest)
        if _DIGEST.match(digest) and not os.path.islink(os.path.dirname(path)):  # a planted link: not followed
            try:
                os.unlink(path)
            except OSError:
                pass

    def put(self, digest: str, blob: bytes) -> bool:
        """Keep an entry; False when it cannot be kept (a full disk, or something else planted where it
        goes: a folder, a file in place of its folder), and the caller keeps the result itself."""
        if not _DIGEST.match(digest):
            return False
        path = self._path(digest)
        folder = os.path.dirname(path)
        tmp = f"{path[:-len('.packed')]}.{os.getpid()}.tmp"
        try:
            if os.path.islink(folder):  # planted in a prepared folder: removed, never written through
                os.unlink(folder)
            try:
                os.mkdir(folder)
            except FileExistsError:
                pass
            if os.path.islink(folder) or not os.path.isdir(folder):
                return False
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(SEAL + _seal(self.key, digest, blob) + blob)
            os.replace(tmp, path)
            return True
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return False

    # ---------------------------------------------------------------- what each path held last time

    def _load_index(self) -> dict[str, str]:
        """path → ``"size,mtime,ctime,inode,device digest"``: one string an entry (a run of many files
        keeps them all). Read a line at a time (a whole JSON document of 20,000 entries parsed at once
        leaves the parent ~15 MB larger for the rest of the run); a damaged line is skipped."""
        out: dict[str, str] = {}
        try:
            fd = os.open(self.dir / INDEX, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return out
        with os.fdopen(fd, "rb") as fh:
            try:
                if os.fstat(fh.fileno()).st_size > MAX_INDEX:
                    return out
                for line in fh:
                    try:
                        k, held, digest = json.loads(line)
                    except (ValueError, TypeError):
                        continue
                    if (isinstance(k, str) and isinstance(held, list) and len(held) == 5
                            and all(type(x) is int for x in held) and isinstance(digest, str) and _DIGEST.match(digest)):
                        out[k] = _entry(held, digest)
            except OSError:
                return {}
        return out

    def known(self, path: str, st: os.stat_result) -> str | None:
        """The digest of a file unchanged since it was hashed, when its entry is still kept (the entry
        itself is checked whole when it is taken: ``packed``)."""
        entry = self.stats.get(path_key(path))
        if entry is None:
            return None
        held, _, digest = entry.partition(" ")
        if held != _stat_text(stat_key(st)) or not self.has(digest):
            return None
        return digest

    def remember(self, path: str, st: os.stat_result | None, digest: str, meta: dict) -> None:
        if st is not None and digest and meta.get("cacheable"):
            self.stats[path_key(path)] = _entry(stat_key(st), digest)

    def forget(self, path: str) -> None:
        self.stats.pop(path_key(path), None)

    def save_index(self, release: bool = False) -> None:
        """Write the index of what each path held, a line an entry. ``release``: and let it go (the run
        saves it once every file is read, before it writes the tables: a run of many files need not hold
        it while writing)."""
        tmp = self.dir / f"{INDEX}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                for k, v in self.stats.items():
                    held, _, digest = v.partition(" ")
                    fh.write(f"[{json.dumps(k, ensure_ascii=False)},[{held}],\"{digest}\"]\n")
            if release:
                self.stats = {}
            os.replace(tmp, self.dir / INDEX)
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass

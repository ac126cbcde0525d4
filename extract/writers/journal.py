"""Replacing the output tables as a set, safely: the commit journal and its recovery."""
from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import signal
import threading
from pathlib import Path

JOURNAL = ".commit.json"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:  # pragma: no cover - not every filesystem allows it
        pass


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


class RecoveryError(Exception):
    """An interrupted replacement of the outputs that cannot be finished automatically."""


class LockError(Exception):
    """The output folder's lock cannot be taken safely."""


class OutputLock:
    """One run at a time per output folder: an exclusive POSIX lock on ``OUT/.lock``, released by the
    kernel whatever happens to the process (even ``kill -9``), and not inherited by its workers."""

    # folders whose lock this process holds: POSIX locks belong to the process, so a second acquire here
    # would succeed, and closing any other descriptor of the file would drop the lock (a run in a
    # notebook's thread and load() beside it)
    _held: set[str] = set()

    def __init__(self, out: Path):
        self.path = Path(out) / ".lock"
        self.fd: int | None = None

    def _key(self) -> str:
        return os.path.realpath(self.path)

    def acquire(self) -> bool:
        """Take the lock; False when another run holds it (in this process too). A ``.lock`` that is a
        symbolic link (planted to truncate its target) is refused, never opened through."""
        if self._key() in OutputLock._held:
            return False
        try:
            self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise LockError(f"{self.path} is a symbolic link, not a lock this tool made; remove it") from exc
            raise
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            return False
        os.ftruncate(self.fd, 0)
        os.write(self.fd, str(os.getpid()).encode())
        OutputLock._held.add(self._key())
        return True

    def release(self) -> None:
        if self.fd is not None:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
            OutputLock._held.discard(self._key())

    def holder(self) -> str:
        if self._key() in OutputLock._held:
            return str(os.getpid())
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return "?"
        with os.fdopen(fd, "rb") as fh:
            text = fh.read(32).decode("ascii", "replace").strip()
        return text if text.isdigit() else "?"


def busy(out: Path) -> bool:
    """True while a run holds the output folder."""
    if not (Path(out) / ".lock").exists():
        return False
    lock = OutputLock(out)
    if lock._key() in OutputLock._held:
        return True
    try:
        if lock.acquire():
            lock.release()
            return False
    except (LockError, OSError):  # not a lock this tool made: leave the folder alone
        pass
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


STAGING = re.compile(r"^\.staging-\d+$")
# signals that would stop the run between two moves of a commit: held back until the set is whole
HELD = tuple(sig for sig in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")) if sig)


def _plan(out: Path, journal: Path, allowed: frozenset[str]) -> tuple[Path, list[dict]]:
    """The journal's plan, accepted only as the writers write it: a staging folder of this output folder
    and bare names of output files (a planted journal naming ``../`` paths is refused)."""
    raw = journal.read_bytes()
    if len(raw) > 1 << 20:
        raise ValueError("the commit journal is too large to be one")
    plan = json.loads(raw.decode("utf-8"))
    staging = plan["staging"]
    if not isinstance(staging, str) or not STAGING.match(staging):
        raise ValueError(f"the commit journal names a staging folder {staging!r} that no run writes")
    if (out / staging).is_symlink():  # a link to files elsewhere: they would be moved into the outputs
        raise ValueError(f"the commit journal's staging folder {staging} is a link, not a folder a run made")
    files = plan["files"]
    if not isinstance(files, list) or not files:
        raise ValueError("the commit journal lists no files")
    for f in files:
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or f["name"] not in allowed:
            raise ValueError(f"the commit journal names a file {f!r} that the writers do not write")
    return out / staging, files


def _set_aside(path: Path, staging: Path) -> None:
    """Move an output out of the way into the staging folder (deleted with it)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink()
        return
    aside = staging / f"{path.name}.previous"
    if os.path.lexists(aside):
        shutil.rmtree(aside, ignore_errors=True)
    os.replace(path, aside)


def recover(out: Path, allowed: frozenset[str] | None = None) -> bool:
    """Finish a commit that a killed run left half done, and drop staging folders of dead runs.

    The journal lists each staged file with its inode and size: a file no longer in the staging folder
    must be in the output folder as that very file (moved already), or the set cannot be made whole and
    recovery says so instead of leaving a mixed set. Call it only while holding the folder's lock, or
    when no run holds it (``busy`` is False)."""
    from .names import OUTPUT_FILES

    out = Path(out)
    allowed = allowed or OUTPUT_FILES
    journal = out / JOURNAL
    finished = False
    if journal.is_symlink():
        raise RecoveryError(f"{journal} is a symbolic link, not a journal this tool wrote; remove it and run again")
    if journal.exists():
        try:
            staging, files = _plan(out, journal, allowed)
            for f in files:
                src, dst = staging / f["name"], out / f["name"]
                if f.get("remove"):  # an output the new set does not have (a folder of partitions)
                    if os.path.lexists(dst):
                        _step(f"remove {f['name']}")
                        _set_aside(dst, staging)
                    continue
                if src.is_symlink() or not (src.is_file() or src.is_dir()):
                    pass
                elif src.is_file():
                    _step(f"move {f['name']}")
                    os.replace(src, dst)
                    continue
                else:  # a folder (partitioned Parquet): the previous one set aside first, then this one moved
                    _step(f"move {f['name']}")
                    if os.path.lexists(dst):
                        _set_aside(dst, staging)
                    os.replace(src, dst)
                    continue
                st = os.stat(dst, follow_symlinks=False) if os.path.lexists(dst) else None
                if st is None or (f.get("ino"), f.get("size")) != (st.st_ino, st.st_size):
                    raise FileNotFoundError(f"{f['name']} is neither staged nor in place")
        except (ValueError, KeyError, TypeError, OSError) as exc:
            raise RecoveryError(f"an interrupted run left the outputs in {out} half replaced and they cannot be "
                                f"completed ({exc}); delete the folder's tables and run again") from exc
        _fsync_dir(out)
        journal.unlink()
        finished = True
    if out.is_dir():
        for stale in out.glob(".staging-*"):
            pid = stale.name.rsplit("-", 1)[-1]
            if stale.is_symlink():
                stale.unlink()
            elif not pid.isdigit() or int(pid) == os.getpid() or not _alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
    return finished


# a test hook: called with the name of each step of a commit — staged, before-journal, journal,
# "move <file>" before each file is moved into place, moved (``tests/test_commit_signals.py``)
STEP_HOOK = None


def _step(name: str) -> None:
    if STEP_HOOK is not None:
        STEP_HOOK(name)


class _Held:
    """Signals that would stop the process, held back for a while and acted on afterwards, in order.

    Their Python handlers are replaced by one that only records the signal: Python runs handlers in the
    main thread whichever thread the kernel delivered the signal to (a per-thread signal mask would not
    do: pyarrow's and DuckDB's threads would take the signal, and Python would raise
    ``KeyboardInterrupt`` in the main thread mid-commit). On leaving, the previous handlers are back and
    each signal received is raised again, so it does then what it would have done."""

    def __enter__(self):
        self.received: list[int] = []
        self.previous = {}
        if threading.current_thread() is threading.main_thread():
            for sig in HELD:
                handler = signal.getsignal(sig)
                if handler is not None:  # None: a handler not set from Python, left alone
                    self.previous[sig] = signal.signal(sig, self._record)
        return self

    def _record(self, signum, frame) -> None:
        if signum not in self.received:
            self.received.append(signum)

    def __exit__(self, *exc) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        for sig in self.received:
            signal.raise_signal(sig)


def _fsync_tree(path: Path) -> None:
    """A staged file, or every file and folder of a staged folder."""
    if path.is_dir():
        for folder, _, names in os.walk(path):
            for n in names:
                _fsync(Path(folder) / n)
            _fsync_dir(Path(folder))
    else:
        _fsync(path)


def commit(out: Path, staging: Path, files: list[str], remove: tuple[str, ...] = ()) -> None:
    """Make the staged files the outputs: fsync them, write the journal, move them, drop the journal.
    Signals that would stop the process (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) are held while the journal is
    written and the files are moved, and act once the set is whole; ``kill -9`` leaves the journal,
    which the next run (or ``load()``) completes."""
    for name in files:
        _fsync_tree(staging / name)
    _fsync_dir(staging)
    _step("staged")
    entries = []
    for name in files:
        st = os.stat(staging / name)
        entries.append({"name": name, "ino": st.st_ino, "size": st.st_size})
    entries += [{"name": name, "remove": True} for name in remove]
    journal = out / JOURNAL
    tmp = out / (JOURNAL + ".tmp")
    with _Held():
        _step("before-journal")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"staging": staging.name, "files": entries}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, journal)
        _fsync_dir(out)
        _step("journal")
        recover(out, frozenset(files) | frozenset(remove))
        _step("moved")

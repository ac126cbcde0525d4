"""Replacing the output tables as a set, safely: the commit journal and its recovery."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
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


class OutputLock:
    """One run at a time per output folder: an exclusive POSIX lock on ``OUT/.lock``, released by the
    kernel whatever happens to the process (even ``kill -9``), and not inherited by its workers."""

    def __init__(self, out: Path):
        self.path = Path(out) / ".lock"
        self.fd: int | None = None

    def acquire(self) -> bool:
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            return False
        os.ftruncate(self.fd, 0)
        os.write(self.fd, str(os.getpid()).encode())
        return True

    def release(self) -> None:
        if self.fd is not None:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "?"
        except OSError:
            return "?"


def busy(out: Path) -> bool:
    """True while a run holds the output folder."""
    if not (Path(out) / ".lock").exists():
        return False
    lock = OutputLock(out)
    if lock.acquire():
        lock.release()
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(out: Path) -> bool:
    """Finish a commit that a killed run left half done, and drop staging folders of dead runs.

    Call it only while holding the folder's lock, or when no run holds it (``busy`` is False)."""
    out = Path(out)
    journal = out / JOURNAL
    finished = False
    if journal.exists():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            staging = out / plan["staging"]
            for name in plan["files"]:
                if (staging / name).exists():
                    os.replace(staging / name, out / name)
                elif not (out / name).exists():
                    raise FileNotFoundError(name)
        except (ValueError, KeyError, OSError) as exc:
            raise RecoveryError(f"an interrupted run left the outputs in {out} half replaced and they cannot be "
                                f"completed ({exc}); delete the folder's tables and run again") from exc
        _fsync_dir(out)
        journal.unlink()
        finished = True
    if out.is_dir():
        for stale in out.glob(".staging-*"):
            pid = stale.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or int(pid) == os.getpid() or not _alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
    return finished


def commit(out: Path, staging: Path, files: list[str]) -> None:
    """Make the staged files the outputs: fsync them, write the journal, move them, drop the journal."""
    for name in files:
        _fsync(staging / name)
    _fsync_dir(staging)
    journal = out / JOURNAL
    tmp = out / (JOURNAL + ".tmp")
    tmp.write_text(json.dumps({"staging": staging.name, "files": files}), encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, journal)
    _fsync_dir(out)
    recover(out)

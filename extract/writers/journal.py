"""Replacing the output tables as a set, safely: the commit journal and its recovery."""
from __future__ import annotations

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


def recover(out: Path) -> bool:
    """Finish a commit that a killed run left half done; drop stale staging folders."""
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
            finished = True
        except (ValueError, KeyError, OSError):
            pass
        _fsync_dir(out)
        journal.unlink(missing_ok=True)
    if out.is_dir():
        for stale in out.glob(".staging-*"):
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

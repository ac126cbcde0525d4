"""The Python API; the command line (``cli.py``) only parses arguments and calls these."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import DUPLICATE
from .frames import frames
from .pipeline import process_bytes
from .results import ErrorRecord, FileResult
from .writers import write_all


@dataclass
class InputFile:
    path: Path
    source_path: str  # relative to the INPUT it was found under, with / separators


@dataclass
class Summary:
    out: Path
    files: int = 0
    ok: int = 0
    partial: int = 0
    failed: int = 0
    errors: int = 0
    checks_failed: int = 0
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)

    def text(self) -> str:
        return (f"{self.files} files: {self.ok} reports ok, {self.partial} partial, {self.failed} failed; "
                f"{self.errors} errors; {self.checks_failed} checks failed; {self.seconds:.1f} s. "
                f"Outputs in {self.out}/")


def discover(inputs: Iterable[str | os.PathLike]) -> list[InputFile]:
    """Files under each INPUT (folders searched recursively, hidden files skipped), in a stable order."""
    found: list[InputFile] = []
    for raw in inputs:
        root = Path(raw)
        if root.is_file():
            found.append(InputFile(root, root.name))
        elif root.is_dir():
            for p in sorted(root.rglob("*")):
                rel = p.relative_to(root)
                if p.is_file() and not any(part.startswith(".") for part in rel.parts):
                    found.append(InputFile(p, rel.as_posix()))
        else:
            raise FileNotFoundError(f"input not found: {root}")
    return found


def process_file(item: InputFile) -> FileResult:
    try:
        data = item.path.read_bytes()
    except OSError as exc:
        res = FileResult(item.source_path)
        res.errors.append(ErrorRecord(item.source_path, "read", "unreadable_file", f"the file could not be read: {exc.strerror or exc}"))
        return res
    return process_bytes(data, item.source_path)


def run(inputs: Iterable[str | os.PathLike], out: str | os.PathLike = "outputs",
        progress: Callable[[int, int, FileResult], None] | None = None) -> Summary:
    """Read every report under ``inputs`` and write the tidy tables to ``out``."""
    started = time.monotonic()
    out = Path(out)
    items = discover(inputs)
    results: list[FileResult] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(items, 1):
        res = process_file(item)
        rid = res.report.report_id if res.report else ""
        if rid and rid in seen:
            dup = FileResult(item.source_path)
            dup.errors.append(ErrorRecord(item.source_path, "run", DUPLICATE,
                                           f"same content as {seen[rid]} (report {rid}); read once", rid))
            res = dup
        elif rid:
            seen[rid] = item.source_path
        results.append(res)
        if progress:
            progress(i, len(items), res)
    summary = Summary(out, files=len(items))
    for res in results:
        if res.report:
            setattr(summary, res.report.status, getattr(summary, res.report.status) + 1)
            summary.checks_failed += sum(1 for c in res.checks if c.status == "fail")
        summary.errors += len(res.errors)
    summary.written = write_all(frames(results), out)
    summary.seconds = time.monotonic() - started
    return summary


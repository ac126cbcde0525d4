"""The Python API; the command line (``cli.py``) only parses arguments and calls these.

``run`` reads every report under its inputs and writes the tables:
1. ``discover``: files under each input, in a stable order (the output folder excluded).
2. hash every file; the same bytes twice are read once (the copy gets a ``duplicate_file`` row).
3. files not in the cache (or all, with ``force``) go to worker processes with time and memory
   limits (``workers``); each result is cached as soon as it arrives, so a killed run loses
   nothing it finished.
4. results are streamed, in input order, into staged tables that replace the previous outputs
   as a set (``writers``).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .cache import Cache, file_hash
from .errors import DUPLICATE
from .pipeline import process_bytes
from .results import ErrorRecord, FileResult
from .stages.corpus import link_previous, panel_row, place, predecessors
from .workers import Limits, PoolStats, Task, run_tasks
from .writers import OutputLock, RecoveryError, recover

MAX_FILE_MB = 512


class RunError(Exception):
    """The run itself cannot be done (not a bad file: those become errors rows)."""


@dataclass
class InputFile:
    path: Path
    source_path: str  # relative to the INPUT it was found under, with / separators


@dataclass
class Progress:
    done: int = 0
    total: int = 0
    cached: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)
    note: str = ""  # what a worker is doing inside a long file (report.pdf: OCR page 3/40)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return (self.done - self.cached) / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        left = self.total - self.done
        return left / self.rate if self.rate > 0 else None


@dataclass
class Summary:
    out: Path
    files: int = 0
    ok: int = 0
    partial: int = 0
    failed: int = 0
    errors: int = 0
    checks_failed: int = 0
    checks_warned: int = 0
    worker_peak_mb: float = 0.0
    read: int = 0
    cached: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)

    def text(self) -> str:
        return (f"{self.files} files: {self.ok} reports ok, {self.partial} partial, {self.failed} failed; "
                f"{self.errors} errors; {self.checks_failed} checks failed, {self.checks_warned} warnings; "
                f"{self.read} read, {self.cached} from cache" +
                (f", {self.duplicates} duplicate files" if self.duplicates else "") +
                (f" (largest worker {self.worker_peak_mb:.0f} MB)" if self.worker_peak_mb else "") +
                f"; {self.seconds:.1f} s. Outputs in {self.out}/")


def discover(inputs: Iterable[str | os.PathLike], exclude: Path | None = None) -> list[InputFile]:
    """Files under each INPUT (folders searched recursively, hidden files skipped), in a stable order."""
    found: list[InputFile] = []
    skip = exclude.resolve() if exclude is not None else None
    for raw in inputs:
        root = Path(raw)
        if root.is_file():
            found.append(InputFile(root, root.name))
        elif root.is_dir():
            for p in sorted(root.rglob("*")):
                rel = p.relative_to(root)
                if any(part.startswith(".") for part in rel.parts) or not p.is_file():
                    continue
                if skip is not None and skip in p.resolve().parents:
                    continue
                found.append(InputFile(p, rel.as_posix()))
        else:
            raise FileNotFoundError(f"input not found: {root}")
    return found


def warm_up(cache_dir: Path | None = None) -> None:
    """Load what every worker needs (jieba's dictionary) once, before the workers fork; jieba keeps
    its dictionary cache in ``cache_dir`` (inside the output folder) rather than the system's temp."""
    from .stages.reuse import _jieba

    previous = os.environ.get("EXTRACT_CACHE_DIR")
    if cache_dir is not None:
        os.environ["EXTRACT_CACHE_DIR"] = str(Path(cache_dir).resolve())
    try:
        _jieba()
    finally:
        if previous is None:
            os.environ.pop("EXTRACT_CACHE_DIR", None)
        else:
            os.environ["EXTRACT_CACHE_DIR"] = previous


def process_path(path: str, source_path: str) -> FileResult:
    """Read one file from disk and run every stage (what a worker does)."""
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_MB * 2**20:
            res = FileResult(source_path)
            res.errors.append(ErrorRecord(source_path, "read", "file_too_large",
                                          f"the file is {size / 2**20:.0f} MB, over the {MAX_FILE_MB} MB limit for one report"))
            return res
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        res = FileResult(source_path)
        res.errors.append(ErrorRecord(source_path, "read", "unreadable_file", f"the file could not be read: {exc.strerror or exc}"))
        return res
    return process_bytes(data, source_path)


def run(inputs: Iterable[str | os.PathLike], out: str | os.PathLike = "outputs", *, jobs: int | None = None,
        force: bool = False, timeout: float = 120.0, memory_mb: int = 2048,
        progress: Callable[[Progress, FileResult | None], None] | None = None) -> Summary:
    """Read every report under ``inputs`` and write the tidy tables to ``out``."""
    started = time.monotonic()
    out = Path(out)
    inputs = list(inputs)
    items = discover(inputs, exclude=out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"cannot create the output folder {out}: {exc.strerror or exc}") from exc
    if not os.access(out, os.W_OK):
        raise RunError(f"the output folder {out} is not writable")
    jobs = jobs or os.cpu_count() or 1
    lock = OutputLock(out)
    if not lock.acquire():
        raise RunError(f"another run (process {lock.holder()}) is writing to {out}; wait for it to finish")
    try:
        try:
            recover(out)
        except RecoveryError as exc:
            raise RunError(str(exc)) from exc
        # nothing is written outside the output folder: the workers' temporary files (LibreOffice's
        # conversions) and jieba's dictionary cache go under OUT/.cache too
        scratch = (out / ".cache" / "tmp").resolve()
        scratch.mkdir(parents=True, exist_ok=True)
        cache = Cache(out / ".cache" / "results")
        digests: list[str | None] = []
        first_seen: dict[str, int] = {}
        for item in items:
            try:
                digests.append(file_hash(item.path))
            except OSError:
                digests.append(None)
        state = Progress(total=len(items))
        todo = []
        for i, (item, digest) in enumerate(zip(items, digests)):
            if digest is not None and digest in first_seen:
                continue  # a copy: reported when the tables are written
            if digest is not None:
                first_seen[digest] = i
            if digest is None or force or not cache.has(digest):
                todo.append(Task(i, str(item.path), item.source_path))
        duplicates = len(items) - len(first_seen) - sum(1 for d in digests if d is None)
        state.cached = state.done = len(items) - len(todo) - duplicates
        state.total = len(items) - duplicates
        if progress:
            progress(state, None)
        fresh: dict[int, FileResult] = {}  # results not cacheable (limits, unreadable) kept until written
        pool = PoolStats()
        if todo:
            warm_up(out / ".cache" / "jieba")  # shared by every forked worker instead of loaded by each
        def on_note(task: Task, text: str) -> None:
            state.note = f"{task.source_path}: {text}"
            if progress:
                progress(state, None)
            state.note = ""

        for index, result in run_tasks(todo, process_path, jobs, Limits(timeout, memory_mb), stats=pool,
                                       scratch=str(scratch), on_note=on_note):
            digest = digests[index]
            if digest is None or not cache.put(digest, result):
                fresh[index] = result
            state.done += 1
            state.failed += bool(result.errors)
            if progress:
                progress(state, result)
        summary = Summary(out, files=len(items), read=len(todo), cached=state.cached, duplicates=duplicates,
                          worker_peak_mb=pool.peak_mb)

        def load(i: int) -> FileResult:
            result = fresh.get(i) or (cache.get(digests[i]) if digests[i] else None)
            if result is None:  # pragma: no cover - cache unreadable between write and read
                result = process_path(str(items[i].path), items[i].source_path)
            _relocate(result, items[i].source_path)
            place(result)
            return result

        # which report follows which: a small index, then one streamed pass that writes everything
        keys = {}
        for i, digest in enumerate(digests):
            if digest is None or first_seen.get(digest) == i:
                rep = load(i).report
                if rep is not None and rep.agency_id and rep.year:
                    keys[i] = (rep.agency_id, rep.year)
        previous = predecessors(keys)
        from .writers import OutputWriter  # pandas, pyarrow, DuckDB: only once the workers are done

        writer = OutputWriter(out)
        try:
            for i, (item, digest) in enumerate(zip(items, digests)):
                if digest is not None and first_seen.get(digest) != i:
                    first = items[first_seen[digest]].source_path
                    result = FileResult(item.source_path)
                    result.errors.append(ErrorRecord(item.source_path, "run", DUPLICATE,
                                                     f"same content as {first} (report {digest[:16]}); read once",
                                                     digest[:16]))
                else:
                    result = load(i)
                    if i in previous:
                        link_previous(result, load(previous[i]))
                _count(summary, result)
                writer.add(result)
                if result.report is not None:
                    writer.add_row("panel", panel_row(result))
            summary.written = writer.commit()
        except BaseException:
            writer.abort()
            raise
    finally:
        lock.release()
    summary.seconds = time.monotonic() - started
    return summary


def _relocate(result: FileResult, source_path: str) -> None:
    """A cached result may come from the same bytes under another name: give it this file's path."""
    result.source_path = source_path
    if result.report:
        result.report.source_path = source_path
    for e in result.errors:
        e.source_path = source_path


def _count(summary: Summary, result: FileResult) -> None:
    if result.report:
        status = result.report.status
        setattr(summary, status, getattr(summary, status) + 1)
        summary.checks_failed += sum(1 for c in result.checks if c.status == "fail")
        summary.checks_warned += sum(1 for c in result.checks if c.status == "warn")
    summary.errors += len(result.errors)

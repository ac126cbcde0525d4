"""The Python API; the command line (``cli.py``) only parses arguments and calls these.

``run`` reads every report under its inputs and writes the tables:
1. ``discover``: files under each input, in a stable order (the output folder, hidden files,
   links and unreadable folders left out — each of the last with an ``errors`` row saying so).
2. ``plan``: a file unchanged since an earlier run (same size, times and inode) is taken from the
   cache without being read; a file larger than any report gets its error row without being read.
3. the other files go to worker processes with time and memory limits (``workers``, or a cluster:
   ``executors``); each worker reads, hashes the bytes it read, runs every stage and packs the
   result (``tasks``); the parent keeps each packed result in the cache as it arrives, so a killed
   run loses nothing it finished, and keeps only a small ``meta`` of it.
4. ``pair``: which report is another of the same agency-year (duplicates: the panel keeps one) and
   which is the same agency's previous year (``pairing``: then only that is kept of each file).
5. one pass in input order streams every packed result into staged tables, adding the cross-year
   checks and text reuse; the staged set replaces the previous outputs as a whole (``writers``).
"""
from __future__ import annotations

import fnmatch
import os
import re
import resource
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import archives
from .cache import Cache, user_cache
from .errors import (EMPTY_FILE, FILE_TOO_LARGE, NOT_A_FILE, SYMLINK_SKIPPED, UNREADABLE_FOLDER,
                     ExtractError)
from .results import FileResult
from .pairing import Briefs, Digests, Pairing, pair
from .tasks import MAX_FILE_MB, Outcome, error_outcome, meta_of, outcome, run_file
from .workers import Limits, PoolStats, Task, run_tasks
from .writers import LockError, OutputLock, RecoveryError, recover



class RunError(Exception):
    """The run itself cannot be done (not a bad file: those become errors rows)."""


class Interrupted(KeyboardInterrupt):
    """The run was stopped (Ctrl-C); ``committed`` says whether the new outputs had already replaced
    the previous ones as a whole."""

    def __init__(self, committed: bool):
        super().__init__("interrupted")
        self.committed = committed


@dataclass(slots=True)
class InputFile:
    path: str  # (a Path given is kept as its text: a run of many files holds them all, and a Path its parts too)
    source_path: str  # relative to the INPUT it was found under, with / separators
    skip: tuple[str, str] | None = None  # (code, message): not read, with an errors row
    member: int | None = None  # a file inside the ZIP archive at ``path``: its index there
    member_name: str = ""  # and its name there

    def __post_init__(self):
        self.path = os.fspath(self.path)

    @property
    def key(self) -> str:
        """What a worker is given to read (``archives.task_path`` for a member) and the cache knows it by."""
        if self.member is None:
            return self.path
        return archives.task_path(self.path, self.member, self.member_name)


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
    parent_peak_mb: float = 0.0  # this process's peak resident memory when the run ended
    parent_cpu_s: float = 0.0  # this process's CPU seconds during the run (workers not counted)
    write_cpu_s: float = 0.0  # of which the serial end: pairing and writing once the files were read
    sqlite_cpu_s: float = 0.0  # CPU seconds of the process writing reports.sqlite beside the serial end
    duckdb_cpu_s: float = 0.0  # and of the one writing reports.duckdb
    assemble_cpu_s: float = 0.0  # and of the helpers that assemble the reports' rows for it (``assemble``)
    read: int = 0
    cached: int = 0
    duplicates: int = 0
    same_report: int = 0  # reports of an agency-year already read from another file
    skipped: int = 0
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)

    def text(self) -> str:
        def n(count: int, one: str, many: str | None = None) -> str:
            return f"{count} {one if count == 1 else (many or one + 's')}"

        return (f"{n(self.files, 'file')}: {n(self.ok, 'report')} ok, {self.partial} partial, {self.failed} failed; "
                f"{n(self.errors, 'error')}; {n(self.checks_failed, 'check')} failed, "
                f"{n(self.checks_warned, 'warning')}; {self.read} read, {self.cached} from cache" +
                (f", {n(self.duplicates, 'duplicate file')}" if self.duplicates else "") +
                (f", {n(self.same_report, 'second copy', 'second copies')} of a report" if self.same_report else "") +
                (f", {self.skipped} skipped" if self.skipped else "") +
                (f" (largest worker {self.worker_peak_mb:.0f} MB)" if self.worker_peak_mb else "") +
                f"; {self.seconds:.1f} s. Outputs in {_display(str(self.out))}/")

    def as_dict(self) -> dict:
        """The summary as JSON-able data (paths as text any writer holds)."""
        return {k: (_display(str(v)) if isinstance(v, Path) else [_display(str(x)) for x in v] if k == "written"
                    else v) for k, v in self.__dict__.items()}


# ------------------------------------------------------------------ 1. discover


def _display(path: str) -> str:
    """A path as text every writer can hold (a name with invalid UTF-8 bytes gets U+FFFD)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _wanted(rel: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    if include and not any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in include):
        return False
    return not any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in exclude)


def discover(inputs: Iterable[str | os.PathLike], exclude: Path | None = None, *, follow_symlinks: bool = False,
             include: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> list[InputFile]:
    """Files under each INPUT (folders searched recursively), in a stable order. Hidden files and the
    output folder are left out silently; links (unless ``follow_symlinks``), folders that cannot be
    read and things that are not files come with a ``skip`` reason (an errors row)."""
    found: list[InputFile] = []
    # paths as text, not Path: pathlib keeps every name it parses (sys.intern), a run of many files all of them
    out = os.path.realpath(exclude) if exclude is not None else None
    inside_out = None if out is None else out.rstrip(os.sep) + os.sep
    for raw in inputs:
        root = Path(raw)
        if root.is_file():
            _add_file(found, root, _display(root.name), include, skip, named=True)
            continue
        if not root.is_dir():
            raise FileNotFoundError(f"input not found: {root}")

        def walk(folder: str, rel: str) -> None:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                found.append(InputFile(folder, _display(rel or "."), (UNREADABLE_FOLDER, f"the folder could not be "
                                                                      f"read ({exc.strerror or exc}): files in it were "
                                                                      "not read")))
                return
            for e in entries:
                if e.name.startswith("."):
                    continue
                path, name = e.path, (f"{rel}/{e.name}" if rel else e.name)
                shown = _display(name)
                if out is not None:
                    real = os.path.realpath(path)
                    if real == out or real.startswith(inside_out):
                        continue
                try:
                    link = e.is_symlink()
                    if link and not follow_symlinks:
                        kind = "folder" if e.is_dir() else "file"
                        found.append(InputFile(path, shown, (SYMLINK_SKIPPED, f"a link to a {kind} outside the "
                                                             "input was not followed (give --follow-symlinks to "
                                                             "read what links point to)")))
                        continue
                    if e.is_dir(follow_symlinks=follow_symlinks):
                        walk(path, name)
                    elif e.is_file(follow_symlinks=follow_symlinks):
                        _add_file(found, path, shown, include, skip)
                    elif _wanted(shown, include, skip):
                        found.append(InputFile(path, shown, (NOT_A_FILE, "not a regular file (a device, pipe or "
                                                             "socket): not read")))
                except OSError as exc:
                    found.append(InputFile(path, shown, ("unreadable_file", f"could not be examined: "
                                                         f"{exc.strerror or exc}")))

        walk(str(root), "")
    return found


def _add_file(found: list[InputFile], path: str | Path, shown: str, include: tuple[str, ...],
              exclude: tuple[str, ...], named: bool = False) -> None:
    """A file found, or each file in it when it is a ZIP archive of reports (``archives``): the globs
    choose among the members (all of them when ``include`` names the archive itself); an archive is
    left out when ``exclude`` names it. A file ``named`` on the command line is read whatever the globs
    say (an archive so named: its members but those ``exclude`` names)."""
    if archives.is_archive(str(path), shown):
        if not named and not _wanted(shown, (), exclude):
            return
        try:
            inside = archives.members(str(path))
        except ExtractError as exc:
            found.append(InputFile(path, shown, (exc.code, exc.message)))
            return
        if inside == []:
            found.append(InputFile(path, shown, (EMPTY_FILE, "the ZIP archive holds no files to read (only folders "
                                                 "or hidden files such as __MACOSX/)")))
            return
        if inside is not None:
            whole = named or bool(include) and _wanted(shown, include, ())  # the archive itself chosen
            for m in inside:
                name = f"{shown}/{m.name}"
                if _wanted(name, () if whole else include, exclude):
                    found.append(InputFile(path, name, m.skip, m.index, m.name))
            return
    if named or _wanted(shown, include, exclude):
        found.append(InputFile(path, shown))


def _check_out(out: Path, inputs: list) -> None:
    """Refuse an output folder that is, or holds, an input folder (its tables would land among the reports)."""
    o = out.resolve()
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            r = p.resolve()
            if r == o or o in r.parents:
                raise RunError(f"the output folder {out} is the input folder {raw} or holds it: choose an output "
                               "folder outside the reports (e.g. --out outputs)")


def _own_folder(path: Path) -> Path:
    """A folder this tool keeps (``OUT/.cache`` and the folders in it), made a real folder: a link planted
    in its place is removed, never followed (its target could be any folder: old cache versions are
    deleted, entries written)."""
    if path.is_symlink():
        path.unlink()
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:
        raise RunError(f"cannot make the folder {_display(str(path))}: {exc.strerror or exc}") from exc
    if path.is_symlink() or not path.is_dir():
        raise RunError(f"{_display(str(path))} is not a folder this tool made; remove it and run again")
    return path


def _word_cache(own: Path, cache_dir: Path | None) -> Path:
    """Where jieba's dictionary caches go (13 MB built from jieba's own files, no report in them): in
    ``--cache-dir``, else once per user (``user_cache``) rather than in every output folder; in
    ``OUT/.cache`` only when the user's cache folder cannot be written."""
    if cache_dir is not None:
        return _own_folder(cache_dir / "jieba")
    here = own / "jieba"  # where runs before 0.4 kept them, and the fallback
    shared = user_cache() / "jieba"
    try:
        shared.mkdir(parents=True, exist_ok=True)
        usable = shared.is_dir() and not shared.is_symlink() and os.access(shared, os.W_OK | os.X_OK)
    except OSError:
        usable = False
    if not usable:
        return _own_folder(here)
    try:  # the copy an older run left in this output folder is of no further use
        if here.is_symlink():
            here.unlink()
        elif here.is_dir():
            shutil.rmtree(here, ignore_errors=True)
    except OSError:
        pass
    return shared


def warm_up(cache_dir: Path | None = None, load: bool = True) -> None:
    """Say where jieba's dictionary caches go (``cache_dir``; a run: ``_word_cache``) and, with
    ``load``, load the dictionary and the IDF table now. A run only says where (and imports the stages,
    which forked workers then share): each worker loads the dictionary the first time it segments a
    text, so the parent never holds it."""
    from . import pipeline  # noqa: F401 - imported once here, shared by the workers forked after
    from .stages import reuse

    if cache_dir is not None:
        reuse.configure(cache_dir)
    if load:
        reuse._jieba()
        reuse._idf()


def process_path(path: str, source_path: str) -> FileResult:
    """Read one file from disk and run every stage, as a FileResult (``extract inspect``, tests)."""
    from .pipeline import process_bytes
    from .results import ErrorRecord

    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_MB * 2**20:
            res = FileResult(source_path)
            res.errors.append(ErrorRecord(source_path, "read", FILE_TOO_LARGE,
                                          f"the file is {size / 2**20:.0f} MB, over the {MAX_FILE_MB} MB limit"))
            return res
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        res = FileResult(source_path)
        res.errors.append(ErrorRecord(source_path, "read", "unreadable_file",
                                      f"the file could not be read: {exc.strerror or exc}"))
        return res
    return process_bytes(data, source_path)


# ------------------------------------------------------------------ the run


def run(inputs: Iterable[str | os.PathLike], out: str | os.PathLike = "outputs", *, jobs: int | None = None,
        force: bool = False, timeout: float = 120.0, memory_mb: int = 2048,
        progress: Callable[[Progress, FileResult | None], None] | None = None,
        cache_dir: str | os.PathLike | None = None, follow_symlinks: bool = False,
        include: Iterable[str] = (), exclude: Iterable[str] = (), executor=None,
        partition: str | None = None, lean_memory: bool = False) -> Summary:
    """Read every report under ``inputs`` and write the tidy tables to ``out``.

    ``cache_dir``: where results of unchanged files are kept (default ``OUT/.cache``); ``include`` /
    ``exclude``: glob patterns of file names or relative paths; ``executor``: where files are read
    (``executors.local`` by default, or a cluster executor); ``partition="year"``: the long tables
    also as Parquet partitioned by year (``OUT/facts/year=2023/part-0.parquet``); ``lean_memory``: once
    the files are read, the process's allocators set to give back what the writing frees
    (``allocators``: what the ``run`` command does; process-wide, so off by default)."""
    if partition not in (None, "year"):
        raise RunError(f"--partition takes year, not {partition!r}")
    started, cpu_started = time.monotonic(), time.process_time()
    out = Path(out)
    inputs = list(inputs)
    for raw in inputs:
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", str(raw)):
            raise FileNotFoundError(f"{raw} is a web address: download the file first, then give its path")
        if not Path(raw).exists():
            raise FileNotFoundError(f"input not found: {raw}")
    _check_out(out, inputs)
    try:
        str(out).encode("utf-8")
    except UnicodeEncodeError:  # Parquet, DuckDB and SQLite take only UTF-8 paths
        raise RunError(f"the output folder's name {_display(str(out))!r} is not valid UTF-8, which the writers "
                       "need: choose another output folder") from None
    items = discover(inputs, exclude=out, follow_symlinks=follow_symlinks, include=tuple(include),
                     skip=tuple(exclude))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"cannot create the output folder {out}: {exc.strerror or exc}") from exc
    if not os.access(out, os.W_OK):
        raise RunError(f"the output folder {out} is not writable")
    jobs = jobs or os.cpu_count() or 1
    lock = OutputLock(out)
    try:
        if not lock.acquire():
            raise RunError(f"another run (process {lock.holder()}) is writing to {out}; wait for it to finish")
    except LockError as exc:
        raise RunError(str(exc)) from exc
    committed = False
    try:
        try:
            recover(out)
        except RecoveryError as exc:
            raise RunError(str(exc)) from exc
        if partition:
            from .writers.names import PARTITION_FOLDERS
            from .writers.partition import is_partition_folder

            for name in PARTITION_FOLDERS:
                if os.path.lexists(out / name) and not is_partition_folder(out / name):
                    raise RunError(f"{_display(str(out / name))} is not a folder of partitions this tool wrote; "
                                   "--partition would replace it: move it, or choose another --out")
        own = _own_folder(out / ".cache")
        root = own if cache_dir is None else Path(cache_dir)
        root.mkdir(parents=True, exist_ok=True)
        scratch = _own_folder(own / "tmp").resolve()  # the workers' temporary files (LibreOffice, OCR models)
        words = _word_cache(own, None if cache_dir is None else root)
        cache = Cache(_own_folder(root / "results"))
        summary = Summary(out, files=len(items))
        digests, briefs, fresh = _read_all(items, cache, force, jobs, timeout, memory_mb, progress, scratch, words,
                                           summary, executor)
        pairing = pair(digests, briefs)
        del briefs  # (the pairing is all the writing needs of them)
        try:  # what each path held is known now (an interrupted writing keeps it too)
            cache.save_index(release=True)
        except OSError:
            pass
        write_started = time.process_time()
        writer = _write_all(out, items, digests, pairing, fresh, cache, summary, jobs, partition, lean_memory,
                            helper_start="forkserver" if getattr(executor, "leaves_threads", False) else "fork")
        committed = True  # the new set is in place: an interrupt from here on says so
        summary.write_cpu_s = time.process_time() - write_started
    except Interrupted:
        raise
    except KeyboardInterrupt as exc:
        raise Interrupted(committed) from exc
    finally:
        lock.release()
    summary.written = writer
    summary.seconds = time.monotonic() - started
    summary.parent_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary.parent_cpu_s = time.process_time() - cpu_started
    return summary


def _read_all(items, cache: Cache, force, jobs, timeout, memory_mb, progress, scratch: Path, words: Path,
              summary: Summary, executor):
    """Every file's digest and brief (``pairing``): from the cache when unchanged, else read by the workers."""
    digests = Digests(len(items))
    briefs = Briefs(len(items))
    fresh: dict[int, bytes] = {}  # packed results not kept in the cache (limits, unreadable): kept until written
    stats: dict[int, os.stat_result] = {}
    todo = []
    for i, item in enumerate(items):
        if item.skip is not None:
            continue
        try:
            st = os.stat(item.path)
        except OSError:
            st = None
        if st is not None and item.member is None and st.st_size > MAX_FILE_MB * 2**20:  # (a member: its own size)
            o = error_outcome(item.source_path, "read", FILE_TOO_LARGE,
                              f"the file is {st.st_size / 2**20:.0f} MB, over the {MAX_FILE_MB} MB limit for one "
                              "report")
            fresh[i] = o.blob
            briefs.set(i, o.meta)
            continue
        if st is not None:
            digest = None if force else cache.known(item.key, st)
            if digest is not None:
                p = cache.packed(digest, check=True)
                if p is not None:  # the entry is whole: its meta is taken from it, not from the index
                    digests[i] = digest
                    briefs.set(i, meta_of(p))
                    continue
                cache.forget(item.key)  # a damaged entry counts as absent: the file is read again
            stats[i] = st
        todo.append(Task(i, item.key, item.source_path))
    state = Progress(total=len([x for x in items if x.skip is None]))
    state.cached = state.done = state.total - len(todo)
    summary.read, summary.cached = len(todo), state.cached
    if progress:
        progress(state, None)
    pool = PoolStats()
    if todo:
        warm_up(words, load=False)

    def on_note(task: Task, text: str) -> None:
        state.note = f"{task.source_path}: {text}"
        if progress:
            progress(state, None)
        state.note = ""

    if executor is None:
        results = run_tasks(todo, run_file, jobs, Limits(timeout, memory_mb), stats=pool, scratch=str(scratch),
                            on_note=on_note)
    else:
        results = executor.run(todo, Limits(timeout, memory_mb), stats=pool, on_note=on_note)
    for index, got in results:
        o = got if isinstance(got, Outcome) else outcome(got)  # a limit or crash the parent recorded
        digests[index] = o.digest
        briefs.set(index, o.meta)
        if o.digest and o.meta.get("cacheable") and cache.put(o.digest, o.blob):
            cache.remember(items[index].key, stats.get(index), o.digest, o.meta)
        else:
            fresh[index] = o.blob
        state.done += 1
        state.failed += bool(o.meta.get("errors"))
        if progress:
            progress(state, None)
    summary.worker_peak_mb = pool.peak_mb
    return digests, briefs, fresh


def _write_all(out: Path, items, digests: Digests, pairing: Pairing, fresh, cache: Cache, summary: Summary,
               jobs: int, partition: str | None = None, lean_memory: bool = False,
               helper_start: str = "fork") -> list[Path]:
    """Every item's rows into the staged tables, in input order, then the commit. Each chunk of items is
    assembled (``assemble``: its results taken from the cache and paired, its rows made) by helper
    processes while the parent writes the chunk before. ``helper_start``: how they start (``"fork"``;
    ``"forkserver"`` for a cluster run: its client's threads live on in this process, and a process
    forked beside running threads may inherit a lock one of them held)."""
    from .assemble import CHUNK, MIN_ITEMS, Helpers, Item, assemble, helper_count

    def where(i: int) -> tuple[str, object]:
        return ("fresh", fresh[i]) if i in fresh else ("entry", digests[i])

    def item(i: int) -> Item:
        it = items[i]
        if it.skip is not None:
            return Item(i, it.source_path, "skip", it.skip)
        if i in pairing.copy_of:
            return Item(i, it.source_path, "copy", (items[pairing.copy_of[i]].source_path, digests[i]))
        j = pairing.previous(i)
        same = None if i not in pairing.same else (pairing.kept_id[i], items[pairing.same[i]].source_path)
        return Item(i, it.source_path, *where(i), same=same, prev=None if j is None else (j, *where(j)),
                    wanted_later=pairing.wanted_later(i))

    starts = range(0, len(items), CHUNK)

    def chunk(k: int) -> list[Item]:
        return [item(i) for i in range(starts[k], min(starts[k] + CHUNK, len(items)))]

    # forked before the writers start their threads and processes
    helpers = Helpers(helper_count(jobs), cache, helper_start) if len(items) >= MIN_ITEMS else None
    from .writers import OutputWriter  # pyarrow and DuckDB writers: only once the workers are done

    try:
        writer = OutputWriter(out, partition)  # (its SQLite and DuckDB processes forked here)
    except BaseException:
        if helpers is not None:
            helpers.kill()
        raise
    if lean_memory:  # the workers are done and the writers' processes started: none of them inherits it
        from .allocators import lean_for_writing

        lean_for_writing()
    try:
        chunks = helpers.run(len(starts), chunk, cache) if helpers else (assemble(chunk(k), cache)
                                                                          for k in range(len(starts)))
        for done in chunks:
            for name, n in done.counts.items():
                setattr(summary, name, getattr(summary, name) + n)
            writer.add_assembled(done)
        if helpers is not None:
            summary.assemble_cpu_s = helpers.close()
            helpers = None
        written = writer.commit()
        summary.sqlite_cpu_s, summary.duckdb_cpu_s = writer.sqlite.cpu_s, writer.duckdb.cpu_s
        return written
    except BaseException as exc:
        if helpers is not None:
            helpers.kill()
        writer.abort()
        if isinstance(exc, KeyboardInterrupt) and writer.committed:
            raise Interrupted(True) from exc
        raise



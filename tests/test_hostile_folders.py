"""Hostile file names, damaged caches and output folders prepared by someone else (issue 12).

Every input is made here, in tmp_path, and is small on disk (the sparse file takes no blocks). A run
must finish, read what it can, and never read, write, run or move anything outside its own folders."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import time
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from extract import api, cli, load
from extract.cache import SEAL, _seal, user_key
from extract.frames import as_decimal
from extract.packing import MAGIC, encode, unpack
from extract.readers.css import selector
from extract.synth import random_spec, render
from extract.values import Grammar, parse_value
from extract.writers import JOURNAL, RecoveryError

from hostile import output_set, text_reports, tree


def _csv(out: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{table}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _entry(out: Path, data: bytes) -> Path:
    """The cache entry of a file with these bytes."""
    digest = hashlib.sha256(data).hexdigest()
    found = list((out / ".cache" / "results").glob(f"*/{digest[:2]}/{digest}.packed"))
    assert len(found) == 1, f"no cache entry for {digest}"
    return found[0]


# ---------------------------------------------------------------- 1. file names that are not UTF-8


def test_a_file_name_with_invalid_utf8_bytes_is_read_and_every_writer_copes(tmp_path, capsys):
    src = tmp_path / "in"
    good = text_reports(src, 1)[0]
    bad_name = os.fsencode(src) + b"/bad\xff.txt"
    with open(bad_name, "wb") as fh:
        fh.write(render(random_spec(41, "2021"), "txt", tmp_path / "r41.txt").read_bytes())
    os.mkdir(os.fsencode(src) + b"/\xfe\xfddir")
    with open(os.fsencode(src) + b"/\xfe\xfddir/empty\x80.txt", "wb"):
        pass  # an empty file: an errors row under a name with invalid bytes
    out = tmp_path / "out"

    first = api.run([src], out, jobs=1)
    assert (first.files, first.ok, first.read) == (3, 2, 3)
    reports = _csv(out, "reports")
    assert sorted(reports.source_path) == ["bad\ufffd.txt", good.name]
    errors = _csv(out, "errors")
    assert list(errors.source_path) == ["\ufffd\ufffddir/empty\ufffd.txt"] and list(errors.code) == ["empty_file"]
    # the cache's index holds the name (as bytes in base64): the next run takes the file from the cache
    index = next((out / ".cache" / "results").glob("*/stats.jsonl")).read_bytes()
    assert len([json.loads(line) for line in index.decode("utf-8").splitlines()]) == 3
    before = output_set(out)
    again = api.run([src], out, jobs=1)
    assert (again.read, again.cached) == (0, 3) and output_set(out) == before
    # the command line, with a cache elsewhere (--cache-dir) and a summary file, both named with invalid
    # bytes too: exit 0, every file written
    weird = os.fsencode(tmp_path) + b"/\xff"
    out2, summary_json = tmp_path / "out2", Path(os.fsdecode(weird + b"summary.json"))
    rc = cli.main(["run", str(src), "--out", str(out2), "--cache-dir", os.fsdecode(weird + b"cache"), "-j", "1",
                   "--quiet", "--summary-json", str(summary_json)])
    assert rc == 0, capsys.readouterr().err
    assert json.loads(summary_json.read_text(encoding="utf-8"))["ok"] == 2
    assert output_set(out2) == before
    assert (api.run([src], out2, jobs=1, cache_dir=os.fsdecode(weird + b"cache")).cached == 3)
    import sqlite3

    con = sqlite3.connect(out2 / "reports.sqlite")
    assert sorted(r[0] for r in con.execute("select source_path from reports")) == ["bad\ufffd.txt", good.name]
    con.close()
    assert load(out2).reports.source_path.tolist() == list(reports.source_path)
    # extract inspect, in the terminal and as a page, both named with invalid bytes
    assert cli.main(["inspect", os.fsdecode(bad_name), "--html", os.fsdecode(weird + b"page.html")]) == 0
    assert "bad\ufffd.txt" in capsys.readouterr().out
    assert "<h1>bad\ufffd.txt</h1>" in Path(os.fsdecode(weird + b"page.html")).read_text(encoding="utf-8")
    # an output folder whose own name is not UTF-8 is refused up front (the writers need UTF-8 paths)
    assert cli.main(["run", str(src), "--out", os.fsdecode(weird + b"out"), "--quiet"]) == 1
    assert "not valid UTF-8" in capsys.readouterr().err


# ---------------------------------------------------------------- 2. damaged cache entries count as absent


def _repack(blob: bytes, change) -> bytes:
    """The entry with its content changed and a correct checksum: valid-looking, of the wrong kind."""
    p = unpack(blob)
    change(p)
    return encode(p)


def _container(head) -> bytes:
    """A container with a correct checksum around any JSON header."""
    head = json.dumps(head).encode()
    raw = len(head).to_bytes(8, "big") + head
    payload = len(raw).to_bytes(8, "big") + pa.Codec("zstd").compress(raw, asbytes=True)
    return MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def _flip(blob: bytes) -> bytes:
    at = len(blob) // 2
    return blob[:at] + bytes([blob[at] ^ 0x20]) + blob[at + 1:]


def _replace(path: Path, data: bytes | None) -> None:
    path.unlink()
    if data is None:
        path.mkdir()  # a folder where the entry goes: it can be neither read nor written
    else:
        path.write_bytes(data)


def _payload(raw: bytes) -> bytes:
    """An entry as the cache keeps it, without its seal (the packed result)."""
    return raw[len(SEAL) + 32:]


def _sealed(digest: str, payload: bytes, key: bytes | None = None) -> bytes:
    """``payload`` sealed as the cache seals it, with this user's key (or ``key``)."""
    return SEAL + _seal(key or user_key(), digest, payload) + payload


# what is done to an entry: (its bytes, another entry's bytes, its digest) -> the bytes put in its place.
# Entries of the wrong content are sealed again with the user's key, as if the key were known: the
# checks of the content (``packing.verify``) still refuse them
DAMAGE = {
    "flipped byte": lambda raw, other, d: _flip(raw),
    "truncated": lambda raw, other, d: raw[: len(raw) // 2],
    "garbage": lambda raw, other, d: os.urandom(len(raw)),
    "empty": lambda raw, other, d: b"",
    "values forged, checksum right, no seal": lambda raw, other, d: _repack(
        _payload(raw), lambda p: p.report.update(cells_found=999)),
    "values forged, sealed with another key": lambda raw, other, d: _sealed(d, _repack(
        _payload(raw), lambda p: p.report.update(cells_found=999)), os.urandom(32)),
    "header of the wrong type": lambda raw, other, d: _sealed(d, _container(["not", "a", "result"])),
    "report field of the wrong type": lambda raw, other, d: _sealed(d, _repack(
        _payload(raw), lambda p: p.report.update(cells_found="many"))),
    "rows missing from the CSV rendering": lambda raw, other, d: _sealed(d, _repack(
        _payload(raw), lambda p: p.parts.update({"facts.csv": p.parts["facts.csv"].split(b"\n", 3)[-1]}))),
    "Arrow part that is no Arrow": lambda raw, other, d: _sealed(d, _repack(
        _payload(raw), lambda p: p.parts.update({"facts.arrow": b"x"}))),
    "another file's entry": lambda raw, other, d: other,
    "a folder": lambda raw, other, d: None,
}


def test_damaged_cache_entries_are_read_again_in_the_same_run(tmp_path):
    files = text_reports(tmp_path / "in", len(DAMAGE) + 1)
    out, clean = tmp_path / "out", tmp_path / "clean"
    api.run([tmp_path / "in"], out, jobs=2)
    api.run([tmp_path / "in"], clean, jobs=2)
    want = output_set(clean)
    spare = _entry(out, files[-1].read_bytes()).read_bytes()
    for (kind, damage), f in zip(DAMAGE.items(), files):
        entry = _entry(out, f.read_bytes())
        _replace(entry, damage(entry.read_bytes(), spare, entry.name.split(".")[0]))
    second = api.run([tmp_path / "in"], out, jobs=2)
    assert (second.read, second.cached) == (len(DAMAGE), 1)
    assert "cache_lost" not in set(_csv(out, "errors").code)
    assert output_set(out) == want
    third = api.run([tmp_path / "in"], out, jobs=2)  # mended, but for the folder that holds the entry's place
    assert (third.read, third.cached) == (1, len(DAMAGE)) and output_set(out) == want

    # the index of what each path held: a flipped byte, garbage, a truncated file, entries of the wrong type
    index = next((out / ".cache" / "results").glob("*/stats.jsonl"))
    text = index.read_text(encoding="utf-8")
    data = {k: [held, digest] for k, held, digest in map(json.loads, text.splitlines())}
    path0, path1 = str(files[0]), str(files[1])
    for damaged in (text.replace(data[path0][1], data[path0][1][:-1] + "x"), text[: len(text) // 2],
                    "\x00garbage", json.dumps({path0: "x", path1: [[1, 2], 3, {}]}),
                    json.dumps([path0, "x", 1]) + "\n" + json.dumps([path1, [[1, 2], 3, {}], "y"]) + "\n"):
        index.write_text(damaged, encoding="utf-8")
        api.run([tmp_path / "in"], out, jobs=2)
        assert output_set(out) == want


# ---------------------------------------------------------------- 3. a number of 30,000 digits


def _with_row(tmp_path: Path, old_row: str, new_row: str) -> Path:
    page = render(random_spec(7, "2021"), "md", tmp_path / "r.md").read_text(encoding="utf-8")
    line = next(ln for ln in page.splitlines() if ln.startswith(old_row))
    path = tmp_path / "big.md"
    path.write_text(page.replace(line, new_row), encoding="utf-8")
    return path


def test_30000_run_together_digits_are_an_invalid_value_not_a_lost_report(tmp_path):
    digits = "1234567890" * 3000
    path = _with_row(tmp_path, "| 规章 |", f"| 规章 | {digits} | 0 | 0 |")
    result = api.process_path(str(path), "big.md")
    assert result.errors == [] and result.report is not None
    cells = {(f.table, f.row, f.column): f for f in result.facts}
    issued = cells[("active", "rules", "issued")]
    assert issued.status == "invalid" and issued.value is None and issued.raw.startswith("1234567890")
    assert cells[("active", "normative_docs", "issued")].status == "ok"
    assert cells[("requests", "new_received", "total")].status == "ok"

    # run together with the row's label, in prose, as a section number: read within seconds, no error
    for old, new in (("| 规章 |", f"规章{digits}00"), ("| 行政许可 |", f"本年度共收到申请{digits}件。"),
                     ("| 行政处罚 |", f"（{digits}）行政处罚")):
        path = _with_row(tmp_path, old, new)
        started = time.monotonic()
        result = api.process_path(str(path), "big.md")
        assert result.errors == [] and result.report is not None, new[:20]
        assert time.monotonic() - started < 30, new[:20]

    # through a whole run: the report and its CSV and Parquet rows
    api.run([_with_row(tmp_path, "| 规章 |", f"| 规章 | {digits} | 0 | 0 |")], tmp_path / "out", jobs=1)
    facts = _csv(tmp_path / "out", "facts")
    cell = facts[(facts.row == "rules") & (facts.column == "issued")]
    assert list(cell.status) == ["invalid"] and list(cell.value) == [""]
    assert len(_csv(tmp_path / "out", "errors")) == 0


def test_the_value_grammar_counts_digits_before_converting():
    count, money = Grammar(), Grammar(decimal=True, unit="万元")
    for text in ("1" * 30_000, "-" + "9" * 5_000, "1" * 30 + ".5", "1" * 5_000 + "元"):
        verdict = (money if "." in text or "元" in text else count).admit(parse_value(text))
        assert not verdict.admitted and "digits" in verdict.note
    assert as_decimal(Decimal("1" * 30_000)) is None
    # exact to the last digit the store holds (the default context would round to 28 digits)
    assert money.admit(parse_value("12345678901234567890.123456789")).value == Decimal("12345678901234567890.123456789")
    converted = money.admit(parse_value("1234567890123456789012345678.9元")).value
    assert converted == Decimal("123456789012345678901234.56789")
    assert selector("tr:nth-child(" + "9" * 5_000 + ")") is None  # a style rule: not understood, no crash


# ---------------------------------------------------------------- 4. output folders others prepared


class _Marker:
    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (str(self.path),))


def test_a_planted_pickle_is_never_unpickled(tmp_path):
    files = text_reports(tmp_path / "in", 2)
    out = tmp_path / "out"
    api.run([tmp_path / "in"], out, jobs=1)
    want = output_set(out)
    marker = tmp_path / "code-ran"
    bomb = pickle.dumps(_Marker(marker))
    for f in files:
        entry = _entry(out, f.read_bytes())
        entry.write_bytes(bomb)
        entry.with_suffix(".pickle").write_bytes(bomb)  # where entries were kept once
    index = next((out / ".cache" / "results").glob("*/stats.jsonl"))
    index.write_bytes(bomb)
    (out / JOURNAL).write_bytes(bomb)
    with pytest.raises(RecoveryError):
        load(out)
    (out / JOURNAL).unlink()
    second = api.run([tmp_path / "in"], out, jobs=1)
    assert second.read == 2 and output_set(out) == want
    load(out)
    assert not marker.exists()


@pytest.mark.parametrize("plan", [
    {"staging": ".staging-1", "files": [{"name": "../victim.txt", "ino": 1, "size": 1}]},
    {"staging": "../outside", "files": [{"name": "reports.csv", "ino": 1, "size": 1}]},
    {"staging": ".staging-1", "files": [{"name": "/tmp/victim.txt", "ino": 1, "size": 1}]},
    {"staging": ".staging-1", "files": [{"name": "reports.csv/../../victim.txt", "ino": 1, "size": 1}]},
    {"staging": ".staging-2", "files": [{"name": "reports.csv", "ino": 1, "size": 1}]},  # a link to outside
])
def test_a_planted_commit_journal_naming_other_paths_is_refused(tmp_path, plan):
    text_reports(tmp_path / "in", 1)
    out = tmp_path / "out"
    api.run([tmp_path / "in"], out, jobs=1)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "reports.csv").write_text("planted")
    (tmp_path / "victim.txt").write_text("precious")
    (out / ".staging-2").symlink_to(outside)
    (out / JOURNAL).write_text(json.dumps(plan))
    outputs = output_set(out)
    before = {k: v for k, v in tree(tmp_path).items() if not k.startswith("out/")}
    with pytest.raises(api.RunError, match="half replaced"):
        api.run([tmp_path / "in"], out, jobs=1)
    with pytest.raises(RecoveryError):
        load(out)
    assert {k: v for k, v in tree(tmp_path).items() if not k.startswith("out/")} == before
    assert output_set(out) == outputs


def test_a_lock_that_is_a_link_is_not_followed(tmp_path, capsys):
    text_reports(tmp_path / "in", 1)
    out = tmp_path / "out"
    api.run([tmp_path / "in"], out, jobs=1)
    target = tmp_path / "target.txt"
    target.write_text("precious")
    (out / ".lock").unlink()
    (out / ".lock").symlink_to(target)
    with pytest.raises(api.RunError, match="symbolic link"):
        api.run([tmp_path / "in"], out, jobs=1)
    assert cli.main(["run", str(tmp_path / "in"), "--out", str(out), "-j", "1", "--quiet"]) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert len(load(out).reports) == 1
    assert target.read_text() == "precious" and (out / ".lock").is_symlink()


def test_links_planted_in_the_cache_folder_are_removed_not_followed(tmp_path):
    text_reports(tmp_path / "in", 1)
    victim = tmp_path / "victim"
    (victim / "results" / "keep").mkdir(parents=True)
    (victim / "important").mkdir()
    (victim / "important" / "a.txt").write_text("precious")
    for planted in (".cache", ".cache/results", ".cache/tmp", ".cache/jieba"):
        out = tmp_path / f"out-{planted.replace('/', '-')}"
        (out / planted).parent.mkdir(parents=True, exist_ok=True)
        (out / planted).symlink_to(victim)
        before = tree(victim)
        summary = api.run([tmp_path / "in"], out, jobs=1)
        assert summary.ok == 1 and tree(victim) == before, planted
        assert not (out / planted).is_symlink()


def test_links_in_the_input_are_skipped_unless_followed(tmp_path):
    src, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    text_reports(src, 1)
    outside_file = text_reports(elsewhere, 1, seed0=50)[0]
    text_reports(elsewhere / "folder", 1, seed0=60)
    (src / "a-file-link.txt").symlink_to(outside_file)
    (src / "a-folder-link").symlink_to(elsewhere / "folder")
    api.run([src], tmp_path / "out", jobs=1)
    errors = _csv(tmp_path / "out", "errors").set_index("source_path")
    assert errors.loc["a-file-link.txt", "code"] == "symlink_skipped"
    assert errors.loc["a-folder-link", "code"] == "symlink_skipped"
    assert "a link to a folder" in errors.loc["a-folder-link", "message"]
    assert list(_csv(tmp_path / "out", "reports").source_path) == ["r000.txt"]

    api.run([src], tmp_path / "followed", jobs=1, follow_symlinks=True)
    assert sorted(_csv(tmp_path / "followed", "reports").source_path) == [
        "a-file-link.txt", "a-folder-link/r060.txt", "r000.txt"]
    assert len(_csv(tmp_path / "followed", "errors")) == 0


def test_an_output_folder_that_is_or_holds_an_input_is_refused(tmp_path, capsys):
    src = tmp_path / "reports" / "in"
    text_reports(src, 1)
    before = tree(tmp_path)
    for out in (src, src.parent, tmp_path, src / "."):
        with pytest.raises(api.RunError, match="output folder"):
            api.run([src], out, jobs=1)
        assert cli.main(["run", str(src), "--out", str(out), "--quiet"]) == 1
        assert "output folder" in capsys.readouterr().err
    assert tree(tmp_path) == before


def test_a_sparse_file_of_several_gb_is_too_large_without_being_read(tmp_path):
    src = tmp_path / "in"
    text_reports(src, 1)
    huge = src / "huge.pdf"
    huge.touch()
    os.truncate(huge, 6 << 30)  # 6 GB of holes: nothing on disk
    assert huge.stat().st_blocks < 64
    started = time.monotonic()
    summary = api.run([src], tmp_path / "out", jobs=1)
    assert time.monotonic() - started < 20  # reading or hashing 6 GB would take longer
    assert summary.read == 1 and summary.ok == 1  # only the report went to a worker
    errors = _csv(tmp_path / "out", "errors")
    assert list(errors.source_path) == ["huge.pdf"] and list(errors.code) == ["file_too_large"]
    assert re.search(r"6144 MB", errors.message[0])


def test_a_link_planted_in_place_of_a_cache_subfolder_is_never_written_through(tmp_path):
    files = text_reports(tmp_path / "in", 1)
    out = tmp_path / "out"
    api.run([tmp_path / "in"], out, jobs=1)
    entry = _entry(out, files[0].read_bytes())
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / entry.name).write_bytes(b"precious")  # a file the planted link would have us delete or overwrite
    sub = entry.parent
    for f in sub.iterdir():
        f.unlink()
    sub.rmdir()
    sub.symlink_to(victim)
    summary = api.run([tmp_path / "in"], out, jobs=1)
    assert summary.read == 1 and summary.ok == 1
    assert (victim / entry.name).read_bytes() == b"precious"
    assert not sub.is_symlink() and entry.is_file()  # the link removed, the entry written in a real folder


def test_load_beside_a_run_in_the_same_process_leaves_the_runs_lock(tmp_path):
    """POSIX locks belong to the process: a second acquire here succeeded, and closing its descriptor
    dropped the run's lock (a run in a notebook's thread, load() beside it)."""
    import subprocess
    import sys

    from extract.writers import OutputLock, busy

    text_reports(tmp_path / "in", 1)
    out = tmp_path / "out"
    api.run([tmp_path / "in"], out, jobs=1)
    lock = OutputLock(out)
    assert lock.acquire()
    try:
        assert busy(out) and not OutputLock(out).acquire()
        assert len(load(out).reports) == 1
        other = subprocess.run([sys.executable, "-c", "import sys; from extract.writers import OutputLock; "
                                "print(OutputLock(sys.argv[1]).acquire())", str(out)],
                               capture_output=True, text=True, check=True)
        assert other.stdout.strip() == "False"  # still held: no other run could start
    finally:
        lock.release()
    assert not busy(out)

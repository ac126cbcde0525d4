"""ZIP archives of reports: each member read as a report of its own, with limits (issue 13).

Expected values come from ../shared/truth (the hand-checked cells of the reports put in the
archives); the archives are built here from the real reports, with the odd members people's
downloads really hold (macOS resource forks, .DS_Store, GBK names, a nested archive) and the
damage an attacker can make (a member larger than it says, an encrypted one, a huge declared size).
"""
from __future__ import annotations

import csv
import os
import shutil
import struct
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from extract import api, archives
from extract.errors import ExtractError
from extract.packing import unpack

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL = SHARED / "corpus-real"


def truth(stem: str) -> dict[tuple[str, str, str], str]:
    with open(SHARED / "truth" / f"{stem}.csv", encoding="utf-8") as fh:
        return {(r["table"], r["row"], r["column"]): r["value"] for r in csv.DictReader(fh) if r["status"] == "ok"}


def rows(out: Path, name: str) -> list[dict]:
    with open(out / f"{name}.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


class GBKName(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as Windows' own zip tool writes Chinese names."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def _patch_central(path: Path, index: int, *, flags: int | None = None, size: int | None = None) -> None:
    """Change member ``index``'s entry in the central directory (its flag bits or declared size)."""
    data = bytearray(path.read_bytes())
    at = -1
    for _ in range(index + 1):
        at = data.index(b"PK\x01\x02", at + 1)
    if flags is not None:
        struct.pack_into("<H", data, at + 8, flags)
    if size is not None:
        struct.pack_into("<I", data, at + 24, size)
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def archive_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("zips")
    src = base / "in"
    src.mkdir()
    with zipfile.ZipFile(src / "reports.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(REAL / "pingtan-2019.txt", "2019/pingtan-2019.txt")
        zf.write(REAL / "shuyang-fagaiju-2023.html", "shuyang-fagaiju-2023.html")
        zf.write(REAL / "huaian-hongzequ-2023.pdf", "pdf/huaian-hongzequ-2023.pdf")
        zf.writestr("__MACOSX/pdf/._huaian-hongzequ-2023.pdf", b"\x00\x05\x16\x07 resource fork")
        zf.writestr(".DS_Store", b"Bud1 junk")
        zf.writestr("2019/", b"")
        with zipfile.ZipFile(base / "inner.zip", "w") as inner:
            inner.writestr("x.txt", "nothing")
        zf.write(base / "inner.zip", "more/inner.zip")
    with zipfile.ZipFile(src / "gbk.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(GBKName("漳州/二轻2019年报.txt"), (REAL / "zhangzhou-erqing-2019.txt").read_bytes())
    out = base / "out"
    summary = api.run([src], out, jobs=2)
    return src, out, summary


def test_each_member_is_a_report_with_its_values(archive_run):
    src, out, summary = archive_run
    reports = {r["source_path"]: r for r in rows(out, "reports")}
    assert set(reports) == {"gbk.zip/漳州/二轻2019年报.txt", "reports.zip/2019/pingtan-2019.txt",
                            "reports.zip/shuyang-fagaiju-2023.html", "reports.zip/pdf/huaian-hongzequ-2023.pdf"}
    assert reports["reports.zip/2019/pingtan-2019.txt"]["year"] == "2019"
    assert reports["reports.zip/pdf/huaian-hongzequ-2023.pdf"]["format"] == "pdf"
    assert reports["gbk.zip/漳州/二轻2019年报.txt"]["agency"] == "漳州市二轻集体工业联社"
    facts = rows(out, "facts")
    for member, stem in (("reports.zip/2019/pingtan-2019.txt", "pingtan-2019"),
                         ("reports.zip/pdf/huaian-hongzequ-2023.pdf", "huaian-hongzequ-2023"),
                         ("gbk.zip/漳州/二轻2019年报.txt", "zhangzhou-erqing-2019")):
        got = {(f["table"], f["row"], f["column"]): f["value"] for f in facts
               if f["source_path"] == member and f["status"] in ("ok", "inferred")}
        want = truth(stem)
        assert len(got) > 150
        wrong = {k: (v, want[k]) for k, v in got.items() if k in want and Decimal(v) != Decimal(want[k])}
        assert not wrong


def test_junk_members_are_left_out_and_a_nested_archive_is_said(archive_run):
    _, out, summary = archive_run
    errors = rows(out, "errors")
    assert [(e["source_path"], e["code"]) for e in errors] == [("reports.zip/more/inner.zip", "unknown_format")]
    assert "unpack it" in errors[0]["message"]
    paths = {r["source_path"] for r in rows(out, "reports")} | {e["source_path"] for e in errors}
    assert not any("__MACOSX" in p or "DS_Store" in p for p in paths)
    assert summary.files == 5 and summary.skipped == 1


def test_a_second_run_takes_members_from_the_cache_and_a_changed_archive_is_read_again(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    with zipfile.ZipFile(src / "texts.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(REAL / "pingtan-2018.txt", "pingtan-2018.txt")
        zf.write(REAL / "pingtan-2019.txt", "pingtan-2019.txt")
    out = tmp_path / "out"
    first = api.run([src], out, jobs=1)
    again = api.run([src], out, jobs=1)
    assert (first.read, again.read, again.cached) == (2, 0, 2)
    with zipfile.ZipFile(src / "texts.zip", "a") as zf:  # the archive changes: its members are read again
        zf.writestr("pingtan-2022.txt", (REAL / "pingtan-2022.txt").read_bytes())
    third = api.run([src], out, jobs=1)
    assert (third.read, third.cached) == (3, 0)
    assert {r["source_path"] for r in rows(out, "reports")} == {"texts.zip/pingtan-2018.txt",
                                                                "texts.zip/pingtan-2019.txt",
                                                                "texts.zip/pingtan-2022.txt"}


def test_globs_choose_among_members_and_can_leave_an_archive_out(archive_run, tmp_path):
    src, _, _ = archive_run
    found = api.discover([src], include=("*.pdf",))
    assert [f.source_path for f in found] == ["reports.zip/pdf/huaian-hongzequ-2023.pdf"]
    assert [f.source_path for f in api.discover([src], skip=("reports.zip",))] == ["gbk.zip/漳州/二轻2019年报.txt"]
    # an archive named on the command line is unpacked too
    assert len(api.discover([src / "reports.zip"])) == 4


def test_damaged_and_hostile_archives_are_errors_not_crashes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    body = (REAL / "pingtan-2019.txt").read_bytes()
    # a member that inflates past the size it declares (a zip bomb's trick): refused, nothing read
    with zipfile.ZipFile(src / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", body)
    _patch_central(src / "bomb.zip", 0, size=1000)
    # a member marked encrypted; one declaring more than a report can be (600 MB)
    with zipfile.ZipFile(src / "locked.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("secret.txt", body)
        zf.writestr("huge.txt", body)
    _patch_central(src / "locked.zip", 0, flags=0x1)
    _patch_central(src / "locked.zip", 1, size=600 << 20)
    # not an archive at all, though named one
    (src / "broken.zip").write_bytes(b"PK\x03\x04" + os.urandom(200))
    out = tmp_path / "out"
    api.run([src], out, jobs=1)
    errors = {e["source_path"]: e["code"] for e in rows(out, "errors")}
    assert errors == {"bomb.zip/a.txt": "corrupt_file", "broken.zip": "corrupt_file",
                      "locked.zip/huge.txt": "file_too_large", "locked.zip/secret.txt": "encrypted"}
    assert rows(out, "reports") == []


def test_an_archive_over_the_member_limit_is_not_unpacked(tmp_path, monkeypatch):
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as zf:
        for i in range(6):
            zf.writestr(f"r{i}.txt", "x")
    monkeypatch.setattr(archives, "MAX_MEMBERS", 5)
    found = api.discover([tmp_path])
    assert [(f.source_path, f.skip[0]) for f in found] == [("many.zip", "zip_bomb")]
    assert "over the limit of 5" in found[0].skip[1]


def test_an_archive_with_nothing_to_read_is_said(tmp_path):
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as zf:
        zf.writestr("folder/", b"")
        zf.writestr("__MACOSX/._x.pdf", b"junk")
    [found] = api.discover([tmp_path])
    assert (found.source_path, found.skip[0]) == ("empty.zip", "empty_file")
    assert "holds no files" in found.skip[1]


def test_a_word_file_named_zip_is_read_as_the_word_file(tmp_path):
    shutil.copy(REAL / "TEMPLATE-blank-2021-format-govnianbao.docx", tmp_path / "template.zip")
    found = api.discover([tmp_path])
    assert [(f.source_path, f.member) for f in found] == [("template.zip", None)]


def test_a_cluster_task_reads_a_member_from_bytes_the_driver_ships(tmp_path):
    """A cluster without the driver's files (``ship_bytes``): the driver reads the member's bytes."""
    from extract import executors
    from extract.packing import unpack
    from extract.workers import Limits, Task

    with zipfile.ZipFile(tmp_path / "texts.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(REAL / "zhangzhou-erqing-2019.txt", "a/zhangzhou.txt")
    [item] = api.discover([tmp_path])
    task = Task(0, item.key, item.source_path)
    shipped = executors._bytes(task.path)
    assert shipped == (REAL / "zhangzhou-erqing-2019.txt").read_bytes()
    [(index, got)], _ = executors.run_batch([task], Limits(60, 2048), shipped=[shipped])
    p = unpack(got.blob)
    assert p.source_path == "texts.zip/a/zhangzhou.txt" and p.report["year"] == 2019


def test_inspect_reads_a_member_named_as_source_path_names_it(tmp_path, capsys):
    from extract import cli

    with zipfile.ZipFile(tmp_path / "reports.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(REAL / "zhangzhou-erqing-2019.txt", "2019/zhangzhou.txt")
    assert cli.main(["inspect", str(tmp_path / "reports.zip" / "2019" / "zhangzhou.txt")]) == 0
    shown = capsys.readouterr().out
    assert "漳州市二轻集体工业联社" in shown and "2019" in shown
    assert cli.main(["inspect", str(tmp_path / "reports.zip" / "2019" / "other.txt")]) == 2
    assert "inside a ZIP archive" in capsys.readouterr().err


def test_bzip2_and_lzma_members_are_refused_not_inflated_in_one_step(tmp_path):
    """zipfile inflates bzip2 and LZMA members in one unbounded call (a few hundred bytes can ask for
    gigabytes): such members are an errors row, never read."""
    with zipfile.ZipFile(tmp_path / "methods.zip", "w") as zf:
        zf.writestr(zipfile.ZipInfo("b.txt"), "x" * 1000, compress_type=zipfile.ZIP_BZIP2)
        zf.writestr(zipfile.ZipInfo("l.txt"), "x" * 1000, compress_type=zipfile.ZIP_LZMA)
    found = api.discover([tmp_path])
    assert [(f.source_path, f.skip[0]) for f in found] == [("methods.zip/b.txt", "unreadable_file"),
                                                           ("methods.zip/l.txt", "unreadable_file")]
    assert "7-Zip" in found[0].skip[1]
    with pytest.raises(ExtractError) as got:  # and a task that names one anyway is refused at reading
        archives.read(str(tmp_path / "methods.zip"), 0, 1 << 20, "b.txt")
    assert got.value.code == "unreadable_file"


def test_an_archive_rewritten_after_it_was_listed_never_files_one_member_under_another_name(tmp_path):
    with zipfile.ZipFile(tmp_path / "r.zip", "w") as zf:
        zf.writestr("a.txt", (REAL / "pingtan-2019.txt").read_bytes())
        zf.writestr("b.txt", (REAL / "zhangzhou-erqing-2019.txt").read_bytes())
    items = api.discover([tmp_path])
    with zipfile.ZipFile(tmp_path / "r.zip", "w") as zf:  # rewritten: b.txt now first
        zf.writestr("b.txt", (REAL / "zhangzhou-erqing-2019.txt").read_bytes())
        zf.writestr("a.txt", (REAL / "pingtan-2019.txt").read_bytes())
    from extract.tasks import run_file

    got = unpack(run_file(items[0].key, items[0].source_path).blob)
    assert got.report is None and [e["code"] for e in got.errors] == ["unreadable_file"]
    assert "changed while the run read it" in got.errors[0]["message"]


def test_include_naming_the_archive_takes_all_its_members(tmp_path):
    with zipfile.ZipFile(tmp_path / "2019.zip", "w") as zf:
        zf.writestr("a.txt", "x")
        zf.writestr("sub/b.html", "y")
    with zipfile.ZipFile(tmp_path / "2020.zip", "w") as zf:
        zf.writestr("c.txt", "z")
    assert [f.source_path for f in api.discover([tmp_path], include=("2019.zip",))] == ["2019.zip/a.txt",
                                                                                       "2019.zip/sub/b.html"]
    assert [f.source_path for f in api.discover([tmp_path], include=("2019.zip",), skip=("*.html",))] == [
        "2019.zip/a.txt"]


def test_an_archive_listing_too_many_entries_is_refused_before_its_list_is_read(tmp_path, monkeypatch):
    with zipfile.ZipFile(tmp_path / "folders.zip", "w") as zf:
        for i in range(12):
            zf.writestr(f"d{i}/", b"")  # folders count: a million of them cost seconds and hundreds of MB
    monkeypatch.setattr(archives, "MAX_ENTRIES", 10)
    read_list = []
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", lambda self: read_list.append(1))
    [found] = api.discover([tmp_path])
    assert (found.source_path, found.skip[0]) == ("folders.zip", "zip_bomb") and read_list == []
    assert "12 entries" in found.skip[1]

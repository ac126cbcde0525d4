"""Bad input ends as one clear errors row; the run goes on and exits 0."""
from __future__ import annotations

import csv
import os
import subprocess
import sys

from extract.pipeline import process_bytes

from conftest import REAL, ROOT, need_shared


def _error(data: bytes, name: str):
    res = process_bytes(data, name)
    assert res.report is None and len(res.errors) == 1
    return res.errors[0]


def test_empty_file():
    assert _error(b"", "empty.txt").code == "empty_file"
    assert _error(b" \n\r\n ", "blank.txt").code == "empty_file"


def test_binary_bytes_named_txt():
    err = _error(bytes(range(256)) * 40, "image.txt")
    assert err.code == "binary_content" and "binary" in err.message


def test_text_that_is_not_a_report():
    text = "关于举办春季运动会的通知\n各单位：定于4月10日举行运动会，请各单位于4月1日前报名。\n特此通知。\n"
    err = _error(text.encode("utf-8"), "notice.txt")
    assert err.code == "not_a_report" and "annual report" in err.message


def test_zip_that_is_not_word():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "hello")
    assert _error(buf.getvalue(), "a.txt").code == "unknown_format"


def _zip(*members: str) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for m in members:
            zf.writestr(m, "<x/>")
    return buf.getvalue()


def test_files_people_keep_beside_reports_are_named_for_what_they_are():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    cases = [
        (b"\x05Zhang San  " + bytes(150), "folder/~$2023年报.docx", "a Word lock file"),
        (ole2, "Thumbs.db", "a Windows thumbnail cache"),
        (b"Rar!\x1a\x07\x01\x00" + bytes(64), "reports.rar", "a RAR archive: unpack it"),
        (b"7z\xbc\xaf\x27\x1c" + bytes(64), "reports.7z", "a 7-Zip archive"),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), "统计表.xlsx", "a spreadsheet"),
        (ole2 + "Workbook".encode("utf-16-le") + bytes(64), "统计表.dat", "a spreadsheet"),
        (ole2, "统计表.et", "a spreadsheet"),
    ]
    # a Word file with an embedded Excel chart is still a Word file
    word = ole2 + "WordDocument".encode("utf-16-le") + "Workbook".encode("utf-16-le") + bytes(64)
    assert "spreadsheet" not in _error(word, "报告.dat").message
    for data, name, want in cases:
        err = _error(data, name)
        assert err.code == "unknown_format" and want in err.message, (name, err.message)


def test_run_goes_on_past_bad_files(tmp_path):
    need_shared()
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.txt").write_bytes(os.urandom(4096))
    (inputs / "notice.txt").write_text("关于放假的通知\n国庆节放假七天。", encoding="utf-8")
    (inputs / "seed.txt").write_bytes((REAL / "zhangzhou-erqing-2019.txt").read_bytes())
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "extract", "run", str(inputs), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with open(out / "errors.csv", encoding="utf-8-sig") as fh:
        errors = {r["source_path"]: r for r in csv.DictReader(fh)}
    assert set(errors) == {"empty.txt", "binary.txt", "notice.txt"}
    assert all(r["message"] for r in errors.values())
    with open(out / "reports.csv", encoding="utf-8-sig") as fh:
        reports = list(csv.DictReader(fh))
    assert [r["source_path"] for r in reports] == ["seed.txt"] and reports[0]["status"] == "ok"

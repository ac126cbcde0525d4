"""Hostile and broken files: each ends as a clear errors row within the limits, or is read right.
Nothing is written outside --out."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import hostile
from extract.synth import random_spec

from conftest import DATA, REAL, ROOT, need_shared


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    need_shared()
    base = tmp_path_factory.mktemp("hostile")
    work = base / "work"
    work.mkdir()
    corpus = base / "in"
    corpus.mkdir()
    files = {
        "zip-bomb.docx": hostile.zip_bomb_docx(work),
        "billion-laughs.docx": hostile.billion_laughs_docx(work),
        "deflate-bomb.pdf": hostile.pdf_bomb(),
        "2000-pages.pdf": hostile.long_pdf(2000),
        "one-line-10mb.html": hostile.one_line_html(work),
        "nested-10000.html": hostile.nested_html(work),
        "locked.pdf": (DATA / "pdf" / "locked.pdf").read_bytes(),
        "truncated.pdf": (REAL / "huaian-shi-2024.pdf").read_bytes()[:150_000],
        "truncated.docx": hostile.report_docx(work, 5)[:15_000],
        "truncated.html": hostile.report_html(work, 6).encode()[:4_000],
        "a-word-file.pdf": hostile.report_docx(work, 7),
        "a-pdf.txt": (REAL / "huaian-hongzequ-2024.pdf").read_bytes(),
        "a-web-page.docx": (REAL / "shuyang-fagaiju-2023.html").read_bytes(),
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    shutil.rmtree(work)
    # an empty home, temp folder and working folder: they must stay empty
    home, tmp, cwd, out = base / "home", base / "tmp", base / "cwd", base / "out"
    for d in (home, tmp, cwd):
        d.mkdir()
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "extract", "run", str(corpus), "--out", str(out), "-j", "2",
                           "--timeout", "90", "--memory", "1536"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    return proc, out, (home, tmp, cwd)


def _tables(out: Path):
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    facts = pd.read_csv(out / "facts.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return errors.set_index("source_path"), reports.set_index("source_path"), facts


def test_the_run_finishes_and_exits_0(hostile_run):
    proc, out, _ = hostile_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    errors, reports, _ = _tables(out)
    assert len(errors) + len(reports) == 13  # every file accounted for, once
    assert "internal_error" not in set(errors.code)


@pytest.mark.parametrize("name,code", [
    ("zip-bomb.docx", "zip_bomb"),
    ("billion-laughs.docx", "hostile_xml"),
    ("deflate-bomb.pdf", "no_text_found"),  # inflates to 300 MB of nothing: a page without text, OCR finds none
    ("locked.pdf", "encrypted"),
    ("truncated.pdf", "corrupt_file"),
    ("truncated.docx", "corrupt_file"),
])
def test_hostile_files_become_clear_error_rows(hostile_run, name, code):
    _, out, _ = hostile_run
    errors, _, _ = _tables(out)
    assert errors.loc[name, "code"] == code
    assert len(errors.loc[name, "message"]) > 30


def _expected(spec) -> dict:
    return {(k.table, k.row, k.column): v for k, v in spec.cells.items()}


@pytest.mark.parametrize("name,spec", [
    ("one-line-10mb.html", lambda: random_spec(4, "2021")),
    ("nested-10000.html", lambda: random_spec(4, "2021")),
    ("a-word-file.pdf", lambda: random_spec(7, "2021")),
])
def test_readable_hostile_files_are_read_right(hostile_run, name, spec):
    _, out, _ = hostile_run
    _, reports, facts = _tables(out)
    assert reports.loc[name, "status"] == "ok"
    mine = facts[facts.source_path == name].set_index(["table", "row", "column"])
    for key, raw in _expected(spec()).items():
        assert mine.loc[key, "raw"] == raw, (name, key)


def test_a_2000_page_pdf_is_read_right(hostile_run):
    _, out, _ = hostile_run
    _, reports, facts = _tables(out)
    assert reports.loc["2000-pages.pdf", "status"] == "ok" and reports.loc["2000-pages.pdf", "pages"] == "2003"
    want = json.loads((DATA / "pdf" / "synth-2021-break.json").read_text(encoding="utf-8"))
    mine = facts[facts.source_path == "2000-pages.pdf"].set_index(["table", "row", "column"])
    cells = want["cells"] if "cells" in want else want
    checked = 0
    for key, raw in cells.items():
        table, row, column = key.split("/") if "/" in key else key.split(".")
        got = mine.loc[(table, row, column)]
        assert (got["value"] or "") == (str(Decimal(raw)) if raw not in ("", "-") else ""), key
        checked += 1
    assert checked >= 200


def test_extensions_that_lie_are_read_by_content(hostile_run):
    _, out, _ = hostile_run
    _, reports, _ = _tables(out)
    assert reports.loc["a-word-file.pdf", "format"] == "docx"
    assert reports.loc["a-pdf.txt", "format"] == "pdf" and reports.loc["a-pdf.txt", "agency"] == "淮安市洪泽区人民政府"
    assert reports.loc["a-web-page.docx", "format"] == "html"


def test_truncated_web_page_gives_no_wrong_number(hostile_run):
    _, out, _ = hostile_run
    errors, reports, facts = _tables(out)
    if "truncated.html" in errors.index:
        return
    expected = _expected(random_spec(6, "2021"))
    mine = facts[(facts.source_path == "truncated.html") & (facts.status != "missing")]
    for _, f in mine.iterrows():
        assert f["raw"] == expected[(f["table"], f["row"], f["column"])]


def test_nothing_is_written_outside_out(hostile_run):
    """Nothing but what every run of this user shares, in ``~/.cache/zfxxgk-extract``: jieba's
    dictionary cache (built from jieba's own word lists) and the key cache entries are sealed with
    (readable by the user only). No report's text, no temporary file."""
    _, _, (home, tmp, cwd) = hostile_run
    for folder in (tmp, cwd):
        assert list(folder.rglob("*")) == [], f"{folder.name} was written to"
    shared = home / ".cache" / "zfxxgk-extract"
    files = sorted(p.relative_to(shared).as_posix() for p in home.rglob("*") if p.is_file() and shared in p.parents)
    assert [p for p in home.rglob("*") if p.is_file() and shared not in p.parents] == []
    assert [f.split("-")[0] for f in files] == ["jieba/jieba", "jieba/jieba", "key"]
    assert (shared / "key").stat().st_mode & 0o777 == 0o600 and (shared / "key").stat().st_size == 32

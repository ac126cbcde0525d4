"""Encodings are detected, not assumed: the seed report in every encoding gives the same facts."""
from __future__ import annotations

import codecs

import pytest

from extract.pipeline import process_bytes

from conftest import REAL, need_shared

ENCODINGS = [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("gb18030", b""),
    ("gbk", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""),
]


def _facts(data: bytes, name: str):
    res = process_bytes(data, name)
    assert res.errors == [], res.errors
    return [(f.table, f.row, f.column, f.value, f.status) for f in res.facts], res.report


@pytest.mark.parametrize("encoding,bom", ENCODINGS, ids=[f"{e}{'-bom' if b else ''}" for e, b in ENCODINGS])
def test_seed_report_in_any_encoding(encoding, bom):
    need_shared()
    text = (REAL / "zhangzhou-erqing-2019.txt").read_text(encoding="utf-8")
    expected, _ = _facts(text.encode("utf-8"), "seed.txt")
    got, report = _facts(bom + text.encode(encoding), "seed.txt")
    assert got == expected
    assert report.agency == "漳州市二轻集体工业联社"


def test_windows_line_endings_and_gbk_markdown():
    need_shared()
    text = (REAL / "shuyang-xian-2025.md").read_text(encoding="utf-8")
    expected, _ = _facts(text.encode("utf-8"), "x.md")
    got, report = _facts(text.replace("\n", "\r\n").encode("gb18030"), "x.md")
    assert got == expected and report.encoding == "gb18030"

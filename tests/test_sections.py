"""Sections by numbering and wording; metadata dates in both numeral styles."""
from __future__ import annotations

import pytest

from extract.pipeline import process_bytes
from extract.stages.metadata import parse_date

from conftest import REAL, need_shared

SIX = ["overview", "active", "requests", "appeals", "problems", "other"]


@pytest.mark.parametrize("name", ["zhangzhou-erqing-2019.txt", "pingtan-2019.txt", "pingtan-2022.txt",
                                  "shuyang-xian-2025.md"])
def test_the_six_sections_are_found(name):
    need_shared()
    res = process_bytes((REAL / name).read_bytes(), name)
    keys = [s.section_key for s in res.sections if s.level == 1]
    assert keys == SIX


def test_sub_headings_have_their_own_text():
    need_shared()
    res = process_bytes((REAL / "zhangzhou-erqing-2019.txt").read_bytes(), "z.txt")
    subs = [(s.level, s.number, s.heading) for s in res.sections if s.level > 1]
    assert (2, "(一)", "加强领导,落实责任机制") in subs
    assert (3, "2.", "进一步做好新《条例》宣传解读工作") in subs
    overview = next(s for s in res.sections if s.section_key == "overview")
    assert "主动公开政府信息19条" in overview.text and "加强领导" not in overview.text


def test_flattened_text_headings():
    need_shared()
    res = process_bytes((REAL / "pingtan-2022.txt").read_bytes(), "p.txt")
    subs = [s.heading for s in res.sections if s.level == 2]
    assert subs[:5] == ["主动公开方面", "依申请公开方面", "政府信息管理方面", "信息公开平台建设方面", "监督保障方面"]


@pytest.mark.parametrize("text,iso", [
    ("2020年1月14日", "2020-01-14"),
    ("二○一二年二月二十日", "2012-02-20"),
    ("二〇二四年十二月三十一日", "2024-12-31"),
    ("2020-01-20 15:22", "2020-01-20"),
    ("(2026年1月23日)", "2026-01-23"),
    ("2020年13月1日", ""),
])
def test_dates(text, iso):
    assert parse_date(text) == iso

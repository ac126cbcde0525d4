"""Page metadata that containers state outright (a web page's 索引号/发布机构/公开日期 table, a
scraper's ``标题: …`` header lines, a PDF's Title), mapped to the Document's normalised keys."""
from __future__ import annotations

import re

from ..textnorm import nfkc, squash

PROPERTY_KEYS = {
    "标题": "title", "名称": "title", "题名": "title", "文件名称": "title",
    "发布时间": "published", "发布日期": "published", "公开日期": "published", "公开时间": "published",
    "发文日期": "written", "成文日期": "written", "生成日期": "written", "印发日期": "written",
    "文号": "doc_number", "发文字号": "doc_number",
    "发布机构": "publisher", "发文机关": "publisher", "发布单位": "publisher", "公开机构": "publisher",
    "单位": "publisher", "来源单位": "publisher", "信息来源": "publisher",
    "索引号": "index_no",
    "原文链接": "url", "来源": "url",
}

_KEY_LINE = re.compile(r"^\s*([\u4e00-\u9fff]{2,6})\s*[:：]\s*(.*?)\s*$")


def property_key(label: str) -> str | None:
    return PROPERTY_KEYS.get(squash(nfkc(label)).rstrip(":："))


def key_value(line: str) -> tuple[str, str] | None:
    """``"发布时间: 2020-01-20 15:22"`` → ("published", "2020-01-20 15:22")."""
    m = _KEY_LINE.match(line)
    if not m:
        return None
    key = property_key(m.group(1))
    return (key, m.group(2)) if key else None


def merge(props: dict[str, str], key: str, value: str) -> None:
    value = value.strip()
    if value and key not in props:
        props[key] = value

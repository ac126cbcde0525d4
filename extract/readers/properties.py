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
_KEY_AT = re.compile(r"([\u4e00-\u9fff]{2,12})\s*[:：]")
# words of a page's information bar that are not properties but show the line is metadata
INFO_WORDS = {"分类", "主题分类", "体裁分类", "组配分类", "服务对象", "关键词", "主题词", "时效", "有效性", "文件下载",
              "浏览次数", "点击数", "阅读次数", "访问量", "作者", "责任编辑", "编辑", "字号", "字体", "生效日期", "废止日期"}


def property_key(label: str) -> str | None:
    return PROPERTY_KEYS.get(squash(nfkc(label)).rstrip(":："))


def key_value(line: str) -> tuple[str, str] | None:
    """``"发布时间: 2020-01-20 15:22"`` → ("published", "2020-01-20 15:22")."""
    m = _KEY_LINE.match(line)
    if not m:
        return None
    key = property_key(m.group(1))
    return (key, m.group(2)) if key else None


def is_info_key(label: str) -> bool:
    word = squash(nfkc(label)).rstrip(":：")
    return word in PROPERTY_KEYS or word in INFO_WORDS


def _keys_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every info key written before a colon, the longest such word."""
    out = []
    for m in _KEY_AT.finditer(text):
        run = m.group(1)
        for k in range(len(run) - 1):
            if is_info_key(run[k:]):
                out.append((m.start(1) + k, m.end(), run[k:]))
                break
    return out


def key_values(line: str) -> list[tuple[str, str]] | None:
    """An information line of one or more ``key：value`` pairs (``发布时间：2024-01-17  来源：沭阳县发改局``)
    → [(key, value)] for the property keys; None when the line holds anything else."""
    text = nfkc(line).strip()
    hits = _keys_in(text)
    if not hits or hits[0][0] != 0:
        return None
    out = []
    for i, (_, end, word) in enumerate(hits):
        stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        key = property_key(word)
        if key:
            out.append((key, text[end:stop].strip()))
    return out


def merge(props: dict[str, str], key: str, value: str) -> None:
    value = value.strip()
    if value and key not in props:
        props[key] = value

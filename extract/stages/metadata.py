"""Report metadata: title, agency, year covered, published date, document number (文号).

Sources, in order of trust: what the document prints (title line, signature date, 文号 line),
then what its container states (``Document.properties``: a web page's 发布机构/公开日期 table,
a scraper's header). Dates are read from ``2020年1月14日``, ``二○一二年二月二十日`` and ISO forms.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Document, Paragraph
from ..templates import TABLE_KEYS, TITLE_WORDS
from ..textnorm import CN_DIGITS, cn_to_int, nfkc, squash
from .sections import SectionRow

_CN_YEAR = "[零〇○Ｏ0O一二三四五六七八九]"
_DATE_AR = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_DATE_CN = re.compile(rf"({_CN_YEAR}{{4}})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日")
_DATE_LINE = re.compile(rf"^[(（\s]*(?:\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|{_CN_YEAR}{{4}}\s*年[一二三四五六七八九十]{{1,3}}月[一二三四五六七八九十]{{1,3}}日)[)）\s]*$")
_DOC_NO = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,16}\s*[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d{1,5}\s*号$")
_YEAR_IN_TITLE = re.compile(rf"((?:19|20)\d{{2}}|{_CN_YEAR}{{4}})\s*年\s*度?")
_PERIOD = re.compile(r"(?:统计|时限|期限|时间)[^。]{0,30}?自?\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_REPORT_WORDS = re.compile(TITLE_WORDS)


@dataclass
class Metadata:
    title: str = ""
    agency: str = ""
    year: int | None = None
    published: str = ""
    doc_number: str = ""
    looks_like_report: bool = False


def _cn_year(text: str) -> int | None:
    digits = [CN_DIGITS.get(ch, None) if not ch.isdigit() else int(ch) for ch in text]
    if None in digits:
        return None
    return int("".join(str(d) for d in digits))


def parse_date(text: str) -> str:
    """``2020年1月14日`` / ``二○一二年二月二十日`` / ``2020-01-20 15:22`` → ``YYYY-MM-DD`` or ""."""
    t = nfkc(text)
    m = _DATE_AR.search(t)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DATE_CN.search(text)
        if not m:
            return ""
        y, mo, d = _cn_year(m.group(1)), cn_to_int(m.group(2)), cn_to_int(m.group(3))
        if y is None or mo is None or d is None:
            return ""
    if not (1900 < y < 2100 and 1 <= mo <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _paragraphs(doc: Document) -> list[str]:
    return [b.text.strip() for b in doc.blocks if isinstance(b, Paragraph) and b.text.strip()]


_TITLE_KEY = re.compile(r"^(?:\*\*|__)?(?:标题|名称|题名|文件名称|文章标题)(?:\*\*|__)?[:：](?:\*\*|__)?")


def _line(text: str) -> str:
    """A paragraph as a title candidate: no spaces, no ``标题：`` key before it, no Markdown bold marks."""
    return _TITLE_KEY.sub("", squash(text)).replace("**", "")


_YEAR_ONLY = re.compile(rf"^(?:(?:19|20)\d{{2}}|{_CN_YEAR}{{4}})\s*年\s*度?$")
_QUOTES = re.compile(r"^[《〈「“\"]+|[》〉」”\"]+$")


def _title_in(words: str) -> re.Match | None:
    """The report's words in a line that can be a title: no sentence before them (本报告根据《条例》编制。)."""
    m = _REPORT_WORDS.search(words[:80])
    if m is None or re.search(r"[。；;！？]|根据|依据|按照", words[:m.start()]) or "条例" in m.group(0):
        return None
    return m


def find_title(doc: Document) -> str:
    prop = doc.properties.get("title", "")
    if prop and _REPORT_WORDS.search(squash(prop)):
        # a page title often ends with the site's name: "…年度报告-沭阳县发改局"
        title = re.split(r"\s*[-—|_]\s*(?=[^-—|_]*$)", prop)[0] if re.search(r"报告.{0,3}[-—|_]", prop) else prop
        return _QUOTES.sub("", squash(title))
    paras = _paragraphs(doc)[:8]
    for i, p in enumerate(paras):
        words = _QUOTES.sub("", _line(p))
        m = _title_in(words)
        below = _QUOTES.sub("", _line(paras[i + 1])) if i + 1 < len(paras) else ""
        if m is None and below and len(below) <= 30:
            # a title wrapped onto the next line (…年度报 / 告)
            joined = _title_in(words + below)
            if joined is not None and joined.end() > len(words):
                words, m = words + below, joined
        if m is None:
            continue
        title = words[: m.end()]
        # a title split over two lines: the agency, or the year, on the line above
        above = _QUOTES.sub("", _line(paras[i - 1])) if i > 0 else ""
        if above and len(above) <= 30 and not _REPORT_WORDS.search(above) and (
                _YEAR_ONLY.match(above) or re.match(r"^(?:19|20)\d{2}", title)
                or not _YEAR_IN_TITLE.search(title)) and not _DATE_LINE.match(nfkc(above)) \
                and not re.search(r"[。；;！？]", above):
            title = above + title
        return title
    return _QUOTES.sub("", squash(prop))


def agency_from_title(title: str) -> str:
    """The agency a title names, whatever the order: ``淮安市人民政府2024年政府信息公开工作年度报告``,
    ``2019年上海市人民政府办公厅政府信息公开工作年度报告``, ``XX局关于2023年度政府信息公开工作的报告``,
    ``XX县政府信息公开工作年度报告`` (no year)."""
    t = _QUOTES.sub("", title)
    m = _YEAR_IN_TITLE.search(t)
    before = t[: m.start()] if m else ""
    after = t[m.end():] if m else t
    agency = re.sub(r"关于$", "", re.sub(r"^(?:关于|中共)", "", before.strip()))
    if len(agency) >= 2:
        return agency
    # the year first (or none): the agency stands between it and the report's words
    words = _REPORT_WORDS.search(after)
    if not words:
        return ""
    agency = re.sub(r"(?:关于|的)$", "", re.sub(r"^(?:关于|中共|度)", "", after[: words.start()]))
    if agency.endswith("人民") and after[words.start():].startswith("政府"):
        agency += "政府"  # XX县人民政府信息公开…: the agency's 政府 is the report's too
    return agency if len(agency) >= 2 else ""


def find_year(title: str, doc: Document, published: str) -> int | None:
    m = _YEAR_IN_TITLE.search(title)
    if m:
        raw = m.group(1)
        year = int(raw) if raw.isdigit() else _cn_year(raw)
        if year and 1990 < year < 2100:
            return year
    text = squash("\n".join(_paragraphs(doc)[:10]))
    m = _PERIOD.search(text)
    if m:
        return int(m.group(1))
    if published:
        return int(published[:4]) - 1
    return None


def find_published(doc: Document) -> str:
    paras = _paragraphs(doc)
    for p in reversed(paras[-6:]):
        if _DATE_LINE.match(nfkc(p)):
            date = parse_date(p)
            if date:
                return date
    for p in paras[:6]:
        if _DATE_LINE.match(nfkc(p)):
            date = parse_date(p)
            if date:
                return date
    for key in ("published", "written"):
        if doc.properties.get(key):
            date = parse_date(doc.properties[key])
            if date:
                return date
    return ""


def find_doc_number(doc: Document) -> str:
    prop = doc.properties.get("doc_number", "").strip()
    if prop:
        return squash(prop)
    for p in _paragraphs(doc)[:6]:
        words = squash(nfkc(p))
        if _DOC_NO.match(words):
            return squash(p)
    return ""


def extract_metadata(doc: Document, sections: list[SectionRow]) -> Metadata:
    title = find_title(doc)
    published = find_published(doc)
    agency = agency_from_title(title)
    if not agency:
        agency = squash(doc.properties.get("publisher", ""))
    if not agency:
        # signature: a short line just above the closing date
        paras = _paragraphs(doc)
        for i in range(len(paras) - 1, max(len(paras) - 6, 0), -1):
            if _DATE_LINE.match(nfkc(paras[i])) and i > 0 and len(paras[i - 1]) <= 30:
                agency = squash(paras[i - 1])
                break
    year = find_year(title, doc, published)
    keyed = {s.key for s in sections if s.level == 1 and s.key}
    looks = bool(_REPORT_WORDS.search(squash(title))) or len(keyed & set(TABLE_KEYS)) >= 2
    return Metadata(title, agency, year, published, find_doc_number(doc), looks)

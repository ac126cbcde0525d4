"""Text normalisation shared by every stage: widths, numbering, Chinese numerals, values.

Labels in real reports differ in bracket width, numbering style (``1.``/``1、``/``（1）``),
spaces and line breaks inside words, quotes and punctuation. ``core`` reduces a label to
the characters that carry meaning so that matching never depends on those.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERAL = "一二三四五六七八九十"

_SPACE = re.compile(r"\s+")
# punctuation that never carries meaning inside a label
PUNCT_CHARS = r"[\s,，.。、:：;；!！?？'\"“”‘’`·•\-—–_()（）\[\]【】《》<>〈〉/／\\|*#]"
_PUNCT = re.compile(PUNCT_CHARS + "+")


# Characters that take no space and show nothing: zero-width spaces, joiners and non-joiners, the
# word joiner and BOM, soft hyphens, bidi marks, embeddings and isolates, invisible operators,
# variation selectors, fillers, tags. Inside a number (2\u200b1) or a label they make it unreadable.
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]")


def strip_invisible(text: str) -> str:
    """The text without characters that show nothing (``INVISIBLE``): readers apply it to all text."""
    return INVISIBLE.sub("", text)


def nfkc(text: str) -> str:
    """Full-width forms to half-width (（）→(), ，→, ０→0), compatibility characters folded,
    characters that show nothing removed."""
    return unicodedata.normalize("NFKC", INVISIBLE.sub("", text))


def squash(text: str) -> str:
    """Remove all whitespace (line breaks and spaces inside labels)."""
    return _SPACE.sub("", text)


def cn_to_int(text: str) -> int | None:
    """Chinese numeral (一 … 九十九) to int; None if it is not one."""
    if not text or any(ch not in CN_NUMERAL and ch not in CN_DIGITS for ch in text):
        return None
    if "十" not in text:
        value = 0
        for ch in text:
            value = value * 10 + CN_DIGITS[ch]
        return value
    tens, _, units = text.partition("十")
    t = CN_DIGITS.get(tens, 1) if tens else 1
    u = CN_DIGITS.get(units, 0) if units else 0
    return t * 10 + u


# Numbering at the start of a label or heading, most specific first.
NUMBERING = [
    ("cn_paren", re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*")),
    ("cn_dun", re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、,，.．]\s*")),
    ("arabic_paren", re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[)）]\s*")),
    ("arabic", re.compile(r"^\s*(\d{1,2})\s*[.．、,，](?!\d)\s*")),
]


@dataclass(frozen=True)
class Numbering:
    kind: str  # cn_dun 一、 | cn_paren （一） | arabic 1. | arabic_paren （1）
    number: int
    text: str  # the numbering as printed


@lru_cache(maxsize=65536)
def split_numbering(label: str) -> tuple[Numbering | None, str]:
    """``"（三）不予公开"`` → (Numbering(cn_paren, 3, "（三）"), "不予公开")."""
    for kind, rx in NUMBERING:
        m = rx.match(label)
        if m:
            raw = m.group(1)
            n = cn_to_int(raw) if kind.startswith("cn") else int(raw)
            if n is not None:
                return Numbering(kind, n, m.group(0).strip()), label[m.end():]
    return None, label


_SEGMENT = re.compile(r"(?=[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）])|(?=(?<![\d.])\d{1,2}\s*[.．、](?!\d))"
                      r"|(?=(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,3}、)")


def segments(label: str) -> list[str]:
    """Split a composite label at each numbering: ``三、本年度办理结果（三）不予公开1.属于国家秘密``
    → ``["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]``."""
    parts = [p.strip() for p in _SEGMENT.split(label)]
    return [p for p in parts if p]


def core(label: str) -> str:
    """The meaning-carrying characters of a label: NFKC, no numbering, no punctuation or spaces."""
    text = nfkc(label)
    _, text = split_numbering(text)
    return _PUNCT.sub("", text)


# Characters a recogniser (OCR) takes for characters of the forms' words: printed → meant. Used only
# to find the forms' known labels in recognised text (了以大开 is （一）予以公开), never to change a text.
OCR_CONFUSIONS = {"了": "予", "子": "予", "大": "公", "茜": "禁", "追": "逾", "细": "组", "己": "已", "巳": "已",
                  "末": "未", "曰": "日", "拉": "维", "计": "审"}
_FOLD = str.maketrans(OCR_CONFUSIONS)


def fold(text: str) -> str:
    """Text with the characters a recogniser confuses folded onto the ones the forms use (same length)."""
    return text.translate(_FOLD)


def plain(text: str) -> str:
    """NFKC without spaces or punctuation, numbering kept (for searching inside running text)."""
    return _PUNCT.sub("", nfkc(text))

"""The value grammar: what a cell of the national tables may hold, and how its text is read.

One grammar for every path that reads a number — a value read from its own cell, a run of digits
whose cell boundaries were lost, a number stated in prose, a number found in running text — so
that they can never disagree about what a number is.

Steps for one cell's text:
1. ``clean``: invisible characters (zero-width spaces and joiners, soft hyphens, bidi marks) go;
   footnote markers after a number (``100¹``, ``100①``, ``100⑴``, ``100*``) are set aside and
   noted, never merged into it (NFKC alone would make ``100¹`` read 1001); then NFKC (full-width
   digits and signs become ASCII) and every minus and plus sign becomes ``-``/``+``.
2. ``parse_value``: blank, a dash placeholder (``-`` ``/`` ``—`` ``无``), a number — digits with an
   optional sign, thousands separators only in groups of three, one decimal point — with an
   optional unit (万元, 元, 件 …), or text. Two numbers with a space between are text, never one.
3. ``Grammar.admit``: the number against its column's grammar (integer or decimal, signed or not,
   its unit, what the output can store): admitted as printed, converted exactly to the column's
   unit (``4160100元`` in a 万元 column is 416.01), or refused with the reason (a decimal in a
   count column, a negative count, money in a count column, more digits than the store holds).

The tokenizers for text whose cell boundaries were lost (``value_tokens``) and for numbers in
prose (``prose_numbers``) read the same characters the same way and never backtrack.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache

from .settings import SETTINGS

# ------------------------------------------------------------------ 1. cleaning

# zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks and embeddings/isolates
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# footnote markers printed after a number: superscript digits, circled and parenthesised numbers
_MARK_CHARS = ("\u00b9\u00b2\u00b3\u2070\u2074-\u2079\u2460-\u249b\u24ea-\u24ff\u2776-\u2793"
               "\u3251-\u325f\u32b1-\u32bf")
_FOOTNOTE = re.compile(rf"(?<=[\d\s.万元件条项个次])\s*(?:[{_MARK_CHARS}]+|\*+|※)$")
MINUS = "\u2212\ufe63\uff0d\u2010\u2011\u2012"  # minus sign, small and full-width hyphen-minus, hyphens
PLUS = "\ufe62\uff0b"


def strip_invisible(text: str) -> str:
    """Text without the characters no reader sees (zero-width, soft hyphens, bidi marks)."""
    return INVISIBLE.sub("", text)


@dataclass(frozen=True)
class Cleaned:
    text: str  # NFKC, no spaces, ASCII signs
    marker: str = ""  # a footnote marker set aside, as printed


def clean(text: str | None) -> Cleaned:
    raw = strip_invisible(text or "").strip()
    marker = ""
    m = _FOOTNOTE.search(raw)
    if m and m.start() > 0:
        marker, raw = m.group(0).strip(), raw[: m.start()]
    t = unicodedata.normalize("NFKC", raw)
    t = t.translate(_SIGNS)
    return Cleaned(re.sub(r"\s+", "", t), marker)


_SIGNS = str.maketrans({**{c: "-" for c in MINUS}, **{c: "+" for c in PLUS}})

# ------------------------------------------------------------------ 2. parsing

DASHES = {"-", "--", "—", "——", "–", "/", "\\", "无", "―", "─", "一", "…", "……", "——"}
_DASH_CHARS = set("-—–/\\―─")
UNITS = ("万元", "元", "件", "条", "项", "个", "次", "%")
MONEY_UNITS = ("万元", "元")
_NUM = re.compile(r"^([+\-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_SPACED_NUMBERS = re.compile(r"\d\s+[+\-]?\d")


def is_dash(text: str) -> bool:
    """A placeholder printed instead of a number: ``-``, ``/``, ``—``, ``无`` and the like."""
    t = unicodedata.normalize("NFKC", strip_invisible(text)).strip()
    return bool(t) and (t in DASHES or set(t) <= _DASH_CHARS)


@dataclass(frozen=True)
class Parsed:
    """A cell's text read as a value: ``kind`` is number, blank, dash or text."""

    kind: str
    value: Decimal | None = None
    unit: str | None = None  # as printed (万元, 元, 件 …)
    marker: str = ""  # footnote marker set aside
    leading_zero: bool = False  # printed with a leading zero (00, 012): a misprint or cells run together

    @property
    def digits(self) -> str:
        return "" if self.value is None else format(self.value, "f")


@lru_cache(maxsize=65536)
def parse_value(text: str | None) -> Parsed:
    """Read one cell: ``"75394432.52元"`` → number 75394432.52 unit 元; ``"-"`` → dash; ``""`` → blank."""
    raw = strip_invisible(text or "")
    if _SPACED_NUMBERS.search(unicodedata.normalize("NFKC", raw).strip()):
        return Parsed("text")  # "108 2" is two numbers, never 1082
    c = clean(raw)
    t = c.text
    if t == "":
        return Parsed("blank", marker=c.marker)
    if is_dash(t):
        return Parsed("dash", marker=c.marker)
    unit = None
    for u in UNITS:
        if t.endswith(u) and len(t) > len(u):
            unit, t = u, t[: -len(u)]
            break
    m = _NUM.match(t)
    if not m:
        return Parsed("text", marker=c.marker)
    sign, digits, frac = m.group(1), m.group(2).replace(",", ""), m.group(3) or ""
    try:
        value = Decimal(sign + digits + frac)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        return Parsed("text")
    return Parsed("number", value, unit, c.marker, len(digits) > 1 and digits.startswith("0"))


@lru_cache(maxsize=65536)
def is_value_text(text: str) -> bool:
    """True for text a value cell may hold: a number, a dash, blank, or numbers separated by spaces."""
    p = parse_value(text)
    if p.kind != "text":
        return True
    t = unicodedata.normalize("NFKC", strip_invisible(text)).strip()
    return bool(re.fullmatch(r"[\d\s,.+\-元万]+", t)) and any(ch.isdigit() for ch in t)


# ------------------------------------------------------------------ 3. a column's grammar

# exact factors from a printed unit to a column's unit
CONVERSIONS = {("元", "万元"): Decimal("0.0001"), ("万元", "元"): Decimal(10000)}
INT64 = 2**63 - 1


@dataclass(frozen=True)
class Verdict:
    """A parsed number against a column: ``value`` in the column's unit when admitted, else None and why."""

    admitted: bool
    value: Decimal | None
    unit: str | None
    note: str = ""


@dataclass(frozen=True)
class Grammar:
    """What one column admits. ``unit`` is the column's unit (values printed in another money unit
    are converted exactly); ``unit_as_printed`` columns keep the printed money unit (采购总金额)."""

    decimal: bool = False  # money: may have a fractional part
    signed: bool = False  # a change (本年增/减): may be negative
    unit: str | None = None
    unit_as_printed: bool = False

    @property
    def kind(self) -> str:
        return ("signed " if self.signed else "") + ("decimal" if self.decimal else "integer")

    def admits_piece(self, text: str) -> bool:
        """For cutting run-together digits: may this piece (digits, a sign, a point) be one of our values?"""
        if text == "" or is_dash(text):
            return True
        if text.startswith("-") and not self.signed:
            return False
        return "." not in text or self.decimal

    def admit(self, parsed: Parsed) -> Verdict:
        value, unit = parsed.value, parsed.unit
        if parsed.kind != "number" or value is None:
            return Verdict(False, None, None, "not a number")
        if whole_digits(value) > SETTINGS.value_precision - SETTINGS.value_scale:  # before any arithmetic on it
            return Verdict(False, None, unit, f"a number of {whole_digits(value)} digits: more than the output stores "
                                              f"(up to {SETTINGS.value_precision - SETTINGS.value_scale} before the "
                                              "point)")
        if parsed.leading_zero:
            return Verdict(False, None, unit, "a number printed with a leading zero: a misprint, or two cells run "
                                              "together")
        if value < 0 and not self.signed:
            return Verdict(False, None, unit, f"a negative number ({format(value, 'f')}) where the column counts")
        if unit == "%":
            return Verdict(False, None, unit, "a percentage where the column holds a number of its own")
        if unit in MONEY_UNITS:
            if not self.decimal:
                return Verdict(False, None, unit, f"a {unit} amount where the column counts")
            if self.unit and unit != self.unit:
                factor = CONVERSIONS.get((unit, self.unit))
                if factor is None:  # pragma: no cover - only 元/万元 are money units
                    return Verdict(False, None, unit, f"printed in {unit}, the column is in {self.unit}")
                with localcontext() as ctx:  # exact, however many digits were printed
                    ctx.prec = len(value.as_tuple().digits) + 8
                    value = (value * factor).normalize()
                note = f"printed as {format(parsed.value, 'f')}{unit}, converted exactly to {format(value, 'f')}{self.unit}"
                return self._fits(Verdict(True, _plain(value), self.unit, note))
        elif unit is not None and self.decimal and not self.unit_as_printed:
            return Verdict(False, None, unit, f"a count ({unit}) where the column holds money")
        if value != value.to_integral_value() and not self.decimal:
            return Verdict(False, None, unit, f"a decimal ({format(value, 'f')}) where the column counts whole items")
        out_unit = self.unit or (unit if unit in MONEY_UNITS else None)
        return self._fits(Verdict(True, _plain(value), out_unit))

    def _fits(self, v: Verdict) -> Verdict:
        """Whether the output store holds the value exactly (int64 for counts, decimal(38, 9) for money)."""
        value = v.value
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        whole = whole_digits(value)
        if not self.decimal and abs(value) > INT64:
            return Verdict(False, None, v.unit, f"{format(value, 'f')} is too large to store as a count")
        if places > SETTINGS.value_scale or whole > SETTINGS.value_precision - SETTINGS.value_scale:
            return Verdict(False, None, v.unit, f"{format(value, 'f')} has more digits than the output stores "
                                                f"(up to {SETTINGS.value_precision - SETTINGS.value_scale} before "
                                                f"and {SETTINGS.value_scale} after the point)")
        return v


def whole_digits(value: Decimal | int | None) -> int:
    """Digits before the point (1 for 0.5 and for 0), counted without turning the number into text: a
    value of 30,000 digits is counted, never converted (``str(int)`` refuses over 4,300 digits)."""
    if value is None:
        return 0
    d = value if isinstance(value, Decimal) else Decimal(value)
    if not d.is_finite() or d.is_zero():
        return 1
    return max(1, d.adjusted() + 1)


def _plain(value: Decimal) -> Decimal:
    """The same number without an exponent or trailing zeros after the point (29461.00 → 29461), exactly
    (the default context would round it to 28 digits)."""
    with localcontext() as ctx:
        ctx.prec = max(28, len(value.as_tuple().digits) + 2)
        if value == value.to_integral_value():
            return Decimal(int(value))
        return value.normalize()


def number_text(value: Decimal | int | None) -> str:
    """A value as plain decimal text, exactly (no exponent, no ``.0`` on integers)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return format(_plain(value), "f")


# ------------------------------------------------------------------ tokenizers for running text

# a run of value characters: digits with signs, thousands commas and points inside, a money unit at
# the end; possessive, so that a run is taken whole and the scan never backtracks into it
_RUN = re.compile(r"[+\-]?\d(?:[\d,.]|[+\-](?=\d))*+(?:万元|元)?")
_DATE_AFTER = set("年月日号")
_DASH_TOKEN = re.compile(r"(?<!\S)(?:[-—–/―─\\]++|无)(?!\S)")


@dataclass(frozen=True)
class Token:
    """A run of value characters as found, with where it was found."""

    text: str
    start: int = 0
    end: int = 0
    separated: bool = True  # its own cell, or whitespace on both sides

    @property
    def is_dash(self) -> bool:
        return is_dash(self.text)


def value_tokens(text: str) -> list[Token]:
    """Runs of digits (with signs, decimals, units) and stand-alone dashes, in order. A run followed by
    a date word (2021年, 12月31日) is a date, not a value: it is dropped whole, never cut short."""
    t = unicodedata.normalize("NFKC", strip_invisible(text)).translate(_SIGNS)
    found = []
    for m in _RUN.finditer(t):
        after = t[m.end()] if m.end() < len(t) else " "
        if after in _DATE_AFTER:
            continue
        found.append(m)
    found += list(_DASH_TOKEN.finditer(t))
    tokens = []
    for m in sorted(found, key=lambda m: m.start()):
        before = t[m.start() - 1] if m.start() > 0 else " "
        after = t[m.end()] if m.end() < len(t) else " "
        tokens.append(Token(m.group(0), m.start(), m.end(), before.isspace() and after.isspace()))
    return tokens


_PROSE_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d{1,15})(\.\d+)?\s*(件|条|个|项|份|次|万元|元)")


def prose_numbers(sentence: str) -> list[tuple[Decimal, str]]:
    """Numbers stated in a sentence with their unit word (``收到申请70件`` → (70, 件))."""
    t = unicodedata.normalize("NFKC", strip_invisible(sentence))
    out = []
    for m in _PROSE_NUMBER.finditer(t):
        out.append((Decimal(m.group(1).replace(",", "") + (m.group(2) or "")), m.group(3)))
    return out

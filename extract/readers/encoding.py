"""Decode text files whose encoding is detected, never assumed.

Order: byte-order marks (UTF-8, UTF-16, UTF-32), strict UTF-8, UTF-16 without a BOM (NULs in
alternate bytes), GB18030 (the superset of GBK and GB2312 that Chinese government sites use) and
Big5 strictly, then the same encodings tolerantly: a file with a few damaged bytes (one invalid
byte in a UTF-8 file) is read with those bytes replaced by U+FFFD and a note saying so, never
refused whole; then charset-normalizer's guess.

Characters that take no space (zero-width spaces and joiners, soft hyphens, bidi marks, see
``textnorm.INVISIBLE``) are removed from the text: inside a number they would make it unreadable.
"""
from __future__ import annotations

import codecs
from typing import NamedTuple

from ..errors import BINARY, UNDECODABLE, ExtractError
from ..textnorm import strip_invisible

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _plausible(text: str) -> bool:
    """Mostly CJK, ASCII, punctuation and whitespace: what a report's text is made of."""
    sample = text[:4000]
    if not sample:
        return False
    good = sum(1 for ch in sample if ch.isprintable() or ch in "\r\n\t\f" or "\u3000" <= ch <= "\u9fff"
               or "\uff00" <= ch <= "\uffef")
    return good / len(sample) > 0.97


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: NUL bytes only in one half, and a clean, plausible decode."""
    sample = data[:8000]
    if len(sample) < 4 or len(data) % 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    # NUL bytes sit mostly in the high half of ASCII characters (odd bytes for LE, even for BE)
    for enc, ok in (("utf-16-le", odd_nul > 3 * even_nul + 4), ("utf-16-be", even_nul > 3 * odd_nul + 4)):
        if ok:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                return None
            return text if _plausible(text) else None
    return None


def looks_binary(data: bytes) -> bool:
    """Control bytes that no text encoding of a report would contain."""
    sample = data[:8192]
    if not sample:
        return False
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return bad / len(sample) > 0.05


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for ch in text[:5000] if "\u4e00" <= ch <= "\u9fff") / min(len(text), 5000)


def _strict(data: bytes, enc: str, partial: bool) -> str | None:
    """Decode strictly; for a prefix of a file, a character cut at the end is forgiven."""
    for cut in (range(0, 4) if partial else (0,)):
        try:
            return data[: len(data) - cut].decode(enc)
        except UnicodeDecodeError:
            continue
    return None


class Decoded(NamedTuple):
    text: str
    encoding: str
    notes: list[str]  # what was repaired (bytes replaced), for the Document's warnings


def max_replaced(size: int) -> int:
    """Damaged bytes a file may have and still be read (more means a wrong encoding, not damage)."""
    return max(4, size // 1000)


_BAD = [0]


def _count_bad(exc: UnicodeDecodeError) -> tuple[str, int]:
    _BAD[0] += exc.end - exc.start
    return "\ufffd", exc.end


codecs.register_error("extract-count", _count_bad)


def tolerant(data: bytes, enc: str) -> tuple[str, int]:
    """Decode with invalid bytes replaced by U+FFFD; the text and how many bytes were replaced."""
    _BAD[0] = 0
    text = data.decode(enc, errors="extract-count")
    return text, _BAD[0]


def replaced_note(bad: int, enc: str) -> str:
    what = "1 byte that is not valid {} was" if bad == 1 else f"{bad} bytes that are not valid {{}} were"
    return what.format(enc) + " replaced by U+FFFD (the file is damaged there; the rest was read)"


def decode_text(data: bytes) -> Decoded:
    """Bytes of a whole file to text (see the module's docstring), with notes of any repair."""
    return _decode(data, False)


def decode(data: bytes, partial: bool = False) -> tuple[str, str]:
    """Bytes to text and the encoding used; raises ExtractError when the bytes are not text.

    ``partial`` says ``data`` is only the start of a file (used to sniff the format)."""
    text, enc, _ = _decode(data, partial)
    return text, enc


def _decode(data: bytes, partial: bool) -> Decoded:
    text, enc, notes = _decode_raw(data, partial)
    return Decoded(strip_invisible(text), enc, notes)


def _best_tolerant(data: bytes, encodings: tuple[str, ...], partial: bool) -> Decoded | None:
    """The first encoding (most telling first: UTF-8's byte patterns are strict, GB18030's lax) that
    needs few enough replacements to be damage, not a wrong encoding."""
    for enc in encodings:
        text, bad = tolerant(data, enc)
        if partial:  # a character cut at the end of a sample is no damage
            bad = max(0, bad - 3)
        if bad <= max_replaced(len(data)) and _plausible(text):
            return Decoded(text, enc, [replaced_note(bad, enc)] if bad else [])
    return None


def _decode_raw(data: bytes, partial: bool) -> Decoded:
    for bom, enc in BOMS:
        if data.startswith(bom):
            plain = enc.replace("-sig", "")
            text = _strict(data[len(bom):], plain, partial)
            if text is not None:
                return Decoded(text, enc, [])
            found = _best_tolerant(data[len(bom):], (plain,), partial)
            if found is None:
                raise ExtractError(UNDECODABLE, f"the file starts with a {enc} byte-order mark but is not valid {enc}")
            return Decoded(found.text, enc, found.notes)
    text = _strict(data, "utf-8", partial)
    if text is not None and "\x00" not in text[:4000]:
        return Decoded(text, "utf-8", [])
    text = _utf16_without_bom(data[: len(data) - (len(data) % 2)] if partial else data)
    if text is not None:
        return Decoded(text, "utf-16", [])
    if looks_binary(data):
        raise ExtractError(BINARY, "the file holds binary data that is not PDF, Word or text; check that it is not damaged or misnamed")
    candidates: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "big5"):
        t = _strict(data, enc, partial)
        if t is not None:
            candidates.append((_cjk_share(t), enc, t))
    if not candidates:
        found = _best_tolerant(data, ("utf-8", "gb18030"), partial)
        if found is not None:
            return found
        try:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
        except Exception:  # pragma: no cover - library failure falls through to the error
            best = None
        if best is not None and _plausible(str(best)):
            return Decoded(str(best), best.encoding, [])
        raise ExtractError(UNDECODABLE, "the text encoding could not be detected (not UTF-8, UTF-16, GB18030 or Big5); save the file as UTF-8 and run again")
    candidates.sort(reverse=True)
    _, enc, text = candidates[0]
    if not _plausible(text):
        raise ExtractError(BINARY, "the file holds binary data that is not PDF, Word or text; check that it is not damaged or misnamed")
    return Decoded(text, enc, [])

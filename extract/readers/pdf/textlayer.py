"""Is the text layer there, and can it be trusted?

- A page without characters (or with a few and an image) is a picture of a page: it is read by
  OCR (``readers/ocr``).
- Characters whose font has no Unicode map (PDFium flags them; pdfminer writes
  ``(cid:123)``; some fonts give U+FFFD or private-use code points): the page is read again
  with the other text source, pdfminer through pdfplumber. If that is no better, the report
  fails (``unreadable_text_layer``) rather than give numbers read from the wrong glyphs.
"""
from __future__ import annotations

import io

from ...errors import TOO_LARGE, UNREADABLE_TEXT_LAYER, ExtractError
from .. import visible
from .scan import MAX_PAGE_CHARS, MAX_PAGE_OBJECTS, Char, PageScan, bad_char
from ...settings import SETTINGS

FEW = 10  # a page with fewer characters than this and an image is a picture of a page


def unreadable(chars: list[Char]) -> bool:
    seen = [c for c in chars if not c.text.isspace()]
    bad = sum(1 for c in seen if bad_char(c))
    return bad > max(2, SETTINGS.pdf_max_bad * len(seen))


def _unseen(c: dict) -> bool:
    """A pdfminer character a person does not see: under 1 pt, or filled white (on the white page;
    pdfminer tells neither the render mode nor what is painted behind)."""
    if (c.get("size") or 0) < visible.MIN_PT and c["bottom"] - c["top"] < visible.MIN_PT:
        return True
    colour = c.get("non_stroking_color")
    if not isinstance(colour, (tuple, list)) or not all(isinstance(v, (int, float)) for v in colour):
        return False
    if len(colour) == 1:
        rgb = (colour[0],) * 3
    elif len(colour) == 3:
        rgb = tuple(colour)
    elif len(colour) == 4:  # CMYK
        k = colour[3]
        rgb = tuple((1 - v) * (1 - k) for v in colour[:3])
    else:
        return False
    return visible.same_colour(tuple(round(255 * v) for v in rgb), visible.WHITE)


def pdfminer_chars(data: bytes, number: int,
                   unseen: list[tuple[float, float, float, float]] | None = None) -> list[Char]:
    """The page's characters as pdfminer reads them (the second text source), those a person does
    not see left out: pdfminer tells neither render modes nor clipping, so a character where PDFium
    found one it left out as unseen (``unseen``: boxes x0, x1, top, bottom) is left out too."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), pages=[number]) as pdf:
        page = pdf.pages[0]
        x_off, top_off = float(page.mediabox[0]), 0.0
        chars = [Char(c["text"], c["x0"] - x_off, c["x1"] - x_off, c["top"] - top_off, c["bottom"] - top_off,
                      c["bottom"] - c["top"]) for c in page.chars if not _unseen(c)]
    if not unseen:
        return chars
    bands: dict[int, list[tuple[float, float, float, float]]] = {}
    for box in unseen:
        for band in range(int(box[2] // BAND), int(box[3] // BAND) + 1):
            bands.setdefault(band, []).append(box)

    def left_out(c: Char) -> bool:
        cx, cy = c.cx, c.cy
        return any(x0 - 0.5 <= cx <= x1 + 0.5 and t - 0.5 <= cy <= b + 0.5
                   for x0, x1, t, b in bands.get(int(cy // BAND), ()))

    return [c for c in chars if not left_out(c)]


BAND = 20.0  # points: unseen boxes are looked up by the horizontal bands they cross


def _picture(s: PageScan) -> bool:
    return len([c for c in s.chars if not c.text.isspace()]) < FEW and (s.images > 0 or not s.chars)


def _overfull(scans: list[PageScan]) -> list[str]:
    """Pages holding more characters than any printed page (none of them read): an error when no
    other page has text or a picture to read, else a note each."""
    full = [s for s in scans if s.overfull]
    if not full:
        return []
    said = [f"page {s.number} holds {s.overfull}, more than a printed page can (the limits are {MAX_PAGE_CHARS:,} "
            f"characters and {MAX_PAGE_OBJECTS:,} objects): it was not read" for s in full]
    if len(full) == len(scans):
        raise ExtractError(TOO_LARGE, said[0] + ("" if len(said) == 1 else f" (and {len(said) - 1} more such pages)") +
                           "; no other page has text")
    return said


def check(scans: list[PageScan], data: bytes) -> tuple[list[str], list[int]]:
    """Warnings, and the pages (1-based) that are pictures without a text layer (to be read by OCR);
    raise when a text layer is there but cannot be trusted. Swaps in pdfminer's text where it reads better."""
    warnings: list[str] = _overfull(scans)
    scans = [s for s in scans if not s.overfull]
    failed = []
    pictures = [s.number for s in scans if _picture(s)]
    for s in scans:
        if s.number in pictures or not unreadable(s.chars):
            continue
        try:
            other = pdfminer_chars(data, s.number, s.unseen)
        except Exception:  # noqa: BLE001 - a second source that fails is just not better
            other = []
        if other and not unreadable(other):
            s.chars, s.source = other, "pdfminer"
            warnings.append(f"page {s.number}: text read with pdfminer (PDFium found glyphs without a Unicode map)")
        else:
            failed.append(s.number)
    if failed:
        pages = ", ".join(map(str, failed))
        raise ExtractError(UNREADABLE_TEXT_LAYER, f"text layer unreadable: font without Unicode map (page {pages}); "
                           "the characters cannot be turned into text reliably, so no numbers were read; "
                           "run OCR on the pages or get a better copy of the report")
    return warnings, pictures

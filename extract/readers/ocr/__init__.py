"""Reports printed as pictures: scanned PDF pages and picture files, read by OCR.

Pipeline, per page (``page.read_page``): grey image → deskew → table grid from the image's
ruling lines → each cell's lines of ink recognised on their own → lines outside the tables.
The pages then go through the same furniture, stitching and paragraph steps as a
text-layer PDF (``pdf.assemble``), so a scanned report gives the same :class:`Document` of
tables with merged cells and paragraphs, every cell with its page, box, ``confidence`` and
``alternatives``.

- ``read_image``: a picture file (PNG, JPEG, TIFF with all its pages, BMP).
- ``ocr_pdf_pages``: the pages of a PDF that have no text layer (the PDF reader uses the text
  layer wherever a page has one).
"""
from __future__ import annotations

from typing import Iterable, Iterator

from ...document import Document
from ...errors import ExtractError
from ...progress import note
from ..pdf.scan import PageScan
from .engine import recogniser
from .images import pdf_page_image, picture_count, picture_pages
from .page import OcrPage, PageImage, read_page

NO_TEXT = "no_text_found"


LONG_FILE = 8  # pages: from this many on, each page read sends a progress note


def ocr_pages(images: Iterable[PageImage], total: int | None = None) -> Iterator[OcrPage]:
    rec = recogniser()
    for n, img in enumerate(images, 1):
        page = read_page(img, rec)
        if total is not None and total >= LONG_FILE:
            note(f"OCR page {n}/{total}")
        yield page


def warnings(pages: list[OcrPage]) -> list[str]:
    out = []
    turned = [p for p in pages if abs(p.skew) >= 0.1]
    if turned:
        angle = max(abs(p.skew) for p in turned)
        out.append(f"{len(turned)} page{'s' if len(turned) > 1 else ''} deskewed before OCR (up to {angle:.1f}°)")
    bad = [str(p.number) for p in pages if p.unreadable]
    if bad:
        out.append(f"page{'s' if len(bad) > 1 else ''} {', '.join(bad)} not read: what OCR made of the ink there was "
                   "mostly guesses (noise, a photo, or a scan too faint)")
    return out


def ocr_pdf_pages(pdf, indexes: list[int]) -> Iterator[tuple[int, OcrPage]]:
    """``(index, page)`` for each 0-based page index, read from its image."""
    yield from zip(indexes, ocr_pages((pdf_page_image(pdf, i) for i in indexes), total=len(indexes)))


def page_blocks(page: OcrPage) -> tuple[PageScan, list, list]:
    """What the PDF reader's assembly takes for a page."""
    return PageScan(page.number, page.width, page.height), page.grids, page.lines


def no_text(what: str) -> ExtractError:
    return ExtractError(NO_TEXT, f"no text found: {what}, and OCR found no text in them (blank pages, or a scan "
                                 "too faint or too noisy to read); no numbers were read")


def read_image(data: bytes, source: str, hints=None) -> Document:
    from ..pdf import assemble

    pages = list(ocr_pages(picture_pages(data), total=picture_count(data)))
    if not any(p.lines or p.grids for p in pages):
        raise no_text("the file is a picture")
    blocks = assemble([page_blocks(p) for p in pages])
    return Document(source=source, format="image", blocks=blocks, pages=len(pages), warnings=warnings(pages),
                    layout="image/ocr")

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
from ..pdf.scan import PageScan
from .engine import recogniser
from .images import pdf_page_image, picture_pages
from .page import OcrPage, PageImage, read_page

NO_TEXT = "no_text_found"


def ocr_pages(images: Iterable[PageImage]) -> Iterator[OcrPage]:
    rec = recogniser()
    for img in images:
        yield read_page(img, rec)


def _scan(page: OcrPage) -> PageScan:
    return PageScan(page.number, page.width, page.height)


def _warnings(pages: list[OcrPage]) -> list[str]:
    turned = [p for p in pages if abs(p.skew) >= 0.1]
    if not turned:
        return []
    angles = sorted(abs(p.skew) for p in turned)
    return [f"{len(turned)} page{'s' if len(turned) > 1 else ''} deskewed by OCR (up to {angles[-1]:.1f}°)"]


def ocr_pdf_pages(pdf, indexes: list[int]) -> Iterator[tuple[int, tuple[PageScan, list, list]]]:
    """``(index, (scan, grids, lines))`` for each 0-based page index, read from its image."""
    for i, page in zip(indexes, ocr_pages(pdf_page_image(pdf, i) for i in indexes)):
        yield i, (_scan(page), page.grids, page.lines)


def no_text(what: str) -> ExtractError:
    return ExtractError(NO_TEXT, f"no text found: {what}, and OCR found no text in them (blank pages, or a scan "
                                 "too faint or too noisy to read); no numbers were read")


def read_image(data: bytes, source: str, hints=None) -> Document:
    from ..pdf import assemble

    pages = list(ocr_pages(picture_pages(data)))
    if not any(p.lines or p.grids for p in pages):
        raise no_text("the file is a picture")
    blocks = assemble([(_scan(p), p.grids, p.lines) for p in pages])
    return Document(source=source, format="image", blocks=blocks, pages=len(pages), warnings=_warnings(pages),
                    layout="image/ocr")

"""PDF reports with a text layer → one :class:`~extract.document.Document`.

Steps (each in its own module):

1. ``open_pdf``: PDFium opens the file; a password or a broken file is a clear error.
2. ``scan.scan_page``: one cheap PDFium pass per page: characters with boxes (those a person
   never sees left out: invisible, white, tiny, clipped, covered, in a hidden layer, outside the
   crop box), the rulings a reader can see, the number of images.
3. ``textlayer.check``: a page without characters is a picture: it is read by OCR
   (``readers/ocr``: the PDF is then ``pdf/ocr``, or ``pdf/text-layer+ocr`` when only some pages
   are pictures); glyphs without a Unicode map
   → the page is read again with pdfminer (through pdfplumber); still unreadable →
   ``unreadable_text_layer``. Never text that only looks right.
4. ``grid.page_grids`` + ``grid.fill_text``: pdfplumber's table finder, run only on pages that
   have rulings, gives cell rectangles; they become grids with row and column spans, and each
   character goes to its cell. One-column "tables" (page frames, text boxes) are not tables.
5. ``furniture.drop``: page numbers (``-4-``, ``第 4 页``) and running headers and footers go.
6. ``layout``: the other characters become lines, the lines paragraphs.
7. ``stitch``: a table that runs over a page break is joined with its continuation (repeated
   header dropped, a row cut in two rejoined, group labels carried over).

Every cell and paragraph keeps its page. Nothing after this module knows the input was a PDF.
"""
from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium

from ...document import Cell, Document, Paragraph, Table
from ...errors import CORRUPT, ENCRYPTED, ExtractError
from . import furniture, textlayer
from .grid import Grid, fill_text, page_grids, widen_labels
from .layers import Layers
from .layout import TextLine, continues, join_lines, margins, text_lines
from .scan import PageScan, scan_page
from .stitch import same_table, stitch


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
            raise ExtractError(ENCRYPTED, "the PDF is password-protected; save an unprotected copy and read that") from exc
        raise ExtractError(CORRUPT, f"the PDF is damaged and cannot be opened ({exc}); download it again or "
                                    "re-save it with a PDF viewer") from exc


@dataclass
class PageBlocks:
    """What one page holds, top to bottom: ``("table", Grid)`` and ``("lines", [TextLine])`` runs."""

    number: int
    items: list[tuple[str, object]]


def page_blocks(scan: PageScan, notes: list[str] | None = None) -> tuple[list[Grid], list[TextLine]]:
    grids = page_grids(scan.edges, scan.number, notes)
    chars = scan.chars
    kept = []
    for g in grids:
        chars = fill_text(g, chars)
        if g.has_text():
            kept.append(g)
    return kept, text_lines(chars, scan.number)


def _layout(grids: list[Grid], lines: list[TextLine], number: int) -> PageBlocks:
    items: list[tuple[float, str, object]] = [(g.bbox[1], "table", g) for g in grids]
    items += [(ln.top, "line", ln) for ln in lines]
    items.sort(key=lambda t: (t[0], t[1] == "line"))
    out: list[tuple[str, object]] = []
    for _, kind, obj in items:
        if kind == "line":
            if out and out[-1][0] == "lines":
                out[-1][1].append(obj)
            else:
                out.append(("lines", [obj]))
        else:
            out.append(("table", obj))
    return PageBlocks(number, out)


def _stitch_pages(pages: list[PageBlocks]) -> None:
    """Join a table ending a page with a table starting the next, page after page."""
    for prev, page in zip(pages, pages[1:]):
        if not prev.items or not page.items:
            continue
        (kind_a, a), (kind_b, b) = prev.items[-1], page.items[0]
        if kind_a == kind_b == "table" and same_table(a, b):
            prev.items[-1] = ("table", stitch(a, b))
            page.items.pop(0)
            if not page.items:  # the whole page was table: the joined table may go on
                page.items.append(prev.items[-1])
                prev.items.pop()


def _paragraphs(pages: list[PageBlocks], all_lines: list[TextLine]) -> list:
    m = margins(all_lines)
    blocks: list = []
    open_para: list[TextLine] | None = None  # lines of the paragraph being built
    last_line: TextLine | None = None

    def close() -> None:
        nonlocal open_para
        if open_para:
            confs = [ln.confidence for ln in open_para if ln.confidence is not None]
            blocks.append(Paragraph(join_lines([ln.text for ln in open_para]), page=open_para[0].page,
                                    confidence=min(confs) if confs else None))
        open_para = None

    for page in pages:
        for kind, obj in page.items:
            if kind == "table":
                close()
                last_line = None
                blocks.append(to_table(obj))
                continue
            for ln in obj:
                if open_para and last_line is not None and continues(last_line, ln, m, ln.page == last_line.page):
                    open_para.append(ln)
                else:
                    close()
                    open_para = [ln]
                last_line = ln
    close()
    return blocks


def to_table(grid: Grid) -> Table:
    widen_labels(grid)
    cells = [Cell(c.text, c.r0, c.c0, c.r1 - c.r0, c.c1 - c.c0, c.page, c.bbox, c.confidence, c.alternatives)
             for c in sorted(grid.cells, key=lambda c: (c.r0, c.c0))]
    return Table(cells=cells, page=grid.page)


def assemble(pages: list[tuple[PageScan, list[Grid], list[TextLine]]]) -> list:
    """Pages' tables and lines → document blocks: furniture dropped, tables over page breaks
    stitched, lines joined into paragraphs. (Shared with the OCR reader, whose pages arrive the same way.)"""
    dropped = furniture.drop([lines for _, _, lines in pages], [scan for scan, _, _ in pages])
    laid: list[PageBlocks] = []
    all_lines: list[TextLine] = []
    for (scan, grids, _), lines in zip(pages, dropped):
        all_lines += lines
        laid.append(_layout(grids, lines, scan.number))
    _stitch_pages(laid)
    return _paragraphs(laid, all_lines)


def read_pdf(data: bytes, source: str, hints=None) -> Document:
    pdf = open_pdf(data)
    try:
        if len(pdf) == 0:
            raise ExtractError(CORRUPT, "the PDF has no pages (the file is damaged or cut short); download it again")
        layers = Layers(data)
        scans = [scan_page(pdf, i, layers) for i in range(len(pdf))]
        warnings, pictures = textlayer.check(scans, data)
        pages = [(s, *page_blocks(s, warnings)) for s in scans]
        if pictures:  # pages without a text layer: read from their image
            from .. import ocr

            read = [page for _, page in ocr.ocr_pdf_pages(pdf, [n - 1 for n in pictures])]
            for page in read:
                pages[page.number - 1] = ocr.page_blocks(page)
            warnings += ocr.warnings(read)
    finally:
        pdf.close()
    if pictures and len(pictures) == len(scans) and not any(grids or lines for _, grids, lines in pages):
        from ..ocr import no_text

        raise no_text("the PDF's pages are pictures without a text layer")
    blocks = assemble(pages)
    layout = "pdf/ocr" if len(pictures) == len(scans) else "pdf/text-layer+ocr" if pictures else "pdf/text-layer"
    if pictures and len(pictures) < len(scans):
        warnings.append(f"page{'s' if len(pictures) > 1 else ''} {', '.join(map(str, pictures))} read by OCR "
                        "(no text layer)")
    return Document(source=source, format="pdf", blocks=blocks, pages=len(scans), warnings=warnings, layout=layout)

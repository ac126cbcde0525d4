"""Page images: PDF pages rendered by PDFium, and picture files (PNG, JPEG, TIFF with all its
pages, BMP) decoded by Pillow. Each becomes a grey :class:`~.page.PageImage` with its resolution.

- A PDF page is rendered at the resolution of the scan it holds (its largest image's pixels
  over the page's width), kept between ``MIN_DPI`` and ``MAX_DPI``: no detail is invented or
  thrown away, and a 600 dpi scan does not cost four times a 300 dpi one.
- A picture's resolution is the one its file states when that is plausible; otherwise the
  picture is taken as a page of A4 width (a screenshot of a report, a phone photo of a page).
  A picture finer than ``MAX_DPI`` is scaled down first, one coarser than ``MIN_DPI`` (a
  screenshot) up.
- A picture whose pixels would not fit in memory (a decompression bomb) is refused from its
  declared size, before it is decoded.
"""
from __future__ import annotations

import io
import warnings
from typing import Iterator

import numpy as np

from ...errors import CORRUPT, ExtractError
from .page import PageImage

MIN_DPI, MAX_DPI, DEFAULT_DPI = 150.0, 300.0, 200.0
A4_WIDTH_IN = 8.27
MAX_PIXELS = 120_000_000  # per picture: a page at 300 dpi is 9 million
MAX_PAGES = 2000  # frames of one TIFF


def pdf_page_image(pdf, index: int) -> PageImage:
    """Render one PDF page in grey at the resolution of the scan it holds."""
    import pypdfium2 as pdfium

    page = pdf[index]
    try:
        width_pt = page.get_width()
        dpi = DEFAULT_DPI
        best = 0
        for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            try:
                w, _h = obj.get_px_size()
                x0, _, x1, _ = obj.get_pos()
            except Exception:  # noqa: BLE001 - an image whose size PDFium cannot tell says nothing
                continue
            if w > best and x1 - x0 > 0.3 * width_pt:
                best, dpi = w, w / ((x1 - x0) / 72.0)
        dpi = min(MAX_DPI, max(MIN_DPI, dpi))
        bitmap = page.render(scale=dpi / 72.0, grayscale=True, may_draw_forms=False)
        arr = bitmap.to_numpy()
        gray = np.ascontiguousarray(arr[..., 0] if arr.ndim == 3 else arr)
    finally:
        page.close()
    return PageImage(gray, dpi, index + 1)


def _dpi(info: dict) -> float | None:
    dpi = info.get("dpi")
    try:
        x = float(dpi[0]) if isinstance(dpi, (tuple, list)) else float(dpi)
    except (TypeError, ValueError):
        return None
    return x if 96 <= x <= 1200 else None  # 72 and 96 are screen defaults written by tools, not scans


def _to_page(frame, number: int) -> PageImage:
    from PIL import Image

    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(white, rgba)  # transparent is paper, not ink
    gray = frame.convert("L")
    dpi = _dpi(frame.info) or gray.width / A4_WIDTH_IN
    if dpi > MAX_DPI or dpi < MIN_DPI:  # scaled to what reading needs (a screenshot's few pixels smoothed up)
        f = min(MAX_DPI, max(MIN_DPI, dpi)) / dpi
        gray = gray.resize((max(1, round(gray.width * f)), max(1, round(gray.height * f))),
                           Image.Resampling.LANCZOS if f < 1 else Image.Resampling.BICUBIC)
        dpi *= f
    return PageImage(np.asarray(gray, dtype=np.uint8).copy(), dpi, number)


def picture_count(data: bytes) -> int | None:
    """How many pages a picture file holds (from its header), or None when it cannot tell."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            return int(getattr(img, "n_frames", 1))
    except Exception:  # noqa: BLE001 - decoding errors are reported by picture_pages
        return None


def picture_pages(data: bytes) -> Iterator[PageImage]:
    """Every page of a picture file (a TIFF may hold many), in order."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ExtractError(CORRUPT, f"the picture is {w}×{h} pixels, more than a scanned page can need "
                                            f"({MAX_PIXELS // 1_000_000} million): refused as a possible decompression bomb")
            for n, frame in enumerate(ImageSequence.Iterator(img), 1):
                if n > MAX_PAGES:
                    break
                if frame.size[0] * frame.size[1] > MAX_PIXELS:
                    raise ExtractError(CORRUPT, f"page {n} of the picture is {frame.size[0]}×{frame.size[1]} "
                                                "pixels: refused as a possible decompression bomb")
                yield _to_page(frame, n)
    except ExtractError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, EOFError) as exc:
        raise ExtractError(CORRUPT, f"the picture cannot be decoded ({exc}); the file is damaged or cut short") from exc

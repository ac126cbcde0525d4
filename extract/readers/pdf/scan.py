"""One cheap pass over a PDF page with PDFium: characters with boxes, visible rulings, images.

Coordinates are PDF points measured from the top-left corner of the page's MediaBox
(``top`` grows downwards), the convention pdfplumber uses, so pdfplumber's table finder
and pdfminer's characters (the second text source) line up with PDFium's.

- ``scan_chars``: every character PDFium finds, with its loose box (the font's full height;
  where PDFium gets that box wrong, the glyph's ink box and the font size), its baseline
  (shared by the characters of one line whatever their fonts), and whether its font gave no
  Unicode for it (``unmapped``: PDFium then reports the raw glyph code, which can look like
  an ordinary character). Characters PDFium generated itself (spaces, line breaks) are left
  out; spacing is decided from the geometry later.
- ``upright``: a page turned by /Rotate is given as it is displayed.
- ``scan_rulings``: the page's drawn lines as pdfplumber edge dicts. Only what a reader can
  see counts: stroked segments in a visible colour, and filled rectangles that are not
  white (a thin one is a line, a shaded one bounds a cell). White boxes that word
  processors paint behind text lines are skipped, so they never become one-column
  "tables".
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as C

_HAS_MAP_ERROR = hasattr(C, "FPDFText_HasUnicodeMapError")
WHITE = 0.93  # a colour whose channels are all above this (of 1) is invisible on paper
THIN = 2.5  # a filled rectangle thinner than this (points) is a drawn line
AXIS = 0.8  # a segment is horizontal/vertical when it deviates less than this (points)


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # height of the loose box: the font's size as drawn
    unmapped: bool = False
    baseline: float | None = None  # characters of one line share it, whatever their fonts' boxes

    @property
    def line_y(self) -> float:
        return self.baseline if self.baseline is not None else self.bottom

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class PageScan:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    images: int = 0
    source: str = "pdfium"  # where the characters came from: pdfium or pdfminer


def bad_char(ch: Char) -> bool:
    """A character whose text cannot be trusted: no Unicode map, U+FFFD, private use, control."""
    if ch.unmapped:
        return True
    for c in ch.text:
        o = ord(c)
        if o == 0xFFFD or 0xE000 <= o <= 0xF8FF or o >= 0xF0000 or (o < 32 and c not in "\t\n\r"):
            return True
    return "(cid:" in ch.text


def _box(page) -> tuple[float, float]:
    """Left and top of the MediaBox in PDF user space."""
    left, _bottom, _right, top = page.get_mediabox()
    return left, top


def _size(page) -> tuple[float, float]:
    left, bottom, right, top = page.get_mediabox()
    return right - left, top - bottom


def _fallback_box(tp, i: int, size: float, left: float, top: float) -> tuple[float, float, float, float]:
    """A box from the glyph's ink (left, right) and its baseline and size (top, bottom), for
    characters whose loose box PDFium gets wrong (it can ignore the text matrix)."""
    l, r, b, t = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    C.FPDFText_GetCharBox(tp, i, l, r, b, t)
    x, y = ctypes.c_double(), ctypes.c_double()
    C.FPDFText_GetCharOrigin(tp, i, x, y)
    base = top - y.value
    return l.value - left, r.value - left, base - 0.88 * size, base + 0.12 * size


def scan_chars(page, textpage) -> list[Char]:
    left, top = _box(page)
    tp = textpage.raw
    n = C.FPDFText_CountChars(tp)
    rect = C.FS_RECTF()
    matrix = C.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    out: list[Char] = []
    for i in range(n):
        if C.FPDFText_IsGenerated(tp, i):
            continue
        code = C.FPDFText_GetUnicode(tp, i)
        if code in (0, 0xFEFF) or not C.FPDFText_GetLooseCharBox(tp, i, rect):
            continue
        text = chr(code) if code < 0x110000 else "\ufffd"
        if 0xD800 <= code <= 0xDFFF:  # a surrogate pair: take the pair in one go
            if code >= 0xDC00:
                continue
            low = C.FPDFText_GetUnicode(tp, i + 1) if i + 1 < n else 0
            text = chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)) if 0xDC00 <= low <= 0xDFFF else "\ufffd"
        unmapped = bool(C.FPDFText_HasUnicodeMapError(tp, i) == 1) if _HAS_MAP_ERROR else False
        if unmapped:  # never let a raw glyph code pass for a character (or a digit)
            text = "\ufffd"
        size = C.FPDFText_GetFontSize(tp, i)
        if C.FPDFText_GetMatrix(tp, i, matrix):
            size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        x0, x1 = rect.left - left, rect.right - left
        t, b = top - rect.top, top - rect.bottom
        if x1 < x0:
            x0, x1 = x1, x0
        if b < t:
            t, b = b, t
        if size > 0 and (x1 - x0 > 2.5 * size + 2 or b - t > 2.5 * size + 2):
            x0, x1, t, b = _fallback_box(tp, i, size, left, top)
        baseline = top - oy.value if C.FPDFText_GetCharOrigin(tp, i, ox, oy) else None
        out.append(Char(text, x0, x1, t, b, b - t, unmapped, baseline))
    return out


# ------------------------------------------------------------------ rulings

def _matrix(obj) -> tuple[float, ...]:
    m = C.FS_MATRIX()
    if not C.FPDFPageObj_GetMatrix(obj, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying ``inner`` first, then ``outer``."""
    a, b, c, d, e, f = inner
    A, B, Cc, D, E, F = outer
    return (a * A + b * Cc, a * B + b * D, c * A + d * Cc, c * B + d * D, e * A + f * Cc + E, e * B + f * D + F)


def _colour(obj, getter) -> tuple[bool, float]:
    """(visible, alpha) of a page object's stroke or fill colour."""
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not getter(obj, r, g, b, a):
        return True, 1.0
    alpha = a.value / 255
    white = min(r.value, g.value, b.value) / 255 > WHITE
    return alpha > 0.1 and not white, alpha


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
            "height": bottom - top, "orientation": orientation, "object_type": "line"}


def _subpaths(obj, matrix, left: float, top: float) -> list[tuple[list[tuple[float, float]], bool, bool]]:
    """Each subpath as (points in page space, closed, has curves)."""
    out = []
    points: list[tuple[float, float]] = []
    closed = curved = False
    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d, e, f = matrix
    for i in range(C.FPDFPath_CountSegments(obj)):
        seg = C.FPDFPath_GetPathSegment(obj, i)
        kind = C.FPDFPathSegment_GetType(seg)
        C.FPDFPathSegment_GetPoint(seg, x, y)
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        pt = (px - left, top - py)
        if kind == C.FPDF_SEGMENT_MOVETO:
            if len(points) > 1:
                out.append((points, closed, curved))
            points, closed, curved = [pt], False, False
            continue
        if kind == C.FPDF_SEGMENT_BEZIERTO:
            curved = True
        points.append(pt)
        if C.FPDFPathSegment_GetClose(seg):
            closed = True
    if len(points) > 1:
        out.append((points, closed, curved))
    return out


def _segment_edges(p: tuple[float, float], q: tuple[float, float]) -> dict | None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) < AXIS and abs(x1 - x0) >= 1:
        y = (y0 + y1) / 2
        return _edge(min(x0, x1), y, max(x0, x1), y, "h")
    if abs(x1 - x0) < AXIS and abs(y1 - y0) >= 1:
        x = (x0 + x1) / 2
        return _edge(x, min(y0, y1), x, max(y0, y1), "v")
    return None


def _rect_edges(points: list[tuple[float, float]]) -> list[dict]:
    """A filled axis-aligned rectangle: a line when thin, else its four sides."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, t, b = min(xs), max(xs), min(ys), max(ys)
    # only rectangles: every point on the box's outline
    if any(min(abs(px - x0), abs(px - x1)) > AXIS and min(abs(py - t), abs(py - b)) > AXIS for px, py in points):
        return []
    w, h = x1 - x0, b - t
    if w < THIN and h < THIN:
        return []
    if h < THIN:
        return [_edge(x0, (t + b) / 2, x1, (t + b) / 2, "h")]
    if w < THIN:
        return [_edge((x0 + x1) / 2, t, (x0 + x1) / 2, b, "v")]
    return [_edge(x0, t, x1, t, "h"), _edge(x0, b, x1, b, "h"), _edge(x0, t, x0, b, "v"), _edge(x1, t, x1, b, "v")]


def _path_edges(obj, matrix, left: float, top: float) -> list[dict]:
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not C.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
        return []
    stroked = bool(stroke.value) and _colour(obj, C.FPDFPageObj_GetStrokeColor)[0]
    filled = fill_mode.value != C.FPDF_FILLMODE_NONE and _colour(obj, C.FPDFPageObj_GetFillColor)[0]
    if not stroked and not filled:
        return []
    edges: list[dict] = []
    for points, closed, curved in _subpaths(obj, matrix, left, top):
        if stroked:
            ring = points + [points[0]] if closed else points
            for p, q in zip(ring, ring[1:]):
                e = _segment_edges(p, q)
                if e is not None:
                    edges.append(e)
        elif filled and not curved:
            edges.extend(_rect_edges(points))
    return edges


def scan_rulings(page) -> tuple[list[dict], int]:
    """Visible horizontal and vertical rulings as pdfplumber edges, and the number of images."""
    left, top = _box(page)
    edges: list[dict] = []
    images = 0
    stack = [(page.raw, C.FPDFPage_CountObjects, C.FPDFPage_GetObject, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0)]
    while stack:
        parent, count, get, outer, depth = stack.pop()
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = C.FPDFPageObj_GetType(obj)
            if kind == C.FPDF_PAGEOBJ_PATH:
                edges.extend(_path_edges(obj, _compose(_matrix(obj), outer), left, top))
            elif kind == C.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind == C.FPDF_PAGEOBJ_FORM and depth < 8:
                stack.append((obj, C.FPDFFormObj_CountObjects, C.FPDFFormObj_GetObject,
                              _compose(_matrix(obj), outer), depth + 1))
    return edges, images


def _turn(rotation: int, width: float, height: float):
    """Page space (top-down) → the page as displayed, for a page with /Rotate (clockwise)."""
    if rotation == 90:
        return lambda x, y: (height - y, x)
    if rotation == 180:
        return lambda x, y: (width - x, height - y)
    if rotation == 270:
        return lambda x, y: (y, width - x)
    return None


def upright(scan: PageScan, rotation: int) -> PageScan:
    """A rotated page's characters and rulings as the page is displayed (a landscape table
    drawn on a portrait page turned by /Rotate reads left to right again)."""
    turn = _turn(rotation % 360, scan.width, scan.height)
    if turn is None:
        return scan
    chars = []
    for c in scan.chars:
        (ax, ay), (bx, by) = turn(c.x0, c.top), turn(c.x1, c.bottom)
        x0, x1, t, b = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
        chars.append(Char(c.text, x0, x1, t, b, b - t, c.unmapped, None))
    edges = []
    for e in scan.edges:
        (ax, ay), (bx, by) = turn(e["x0"], e["top"]), turn(e["x1"], e["bottom"])
        orientation = "h" if abs(ay - by) < abs(ax - bx) else "v"
        y = (ay + by) / 2 if orientation == "h" else min(ay, by)
        x = (ax + bx) / 2 if orientation == "v" else min(ax, bx)
        x1 = max(ax, bx) if orientation == "h" else x
        bottom = max(ay, by) if orientation == "v" else y
        edges.append(_edge(x, y, x1, bottom, orientation))
    width, height = (scan.height, scan.width) if rotation % 180 else (scan.width, scan.height)
    return PageScan(scan.number, width, height, chars, edges, scan.images, scan.source)


def scan_page(pdf: pdfium.PdfDocument, index: int) -> PageScan:
    page = pdf[index]
    try:
        width, height = _size(page)
        rotation = page.get_rotation()
        textpage = page.get_textpage()
        try:
            chars = scan_chars(page, textpage)
        finally:
            textpage.close()
        edges, images = scan_rulings(page)
    finally:
        page.close()
    return upright(PageScan(index + 1, width, height, chars, edges, images), rotation)

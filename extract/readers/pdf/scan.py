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
  Characters a person never sees are left out (``Unseen``): text in render mode 3 or 7
  (invisible), transparent, under 1 pt, in the colour of what is painted behind it (white on the
  white page), clipped away by its clip path, or covered by an opaque filled box painted after it.
  Text drawn after text in a clipping render mode (4–7: the glyphs' outlines become the clip path,
  which PDFium does not tell through its API) is kept only where PDFium paints it (``Painted``).
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

from ...textnorm import INVISIBLE
from .. import visible

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
    overfull: str = ""  # what a page too full to read holds ("600,599 characters"); none of it is read
    # boxes (x0, x1, top, bottom; the page as drawn, before any /Rotate) of the characters left out
    # as unseen: the second text source, which cannot tell, leaves out what it finds there
    unseen: list[tuple[float, float, float, float]] = field(default_factory=list)


SYMBOL_FONT = range(0xF020, 0xF100)  # where a symbol font (Symbol, Wingdings) puts its glyphs: bullets, boxes


def bad_char(ch: Char) -> bool:
    """A character whose text cannot be trusted: no Unicode map, U+FFFD, private use, control. A symbol
    font's glyph (a list bullet, U+F0B7) is a decoration, not text read wrong: never a digit or a word,
    it cannot make a number wrong."""
    if ch.unmapped:
        return True
    for c in ch.text:
        o = ord(c)
        if o in SYMBOL_FONT:
            continue
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


MAX_PAGE_CHARS = 60_000  # twenty times what a printed page of a report holds


def _text_object_fn():
    """``FPDFText_GetTextObject`` returning the object's address as an int (no pointer object per call)."""
    try:
        return ctypes.cast(C.FPDFText_GetTextObject, ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int))
    except (AttributeError, TypeError):  # pragma: no cover - a PDFium build without it
        return lambda tp, i: _handle(C.FPDFText_GetTextObject(tp, i))


_TEXT_OBJECT = _text_object_fn()


def scan_chars(page, textpage, objects: "Objects | None" = None,
               unseen_boxes: list | None = None) -> list[Char]:
    left, top = _box(page)
    tp = textpage.raw
    unseen = Unseen(objects) if objects is not None else None
    n = C.FPDFText_CountChars(tp)
    rect = C.FS_RECTF()
    matrix = C.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    out: list[Char] = []
    for i in range(n):
        if C.FPDFText_IsGenerated(tp, i):
            continue
        code = C.FPDFText_GetUnicode(tp, i)
        if code == 0 or code < 0x110000 and INVISIBLE.match(chr(code)) or not C.FPDFText_GetLooseCharBox(tp, i, rect):
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
        if unseen is not None and unseen.hidden(_TEXT_OBJECT(tp, i), x0, x1, t, b, size):
            if unseen_boxes is not None:
                unseen_boxes.append((x0, x1, t, b))
            continue
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
    sides = [_edge(x0, t, x1, t, "h"), _edge(x0, b, x1, b, "h"), _edge(x0, t, x0, b, "v"), _edge(x1, t, x1, b, "v")]
    for e in sides:  # the sides of a shaded box, not drawn lines: see grid.page_grids
        e["box"] = (x0, t, x1, b)
    return sides


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


@dataclass
class TextLook:
    """How a text object is painted: its place in the paint order, render mode, colours, clip,
    and whether it lies in a layer the viewer hides."""

    seq: int
    mode: int
    fill: tuple[int, int, int, int] | None  # r, g, b, a (0-255)
    stroke: tuple[int, int, int, int] | None
    clip: tuple[float, float, float, float] | None  # x0, top, x1, bottom (page space, top-down)
    hidden_layer: bool = False

    def paints(self) -> list[tuple[int, int, int, int] | None]:
        """The colours its glyphs are drawn in: fill, stroke or both (none when invisible)."""
        if self.mode in INVISIBLE_MODES or self.hidden_layer:
            return []
        if self.mode in STROKE_MODES:
            return [self.stroke]
        if self.mode in FILL_STROKE_MODES:
            return [self.fill, self.stroke]
        return [self.fill]


@dataclass
class Box:
    """An opaque filled rectangle: what is painted behind text drawn after it, and over text drawn before."""

    seq: int
    x0: float
    top: float
    x1: float
    bottom: float
    rgb: tuple[int, int, int]


@dataclass
class Objects:
    edges: list[dict] = field(default_factory=list)
    images: int = 0
    texts: dict[int, TextLook] = field(default_factory=dict)  # by the text object's handle
    boxes: list[Box] = field(default_factory=list)
    count: int = 0  # objects walked
    crop: tuple[float, float, float, float] | None = None  # the part of the page a viewer shows
    # text objects drawn after the first text in a clipping render mode (4-7), which may clip them
    # away: by handle, the object (to recolour it) and its fill and stroke colours
    after_text_clip: dict[int, tuple[object, tuple | None, tuple | None]] = field(default_factory=dict)
    painted: "Painted | None" = None  # where those objects' glyphs are painted (see ``Painted``)


MAX_PAGE_OBJECTS = 200_000  # drawing objects on one page; a printed page of a report has a few thousand


def _layers_of(obj) -> list[str]:
    """Names of the optional-content layers (``/OC`` marks) the object is drawn in."""
    names = []
    for m in range(C.FPDFPageObj_CountMarks(obj)):
        mark = C.FPDFPageObj_GetMark(obj, m)
        buf, size = (ctypes.c_ushort * 64)(), ctypes.c_ulong()
        if not mark or not C.FPDFPageObjMark_GetName(mark, buf, ctypes.sizeof(buf), size):
            continue
        if bytes(buf)[:max(0, size.value - 2)].decode("utf-16-le", "replace") != "OC":
            continue
        value = (ctypes.c_ushort * 256)()
        if C.FPDFPageObjMark_GetParamStringValue(mark, b"Name", value, ctypes.sizeof(value), size):
            names.append(bytes(value)[:max(0, size.value - 2)].decode("utf-16-le", "replace"))
    return names


def _rgba(obj, getter) -> tuple[int, int, int, int] | None:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not getter(obj, r, g, b, a):
        return None
    return r.value, g.value, b.value, a.value


def _handle(obj) -> int:
    return ctypes.cast(obj, ctypes.c_void_p).value or 0


def _apply(matrix, x: float, y: float, left: float, top: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e - left, top - (b * x + d * y + f)


def _clip_box(obj, outer, left: float, top: float) -> tuple[float, float, float, float] | None:
    """The box the object's clip path leaves visible (the intersection of its paths' boxes), in page space."""
    clip = C.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    box = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for p in range(max(0, C.FPDFClipPath_CountPaths(clip))):
        pts = []
        for i in range(max(0, C.FPDFClipPath_CountPathSegments(clip, p))):
            seg = C.FPDFClipPath_GetPathSegment(clip, p, i)
            if seg and C.FPDFPathSegment_GetPoint(seg, x, y):
                pts.append(_apply(outer, x.value, y.value, left, top))
        if not pts:
            continue
        xs, ys = [q[0] for q in pts], [q[1] for q in pts]
        here = (min(xs), min(ys), max(xs), max(ys))
        box = here if box is None else (max(box[0], here[0]), max(box[1], here[1]), min(box[2], here[2]),
                                        min(box[3], here[3]))
    return box


def _filled_box(obj, matrix, left: float, top: float, seq: int) -> Box | None:
    """The path as an opaque filled axis-aligned rectangle, or None when it is not one."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not C.FPDFPath_GetDrawMode(obj, fill_mode, stroke) or fill_mode.value == C.FPDF_FILLMODE_NONE:
        return None
    rgba = _rgba(obj, C.FPDFPageObj_GetFillColor)
    if rgba is None or rgba[3] < 242:  # see-through
        return None
    subpaths = _subpaths(obj, matrix, left, top)
    if len(subpaths) != 1 or subpaths[0][2]:
        return None
    points = subpaths[0][0]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, t, b = min(xs), max(xs), min(ys), max(ys)
    if any(min(abs(px - x0), abs(px - x1)) > AXIS and min(abs(py - t), abs(py - b)) > AXIS for px, py in points):
        return None
    return Box(seq, x0, t, x1, b, rgba[:3])


def scan_objects(page, layers=None) -> Objects:
    """The page's objects in paint order (forms opened in place): visible rulings as pdfplumber
    edges, the number of images, how each text object is painted, the opaque filled boxes.
    ``layers(name)`` says whether an optional-content layer is hidden (its objects are not seen).
    At most ``MAX_PAGE_OBJECTS`` are walked (``count`` says how many there were, up to one more)."""
    left, top = _box(page)
    out = Objects()
    crop = page.get_cropbox()
    out.crop = (crop[0] - left, top - crop[3], crop[2] - left, top - crop[1])
    seq = 0
    text_clip = False
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    # a stack of [parent, count, get, outer matrix, depth, next index, hidden]: children are taken in order
    stack = [[page.raw, C.FPDFPage_CountObjects, C.FPDFPage_GetObject, identity, 0, 0, False]]
    while stack:
        frame = stack[-1]
        parent, count, get, outer, depth, i, hidden = frame
        if i >= count(parent):
            stack.pop()
            continue
        if seq >= MAX_PAGE_OBJECTS:
            out.count = seq + 1
            return out
        frame[5] = i + 1
        obj = get(parent, i)
        seq += 1
        kind = C.FPDFPageObj_GetType(obj)
        if layers is not None and not hidden and C.FPDFPageObj_CountMarks(obj):
            hidden = any(layers(name) for name in _layers_of(obj))
        if kind == C.FPDF_PAGEOBJ_PATH:
            if hidden:
                continue
            matrix = _compose(_matrix(obj), outer)
            out.edges.extend(_path_edges(obj, matrix, left, top))
            box = _filled_box(obj, matrix, left, top, seq)
            if box is not None:
                out.boxes.append(box)
        elif kind == C.FPDF_PAGEOBJ_TEXT:
            look = TextLook(seq, C.FPDFTextObj_GetTextRenderMode(obj), _rgba(obj, C.FPDFPageObj_GetFillColor),
                            _rgba(obj, C.FPDFPageObj_GetStrokeColor), _clip_box(obj, outer, left, top), hidden)
            handle = _handle(obj)
            out.texts[handle] = look
            if text_clip and look.paints():
                out.after_text_clip[handle] = (obj, look.fill, look.stroke)
            if look.mode in CLIP_MODES:
                text_clip = True  # from here on a text clip may be in force (PDFium keeps it apart from paths)
        elif kind == C.FPDF_PAGEOBJ_IMAGE:
            out.images += 0 if hidden else 1
        elif kind == C.FPDF_PAGEOBJ_FORM and depth < 8:
            stack.append([obj, C.FPDFFormObj_CountObjects, C.FPDFFormObj_GetObject, _compose(_matrix(obj), outer),
                          depth + 1, 0, hidden])
    out.count = seq
    return out


def scan_rulings(page) -> tuple[list[dict], int]:
    """Visible horizontal and vertical rulings as pdfplumber edges, and the number of images."""
    objects = scan_objects(page)
    return objects.edges, objects.images


BAND = 20.0  # points: boxes are looked up by the horizontal bands they cross
INVISIBLE_MODES = (3, 7)  # FPDF_TEXTRENDERMODE_INVISIBLE, _CLIP
CLIP_MODES = (4, 5, 6, 7)  # the glyphs' outlines are added to the clip path (4-6 also paint as 0-2)
STROKE_MODES = (1, 5)  # stroke only (with or without clip)
FILL_STROKE_MODES = (2, 6)


class Unseen:
    """Whether a character is seen, from how its text object is painted (see the module's docstring)."""

    def __init__(self, objects: Objects):
        self.texts: dict[int, tuple] = {}
        for handle, look in objects.texts.items():
            # the colours its glyphs are drawn in that are not fully transparent (None: not known); none: never seen
            seen = [p for p in look.paints() if p is None or p[3] >= 26]
            rgbs = tuple(None if p is None else p[:3] for p in seen)
            never = not rgbs
            on_white = all(visible.same_colour(rgb, visible.WHITE) for rgb in rgbs)
            self.texts[handle] = (look.seq, never, look.clip, rgbs, on_white)
        self.crop = objects.crop
        self.painted = objects.painted
        self.bands: dict[int, list[Box]] = {}
        for box in objects.boxes:
            for band in range(int(box.top // BAND), int(box.bottom // BAND) + 1):
                self.bands.setdefault(band, []).append(box)

    def hidden(self, handle: int | None, x0: float, x1: float, top: float, bottom: float, size: float) -> bool:
        if 0 < size < visible.MIN_PT and bottom - top < visible.MIN_PT:
            return True
        look = self.texts.get(handle) if handle else None
        if look is None:
            return False
        seq, never, clip, rgbs, on_white = look
        if never:
            return True
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        if self.crop is not None:
            c0, ct, c1, cb = self.crop
            if not (c0 - 1 <= cx <= c1 + 1 and ct - 1 <= cy <= cb + 1):  # outside what a viewer shows
                return True
        if clip is not None:
            c0, ct, c1, cb = clip
            if not (c0 - 0.5 <= cx <= c1 + 0.5 and ct - 0.5 <= cy <= cb + 0.5):
                return True
        if self.painted is not None and self.painted.unpainted(handle, x0, x1, top, bottom):
            return True
        boxes = self.bands.get(int(cy // BAND))
        if not boxes:
            return on_white
        behind, behind_seq = visible.WHITE, -1  # the paper, unless a box is painted under the character
        area = max((x1 - x0) * (bottom - top), 1e-6)
        for box in boxes:
            if not (box.x0 <= cx <= box.x1 and box.top <= cy <= box.bottom):
                continue
            if box.seq < seq:
                if box.seq > behind_seq:
                    behind, behind_seq = box.rgb, box.seq
            else:
                covered = (max(0.0, min(x1, box.x1) - max(x0, box.x0)) * max(0.0, min(bottom, box.bottom) - max(top, box.top)))
                if covered >= 0.8 * area:
                    return True
        return all(visible.same_colour(rgb, behind) for rgb in rgbs)


MAX_PIXELS = 6_000_000  # a page rendered to find where clipped text is painted (A4 at 2x: 2 million)
RENDER_SCALE = 2.0
RED, BLUE = (255, 0, 0, 255), (0, 0, 255, 255)


class Painted:
    """Where the text objects drawn after a text clip are painted, as PDFium renders the page.

    Text in a clipping render mode (4-7) adds its glyphs' outlines to the clip path at ``ET``; what
    is drawn after it (until the graphics state is restored, which PDFium's objects do not tell) is
    painted only inside them: a decoy drawn after invisible clip text far off the page is painted
    nowhere. PDFium's API gives a clip path's paths, not its text, so the page is rendered twice
    with those objects filled and stroked red and then blue: where the two differ, they are painted.
    A character with no differing pixel in its box is not seen (clipped away or painted over)."""

    def __init__(self, page, objects: "Objects"):
        import numpy as np

        self.handles = set(objects.after_text_clip)
        width, height = C.FPDF_GetPageWidthF(page.raw), C.FPDF_GetPageHeightF(page.raw)
        scale = min(RENDER_SCALE, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
        self.size = (max(1, round(width * scale)), max(1, round(height * scale)))
        self.page = page
        self.left, self.top = _box(page)
        renders = []
        try:
            for colour in (RED, BLUE):
                for obj, _, _ in objects.after_text_clip.values():
                    C.FPDFPageObj_SetFillColor(obj, *colour)
                    C.FPDFPageObj_SetStrokeColor(obj, *colour)
                renders.append(self._render(np))
        finally:
            for obj, fill, stroke in objects.after_text_clip.values():  # as they were
                if fill is not None:
                    C.FPDFPageObj_SetFillColor(obj, *fill)
                if stroke is not None:
                    C.FPDFPageObj_SetStrokeColor(obj, *stroke)
        self.diff = (renders[0] != renders[1]).any(axis=2)

    def _render(self, np):
        w, h = self.size
        bitmap = C.FPDFBitmap_Create(w, h, 0)
        if not bitmap:
            raise MemoryError("no bitmap")
        try:
            C.FPDFBitmap_FillRect(bitmap, 0, 0, w, h, 0xFFFFFFFF)
            C.FPDF_RenderPageBitmap(bitmap, self.page.raw, 0, 0, w, h, 0, 0)
            stride = C.FPDFBitmap_GetStride(bitmap)
            buf = ctypes.cast(C.FPDFBitmap_GetBuffer(bitmap), ctypes.POINTER(ctypes.c_ubyte * (stride * h))).contents
            return np.frombuffer(buf, dtype=np.uint8).reshape(h, stride)[:, : w * 4].reshape(h, w, 4)[:, :, :3].copy()
        finally:
            C.FPDFBitmap_Destroy(bitmap)

    def _device(self, x: float, y: float) -> tuple[int, int]:
        """Page space (from the MediaBox's top left, y down) → the rendered bitmap's pixel."""
        dx, dy = ctypes.c_int(), ctypes.c_int()
        C.FPDF_PageToDevice(self.page.raw, 0, 0, self.size[0], self.size[1], 0, x + self.left, self.top - y, dx, dy)
        return dx.value, dy.value

    def unpainted(self, handle: int | None, x0: float, x1: float, top: float, bottom: float) -> bool:
        if handle not in self.handles:
            return False
        inset = 0.15 * (x1 - x0)  # the middle of its box: a neighbour's ink may reach into the edges
        (ax, ay), (bx, by) = self._device(x0 + inset, top), self._device(x1 - inset, bottom)
        c0, c1, r0, r1 = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
        w, h = self.size
        if c1 - c0 < 2 or r1 - r0 < 2:
            # too small to tell at this scale: on the page, it is seen; off the rendered page, it is not
            return not (0 <= c1 and c0 < w and 0 <= r1 and r0 < h)
        return not self.diff[max(0, r0 - 1): max(0, r1 + 1), max(0, c0 - 1): max(0, c1 + 1)].any()


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
    return PageScan(scan.number, width, height, chars, edges, scan.images, scan.source, scan.overfull, scan.unseen)


def scan_page(pdf: pdfium.PdfDocument, index: int, layers=None) -> PageScan:
    """One page (0-based ``index``); ``layers`` tells hidden optional-content layers (``layers.Layers``).
    A page with more than ``MAX_PAGE_CHARS`` characters or ``MAX_PAGE_OBJECTS`` objects is not read
    (``overfull``)."""
    page = pdf[index]
    try:
        width, height = _size(page)
        rotation = page.get_rotation()
        objects = scan_objects(page, layers)
        textpage = page.get_textpage()
        try:
            count = C.FPDFText_CountChars(textpage.raw)
            if objects.count > MAX_PAGE_OBJECTS:
                overfull, objects = f"more than {MAX_PAGE_OBJECTS:,} drawing objects", Objects()
            elif count > MAX_PAGE_CHARS:
                overfull = f"{count:,} characters"
            else:
                overfull = ""
            if objects.after_text_clip and not overfull:
                try:
                    objects.painted = Painted(page, objects)
                except (MemoryError, ValueError, OSError):  # pragma: no cover - not rendered: the clip is not known
                    objects.painted = None
            unseen: list[tuple[float, float, float, float]] = []
            chars = [] if overfull else scan_chars(page, textpage, objects, unseen)
        finally:
            textpage.close()
        edges, images = objects.edges, objects.images
    finally:
        page.close()
    return upright(PageScan(index + 1, width, height, chars, edges, images, overfull=overfull, unseen=unseen), rotation)

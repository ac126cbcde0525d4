"""One page image → its tables (grids of recognised cells) and its text lines outside them.

Steps, each a function:

1. ``binarise`` (Otsu on a lightly blurred page: shading such as grey header rows goes white)
   and ``despeckle`` (specks of noise smaller than a dot of print go).
2. ``skew``: the angle that makes the rows of ink sharpest (projection profile on a small
   copy, coarse then fine); the page is turned back by it (``deskew``).
3. ``rulings``: long horizontal and vertical strokes (morphological opening with a kernel
   longer than any character) → segments, in points, fed to the PDF reader's table finder
   (``pdf.grid.page_grids``): the same cells with row and column spans as a text-layer PDF.
4. ``cell_lines``: inside each cell, with the rulings wiped out, the rows of ink are its lines;
   each line is cut from the page and recognised on its own (the recogniser scales it up to
   its 48-pixel height). A cell that reads as a number and is not sure is read a second time
   from a tighter, binarised crop; when the two disagree both readings are kept.
5. ``text_lines``: outside the tables, rows of ink (split where a wide gap separates two
   pieces, such as a signature and a date) are the page's lines.

Coordinates: pixels inside this module; cells and lines leave in PDF points (72 per inch)
measured from the top-left corner, like the text-layer reader's, so its table finder, page
furniture, stitching and paragraphs work unchanged.
"""
from __future__ import annotations

import re

from dataclasses import dataclass

import numpy as np

from ...values import is_value_text
from ..pdf.grid import GCell, Grid, page_grids
from ..pdf.layout import TextLine, join_lines
from .engine import Reading, Recogniser
from ...settings import SETTINGS



@dataclass
class PageImage:
    """A page as a grey image (ink dark, 0–255) and its resolution."""

    gray: np.ndarray
    dpi: float
    number: int  # 1-based

    @property
    def scale(self) -> float:
        """Points per pixel."""
        return 72.0 / self.dpi


@dataclass
class OcrPage:
    number: int
    width: float  # points
    height: float
    grids: list[Grid]
    lines: list[TextLine]
    skew: float  # degrees the page was turned back by
    ink: bool  # anything printed at all
    unreadable: bool = False  # ink, but what it reads as is mostly guesses (noise, a photo, a faint scan)


# ------------------------------------------------------------------ image basics

def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink as 1, paper as 0."""
    import cv2

    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    _, ink = cv2.threshold(blur, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if ink.mean() > 0.5:  # a dark page with light print: nothing a report looks like, but read it the right way
        ink = 1 - ink
    return ink


def despeckle(ink: np.ndarray, dpi: float) -> np.ndarray:
    """Drop connected specks smaller than a printed dot (a full stop keeps its place)."""
    import cv2

    area = max(3, int((dpi / 200.0) ** 2 * 10))  # a full stop of body text is about 16 pixels at 200 dpi
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < area
    small[0] = False
    if not small.any():
        return ink
    out = ink.copy()
    out[small[labels]] = 0
    return out


def skew(gray: np.ndarray) -> float:
    """Degrees to turn the page (counter-clockwise positive) so that its rows of ink are level:
    the angle whose row profile is sharpest, on a copy 600 pixels wide (coarse, then fine)."""
    import cv2

    h, w = gray.shape
    f = min(1.0, 600.0 / max(w, 1))
    small = cv2.resize(gray, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    _, small = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if small.mean() < 0.2 or small.mean() > 128:  # a blank page (or no paper at all)
        return 0.0
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        turned = cv2.warpAffine(small, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-SETTINGS.ocr_max_skew, SETTINGS.ocr_max_skew + 1e-9, 0.5), key=sharpness)
    best = max(np.arange(best - 0.4, best + 0.4 + 1e-9, 0.1), key=sharpness)
    fine = max(np.arange(best - 0.08, best + 0.08 + 1e-9, 0.02), key=sharpness)
    return float(round(fine, 2))


def turn(gray: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


# ------------------------------------------------------------------ rulings and grids

def _keep(mask: np.ndarray, wanted) -> np.ndarray:
    """The connected parts of ``mask`` for which ``wanted(x, y, w, h, area, label_index)`` holds."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return mask
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        keep[i] = wanted(x, y, w, h, area, i)
    return keep[labels].astype(np.uint8)


def ruling_masks(ink: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rulings: thin strokes longer than any character; a vertical one
    must meet a horizontal one (the stem of a large character does not)."""
    import cv2

    long_h = max(20, int(dpi * 0.6))  # longer than a word of a heading, shorter than a column
    long_v = max(15, int(dpi * 0.22))  # longer than a character of body text, shorter than a table row
    thick = max(4, int(dpi * 0.04))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_h, 1)))
    # thin: its mean thickness (a speck touching it, or 1° of slope, does not make it thick)
    horizontal = _keep(horizontal, lambda x, y, w, h, area, i: area <= thick * w)
    # a vertical ruling is short (one row); noise and a faint scan break it: close gaps of a few pixels first
    bridged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(dpi * 0.02)))))
    vertical = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_v)))
    near = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 2 * max(3, int(dpi * 0.03)) + 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    touching = np.zeros(max(n, 1), bool)
    touching[np.unique(labels[(near > 0) & (vertical > 0)])] = True
    vertical = _keep(vertical, lambda x, y, w, h, area, i: touching[i] and area <= thick * h)
    return horizontal, vertical


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
            "height": bottom - top, "orientation": orientation, "object_type": "line"}


def segments(horizontal: np.ndarray, vertical: np.ndarray, scale: float) -> list[dict]:
    """The rulings as edges (points) for the table finder."""
    import cv2

    edges = []
    for mask, orientation in ((horizontal, "h"), (vertical, "v")):
        n, _, stats, cents = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _ = stats[i]
            cx, cy = cents[i]
            if orientation == "h":
                edges.append(_edge(x * scale, cy * scale, (x + w) * scale, cy * scale, "h"))
            else:
                edges.append(_edge(cx * scale, y * scale, cx * scale, (y + h) * scale, "v"))
    return edges


# ------------------------------------------------------------------ lines of ink

def bands(profile: np.ndarray, min_ink: int, min_gap: int) -> list[tuple[int, int]]:
    """Runs of rows (or columns) holding ink; gaps narrower than ``min_gap`` do not split."""
    rows = np.flatnonzero(profile >= min_ink)
    if rows.size == 0:
        return []
    out = []
    start = prev = int(rows[0])
    for r in rows[1:]:
        r = int(r)
        if r - prev > min_gap:
            out.append((start, prev + 1))
            start = r
        prev = r
    out.append((start, prev + 1))
    return out


def split_tall(band: tuple[int, int], profile: np.ndarray, typical: float) -> list[tuple[int, int]]:
    """A band as tall as two lines (the lines touch): cut where it holds least ink."""
    top, bottom = band
    if typical <= 0 or bottom - top < 1.7 * typical:
        return [band]
    n = int(round((bottom - top) / typical))
    cuts = [top]
    for k in range(1, n):
        centre = top + k * (bottom - top) // n
        lo, hi = max(cuts[-1] + 1, centre - int(typical * 0.35)), min(bottom - 1, centre + int(typical * 0.35))
        if hi <= lo:
            continue
        cuts.append(lo + int(np.argmin(profile[lo:hi])))
    cuts.append(bottom)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b - a > 1]


@dataclass
class InkLine:
    x0: int
    top: int
    x1: int
    bottom: int


def ink_lines(ink: np.ndarray, dpi: float, split_gap: float | None = None) -> list[InkLine]:
    """Lines of ink in an image (a cell, or the page outside its tables), top to bottom.

    ``split_gap``: a horizontal gap wider than this many line heights cuts a line in two."""
    h, w = ink.shape
    if h == 0 or w == 0:
        return []
    rows = ink.sum(axis=1)
    found = bands(rows, 1, max(1, int(dpi * 0.01)))
    tiny = max(3, int(dpi * 0.025))  # shorter than this is noise or an underline, not text
    heights = sorted(b - a for a, b in found if b - a >= tiny)
    typical = float(heights[len(heights) // 2]) if heights else 0.0
    out = []
    for band in found:
        for top, bottom in split_tall(band, rows, typical):
            if bottom - top < tiny and ink[top:bottom].sum() < tiny * tiny:
                continue
            cols = ink[top:bottom].sum(axis=0)
            height = bottom - top
            gap = int(split_gap * height) if split_gap else w
            for x0, x1 in bands(cols, 1, max(1, gap)):
                x0, x1 = _without_specks(ink[top:bottom], x0, x1, height)
                piece = ink[top:bottom, x0:x1]
                if piece.sum() < max(4, tiny):  # a speck
                    continue
                ys = np.flatnonzero(piece.sum(axis=1))
                out.append(InkLine(x0, top + int(ys[0]), x1, top + int(ys[-1]) + 1))
    return out


def _without_specks(band: np.ndarray, x0: int, x1: int, height: int) -> tuple[int, int]:
    """The line's extent without specks standing apart at its ends (noise beside a number, not a
    full stop written next to it): a small, low group of ink half a line height or more from the rest."""
    cols = band[:, x0:x1].sum(axis=0)
    groups = [(a + x0, b + x0) for a, b in bands(cols, 1, max(1, height // 2))]
    if len(groups) < 2:
        return x0, x1

    def speck(g: tuple[int, int]) -> bool:
        part = band[:, g[0]:g[1]]
        rows = np.flatnonzero(part.sum(axis=1))
        return part.sum() < 0.03 * height * height and (rows[-1] - rows[0] + 1) < 0.35 * height

    while len(groups) > 1 and speck(groups[0]):
        groups.pop(0)
    while len(groups) > 1 and speck(groups[-1]):
        groups.pop()
    return groups[0][0], groups[-1][1]


def crop(gray: np.ndarray, line: InkLine, pad: int | None = None) -> np.ndarray:
    """The line with a margin of paper around it (by default a sixth of its height, as the recogniser was trained)."""
    if pad is None:
        pad = max(2, int(0.15 * (line.bottom - line.top)))
    h, w = gray.shape
    y0, y1 = max(0, line.top - pad), min(h, line.bottom + pad)
    x0, x1 = max(0, line.x0 - pad), min(w, line.x1 + pad)
    out = np.full((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad), 255, np.uint8)
    out[pad:pad + y1 - y0, pad:pad + x1 - x0] = gray[y0:y1, x0:x1]
    return out


# ------------------------------------------------------------------ the page

@dataclass
class _Pending:
    """Lines of one cell (or one text line) waiting for the recogniser."""

    lines: list[InkLine]
    first: int  # index of its first crop in the batch


def _cell_reading(readings: list[Reading]) -> tuple[str, float | None, tuple[str, ...]]:
    """A cell's text from the readings of its pieces of ink, top to bottom and left to right; pieces
    read as guesses (noise inside the cell) are left out when the cell holds anything read better."""
    readings = [r for r in readings if r.text]
    sure = [r for r in readings if r.mean >= SETTINGS.ocr_guess]
    if sure:
        readings = sure
    texts = [r.text for r in readings]
    text = join_lines(texts)
    if not readings:
        return "", None, ()
    conf = min(r.confidence for r in readings)
    alternatives = []
    for i, r in enumerate(readings):
        for alt in r.alternatives:
            alternatives.append(join_lines(texts[:i] + [alt] + texts[i + 1:]))
    gap = _MISSED_POINT.match(text)
    if gap:  # a decimal point too faint to be recognised leaves a gap: 24402 12 may be 24402.12
        alternatives.insert(0, f"{gap.group(1)}.{gap.group(2)}")
    return text, conf, tuple(dict.fromkeys(a for a in alternatives if a != text))


_MISSED_POINT = re.compile(r"^(\d+)\s+(\d{1,2})$")


def _merge_second(first: tuple[str, float | None, tuple[str, ...]], second: Reading) -> tuple[str, float, tuple[str, ...]]:
    """A number read twice: agreeing readings keep the better confidence; disagreeing ones are both kept, doubtful."""
    text, conf, alts = first
    conf = conf or 0.0
    other = "".join(second.text.split())
    if other == "".join(text.split()):
        return text, max(conf, second.confidence), tuple(dict.fromkeys(alts + second.alternatives))
    ranked = sorted([(conf, text, alts), (second.confidence, second.text, second.alternatives)], key=lambda t: -t[0])
    (c_best, best, alts_best), (_, runner, alts_runner) = ranked
    merged = tuple(a for a in dict.fromkeys((runner,) + alts_best + alts_runner) if a != best)
    return best, min(conf, second.confidence), merged


def read_page(page: PageImage, rec: Recogniser) -> OcrPage:
    import cv2

    angle = skew(page.gray)
    gray = turn(page.gray, angle)
    ink = despeckle(binarise(gray), page.dpi)
    scale = page.scale
    height_pt, width_pt = gray.shape[0] * scale, gray.shape[1] * scale
    if not ink.any():
        return OcrPage(page.number, width_pt, height_pt, [], [], angle, False)
    horizontal, vertical = ruling_masks(ink, page.dpi)
    grids = page_grids(segments(horizontal, vertical, scale), page.number)
    # rulings wiped out of the page the text is read from (with two pixels around them)
    strokes = cv2.dilate(np.maximum(horizontal, vertical), np.ones((5, 5), np.uint8))
    text_ink = ink.copy()
    text_ink[strokes > 0] = 0
    # what the recogniser sees: the page's grey where there is ink (and its soft edges), paper elsewhere;
    # rulings, specks and noise between the characters are paper
    near_ink = cv2.dilate(text_ink, np.ones((3, 3), np.uint8))
    clean = np.where(near_ink > 0, gray, 255).astype(np.uint8)

    crops: list[np.ndarray] = []
    cell_jobs: list[tuple[GCell, _Pending]] = []
    inset = max(2, int(page.dpi * 0.02))  # the edge of a cell is its ruling's blur, not text
    outside = text_ink.copy()
    for grid in grids:
        x0, top, x1, bottom = (int(v / scale) for v in grid.bbox)
        outside[max(0, top - inset):bottom + inset, max(0, x0 - inset):x1 + inset] = 0
        for cell in grid.cells:
            cx0, ctop, cx1, cbottom = (int(round(v / scale)) for v in cell.bbox)
            region = text_ink[ctop + inset:cbottom - inset, cx0 + inset:cx1 - inset]
            lines = [InkLine(ln.x0 + cx0 + inset, ln.top + ctop + inset, ln.x1 + cx0 + inset, ln.bottom + ctop + inset)
                     for ln in ink_lines(region, page.dpi, split_gap=SETTINGS.ocr_cell_gap)]
            cell_jobs.append((cell, _Pending(lines, len(crops))))
            crops += [crop(clean, ln) for ln in lines]
    free = ink_lines(outside, page.dpi, split_gap=3.0)
    line_first = len(crops)
    crops += [crop(clean, ln) for ln in free]
    readings = rec.read(crops) if crops else []
    texts = [r for r in readings if r.text]
    if texts and sum(r.mean < SETTINGS.ocr_guess for r in texts) > SETTINGS.ocr_unreadable * len(texts):
        return OcrPage(page.number, width_pt, height_pt, [], [], angle, True, unreadable=True)

    second: list[tuple[GCell, np.ndarray]] = []
    for cell, job in cell_jobs:
        got = readings[job.first:job.first + len(job.lines)]
        text, conf, alts = _cell_reading(got)
        cell.text, cell.confidence, cell.alternatives = text, conf, alts
        if text and conf is not None and conf < SETTINGS.ocr_second_read and len(job.lines) == 1 and is_value_text(text):
            ln = job.lines[0]
            tight = crop(np.where(text_ink > 0, 0, 255).astype(np.uint8), ln, max(1, (ln.bottom - ln.top) // 12))
            second.append((cell, tight))
    if second:
        for (cell, _), reading in zip(second, rec.read([img for _, img in second])):
            cell.text, cell.confidence, cell.alternatives = _merge_second(
                (cell.text, cell.confidence, cell.alternatives), reading)
    grids = [g for g in grids if g.has_text()]

    lines = []
    for ln, reading in zip(free, readings[line_first:]):
        text = reading.text.strip()
        if not text or reading.mean < (SETTINGS.ocr_guess if len(text) > 2 else SETTINGS.ocr_sure):  # a speck or a smudge read as a character
            continue
        lines.append(TextLine(text, ln.x0 * scale, ln.x1 * scale, ln.top * scale, ln.bottom * scale, page.number,
                              (ln.bottom - ln.top) * scale, confidence=reading.confidence))
    return OcrPage(page.number, width_pt, height_pt, grids, lines, angle, True)

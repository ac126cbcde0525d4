"""What a person can see: one rule for every format's colours and sizes.

Readers read only text a person sees on the page or screen. Text is invisible when it is hidden
(a style, a render mode), smaller than ``MIN_PT`` points, or drawn in the colour of what is behind
it (``same_colour``: white or near-white on the white page, black on a black box). Each reader
finds the colour, size and background the way its format states them and asks here.
"""
from __future__ import annotations

import re

MIN_PT = 1.0  # text under 1 pt is a dot, not something anyone reads
NEAR = 18  # colours whose channels all differ by less than this (of 255) look the same (0.93 of white)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)

Colour = tuple[int, int, int]


def same_colour(fg: Colour | None, bg: Colour | None) -> bool:
    """Text in ``fg`` on ``bg`` cannot be told apart from its background (None: not known, so visible)."""
    if fg is None or bg is None:
        return False
    return all(abs(a - b) < NEAR for a, b in zip(fg, bg))


def hex_colour(text: str | None) -> Colour | None:
    """``FFFFFF`` / ``#fff`` → (255, 255, 255); anything else (``auto``) → None."""
    if not text:
        return None
    t = text.strip().lstrip("#")
    if re.fullmatch(r"[0-9a-fA-F]{3}", t):
        t = "".join(ch * 2 for ch in t)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", t):
        return None
    return int(t[0:2], 16), int(t[2:4], 16), int(t[4:6], 16)


NAMED = {"white": WHITE, "black": BLACK, "snow": (255, 250, 250), "ivory": (255, 255, 240),
         "whitesmoke": (245, 245, 245), "ghostwhite": (248, 248, 255), "azure": (240, 255, 255),
         "mintcream": (245, 255, 250), "floralwhite": (255, 250, 240), "seashell": (255, 245, 238),
         "honeydew": (240, 255, 240), "aliceblue": (240, 248, 255),
         "lightgray": (211, 211, 211), "lightgrey": (211, 211, 211), "gray": (128, 128, 128),
         "grey": (128, 128, 128), "silver": (192, 192, 192), "red": (255, 0, 0), "blue": (0, 0, 255),
         "windowtext": BLACK, "window": WHITE, "yellow": (255, 255, 0), "green": (0, 128, 0), "navy": (0, 0, 128)}
_RGB = re.compile(r"rgba?\(\s*([\d.]+%?)\s*[, ]\s*([\d.]+%?)\s*[, ]\s*([\d.]+%?)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)")


def css_colour(text: str | None) -> Colour | None | str:
    """A CSS colour: an RGB triple; ``"transparent"`` for a fully transparent colour; None when unknown."""
    if not text:
        return None
    t = text.strip().lower()
    if t in ("transparent", "none"):
        return "transparent"
    if t.startswith("#"):
        if re.fullmatch(r"#[0-9a-f]{4}|#[0-9a-f]{8}", t):  # with alpha
            alpha = int(t[4] * 2 if len(t) == 5 else t[7:9], 16)
            if alpha < 26:
                return "transparent"
            t = t[:4] if len(t) == 5 else t[:7]
        return hex_colour(t)
    m = _RGB.fullmatch(t)
    if m:
        def channel(v: str) -> int:
            return round(float(v[:-1]) * 2.55) if v.endswith("%") else round(float(v))

        if m.group(4) is not None:
            a = m.group(4)
            alpha = float(a[:-1]) / 100 if a.endswith("%") else float(a)
            if alpha < 0.1:
                return "transparent"
        return tuple(min(255, channel(m.group(i))) for i in (1, 2, 3))  # type: ignore[return-value]
    if t in NAMED:
        return NAMED[t]
    return None

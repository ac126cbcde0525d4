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


# CSS named colours (CSS Color 4), and the system colours of a page (Canvas is the page's white)
NAMED = {
    "aliceblue": (240, 248, 255), "antiquewhite": (250, 235, 215), "aqua": (0, 255, 255),
    "aquamarine": (127, 255, 212), "azure": (240, 255, 255), "beige": (245, 245, 220), "bisque": (255, 228, 196),
    "black": BLACK, "blanchedalmond": (255, 235, 205), "blue": (0, 0, 255), "blueviolet": (138, 43, 226),
    "brown": (165, 42, 42), "burlywood": (222, 184, 135), "cadetblue": (95, 158, 160), "chartreuse": (127, 255, 0),
    "chocolate": (210, 105, 30), "coral": (255, 127, 80), "cornflowerblue": (100, 149, 237),
    "cornsilk": (255, 248, 220), "crimson": (220, 20, 60), "cyan": (0, 255, 255), "darkblue": (0, 0, 139),
    "darkcyan": (0, 139, 139), "darkgoldenrod": (184, 134, 11), "darkgray": (169, 169, 169),
    "darkgreen": (0, 100, 0), "darkgrey": (169, 169, 169), "darkkhaki": (189, 183, 107),
    "darkmagenta": (139, 0, 139), "darkolivegreen": (85, 107, 47), "darkorange": (255, 140, 0),
    "darkorchid": (153, 50, 204), "darkred": (139, 0, 0), "darksalmon": (233, 150, 122),
    "darkseagreen": (143, 188, 143), "darkslateblue": (72, 61, 139), "darkslategray": (47, 79, 79),
    "darkslategrey": (47, 79, 79), "darkturquoise": (0, 206, 209), "darkviolet": (148, 0, 211),
    "deeppink": (255, 20, 147), "deepskyblue": (0, 191, 255), "dimgray": (105, 105, 105),
    "dimgrey": (105, 105, 105), "dodgerblue": (30, 144, 255), "firebrick": (178, 34, 34),
    "floralwhite": (255, 250, 240), "forestgreen": (34, 139, 34), "fuchsia": (255, 0, 255),
    "gainsboro": (220, 220, 220), "ghostwhite": (248, 248, 255), "gold": (255, 215, 0),
    "goldenrod": (218, 165, 32), "gray": (128, 128, 128), "green": (0, 128, 0), "greenyellow": (173, 255, 47),
    "grey": (128, 128, 128), "honeydew": (240, 255, 240), "hotpink": (255, 105, 180), "indianred": (205, 92, 92),
    "indigo": (75, 0, 130), "ivory": (255, 255, 240), "khaki": (240, 230, 140), "lavender": (230, 230, 250),
    "lavenderblush": (255, 240, 245), "lawngreen": (124, 252, 0), "lemonchiffon": (255, 250, 205),
    "lightblue": (173, 216, 230), "lightcoral": (240, 128, 128), "lightcyan": (224, 255, 255),
    "lightgoldenrodyellow": (250, 250, 210), "lightgray": (211, 211, 211), "lightgreen": (144, 238, 144),
    "lightgrey": (211, 211, 211), "lightpink": (255, 182, 193), "lightsalmon": (255, 160, 122),
    "lightseagreen": (32, 178, 170), "lightskyblue": (135, 206, 250), "lightslategray": (119, 136, 153),
    "lightslategrey": (119, 136, 153), "lightsteelblue": (176, 196, 222), "lightyellow": (255, 255, 224),
    "lime": (0, 255, 0), "limegreen": (50, 205, 50), "linen": (250, 240, 230), "magenta": (255, 0, 255),
    "maroon": (128, 0, 0), "mediumaquamarine": (102, 205, 170), "mediumblue": (0, 0, 205),
    "mediumorchid": (186, 85, 211), "mediumpurple": (147, 112, 219), "mediumseagreen": (60, 179, 113),
    "mediumslateblue": (123, 104, 238), "mediumspringgreen": (0, 250, 154), "mediumturquoise": (72, 209, 204),
    "mediumvioletred": (199, 21, 133), "midnightblue": (25, 25, 112), "mintcream": (245, 255, 250),
    "mistyrose": (255, 228, 225), "moccasin": (255, 228, 181), "navajowhite": (255, 222, 173),
    "navy": (0, 0, 128), "oldlace": (253, 245, 230), "olive": (128, 128, 0), "olivedrab": (107, 142, 35),
    "orange": (255, 165, 0), "orangered": (255, 69, 0), "orchid": (218, 112, 214),
    "palegoldenrod": (238, 232, 170), "palegreen": (152, 251, 152), "paleturquoise": (175, 238, 238),
    "palevioletred": (219, 112, 147), "papayawhip": (255, 239, 213), "peachpuff": (255, 218, 185),
    "peru": (205, 133, 63), "pink": (255, 192, 203), "plum": (221, 160, 221), "powderblue": (176, 224, 230),
    "purple": (128, 0, 128), "rebeccapurple": (102, 51, 153), "red": (255, 0, 0), "rosybrown": (188, 143, 143),
    "royalblue": (65, 105, 225), "saddlebrown": (139, 69, 19), "salmon": (250, 128, 114),
    "sandybrown": (244, 164, 96), "seagreen": (46, 139, 87), "seashell": (255, 245, 238),
    "sienna": (160, 82, 45), "silver": (192, 192, 192), "skyblue": (135, 206, 235), "slateblue": (106, 90, 205),
    "slategray": (112, 128, 144), "slategrey": (112, 128, 144), "snow": (255, 250, 250),
    "springgreen": (0, 255, 127), "steelblue": (70, 130, 180), "tan": (210, 180, 140), "teal": (0, 128, 128),
    "thistle": (216, 191, 216), "tomato": (255, 99, 71), "turquoise": (64, 224, 208), "violet": (238, 130, 238),
    "wheat": (245, 222, 179), "white": WHITE, "whitesmoke": (245, 245, 245), "yellow": (255, 255, 0),
    "yellowgreen": (154, 205, 50),
    # system colours, as a browser shows a page by default
    "canvas": WHITE, "canvastext": BLACK, "window": WHITE, "windowtext": BLACK, "field": WHITE,
    "fieldtext": BLACK, "buttontext": BLACK, "graytext": (109, 109, 109), "linktext": (0, 0, 238),
}
_FUNCTION = re.compile(r"([a-z-]+)\((.*)\)", re.S)
_NUMBER = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(%|deg|grad|rad|turn)?$")


def _number(token: str, percent: float = 1.0, hue: bool = False) -> float | None:
    """A component: a number, a percentage (``percent`` is what 100% stands for), an angle in degrees
    (``hue``), ``none`` as 0; None when not one."""
    if token == "none":
        return 0.0
    m = _NUMBER.match(token)
    if not m:
        return None
    n, unit = float(m.group(1)), m.group(2) or ""
    if unit == "%":
        return n / 100 * percent
    if unit:
        if not hue:
            return None
        return n * {"deg": 1, "grad": 0.9, "rad": 57.29577951308232, "turn": 360}[unit]
    return n


def _srgb(linear: float) -> int:
    """A linear-light channel (0..1) → an 8-bit sRGB channel, clamped into the gamut."""
    c = max(0.0, min(1.0, linear))
    c = 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
    return round(255 * c)


def _from_xyz_d65(x: float, y: float, z: float) -> Colour:
    return (_srgb(3.2409699419 * x - 1.5373831776 * y - 0.4986107603 * z),
            _srgb(-0.9692436363 * x + 1.8759675015 * y + 0.0415550574 * z),
            _srgb(0.0556300797 * x - 0.2039769589 * y + 1.0569715142 * z))


def _from_lab(L: float, a: float, b: float) -> Colour:
    """CIE Lab (D50, L 0..100) → sRGB."""
    fy = (L + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200
    e, k = 216 / 24389, 24389 / 27

    def inv(f: float) -> float:
        return f ** 3 if f ** 3 > e else (116 * f - 16) / k

    x, y, z = inv(fx) * 0.3457 / 0.3585, (fy ** 3 if L > k * e else L / k), inv(fz) * (1 - 0.3457 - 0.3585) / 0.3585
    # Bradford D50 → D65
    return _from_xyz_d65(0.9554734527 * x - 0.0230985368 * y + 0.0632593086 * z,
                         -0.0283697069 * x + 1.0099954580 * y + 0.0210413989 * z,
                         0.0123140016 * x - 0.0205076964 * y + 1.3303659366 * z)


def _from_oklab(L: float, a: float, b: float) -> Colour:
    l_ = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (L - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (_srgb(4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_),
            _srgb(-1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_),
            _srgb(-0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_))


def _from_hsl(h: float, s: float, light: float) -> Colour:
    s, light = max(0.0, min(1.0, s)), max(0.0, min(1.0, light))

    def f(n: float) -> int:
        k = (n + h / 30) % 12
        a = s * min(light, 1 - light)
        return round(255 * (light - a * max(-1, min(k - 3, 9 - k, 1))))

    return f(0), f(8), f(4)


def _from_hwb(h: float, white: float, black: float) -> Colour:
    if white + black >= 1:
        grey = round(255 * white / (white + black))
        return grey, grey, grey
    pure = _from_hsl(h, 1.0, 0.5)
    return tuple(round(c * (1 - white - black) + 255 * white) for c in pure)  # type: ignore[return-value]


def _function_colour(name: str, args: str) -> Colour | None | str:
    """``rgb()``, ``hsl()``, ``hwb()``, ``lab()``, ``lch()``, ``oklab()``, ``oklch()``, ``color(srgb …)``
    with commas or spaces and an alpha after ``/`` or a fourth comma."""
    body, alpha_text = args, None
    if "/" in body:
        body, _, alpha_text = body.partition("/")
    parts = [p for p in re.split(r"[\s,]+", body.strip()) if p]
    if name in ("rgb", "rgba", "hsl", "hsla") and len(parts) == 4 and alpha_text is None:
        alpha_text = parts.pop()
    if name == "color":
        if not parts:
            return None
        space = parts.pop(0)
        if space not in ("srgb", "srgb-linear", "display-p3", "a98-rgb", "prophoto-rgb", "rec2020"):
            return None
    if len(parts) != 3:
        return None
    if alpha_text is not None:
        alpha = _number(alpha_text.strip(), 1.0)
        if alpha is None:
            return None
        if alpha < 0.1:
            return "transparent"
    if name in ("rgb", "rgba"):
        vals = [_number(p, 255.0) for p in parts]
        if None in vals:
            return None
        return tuple(max(0, min(255, round(v))) for v in vals)  # type: ignore[return-value, arg-type]
    if name in ("hsl", "hsla", "hwb"):
        h = _number(parts[0], 1.0, hue=True)
        a, b = _number(parts[1], 1.0), _number(parts[2], 1.0)
        if h is None or a is None or b is None:
            return None
        if not parts[1].endswith("%"):  # hsl(0 0 100): numbers stand for percentages
            a /= 100
        if not parts[2].endswith("%"):
            b /= 100
        return _from_hsl(h, a, b) if name != "hwb" else _from_hwb(h, max(0.0, a), max(0.0, b))
    if name == "color":
        vals = [_number(p, 1.0) for p in parts]
        if None in vals:
            return None
        if space == "srgb-linear":
            return tuple(_srgb(v) for v in vals)  # type: ignore[return-value, arg-type]
        return tuple(max(0, min(255, round(255 * v))) for v in vals)  # type: ignore[return-value, arg-type]
    if name in ("lab", "lch"):
        L = _number(parts[0], 100.0)
        second = _number(parts[1], 125.0 if name == "lab" else 150.0)
        third = _number(parts[2], 125.0, hue=True) if name == "lab" else _number(parts[2], 1.0, hue=True)
        if L is None or second is None or third is None:
            return None
        if name == "lch":
            import math

            second, third = second * math.cos(math.radians(third)), second * math.sin(math.radians(third))
        return _from_lab(L, second, third)
    if name in ("oklab", "oklch"):
        L = _number(parts[0], 1.0)
        second = _number(parts[1], 0.4)
        third = _number(parts[2], 0.4, hue=True) if name == "oklab" else _number(parts[2], 1.0, hue=True)
        if L is None or second is None or third is None:
            return None
        if name == "oklch":
            import math

            second, third = second * math.cos(math.radians(third)), second * math.sin(math.radians(third))
        return _from_oklab(L, second, third)
    return None


def css_colour(text: str | None) -> Colour | None | str:
    """A CSS colour: an RGB triple; ``"transparent"`` for a fully transparent colour; None when unknown
    (``var()`` not resolved, ``color-mix()``, ``currentcolor``)."""
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
    m = _FUNCTION.fullmatch(t)
    if m:
        return _function_colour(m.group(1), m.group(2))
    if t in NAMED:
        return NAMED[t]
    return None

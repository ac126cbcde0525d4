"""Matplotlib with Chinese labels: find a CJK font once, register it, and keep font warnings quiet.

Matplotlib keeps a cache of the fonts it knows; fonts installed after that cache was made (``make
tools`` installs Noto CJK) are not in it, and every Chinese label then logs ``findfont`` and
``Glyph … missing`` warnings. ``use_cjk_font()`` looks at the installed font files, adds the first
CJK one to matplotlib's font list when the cache lacks it, puts it first in ``font.family`` and
silences the font manager's warnings (a chart without a CJK font still draws, with boxes).
"""
from __future__ import annotations

import logging
import warnings
from functools import lru_cache

# family names as fontconfig and matplotlib know them, best first
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")
FILE_HINTS = ("notosanscjk", "notosanssc", "sourcehansans", "wqy", "simhei", "msyh", "pingfang", "uming")


@lru_cache(maxsize=1)
def use_cjk_font() -> str | None:
    """The CJK family now first in matplotlib's ``font.family`` (None when the machine has none)."""
    import matplotlib
    from matplotlib import font_manager

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
    warnings.filterwarnings("ignore", message=r"findfont: ", category=UserWarning)
    known = {f.name for f in font_manager.fontManager.ttflist}
    family = next((name for name in CJK_FAMILIES if name in known), None)
    if family is None:  # installed after matplotlib's cache was made: add the files themselves
        for path in sorted(font_manager.findSystemFonts()):
            if any(hint in path.lower().replace("-", "").replace("_", "") for hint in FILE_HINTS):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        known = {f.name for f in font_manager.fontManager.ttflist}
        family = next((name for name in CJK_FAMILIES if name in known), None)
    if family is not None:
        matplotlib.rcParams["font.family"] = [family, "DejaVu Sans"]
    return family

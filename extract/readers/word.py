"""Word documents (.docx, and .docm/.dotx, whose body is the same XML).

The package is opened with python-docx; the body XML is walked directly, because python-docx's
``table.cell()``/``row.cells`` repeat a merged cell at every grid position it covers.

Steps:
1. ``open_parts``: the main document part, its numbering and styles (python-docx's OPC package).
2. ``Body``: the body's blocks in order. ``w:p`` → one Paragraph per line (``w:br`` starts a
   line); ``w:tbl`` → a Table; ``w:sdt``/``w:customXml`` are looked into; an ``altChunk`` of HTML
   is read by the HTML reader.
3. ``paragraph_text``: what a reader sees: ``w:t`` of runs, with tracked deletions
   (``w:del``, ``w:moveFrom``), field codes, hidden runs and comment marks left out (comment
   text lives in another part and is never read). Text boxes (``w:txbxContent``, Word's
   ``mc:Choice`` taken once, never also its VML fallback) become blocks after their paragraph.
4. ``Numbering``: automatic list numbers (``一、`` ``（一）`` ``1.`` from ``numbering.xml``) are
   written in front of the paragraph's text, so headings are found by their numbering even when
   the numbers are not typed.
5. ``table``: the real grid, as docling's ``_handle_tables``: ``gridBefore`` skips columns,
   ``gridSpan`` is a colspan, ``vMerge`` continue cells extend the cell above. A table holding
   another table, a single cell or prose is a layout frame: its cells are read as body content.
"""
from __future__ import annotations

import io
import re
import zipfile

from ..document import Cell, Document, Paragraph, Table
from ..errors import CORRUPT, HOSTILE_XML, ExtractError
from . import properties
from .package import repack, unpack
from .grid import MAX_CELLS, MAX_COLUMNS, is_layout
from .hints import NO_HINTS, Hints
from . import visible
from .inline import clean_line, join_wrapped, superscript

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el, tag: str, default: str | None = None) -> str | None:
    """``w:val`` of the child ``tag`` of ``el`` (None-safe)."""
    if el is None:
        return default
    child = el.find(w(tag))
    if child is None:
        return default
    return child.get(w("val"), default)


INT32 = 2 ** 31 - 1  # Word's numbers (ST_DecimalNumber) are 32-bit; a larger one is damage or an attack


def _int(text: str | None, default: int) -> int:
    try:
        value = int(text) if text is not None and len(text) < 20 else default
        return value if -INT32 - 1 <= value <= INT32 else default
    except ValueError:
        return default


# ------------------------------------------------------------------ 1. the package

def _xml(part):
    from docx.oxml.parser import parse_xml

    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)


def refuse_doctypes(members: dict[str, bytes]) -> None:
    """Word never writes a DOCTYPE: one that declares entities is a billion-laughs attack."""
    for name, blob in members.items():
        if name.endswith((".xml", ".rels")):
            head = blob[:4096]
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ExtractError(HOSTILE_XML, f"the Word file's part {name} declares XML entities "
                                   "(a DOCTYPE), which Word never writes: refused as a possible "
                                   "billion-laughs attack")


def open_parts(data: bytes):
    """(document part, body element, numbering, styles and theme elements or None).

    The package is unpacked with every member's size checked while inflating (``package.unpack``)
    and handed to python-docx stored, so python-docx never inflates a member itself."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.package import Package

    members = unpack(data)
    refuse_doctypes(members)
    try:
        part = Package.open(io.BytesIO(repack(members))).main_document_part
        root = _xml(part)
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise ExtractError(CORRUPT, f"the Word file is damaged ({type(exc).__name__}: {exc}); open it in Word or "
                           "WPS and save it again as .docx") from exc
    except Exception as exc:  # lxml syntax errors and python-docx's package errors
        raise ExtractError(CORRUPT, f"the Word file could not be opened ({type(exc).__name__}: {exc}); open it in "
                           "Word or WPS and save it again as .docx") from exc
    body = root.find(w("body"))
    if body is None:
        raise ExtractError(CORRUPT, "the Word file has no document body (it may use Strict Open XML); save it again "
                           "as an ordinary .docx")
    related = {}
    for name, rt in (("numbering", RT.NUMBERING), ("styles", RT.STYLES), ("theme", RT.THEME)):
        try:
            related[name] = _xml(part.part_related_by(rt))
        except (KeyError, ValueError):
            related[name] = None
    return part, body, related["numbering"], related["styles"], related["theme"]


# ------------------------------------------------------------------ 4. automatic numbering

_CN = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_STOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_GAN = "甲乙丙丁戊己庚辛壬癸"
MAX_LETTERS = 10  # AAAAAAAAAA: longer letter labels are written as numbers
MAX_LEVEL_TEXT = 32  # characters of a list level's text ("（%1）", "%1.%2."): real ones have a few


def _cn_count(n: int, digits: str = _CN, ten: str = "十") -> str:
    if n <= 0 or n >= 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return digits[units]
    return (digits[tens] if tens > 1 else "") + ten + (digits[units] if units else "")


def _roman(n: int) -> str:
    if not 0 < n < 4000:  # no roman numeral beyond MMMCMXCIX (and no quadratic string for a start of 2e9)
        return str(n)
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    """A list counter in a Word number format (``chineseCounting`` 3 → 三)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "koreanCounting", "ideographLegalTraditional"):
        return _cn_count(n)
    if fmt == "chineseLegalSimplified":
        return _cn_count(n, _CN_LEGAL, "拾")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN[int(d)] for d in str(n))
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    for name, table in (("decimalEnclosedCircle", _CIRCLED), ("decimalEnclosedCircleChinese", _CIRCLED),
                        ("decimalEnclosedParen", _PAREN), ("decimalEnclosedFullstop", _STOP),
                        ("ideographTraditional", _GAN)):
        if fmt == name:
            return table[n - 1] if 1 <= n <= len(table) else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        if n > 26 * MAX_LETTERS:  # Z repeated a million times is no label
            return str(n)
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class Numbering:
    """Renders automatic list numbers in document order (counters per abstract list, deeper levels restart)."""

    def __init__(self, numbering, styles):
        self.levels: dict[str, dict[int, tuple[int, str, str, str]]] = {}  # abstract → ilvl → (start, fmt, text, suff)
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstract id, start overrides)
        self.style_num: dict[str, tuple[str | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()
        if numbering is not None:
            for absn in numbering.iter(w("abstractNum")):
                lvls = {}
                for lvl in absn.iter(w("lvl")):
                    ilvl = _int(lvl.get(w("ilvl")), 0)
                    lvls[ilvl] = (_int(_val(lvl, "start"), 0), _val(lvl, "numFmt", "decimal") or "decimal",
                                  (_val(lvl, "lvlText", "") or "")[:MAX_LEVEL_TEXT], _val(lvl, "suff", "tab") or "tab")
                self.levels[absn.get(w("abstractNumId"))] = lvls
            for num in numbering.iter(w("num")):
                overrides = {}
                for ov in num.iter(w("lvlOverride")):
                    start = _val(ov, "startOverride")
                    if start is not None:
                        overrides[_int(ov.get(w("ilvl")), 0)] = _int(start, 1)
                self.nums[num.get(w("numId"))] = (_val(num, "abstractNumId"), overrides)
        if styles is not None:
            based: dict[str, str | None] = {}
            own: dict[str, tuple[str | None, str | None]] = {}
            for st in styles.iter(w("style")):
                sid = st.get(w("styleId"))
                based[sid] = _val(st, "basedOn")
                ppr = st.find(w("pPr"))
                numpr = ppr.find(w("numPr")) if ppr is not None else None
                if numpr is not None:
                    own[sid] = (_val(numpr, "numId"), _val(numpr, "ilvl"))
            for sid in based:
                cur, seen = sid, set()
                while cur and cur not in own and cur not in seen:
                    seen.add(cur)
                    cur = based.get(cur)
                if cur in own:
                    self.style_num[sid] = own[cur]

    def label(self, p) -> str:
        ppr = p.find(w("pPr"))
        num_id, ilvl = None, None
        if ppr is not None:
            style = _val(ppr, "pStyle")
            if style in self.style_num:
                num_id, ilvl = self.style_num[style]
            numpr = ppr.find(w("numPr"))
            if numpr is not None:
                num_id = _val(numpr, "numId", num_id)
                ilvl = _val(numpr, "ilvl", ilvl)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        level = _int(ilvl, 0)
        absn, overrides = self.nums[num_id]
        lvls = self.levels.get(absn, {})
        if level not in lvls:
            return ""
        state = self.counters.setdefault(absn, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for k, start in overrides.items():
                state[k] = start - 1
                for deeper in [d for d in state if d > k]:
                    del state[deeper]
        state[level] = state[level] + 1 if level in state else lvls[level][0]
        for deeper in [d for d in state if d > level]:
            del state[deeper]
        start, fmt, text, suff = lvls[level]
        if fmt in ("bullet", "none"):
            return ""

        def counter(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lv = lvls.get(k, (1, "decimal", "", "tab"))
            return format_number(state.get(k, lv[0]), lv[1])

        label = re.sub(r"%([1-9])", counter, text)
        return label + ("" if suff == "nothing" or not label else " ")


# ------------------------------------------------------------------ 3. what a reader sees

_SKIP = {"pPr", "rPr", "del", "moveFrom", "instrText", "delText", "delInstrText", "fldChar", "commentReference",
         "footnoteReference", "endnoteReference", "annotationRef", "proofErr", "bookmarkStart", "bookmarkEnd",
         "commentRangeStart", "commentRangeEnd", "lastRenderedPageBreak", "permStart", "permEnd", "tblPr",
         "tcPr", "trPr", "sectPr"}
_OFF = ("0", "false", "off")


class Looks:
    """Whether a run's text can be seen, from its run properties resolved as Word does: document
    defaults, then the table's style, the paragraph's style and the run's character style (each
    with its ``basedOn`` chain), then the run's own properties. Hidden (``w:vanish``), under 1 pt,
    squashed (``w:w`` under ``MIN_SCALE`` per cent), raised or lowered off its line (``w:position``
    more than ``MAX_RAISE`` times its size), or in the colour of its background (run shading, the
    paragraph's, the cell's, the table's, the page's, else white paper) is not seen."""

    def __init__(self, styles=None, theme=None, document=None):
        self.theme = dict(THEME_DEFAULTS)
        if theme is not None:
            self.theme.update(_theme_colours(theme))
        self.defaults: dict = {}
        self.own: dict[str, tuple[dict, object]] = {}  # styleId → (run look, paragraph or cell fill)
        self.based: dict[str, str | None] = {}
        self.default_style: dict[str, str] = {}
        self.resolved: dict[str | None, tuple[dict, object]] = {}
        self.page = visible.WHITE
        if styles is not None:
            rpr = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
            self.defaults = self.run_look(rpr)
            for st in styles.iter(w("style")):
                sid = st.get(w("styleId"))
                if sid is None:
                    continue
                if st.get(w("default")) in ("1", "true", "on"):
                    self.default_style.setdefault(st.get(w("type"), "paragraph"), sid)
                self.based[sid] = _val(st, "basedOn")
                fill = _fill(st.find(w("pPr"))) or _fill(st.find(w("tblPr"))) or _fill(st.find(w("tcPr")))
                self.own[sid] = (self.run_look(st.find(w("rPr"))), fill)
        if document is not None:
            bg = document.find(w("background"))
            colour = visible.hex_colour(bg.get(w("color"))) if bg is not None else None
            self.page = colour or self.page

    def colour(self, el) -> object:
        """A ``w:color``: an RGB triple, ``"auto"`` (Word picks a contrasting colour), or None."""
        theme = el.get(w("themeColor"))
        rgb = self.theme.get(theme) if theme else visible.hex_colour(el.get(w("val")))
        if theme and rgb is not None:
            tint, shade = el.get(w("themeTint")), el.get(w("themeShade"))
            if tint and visible.hex_colour(tint * 3):
                t = int(tint, 16) / 255
                rgb = tuple(round(c + (255 - c) * (1 - t)) for c in rgb)
            if shade and visible.hex_colour(shade * 3):
                rgb = tuple(round(c * int(shade, 16) / 255) for c in rgb)
        if rgb is None and (el.get(w("val")) or "").lower() == "auto":
            return "auto"
        return rgb

    def run_look(self, rpr) -> dict:
        look: dict = {}
        if rpr is None:
            return look
        for tag in ("vanish", "specVanish"):
            el = rpr.find(w(tag))
            if el is not None:
                look["vanish"] = el.get(w("val"), "true") not in _OFF
        el = rpr.find(w("color"))
        if el is not None:
            look["colour"] = self.colour(el)
        for tag, key in (("sz", "size"), ("position", "position"), ("w", "scale")):
            value = _val(rpr, tag)
            if value is not None:
                try:
                    look[key] = float(value.rstrip("%"))
                except ValueError:
                    pass
        fill = _fill(rpr)
        highlight = _val(rpr, "highlight")
        if highlight and highlight != "none":
            fill = HIGHLIGHTS.get(highlight.lower(), fill)
        if fill is not None:
            look["fill"] = fill
        return look

    def style(self, sid: str | None) -> tuple[dict, object]:
        """A style's run look and fill with its ``basedOn`` chain resolved (a cycle ends the chain)."""
        if sid in self.resolved:
            return self.resolved[sid]
        chain, cur = [], sid
        while cur is not None and cur in self.own and cur not in chain and len(chain) < 50:
            chain.append(cur)
            cur = self.based.get(cur)
        look: dict = {}
        fill = None
        for st in reversed(chain):
            own, own_fill = self.own[st]
            look.update(own)
            fill = own_fill or fill
        self.resolved[sid] = (look, fill)
        return look, fill

    def paragraph(self, p, table_style: str | None, fills: list):
        """A test of the paragraph's runs: True for a run that cannot be seen."""
        ppr = p.find(w("pPr"))
        pstyle = _val(ppr, "pStyle") or self.default_style.get("paragraph")
        table_look, table_fill = self.style(table_style) if table_style else ({}, None)
        para_look, para_fill = self.style(pstyle)
        base = {**self.defaults, **table_look, **para_look}
        behind = _fill(ppr) or para_fill
        for fill in reversed(fills):  # the innermost cell or table with a fill
            behind = behind or fill
        behind = behind or table_fill or self.page
        default_char = self.default_style.get("character")

        def hidden(r) -> bool:
            rpr = r.find(w("rPr"))
            look = {**base, **self.style(_val(rpr, "rStyle") or default_char)[0], **self.run_look(rpr)}
            if look.get("vanish"):
                return True
            size = look.get("size")
            if size is not None and size < 2 * visible.MIN_PT:  # half-points
                return True
            if look.get("scale") is not None and look["scale"] < MIN_SCALE:
                return True
            if abs(look.get("position") or 0) > MAX_RAISE * (size if size is not None and size > 0 else 20):
                return True
            if rpr is not None and _squeezed(r, rpr, size if size is not None and size > 0 else 20):
                return True
            colour = look.get("colour")
            return isinstance(colour, tuple) and visible.same_colour(colour, look.get("fill") or behind)

        return hidden


def _squeezed(r, rpr, size: float) -> bool:
    """A run fitted (``w:fitText``) into less than ``MIN_SCALE`` per cent of its width (about half
    an em a character, in twips: ten times the size in half-points)."""
    fit = rpr.find(w("fitText"))
    if fit is None:
        return False
    try:
        width = float(fit.get(w("val"), ""))
    except ValueError:
        return False
    chars = sum(len(t.text or "") for t in r.iter(w("t")))
    return chars > 0 and width < MIN_SCALE / 100 * 5 * size * chars


# the colours of Word's highlighter (ST_HighlightColor), by name in lower case
HIGHLIGHTS = {"black": (0, 0, 0), "blue": (0, 0, 255), "cyan": (0, 255, 255), "green": (0, 255, 0),
              "magenta": (255, 0, 255), "red": (255, 0, 0), "yellow": (255, 255, 0), "white": (255, 255, 255),
              "darkblue": (0, 0, 128), "darkcyan": (0, 128, 128), "darkgreen": (0, 128, 0),
              "darkmagenta": (128, 0, 128), "darkred": (128, 0, 0), "darkyellow": (128, 128, 0),
              "darkgray": (128, 128, 128), "lightgray": (192, 192, 192)}
MIN_SCALE = 20  # per cent of a character's width (``w:w``): narrower, a digit is a hairline
MAX_RAISE = 2  # a run raised or lowered (``w:position``, half-points) by more than twice its size has left its line

THEME_DEFAULTS = {"dark1": visible.BLACK, "text1": visible.BLACK, "light1": visible.WHITE, "background1": visible.WHITE}
_THEME_NAMES = {"dk1": ("dark1", "text1"), "lt1": ("light1", "background1"), "dk2": ("dark2", "text2"),
                "lt2": ("light2", "background2"), "accent1": ("accent1",), "accent2": ("accent2",),
                "accent3": ("accent3",), "accent4": ("accent4",), "accent5": ("accent5",), "accent6": ("accent6",),
                "hlink": ("hyperlink",), "folHlink": ("followedHyperlink",)}


def _theme_colours(theme) -> dict:
    out = {}
    for el in theme.iter():
        _, local = _split(el.tag)
        if local in _THEME_NAMES and len(el):
            child = el[0]
            rgb = visible.hex_colour(child.get("val") if _split(child.tag)[1] == "srgbClr" else child.get("lastClr"))
            if rgb is not None:
                for name in _THEME_NAMES[local]:
                    out[name] = rgb
    return out


def _fill(pr):
    """The shading fill of a ``pPr``/``rPr``/``tcPr``/``tblPr``: an RGB triple or None (none, auto)."""
    if pr is None:
        return None
    shd = pr.find(w("shd"))
    if shd is None:
        return None
    return visible.hex_colour(shd.get(w("fill")))


_PLAIN = Looks()


def _visible_run(hidden, r) -> bool:
    if hidden is None:  # no styles known: the run's own properties decide
        return not _PLAIN.paragraph(r, None, [])(r)
    return not hidden(r)


def _superscript_run(r) -> bool:
    rpr = r.find(w("rPr"))
    align = rpr.find(w("vertAlign")) if rpr is not None else None
    return align is not None and align.get(w("val")) == "superscript"


def _split(tag) -> tuple[str, str]:
    if not isinstance(tag, str) or not tag.startswith("{"):
        return "", str(tag)
    ns, _, local = tag[1:].partition("}")
    return ns, local


def _alternate(el):
    """Word's mc:AlternateContent: the first mc:Choice, else the mc:Fallback, never both."""
    for child in el:
        if _split(child.tag) == (MC, "Choice"):
            return child
    for child in el:
        if _split(child.tag) == (MC, "Fallback"):
            return child
    return None


def paragraph_text(el, out: list[str], floats: list, hidden=None) -> None:
    """The text a reader sees in a paragraph (``hidden``: a run that cannot be seen, see ``Looks``)."""
    for child in el:
        ns, tag = _split(child.tag)
        if not ns and not tag:
            continue
        if ns == MC and tag == "AlternateContent":
            chosen = _alternate(child)
            if chosen is not None:
                paragraph_text(chosen, out, floats, hidden)
            continue
        if ns == W:
            if tag in _SKIP:
                continue
            if tag == "txbxContent":
                floats.append(child)
            elif tag == "t":
                out.append(child.text or "")
            elif tag in ("tab", "ptab"):
                out.append("\t")
            elif tag in ("br", "cr"):
                out.append("\n")
            elif tag == "noBreakHyphen":
                out.append("-")
            elif tag == "r":
                if _visible_run(hidden, child):
                    if _superscript_run(child):  # a footnote mark: kept apart from the number before it
                        mark: list[str] = []
                        paragraph_text(child, mark, floats, hidden)
                        out.append(superscript("".join(mark)))
                    else:
                        paragraph_text(child, out, floats, hidden)
            else:
                paragraph_text(child, out, floats, hidden)
        elif isinstance(child.tag, str):
            paragraph_text(child, out, floats, hidden)


# ------------------------------------------------------------------ 2. and 5. blocks

_WRAPPERS = {"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo"}


def _children(el, tag: str):
    """Children named ``tag``, looking through content controls and custom-XML wrappers."""
    for child in el:
        ns, local = _split(child.tag)
        if ns != W:
            continue
        if local == tag:
            yield child
        elif local in _WRAPPERS:
            yield from _children(child, tag)


def _deleted_row(tr) -> bool:
    trpr = tr.find(w("trPr"))
    return trpr is not None and trpr.find(w("del")) is not None


def _merge(tc, tag: str) -> str | None:
    """``restart`` or ``continue`` for a cell's ``vMerge``/``hMerge``; None when it has none."""
    pr = tc.find(w("tcPr"))
    el = pr.find(w(tag)) if pr is not None else None
    return None if el is None else el.get(w("val"), "continue")




def _grid_width(tbl, tc_rows: list[list]) -> int:
    """The table's columns: its declared grid (``w:tblGrid``), or more when a row holds more cells,
    never more than ``MAX_COLUMNS``."""
    grid = tbl.find(w("tblGrid"))
    declared = len(grid.findall(w("gridCol"))) if grid is not None else 0
    return max(1, min(max([declared] + [len(row) for row in tc_rows]), MAX_COLUMNS))


def _all_text(el) -> str:
    return "".join(t.text or "" for t in el.iter(w("t")))


class Body:
    def __init__(self, part, numbering: Numbering, hints: Hints = NO_HINTS, looks: Looks | None = None):
        self.part = part
        self.numbering = numbering
        self.hints = hints
        self.looks = looks or Looks()
        self.blocks: list = []
        self.notes: list[str] = []
        self.table_style: str | None = None  # the style of the table being read
        self.fills: list = []  # shading of the tables and cells around the paragraph being read, outermost first

    # block containers: body, cell, text box, content control
    def container(self, el) -> None:
        for child in el:
            ns, tag = _split(child.tag)
            if ns == MC and tag == "AlternateContent":
                chosen = _alternate(child)
                if chosen is not None:
                    self.container(chosen)
                continue
            if ns != W:
                continue
            if tag == "p":
                self.paragraph(child)
            elif tag == "tbl":
                self.table(child)
            elif tag == "altChunk":
                self.alt_chunk(child)
            elif tag in _WRAPPERS:
                self.container(child)

    def lines(self, p, floats: list) -> list[str]:
        """The paragraph's lines, its list number (if any) in front; a number alone is not text."""
        label = self.numbering.label(p)
        out: list[str] = []
        paragraph_text(p, out, floats, self.looks.paragraph(p, self.table_style, self.fills))
        text = "".join(out)
        return (label + text if text.strip() else text).split("\n")

    def paragraph(self, p) -> None:
        floats: list = []
        for line in self.lines(p, floats):
            text = clean_line(line)
            if text:
                self.blocks.append(Paragraph(text))
        for box in floats:
            self.container(box)

    def table(self, tbl) -> None:
        outer = self.table_style, len(self.fills)
        pr = tbl.find(w("tblPr"))
        self.table_style = _val(pr, "tblStyle") or self.looks.default_style.get("table")
        self.fills.append(_fill(pr))
        try:
            self._table(tbl)
        finally:
            self.table_style = outer[0]
            del self.fills[outer[1]:]

    def in_cell(self, tc, read):
        """``read()`` with the cell's shading behind its paragraphs."""
        self.fills.append(_fill(tc.find(w("tcPr"))))
        try:
            return read()
        finally:
            self.fills.pop()

    def _table(self, tbl) -> None:
        rows = [tr for tr in _children(tbl, "tr") if not _deleted_row(tr)]
        tc_rows = [list(_children(tr, "tc")) for tr in rows]
        tcs = [tc for row in tc_rows for tc in row]
        if not tcs:
            return
        if len(tcs) > MAX_CELLS:
            self.notes.append(f"a table of {len(tcs):,} cells was left out (more than any report's table)")
            return
        nested = any(tc.find(".//" + w("tbl")) is not None for tc in tcs)
        if is_layout([[_all_text(tc) for tc in row] for row in tc_rows if row], nested):
            for tc in tcs:
                if _merge(tc, "vMerge") != "continue":  # a merge's continuation holds nothing of its own
                    self.in_cell(tc, lambda tc=tc: self.container(tc))
            return
        cells, floats = self.grid(rows, _grid_width(tbl, tc_rows))
        if cells:
            self.blocks.append(Table(cells=[Cell(c[0], c[1], c[2], c[3], c[4]) for c in cells]))
        for box in floats:
            self.container(box)

    def cell_text(self, tc, floats: list) -> str:
        lines: list[str] = []
        for p in _children(tc, "p"):
            lines.extend(self.lines(p, floats))
        return join_wrapped(lines)

    def grid(self, rows, width: int) -> tuple[list[list], list]:
        """Cells as [text, row, col, rowspan, colspan] on the real grid; text boxes found in cells.
        No cell reaches past the table's ``width`` (``gridBefore``/``gridSpan`` of 2³¹ are clipped to it)."""
        cells: list[list] = []
        at: dict[tuple[int, int], list] = {}
        floats: list = []
        for r, tr in enumerate(rows):
            col = min(max(0, _int(_val(tr.find(w("trPr")), "gridBefore"), 0)), width)
            previous = None
            for tc in _children(tr, "tc"):
                pr = tc.find(w("tcPr"))
                if pr is not None and pr.find(w("cellDel")) is not None:
                    continue
                span = min(max(1, _int(_val(pr, "gridSpan"), 1)), max(1, width - col))
                text = self.in_cell(tc, lambda tc=tc: self.cell_text(tc, floats))
                above = at.get((r - 1, col))
                if _merge(tc, "vMerge") == "continue" and above is not None and above[2] == col:
                    above[3] = r - above[1] + 1
                    if text:
                        above[0] = join_wrapped([above[0], text])
                    for c in range(col, col + above[4]):
                        at[(r, c)] = above
                    col += span
                    continue
                if _merge(tc, "hMerge") == "continue" and previous is not None:
                    previous[4] += span
                    for c in range(col, col + span):
                        at[(r, c)] = previous
                    col += span
                    continue
                cell = [text, r, col, 1, span]
                cells.append(cell)
                for c in range(col, col + span):
                    at[(r, c)] = cell
                previous = cell
                col += span
        return cells, floats

    def alt_chunk(self, el) -> None:
        """Content Word imports from another file (often HTML pasted by a web editor)."""
        rid = el.get(f"{{{R}}}id")
        try:
            chunk = self.part.related_parts[rid]
        except KeyError:
            return
        if "html" in chunk.content_type:
            from .html import decode_html, html_blocks

            text, _ = decode_html(chunk.blob)
            blocks, _, notes = html_blocks(text, self.hints)
            self.blocks.extend(blocks)
            self.notes.extend(notes)
        else:
            self.notes.append(f"an embedded {chunk.content_type} part was not read")


def core_title(package) -> str:
    """The title the file's own properties state (docProps/core.xml), if it has that part."""
    from docx.opc.constants import CONTENT_TYPE as CT

    for part in package.iter_parts():
        if part.content_type == CT.OPC_CORE_PROPERTIES:
            try:
                el = _xml(part).find("{http://purl.org/dc/elements/1.1/}title")
            except Exception:  # a damaged properties part is not worth failing the file for
                return ""
            return clean_line(el.text or "") if el is not None else ""
    return ""


def read_docx(data: bytes, source: str, hints: Hints = NO_HINTS, fmt: str = "docx") -> Document:
    part, body, numbering, styles, theme = open_parts(data)
    walker = Body(part, Numbering(numbering, styles), hints, Looks(styles, theme, body.getparent()))
    walker.container(body)
    props: dict[str, str] = {}
    title = core_title(part.package)
    if title:
        properties.merge(props, "title", title)
    return Document(source=source, format=fmt, blocks=walker.blocks, properties=props, warnings=walker.notes,
                    layout="docx")

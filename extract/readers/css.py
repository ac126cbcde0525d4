"""What a browser shows of a web page: the page's own style rules resolved, enough to know which
text a person sees.

Only what hides text is computed, as a browser on a desktop screen (``VIEWPORT`` × ``VIEW_HEIGHT``)
would:

- an element not displayed (``display:none``, ``content-visibility:hidden``, the ``hidden``
  attribute, a ``<dialog>`` not open, the body of a closed ``<details>`` (its ``<summary>`` shows),
  ``opacity`` or ``filter: opacity()`` under ``GONE`` (its own and its ancestors' together), moved
  by ``position`` (``absolute``, ``fixed``, ``relative``) or ``transform``/``translate`` a screen
  (``MOVED``) or more from where it stands in the text, or by a far negative ``margin-left``,
  squashed by ``scale``/``matrix()`` or turned edge on by ``rotateX``/``rotateY``, cut to nothing by
  ``clip``/``clip-path``, two pixels high or wide or less with ``overflow:hidden``, a table row with
  ``visibility:collapse``) is not shown with everything inside it;
- text that is ``visibility:hidden`` (inherited; a child may be ``visible`` again), under 1 pt
  (``font-size:0``, sizes in px, pt, em, rem (of the root's size), %, viewport units, keywords,
  ``calc()``/``min()``/``max()``/``clamp()``, through ``font`` too, times ``zoom``), transparent
  (also its ``-webkit-text-fill-color``), pushed out of its box (``text-indent``), or in the colour
  of its background (the nearest ``background``/``bgcolor`` behind it, else the white page) is not
  seen. Colours in every CSS syntax (hex with alpha, ``rgb()``, ``hsl()``, ``hwb()``, ``lab()``,
  ``lch()``, ``oklab()``, ``oklch()``, ``color()``, the named and system colours): ``visible``.

Custom properties (``--name``) are inherited and ``var()`` is substituted, with fallbacks; a cycle
or a value that would grow past ``MAX_VAR_TEXT`` is invalid, as in a browser.

Rules come from ``<style>`` elements (not ``media="print"``), ``<link rel="stylesheet">`` whose
address is a ``data:`` URL and ``@import`` of ``data:`` URLs (read inline; a sheet on the network is
never fetched) and ``@media`` blocks that apply to a desktop screen. Selectors: tag, ``.class``,
``#id``, ``*``, attributes (``[a]``, ``[a=v]``, ``~=``,
``|=``, ``^=``, ``$=``, ``*=``), the structural pseudo-classes (``:first-child``, ``:last-child``,
``:only-child``, ``:nth-child()``, ``:nth-last-child()``, ``:first-of-type``, ``:last-of-type``,
``:nth-of-type()``, ``:not()`` of one compound, ``:root``, ``:empty``, ``:link``), with the
descendant, child (``>``) and sibling (``+``, ``~``) combinators; specificity, source order and
``!important``. A state a page is not in (``:hover``, ``:focus``, ``:checked``…) never matches; a
selector with a pseudo-element (``::before``) or anything not understood is left out. Class and
id names match case-insensitively (most of these pages have no doctype, and browsers match them so
in quirks mode).

The work is bounded: at most ``MAX_RULES`` selectors, ``MAX_COMPOUNDS`` parts in one,
``MAX_CUSTOM`` custom properties in one block, and ``MAX_STEPS`` selector tests (a ``var()``
substituted counts ``VAR_COST``) for a page (more is refused as ``file_too_large``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from ..errors import TOO_LARGE, ExtractError
from . import visible

VIEWPORT = 1280  # px: a desktop browser
VIEW_HEIGHT = 800  # px: its height (``100vh``)
DEFAULT_PX = 16.0
MAX_RULES = 5000  # selectors kept from a page's style sheets (real pages hold a few hundred)
MAX_COMPOUNDS = 12  # parts of one selector (div > ul li a …)
MAX_MEDIA_DEPTH = 4  # @media / @supports nested in each other
MAX_STEPS = 3_000_000  # selector tests for one page
FAR = -VIEW_HEIGHT  # px: an offset that puts an element off the screen (left, up)
MOVED = VIEW_HEIGHT  # px: an element moved this far (any way) is not seen where it stands in the text
GONE = 0.05  # opacity (of an element and its ancestors together), or a scale, below which nothing is seen
MAX_VAR_DEPTH = 8  # var() within var()
MAX_VAR_TEXT = 20_000  # characters of a value after var() is substituted (more: invalid, a bound on the work)
VAR_COST = 4  # a var() substituted costs as much as this many selector tests (of ``MAX_STEPS``)
MAX_CUSTOM = 500  # custom properties kept from one declaration block (a framework's :root sets a few hundred)
MAX_SHEET_TEXT = 2_000_000  # characters of a data: style sheet read (real sheets are a few hundred KB)
LIGHT = 180  # text whose channels are all this light may match a background (white paper included)

BOX = ("display", "opacity", "position", "left", "top", "right", "bottom", "margin-left", "margin-top", "clip",
       "clip-path", "height", "width", "max-height", "max-width", "overflow", "overflow-x", "overflow-y", "transform",
       "translate", "scale", "filter", "content-visibility")
TEXT = ("visibility", "font-size", "font", "text-indent", "zoom")
COLOUR = ("color", "background", "background-color", "-webkit-text-fill-color")
HIDING = BOX + TEXT + COLOUR
_KEYWORD_SIZES = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0, "x-large": 24.0,
                  "xx-large": 32.0, "xxx-large": 48.0}
_LENGTH = re.compile(r"^([+-]?\d*\.?\d+(?:e[+-]?\d+)?)(px|pt|pc|em|rem|ex|ch|%|mm|cm|in|q|vw|vh|vmin|vmax|lh|rlh)?$")
_STATES = {"hover", "focus", "active", "visited", "focus-within", "focus-visible", "target", "checked", "disabled",
           "enabled", "indeterminate", "invalid", "valid", "required", "optional", "read-only", "read-write",
           "placeholder-shown", "default", "fullscreen", "modal", "open", "closed", "playing", "paused",
           "any-link", "local-link", "autofill", "user-invalid", "user-valid", "defined", "popover-open"}
_TOKEN = re.compile(r"""\s*([>+~])\s*|\s+|((?:[^\s>+~\[(]|\[[^\]]*\]|\([^)]*\))+)""")


# ------------------------------------------------------------------ style sheets

@dataclass(frozen=True)
class Compound:
    tag: str | None
    ids: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str, str], ...] = ()  # (name, operator or "", value)
    pseudos: tuple[tuple[str, object], ...] = ()  # (name, argument)

    @property
    def id_set(self) -> frozenset[str]:
        return frozenset(i.lower() for i in self.ids)

    @property
    def class_set(self) -> frozenset[str]:
        return frozenset(c.lower() for c in self.classes)

    def specificity(self) -> tuple[int, int, int]:
        ids, classes, tags = len(self.ids), len(self.classes) + len(self.attrs), 1 if self.tag else 0
        for name, arg in self.pseudos:
            if name == "not" and isinstance(arg, Compound):
                i, c, t = arg.specificity()
                ids, classes, tags = ids + i, classes + c, tags + t
            else:
                classes += 1
        return ids, classes, tags


@dataclass
class Rule:
    parts: list[tuple[str, Compound]]  # (combinator before it: " ", ">", "+", "~"; compound), leftmost first
    specificity: tuple[int, int, int]
    order: int
    decls: dict[str, tuple[str, bool]]  # property → (value, important)


@dataclass
class Sheet:
    rules: list[Rule] = field(default_factory=list)
    by_key: dict[str, list[Rule]] = field(default_factory=dict)  # "#id", ".class", "tag", "*"
    hiding: set[str] = field(default_factory=set)  # kinds of hiding ("box", "text", "colour") some rule may do
    # per kind: the classes, ids, tags and "@attributes" that rules setting that kind's properties name,
    # and whether such a rule applies to any element (``.x *``, ``[title]``)
    names: dict[str, set[str]] = field(default_factory=dict)
    universal: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def add(self, rule: Rule) -> None:
        self.rules.append(rule)
        last = rule.parts[-1][1]
        key = ("#" + last.ids[0]) if last.ids else ("." + last.classes[0]) if last.classes else (last.tag or "*")
        self.by_key.setdefault(key.lower(), []).append(rule)
        own = {k: v for k, (v, _) in rule.decls.items()}
        self.hiding |= hiding_kinds(own)
        for kind in declared_kinds(own):
            if not (last.tag or last.ids or last.classes):
                self.universal.add(kind)
            names = self.names.setdefault(kind, set())
            for _, c in rule.parts:
                for comp in (c,) + tuple(a for n, a in c.pseudos if isinstance(a, Compound)):
                    names.update(n.lower() for n in comp.ids + comp.classes)
                    names.update("@" + a[0] for a in comp.attrs)
                    if comp.tag:
                        names.add(comp.tag.lower())

    def named(self, kinds: set[str]) -> set[str]:
        """What rules setting properties of these kinds name."""
        return set().union(*(self.names.get(k, set()) for k in kinds)) if kinds else set()


_STYLE_BLOCK = re.compile(r"<style\b([^>]*)>(.*?)</style\s*>", re.I | re.S)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


_LINK = re.compile(r"<link\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_IMPORT = re.compile(r"""@import\s+(?:url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|"([^"]*)"|'([^']*)')"""
                     r"""\s*([^;{}]*);?""", re.I)


def _attrs(text: str) -> dict[str, str]:
    import html

    out: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        value = next((v for v in m.groups()[1:] if v is not None), "")
        out.setdefault(m.group(1).lower(), html.unescape(value))
    return out


def data_url_text(url: str) -> str | None:
    """The text a ``data:`` URL holds (percent-encoded or base64), at most ``MAX_SHEET_TEXT``
    characters; None for another kind of address (a style sheet on the network is never fetched)."""
    import base64
    import binascii
    from urllib.parse import unquote_to_bytes

    url = url.strip()
    if not url[:5].lower() == "data:":
        return None
    head, sep, body = url[5:].partition(",")
    if not sep:
        return None
    params = [p.strip().lower() for p in head.split(";")]
    charset = next((p[8:] for p in params if p.startswith("charset=")), "utf-8")
    if "base64" in params:
        try:
            raw = base64.b64decode(re.sub(r"\s+", "", unquote_to_bytes(body[: MAX_SHEET_TEXT * 2]).decode("ascii",
                                                                                                         "ignore")),
                                   validate=False)
        except (binascii.Error, ValueError):
            return None
    else:
        raw = unquote_to_bytes(body[: MAX_SHEET_TEXT * 3])
    try:
        return raw.decode(charset, "replace")[:MAX_SHEET_TEXT]
    except LookupError:
        return raw.decode("utf-8", "replace")[:MAX_SHEET_TEXT]


def _clean_css(text: str) -> str:
    return _COMMENT.sub(" ", text).replace("<!--", " ").replace("-->", " ")


def page_sheet(markup: str) -> Sheet:
    """The rules of a page's style sheets, in order (read from the markup, before parsing): every
    ``<style>`` element and every ``<link rel="stylesheet">`` whose address is a ``data:`` URL
    (one on the network is never fetched), with the ``@import``s of ``data:`` sheets they make."""
    sheet = Sheet()
    found = [(m.start(), "style", m) for m in _STYLE_BLOCK.finditer(markup)]
    found += [(m.start(), "link", m) for m in _LINK.finditer(markup) if "data:" in m.group(1).lower()]
    for _, kind, m in sorted(found, key=lambda t: t[0]):
        if len(sheet.rules) >= MAX_RULES:
            break
        attrs = _attrs(m.group(1))
        if attrs.get("type", "text/css").strip().lower() not in ("", "text/css"):
            continue  # not a style sheet a browser applies
        if "media" in attrs and not _media_applies(attrs["media"]):
            continue  # <style media="print">
        if kind == "style":
            _parse(_clean_css(m.group(2)), sheet, 0)
            continue
        rel = attrs.get("rel", "").lower().split()
        if "stylesheet" not in rel or "alternate" in rel or "disabled" in attrs:
            continue
        text = data_url_text(attrs.get("href", ""))
        if text is not None:
            _parse(_clean_css(text), sheet, 0)
    return sheet


def _imports(css: str, sheet: Sheet, depth: int) -> None:
    """The ``@import``s of ``data:`` style sheets at the head of a sheet, read in place."""
    for m in _IMPORT.finditer(css):
        url = next((v for v in m.groups()[:5] if v is not None), "")
        media = m.group(6).strip()
        if media and not _media_applies(media):
            continue
        text = data_url_text(url)
        if text is not None:
            _parse(_clean_css(text), sheet, depth + 1)


def _media_applies(query: str) -> bool:
    """A media query a desktop screen ``VIEWPORT`` px wide satisfies (unknown conditions: no)."""
    for alternative in query.lower().split(","):
        q = alternative.strip()
        if q.startswith("not ") or "print" in q and "screen" not in q or "speech" in q:
            continue
        ok = True
        for cond in re.findall(r"\(([^)]*)\)", q):
            name, _, value = cond.partition(":")
            name, value = name.strip(), value.strip()
            px = _px(value, DEFAULT_PX)
            if name == "max-width" and px is not None:
                ok = ok and VIEWPORT <= px
            elif name == "min-width" and px is not None:
                ok = ok and VIEWPORT >= px
            elif name == "orientation":
                ok = ok and value == "landscape"
            else:
                ok = False
        words = set(re.sub(r"\([^)]*\)", " ", q).replace("only", " ").replace("and", " ").split())
        if ok and words <= {"screen", "all"}:
            return True
    return False


def _blocks(css: str):
    """(prelude, body) of each top-level block, braces balanced."""
    i, n = 0, len(css)
    while i < n:
        j = css.find("{", i)
        if j < 0:
            return
        depth, k = 1, j + 1
        while k < n and depth:
            if css[k] == "{":
                depth += 1
            elif css[k] == "}":
                depth -= 1
            k += 1
        prelude = css[i:j]
        semi = prelude.rfind(";")  # "@import …;" and stray text before the selector
        yield prelude[semi + 1:].strip(), css[j + 1:k - 1]
        i = k


def _parse(css: str, sheet: Sheet, depth: int) -> None:
    if depth < MAX_MEDIA_DEPTH and "@import" in css.lower():
        _imports(css, sheet, depth)
    for prelude, body in _blocks(css):
        if len(sheet.rules) >= MAX_RULES:
            return
        if prelude.startswith("@"):
            name = prelude.split(None, 1)
            at = name[0].lower()
            if depth < MAX_MEDIA_DEPTH and (at == "@media" and _media_applies(name[1] if len(name) > 1 else "")
                                            or at in ("@supports", "@layer")):
                _parse(body, sheet, depth + 1)
            continue
        decls = declarations(body, keep=HIDING)
        if not decls:
            continue
        for sel in prelude.split(","):
            if len(sheet.rules) >= MAX_RULES:
                return
            parsed = selector(sel)
            if parsed is not None:
                spec = tuple(map(sum, zip(*(c.specificity() for _, c in parsed))))
                sheet.add(Rule(parsed, spec, len(sheet.rules), decls))  # type: ignore[arg-type]


def _compound(token: str) -> Compound | None:
    m = re.match(r"^(\*|[a-z][a-z0-9_-]*)?", token, re.I)
    tag = (m.group(1) or "").lower() if m else ""
    rest = token[m.end():] if m else token
    ids, classes, attrs, pseudos = [], [], [], []
    while rest:
        m = re.match(r"^#([\w-]+)", rest) or re.match(r"^\.([\w-]+)", rest)
        if m:
            (ids if rest[0] == "#" else classes).append(m.group(1))
            rest = rest[m.end():]
            continue
        m = re.match(r"""^\[\s*([\w-]+)\s*(?:([~|^$*]?=)\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]*))\s*(?:[is]\s*)?)?\]""", rest)
        if m:
            value = next((v for v in m.groups()[2:] if v is not None), "")
            attrs.append((m.group(1).lower(), m.group(2) or "", value))
            rest = rest[m.end():]
            continue
        if rest.startswith("::"):
            return None  # a pseudo-element: generated or partial text
        m = re.match(r"^:([\w-]+)(?:\(([^)]*)\))?", rest)
        if not m:
            return None
        name, arg = m.group(1).lower(), m.group(2)
        rest = rest[m.end():]
        if name in ("before", "after", "first-line", "first-letter", "selection", "marker", "placeholder"):
            return None
        if name in ("nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type"):
            ab = _nth(arg or "")
            if ab is None:
                return None
            pseudos.append((name, ab))
        elif name == "not":
            inner = _compound((arg or "").strip())
            if inner is None or inner.pseudos and any(n == "not" for n, _ in inner.pseudos):
                return None
            pseudos.append((name, inner))
        elif name in ("first-child", "last-child", "only-child", "first-of-type", "last-of-type", "only-of-type",
                      "root", "empty", "link"):
            pseudos.append((name, None))
        elif name in _STATES:
            pseudos.append(("never", None))
        else:
            return None
    return Compound(tag if tag and tag != "*" else None, tuple(ids), tuple(classes), tuple(attrs), tuple(pseudos))


def _nth(arg: str) -> tuple[int, int] | None:
    a = arg.replace(" ", "").lower()
    if a == "odd":
        return 2, 1
    if a == "even":
        return 2, 0
    m = re.fullmatch(r"([+-]?\d{0,9})n([+-]\d{1,9})?|([+-]?\d{1,9})", a)  # more digits: not understood
    if not m:
        return None
    if m.group(3) is not None:
        return 0, int(m.group(3))
    step = m.group(1)
    return (int(step) if step not in ("", "+", "-") else (-1 if step == "-" else 1)), int(m.group(2) or 0)


def selector(sel: str) -> list[tuple[str, Compound]] | None:
    """``div.a > p span`` → [(" ", div.a), (">", p), (" ", span)]; None when not understood."""
    sel = sel.strip()
    if not sel:
        return None
    parts: list[tuple[str, Compound]] = []
    comb = " "
    pos = 0
    while pos < len(sel):
        m = _TOKEN.match(sel, pos)
        if not m or m.end() == pos:
            return None
        pos = m.end()
        if m.group(1):
            comb = m.group(1)
        elif m.group(2):
            compound = _compound(m.group(2))
            if compound is None:
                return None
            parts.append((comb, compound))
            comb = " "
    if not parts or len(parts) > MAX_COMPOUNDS:
        return None
    return parts


def _split_declarations(text: str) -> list[str]:
    """Declarations split at the semicolons outside brackets and quotes (``--x: url(a;b)``)."""
    if "(" not in text and '"' not in text and "'" not in text:
        return text.split(";")
    out, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def declarations(text: str, keep=HIDING) -> dict[str, tuple[str, bool]]:
    """``"color: #fff !important; font-size:0"`` → {"color": ("#fff", True), "font-size": ("0", False)}.
    Custom properties (``--name``) are kept too: ``var()`` may hand their value to any property."""
    out: dict[str, tuple[str, bool]] = {}
    customs = 0
    for decl in _split_declarations(text):
        name, sep, value = decl.partition(":")
        if not sep:
            continue
        name = name.strip().lower()
        if name not in keep and not (name.startswith("--") and customs < MAX_CUSTOM):
            continue
        customs += name.startswith("--")
        value = value.strip()
        important = bool(re.search(r"!\s*important\s*$", value, re.I))
        value = re.sub(r"!\s*important\s*$", "", value, flags=re.I).strip().lower()
        if value:
            out[name] = (value, important)
    return out


# ------------------------------------------------------------------ values

_UNIT_PX = {"": 1, "px": 1, "pt": 4 / 3, "pc": 16, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96, "q": 96 / 101.6,
            "vw": VIEWPORT / 100, "vh": VIEW_HEIGHT / 100, "vmin": VIEW_HEIGHT / 100, "vmax": VIEWPORT / 100}
_CALC_TOKEN = re.compile(r"\s*(?:([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([a-z%]*)|(calc|min|max|clamp)\(|([-+*/(),]))")
MAX_CALC_TOKENS = 200


def _unit_px(n: float, unit: str, parent_px: float, root_px: float) -> float | None:
    if unit in _UNIT_PX:
        return n * _UNIT_PX[unit]
    factor = {"em": parent_px, "rem": root_px, "ex": parent_px / 2, "ch": parent_px / 2, "%": parent_px / 100,
              "lh": parent_px * 1.2, "rlh": root_px * 1.2}.get(unit)
    return None if factor is None else n * factor


def _calc(expr: str, parent_px: float, root_px: float) -> float | None:
    """A ``calc()``/``min()``/``max()``/``clamp()`` of lengths and numbers, in px; None when not understood."""
    tokens: list[tuple[str, object]] = []
    pos = 0
    while pos < len(expr):
        if expr[pos:].strip() == "":
            break
        m = _CALC_TOKEN.match(expr, pos)
        if not m or m.end() == pos or len(tokens) > MAX_CALC_TOKENS:
            return None
        pos = m.end()
        if m.group(1) is not None:
            n, unit = float(m.group(1)), m.group(2)
            if unit:
                px = _unit_px(n, unit, parent_px, root_px)
                if px is None:
                    return None
                tokens.append(("len", px))
            else:
                tokens.append(("num", n))
        elif m.group(3):
            tokens.append(("fn", m.group(3)))
        else:
            tokens.append(("op", m.group(4)))
    i = 0

    def peek():
        return tokens[i] if i < len(tokens) else ("end", None)

    def take():
        nonlocal i
        i += 1
        return tokens[i - 1]

    def sum_():
        left = product()
        while peek() in (("op", "+"), ("op", "-")):
            op = take()[1]
            right = product()
            if left[0] != right[0]:  # a length and a number
                if 0 not in (left[1], right[1]):
                    raise ValueError
            left = (left[0] if left[1] else right[0], left[1] + right[1] if op == "+" else left[1] - right[1])
        return left

    def product():
        left = unary()
        while peek() in (("op", "*"), ("op", "/")):
            op = take()[1]
            right = unary()
            if op == "*":
                if left[0] == "len" and right[0] == "len":
                    raise ValueError
                left = ("len" if "len" in (left[0], right[0]) else "num", left[1] * right[1])
            else:
                if right[0] == "len" or right[1] == 0:
                    raise ValueError
                left = (left[0], left[1] / right[1])
        return left

    def unary():
        kind, value = take() if i < len(tokens) else ("end", None)
        if kind in ("len", "num"):
            return kind, value
        if kind == "op" and value == "-":
            k, v = unary()
            return k, -v
        if kind == "op" and value == "(":
            inner = sum_()
            if take() != ("op", ")"):
                raise ValueError
            return inner
        if kind == "fn":
            args = [sum_()]
            while peek() == ("op", ","):
                take()
                args.append(sum_())
            if take() != ("op", ")"):
                raise ValueError
            kinds = {a[0] for a in args}
            if len(kinds) > 1 and not all(a[1] == 0 for a in args if a[0] == "num"):
                raise ValueError
            kind = "len" if "len" in kinds else "num"
            values = [a[1] for a in args]
            if value == "calc" and len(values) == 1:
                return kind, values[0]
            if value == "min":
                return kind, min(values)
            if value == "max":
                return kind, max(values)
            if value == "clamp" and len(values) == 3:
                return kind, max(values[0], min(values[1], values[2]))
        raise ValueError

    try:
        result = sum_()
        if i != len(tokens):
            return None
    except (ValueError, IndexError, TypeError, RecursionError):
        return None
    return result[1] if result[0] == "len" or result[1] == 0 else None  # type: ignore[return-value]


def _px(value: str, parent_px: float, root_px: float = DEFAULT_PX) -> float | None:
    """A length in px (``em`` and ``%`` of ``parent_px``, ``rem`` of the root's size); None when not known."""
    v = value.strip().lower()
    if v in _KEYWORD_SIZES:
        return _KEYWORD_SIZES[v]
    if v == "smaller":
        return parent_px / 1.2
    if v == "larger":
        return parent_px * 1.2
    m = _LENGTH.match(v)
    if not m:
        if v.startswith(("calc(", "min(", "max(", "clamp(")) and len(v) <= MAX_VAR_TEXT:
            return _calc(v, parent_px, root_px)
        return None
    n, unit = float(m.group(1)), (m.group(2) or "")
    if unit == "" and n != 0:
        return None
    return _unit_px(n, unit, parent_px, root_px)


def _font_size_of_font(value: str) -> str | None:
    """The size in a ``font`` shorthand: ``"bold 0/0 a"`` → ``"0"``."""
    for token in re.findall(r"(?:calc|min|max|clamp)\([^;]*?\)(?=\s|/|$)|\S+", value):
        size = token.split("/")[0] if not token.startswith(("calc(", "min(", "max(", "clamp(")) else token
        if size in _KEYWORD_SIZES or size == "0" or size.startswith(("calc(", "min(", "max(", "clamp(")) \
                or re.match(r"^\d*\.?\d+(px|pt|pc|em|rem|ex|ch|%|mm|cm|in|q|vw|vh)$", size):
            return size
    return None


def _background(value: str):
    """The colour a ``background`` paints: an RGB triple, "transparent", or None when not known (an image)."""
    if "url(" in value or "gradient(" in value:
        return None
    for token in re.findall(r"[a-z-]+\([^)]*\)|#[0-9a-f]{3,8}\b|[a-z]+", value):
        c = visible.css_colour(token)
        if c is not None:
            return c
    return "transparent" if value.strip() == "none" else None


def _far(value: str) -> bool:
    px = _px(value, DEFAULT_PX)
    return px is not None and px <= FAR


def _number(value: str) -> float | None:
    """A plain number or a percentage (as a fraction)."""
    m = re.fullmatch(r"\s*([+-]?(?:\d+\.?\d*|\.\d+))(%?)\s*", value)
    if not m:
        return None
    return float(m.group(1)) / (100 if m.group(2) else 1)


def _angle(value: str) -> float | None:
    """An angle in degrees."""
    m = re.fullmatch(r"\s*([+-]?(?:\d+\.?\d*|\.\d+))(deg|rad|grad|turn)?\s*", value)
    if not m or m.group(2) is None and float(m.group(1)) != 0:
        return None
    return float(m.group(1)) * {"deg": 1, "rad": 57.29577951308232, "grad": 0.9, "turn": 360, None: 0}[m.group(2)]


# ------------------------------------------------------------------ custom properties

def _var_end(value: str, start: int) -> int:
    """The index of the ``)`` closing the bracket opened just before ``start`` (-1: none)."""
    depth = 1
    for i in range(start, len(value)):
        if value[i] == "(":
            depth += 1
        elif value[i] == ")":
            depth -= 1
            if not depth:
                return i
    return -1


def substitute(value: str, variables: dict[str, str], depth: int = 0, tick=None) -> str | None:
    """``var(--name, fallback)`` replaced by the custom property's value (or the fallback);
    None when the value is invalid (an unknown property without a fallback, a cycle, too deep or long).
    ``tick(n)`` counts the work (``Matcher``'s budget)."""
    if "var(" not in value:
        return value
    if depth >= MAX_VAR_DEPTH:
        return None
    out, pos = [], 0
    while True:
        i = value.find("var(", pos)
        if i < 0:
            out.append(value[pos:])
            break
        if tick is not None:
            tick(VAR_COST)
        end = _var_end(value, i + 4)
        if end < 0:
            return None
        out.append(value[pos:i])
        inner = value[i + 4:end]
        name, comma, fallback = inner.partition(",")
        got = variables.get(name.strip())
        if got is None:
            if not comma:
                return None
            got = fallback.strip()
        got = substitute(got, variables, depth + 1, tick)
        if got is None:
            return None
        out.append(got)
        if sum(map(len, out)) > MAX_VAR_TEXT:
            return None
        pos = end + 1
    text = "".join(out).strip()
    return text if len(text) <= MAX_VAR_TEXT else None


# ------------------------------------------------------------------ the cascade

class Matcher:
    """Selector matching over a parsed page (BeautifulSoup), with a budget of ``MAX_STEPS`` tests."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.steps = 0
        self.known: dict[int, tuple[str, frozenset[str]]] = {}  # element → (id, classes), lower case
        self.sets: dict[int, tuple[frozenset[str], frozenset[str]]] = {}  # compound → (ids, classes)

    def _tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > MAX_STEPS:
            raise ExtractError(TOO_LARGE, f"the web page's style rules take more than {MAX_STEPS:,} tests to apply "
                               "(more than any report page); save the report's own text and read that")

    @staticmethod
    def _siblings(el):
        parent = el.parent
        kids = [c for c in parent.children if getattr(c, "name", None)] if parent is not None else [el]
        return kids

    def _el(self, el) -> tuple[str, frozenset[str]]:
        got = self.known.get(id(el))
        if got is None:
            got = (str(el.get("id", "")).lower(), frozenset(x.lower() for x in el.get("class", []) or []))
            self.known[id(el)] = got
        return got

    def compound(self, el, c: Compound) -> bool:
        self.steps += 1
        if self.steps > MAX_STEPS:
            self._tick(0)
        if c.tag and el.name != c.tag:
            return False
        if c.ids or c.classes:
            sets = self.sets.get(id(c))
            if sets is None:
                sets = self.sets[id(c)] = (c.id_set, c.class_set)
            el_id, el_classes = self._el(el)
            if c.ids and el_id not in sets[0] or c.classes and not sets[1] <= el_classes:
                return False
        for name, op, value in c.attrs:
            if not el.has_attr(name):
                return False
            raw = el.get(name)
            have = " ".join(raw) if isinstance(raw, list) else str(raw)
            if op == "=" and have != value or op == "~=" and value not in have.split() \
                    or op == "|=" and not (have == value or have.startswith(value + "-")) \
                    or op == "^=" and not (value and have.startswith(value)) \
                    or op == "$=" and not (value and have.endswith(value)) or op == "*=" and not (value and value in have):
                return False
        for name, arg in c.pseudos:
            if not self.pseudo(el, name, arg):
                return False
        return True

    def pseudo(self, el, name: str, arg) -> bool:
        if name == "never":
            return False
        if name == "not":
            return not self.compound(el, arg)
        if name == "root":
            return el.parent is not None and el.parent.name == "[document]"
        if name == "empty":
            return not any(getattr(c, "name", None) or str(c).strip() for c in el.children)
        if name == "link":
            return el.name in ("a", "area") and el.has_attr("href")
        kids = self._siblings(el)
        self._tick(len(kids))
        if name.endswith("of-type"):
            kids = [k for k in kids if k.name == el.name]
        i = next((n for n, k in enumerate(kids) if k is el), 0)
        if name in ("first-child", "first-of-type"):
            return i == 0
        if name in ("last-child", "last-of-type"):
            return i == len(kids) - 1
        if name in ("only-child", "only-of-type"):
            return len(kids) == 1
        a, b = arg
        pos = (len(kids) - i) if "last" in name else i + 1
        return pos == b if a == 0 else (pos - b) % a == 0 and (pos - b) // a >= 0

    def matches(self, el, parts: list[tuple[str, Compound]]) -> bool:
        if not self.compound(el, parts[-1][1]):  # most rules fail on their last part
            return False
        if len(parts) == 1:
            return True
        return self._match(el, parts, len(parts) - 1, {})

    def _match(self, el, parts, k: int, memo) -> bool:
        key = (id(el), k)
        if key in memo:
            return memo[key]
        comb, c = parts[k]
        ok = self.compound(el, c)
        if ok and k > 0:
            if comb == ">":
                parent = el.parent
                ok = parent is not None and parent.name != "[document]" and self._match(parent, parts, k - 1, memo)
            elif comb == " ":
                ok = False
                parent = el.parent
                while parent is not None and parent.name != "[document]":
                    if self._match(parent, parts, k - 1, memo):
                        ok = True
                        break
                    parent = parent.parent
            else:
                before = []
                for sib in el.previous_siblings:
                    self._tick()
                    if getattr(sib, "name", None):
                        before.append(sib)
                        if comb == "+":
                            break
                ok = any(self._match(s, parts, k - 1, memo) for s in before)
        memo[key] = ok
        return ok

    def computed(self, el) -> dict[str, str]:
        """The element's own declared values of the properties that hide text and of custom
        properties, after the cascade (presentational attributes < style rules < inline ``style``;
        ``!important`` above all); ``finish`` makes them the values the properties read."""
        ranked: dict[str, tuple[tuple, str]] = {}

        def offer(name: str, value: str, rank: tuple) -> None:
            if name not in ranked or rank >= ranked[name][0]:
                ranked[name] = (rank, value)

        low = (0, 0, (0, 0, 0), 0)
        if el.get("bgcolor"):
            offer("background-color", str(el["bgcolor"]).lower(), low)
        if el.name == "font" and el.get("color"):
            offer("color", str(el["color"]).lower(), low)
        if el.name == "body" and el.get("text"):
            offer("color", str(el["text"]).lower(), low)
        if self.sheet:
            el_id, el_classes = self._el(el)
            keys = ["*", el.name or "", "#" + el_id] + ["." + c for c in el_classes]
            seen: set[int] = set()
            for key in keys:
                for rule in self.sheet.by_key.get(key, ()):
                    if id(rule) in seen:
                        continue
                    seen.add(id(rule))
                    if self.matches(el, rule.parts):
                        for name, (value, important) in rule.decls.items():
                            offer(name, value, (1 if important else 0, 1, rule.specificity, rule.order))
        style = el.get("style")
        if style:
            for name, (value, important) in declarations(str(style)).items():
                offer(name, value, (2 if important else 1, 2, (0, 0, 0), 0))
        return {name: value for name, (_, value) in ranked.items()}


def finish(own: dict[str, str], variables: dict[str, str], tick=None) -> dict[str, str]:
    """Declared values as the properties read them: ``var()`` substituted (an invalid one leaves the
    property unset), the size in a ``font`` shorthand and the colour of a ``background`` taken out."""
    out = {}
    for name, value in own.items():
        if name.startswith("--"):
            continue
        if "var(" in value:
            value = substitute(value, variables, 0, tick)
            if value is None:
                continue
        out[name] = value.strip().lower()
    if "font" in out and "font-size" not in out:
        size = _font_size_of_font(out["font"])
        if size is not None:
            out["font-size"] = size
    if "background" in out and "background-color" not in out:
        out["background-color"] = out["background"]
    return out


def custom_properties(own: dict[str, str], inherited: dict[str, str], tick=None, memo: dict | None = None) \
        -> dict[str, str]:
    """The custom properties an element has: its parent's, with its own declared ones (their ``var()``
    substituted; an invalid one is unset, a cycle is invalid). ``tick(n)`` counts the work; ``memo``
    keeps what the same declarations gave under the same parent's properties (``* {--x: …}``)."""
    mine = {name: value for name, value in own.items() if name.startswith("--")}
    if not mine:
        return inherited
    key = (tuple(mine.items()), id(inherited))
    if memo is not None and key in memo and memo[key][0] is inherited:
        return memo[key][1]
    if tick is not None:
        tick(len(inherited) + len(mine))
    out = dict(inherited)
    out.update(mine)
    for name, value in mine.items():
        if "var(" in value:
            got = substitute(value, {**out, name: "var(" + name + ")"}, 0, tick)  # naming itself: a cycle
            if got is None:
                out.pop(name, None)
            else:
                out[name] = got
    if out == inherited:
        out = inherited  # the same properties: children under it share the memo
    if memo is not None:
        memo[key] = (inherited, out)  # the parent's dictionary kept alive: its id is never reused
    return out


def _offset_hidden(own: dict[str, str]) -> bool:
    """Moved by its position a screen or more away from where it stands in the text (off the screen
    left or up, past its right edge, or among other text far away: either way not seen there)."""
    position = own.get("position")
    if position not in ("absolute", "fixed", "relative", "sticky"):
        return _far(own.get("margin-left", ""))  # a box not positioned moves by its margins only
    for side in ("left", "top", "right", "bottom", "margin-left", "margin-top"):
        px = _px(own[side], DEFAULT_PX) if side in own else None
        if px is not None and abs(px) >= MOVED:
            return True
    return False


def _clip_hidden(own: dict[str, str]) -> bool:
    """Cut to nothing: ``clip: rect()`` (positioned elements) or ``clip-path`` (any)."""
    clip = own.get("clip", "").replace(" ,", ",")
    if own.get("position") in ("absolute", "fixed") and clip.startswith("rect(") and clip.endswith(")"):
        sides = [v for v in re.split(r"[\s,]+", clip[5:-1]) if v]
        if len(sides) == 4:
            top, right, bottom, left = (None if v == "auto" else _px(v, DEFAULT_PX) for v in sides)
            if top is not None and bottom is not None and bottom - top <= 1 or \
                    left is not None and right is not None and right - left <= 1:
                return True
    path = own.get("clip-path", "")
    m = re.match(r"^(inset|circle|ellipse|polygon|rect|xywh)\((.*)\)", path)
    if not m:
        return False
    shape, args = m.group(1), m.group(2).split(" round ")[0]
    if shape == "inset":
        values = [v for v in args.split() if v]
        if 1 <= len(values) <= 4:
            t = values[0]
            r = values[1] if len(values) > 1 else t
            b = values[2] if len(values) > 2 else t
            l = values[3] if len(values) > 3 else r  # noqa: E741
            fractions = [_number(v) if v.endswith("%") else None for v in (t, r, b, l)]
            if fractions[0] is not None and fractions[2] is not None and fractions[0] + fractions[2] >= 1 or \
                    fractions[1] is not None and fractions[3] is not None and fractions[1] + fractions[3] >= 1:
                return True
        return False
    if shape in ("circle", "ellipse"):
        radii = args.split(" at ")[0].split()
        return bool(radii) and any(_px(r, DEFAULT_PX) == 0 or _number(r) == 0 for r in radii)
    if shape == "polygon":
        points = {tuple(p.split()) for p in args.split(",") if p.strip()}
        points = {tuple(p for p in pt if p not in ("nonzero", "evenodd")) for pt in points} - {()}
        return len(points) <= 1 or len({pt[0] for pt in points}) == 1 or len({pt[-1] for pt in points}) == 1
    if shape == "xywh":
        values = args.split()
        return len(values) >= 4 and any(_px(v, DEFAULT_PX) == 0 or _number(v) == 0 for v in values[2:4])
    return False


def _transform_hidden(own: dict[str, str]) -> bool:
    """Moved off the screen (left, up, past the right edge), scaled to nothing or turned edge on."""
    transform = own.get("transform", "").replace(" ,", ",").replace(", ", ",")
    for m in re.finditer(r"(translate(?:x|y|3d)?|scale(?:x|y|3d)?|matrix|rotate(?:x|y))\(([^)]*)\)", transform):
        fn, args = m.group(1), [a.strip() for a in re.split(r"[,\s]+", m.group(2).strip()) if a.strip()]
        if fn.startswith("translate") and args:
            dx, dy = (args[0], None) if fn in ("translate", "translatex", "translate3d") else (None, args[0])
            if fn in ("translate", "translate3d") and len(args) > 1:
                dy = args[1]
            x = _px(dx, DEFAULT_PX) if dx and not dx.endswith("%") else None
            y = _px(dy, DEFAULT_PX) if dy and not dy.endswith("%") else None
            if any(v is not None and abs(v) >= MOVED for v in (x, y)):
                return True
        elif fn.startswith("scale"):
            factors = [_number(a) for a in args[:2]]
            if any(f is not None and abs(f) < GONE for f in factors):
                return True
        elif fn == "matrix" and len(args) == 6:
            a, b, c, d, e, f = (_number(v) for v in args)
            if None not in (a, b, c, d) and abs(a * d - b * c) < GONE * GONE:  # type: ignore[operator]
                return True
            if any(v is not None and abs(v) >= MOVED for v in (e, f)):
                return True
        elif fn in ("rotatex", "rotatey") and args:
            import math

            angle = _angle(args[0])
            if angle is not None and abs(math.cos(math.radians(angle))) < GONE:
                return True
    translate = own.get("translate", "").split()
    if translate:
        x = _px(translate[0], DEFAULT_PX) if not translate[0].endswith("%") else None
        y = _px(translate[1], DEFAULT_PX) if len(translate) > 1 and not translate[1].endswith("%") else None
        if any(v is not None and abs(v) >= MOVED for v in (x, y)):
            return True
    scale = own.get("scale", "").split()
    return any(f is not None and abs(f) < GONE for f in map(_number, scale[:2]))


def _opacity(own: dict[str, str]) -> float:
    """How much of the element shows through ``opacity`` and ``filter: opacity()`` (1: all)."""
    alpha = 1.0
    value = _number(own.get("opacity", ""))
    if value is not None:
        alpha *= max(0.0, min(1.0, value))
    for m in re.finditer(r"opacity\(\s*([^)]*)\)", own.get("filter", "")):
        value = _number(m.group(1)) if m.group(1).strip() else 1.0
        if value is not None:
            alpha *= max(0.0, min(1.0, value))
    return alpha


def _box_hidden(own: dict[str, str], tag: str | None = None) -> bool:
    """Declared values that keep an element (and all it holds) off the screen."""
    if own.get("display") == "none" or own.get("content-visibility") == "hidden":
        return True
    if tag in ("tr", "tbody", "thead", "tfoot", "colgroup", "col") and own.get("visibility") == "collapse":
        return True
    if _opacity(own) < GONE:
        return True
    if _offset_hidden(own) or _clip_hidden(own) or _transform_hidden(own):
        return True
    overflow = own.get("overflow", "").split()
    clips_x = own.get("overflow-x", overflow[0] if overflow else "") in ("hidden", "clip")
    clips_y = own.get("overflow-y", overflow[-1] if overflow else "") in ("hidden", "clip")
    for side, clipped in (("height", clips_y), ("max-height", clips_y), ("width", clips_x), ("max-width", clips_x)):
        if clipped:
            px = _px(own.get(side, ""), DEFAULT_PX)
            if px is not None and px <= SLIVER:
                return True
    return False


SLIVER = 2  # px: a box this high or wide that clips what overflows shows no readable text


@dataclass(frozen=True)
class Inherited:
    hidden: bool = False  # visibility:hidden, or text pushed out of its box
    px: float | None = DEFAULT_PX  # font size (None: not known)
    colour: object = visible.BLACK  # an RGB triple, "transparent", or None when not known
    behind: object = visible.WHITE  # the background the text is drawn on (None: not known)
    fill: object = None  # -webkit-text-fill-color (None: the colour)
    zoom: float = 1.0  # the zoom of the element and its ancestors together
    alpha: float = 1.0  # the opacity of the element and its ancestors together
    variables: dict = field(default_factory=dict, hash=False, compare=False)  # custom properties
    root_px: float = DEFAULT_PX  # the root element's font size (what ``rem`` stands for)


def _child_state(state: Inherited, own: dict[str, str], variables: dict | None = None,
                 root: bool = False) -> Inherited:
    hidden, px, colour, behind = state.hidden, state.px, state.colour, state.behind
    fill, zoom, alpha = state.fill, state.zoom, state.alpha
    vis = own.get("visibility")
    if vis in ("hidden", "collapse"):
        hidden = True
    elif vis == "visible":
        hidden = False
    if "text-indent" in own:
        indent = _px(own["text-indent"], px if px is not None else DEFAULT_PX, state.root_px)
        hidden = hidden or indent is not None and (indent <= FAR or indent >= VIEWPORT)
    root_px = state.root_px
    if "font-size" in own and own["font-size"] != "inherit":
        base = px if px is not None else DEFAULT_PX
        px = _px(own["font-size"], base, DEFAULT_PX if root else root_px)
    if root and px is not None:
        root_px = px
    if "zoom" in own:
        z = _number(own["zoom"])
        if z is not None and z > 0:  # zoom: 0 is taken as 1
            zoom *= z
    if "color" in own and own["color"] not in ("inherit", "currentcolor"):
        colour = visible.css_colour(own["color"])
    if "-webkit-text-fill-color" in own:
        value = own["-webkit-text-fill-color"]
        fill = None if value in ("currentcolor", "initial", "unset") else \
            fill if value == "inherit" else visible.css_colour(value) or "unknown"
    if "background-color" in own:
        bg = _background(own["background-color"])
        if bg != "transparent":
            behind = bg
    alpha *= _opacity(own)
    return Inherited(hidden, px, colour, behind, fill, zoom, alpha,
                     variables if variables is not None else state.variables, root_px)


def _text_hidden(state: Inherited) -> bool:
    if state.hidden:
        return True
    if state.px is not None and state.px * state.zoom * 0.75 < visible.MIN_PT:
        return True
    colour = state.colour if state.fill is None else (None if state.fill == "unknown" else state.fill)
    if colour == "transparent":
        return True
    return isinstance(colour, tuple) and isinstance(state.behind, tuple) and visible.same_colour(colour, state.behind)


def strip_unseen(root, sheet: Sheet) -> int:
    """Remove from a parsed page (BeautifulSoup) what a person does not see: elements not
    displayed, with their content, and text that cannot be seen. Returns the number of removals."""
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString

    matcher = Matcher(sheet)
    memo: dict = {}
    removed = 0
    stack: list[tuple[Tag, Inherited]] = [(root, Inherited())]
    while stack:
        el, state = stack.pop()
        declared = matcher.computed(el) if el.name != "[document]" else {}
        variables = custom_properties(declared, state.variables, matcher._tick, memo) if declared else state.variables
        own = finish(declared, variables, matcher._tick) if declared else {}
        if el is not root and (el.has_attr("hidden") or _box_hidden(own, el.name)
                               or el.name == "dialog" and not el.has_attr("open")):
            el.decompose()
            removed += 1
            continue
        is_root = el.name == "html" and el.parent is not None and el.parent.name == "[document]"
        mine = _child_state(state, own, variables, is_root) if own or variables is not state.variables or is_root \
            else state
        if mine.alpha < GONE:  # ancestors' opacities together leave nothing to see
            el.decompose()
            removed += 1
            continue
        if el.name == "details" and not el.has_attr("open"):
            removed += _close_details(el)
        hide_text = _text_hidden(mine)
        for child in list(el.children):
            if isinstance(child, Tag):
                stack.append((child, mine))
            elif hide_text and isinstance(child, NavigableString) and not isinstance(child, PreformattedString) \
                    and child.strip():
                child.extract()
                removed += 1
    return removed


def _close_details(el) -> int:
    """A closed ``<details>`` shows its first ``<summary>`` only; the rest of it goes."""
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString

    removed = 0
    summary = el.find("summary", recursive=False)
    for child in list(el.children):
        if child is summary:
            continue
        if isinstance(child, Tag):
            child.decompose()
            removed += 1
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString) and child.strip():
            child.extract()
            removed += 1
    return removed


# ------------------------------------------------------------------ before parsing

_INLINE_STYLE = re.compile(r"""\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_FONT_COLOUR = re.compile(r"""<font\b[^>]*\bcolor\s*=""", re.I)
_BGCOLOR = re.compile(r"""\bbgcolor\s*=|<body\b[^>]*\btext\s*=""", re.I)


def hiding_kinds(own: dict[str, str]) -> set[str]:
    """The ways these declared values may leave text unseen: ``box`` (not displayed, off the
    screen), ``text`` (hidden, tiny or pushed-out text), ``colour`` (transparent or light text, unseen
    on the white page, or a background that is not white, hiding text of its colour). A value
    taken from a custom property (``var()``) may hide in its property's way."""
    kinds = set()
    for kind, props in (("box", BOX), ("text", TEXT), ("colour", COLOUR)):
        if any("var(" in own.get(p, "") for p in props):
            kinds.add(kind)
    if _box_hidden(own, "tr") or _opacity(own) < 1:
        kinds.add("box")
    size = own.get("font-size") or (_font_size_of_font(own["font"]) if "font" in own else None)
    px = _px(size, DEFAULT_PX) if size is not None else None
    indent = _px(own.get("text-indent", ""), DEFAULT_PX)
    zoom = _number(own.get("zoom", ""))
    if own.get("visibility") in ("hidden", "collapse") or indent is not None and (indent <= FAR or indent >= VIEWPORT) \
            or px is not None and px * 0.75 < visible.MIN_PT or "rem" in (size or "") or zoom is not None and zoom < 1:
        kinds.add("text")
    for name in ("color", "-webkit-text-fill-color"):
        if name in own:
            c = visible.css_colour(own[name])
            if c == "transparent" or isinstance(c, tuple) and min(c) >= LIGHT:
                kinds.add("colour")
    for name in ("background-color", "background"):
        if name in own:
            bg = _background(own[name])
            if isinstance(bg, tuple) and min(bg) < 255 - visible.NEAR:
                kinds.add("colour")
    return kinds


def declared_kinds(own: dict[str, str]) -> set[str]:
    """The kinds (see ``hiding_kinds``) whose properties these values set, hiding or showing."""
    if any(name.startswith("--") for name in own):  # a custom property may feed any property
        return {"box", "text", "colour"}
    return {kind for kind, props in (("box", BOX), ("text", TEXT), ("colour", COLOUR)) if any(p in own for p in props)}


@lru_cache(maxsize=4096)
def style_kinds(style: str) -> tuple[frozenset[str], frozenset[str]]:
    """(kinds it may hide by, kinds whose properties it sets) of an inline style (a page pasted from
    Word repeats a few styles on thousands of elements: each is read once)."""
    own = {k: v for k, (v, _) in declarations(style).items()}
    return frozenset(hiding_kinds(own)), frozenset(declared_kinds(own))


def page_hiding(markup: str, sheet: Sheet) -> set[str]:
    """The kinds of hiding anything on the page may do: style rules, inline styles, ``<font color>``
    and ``bgcolor``/``text`` attributes, the ``hidden`` attribute, a closed ``<details>`` or
    ``<dialog>``. A page without any needs no cascade."""
    kinds = set(sheet.hiding)
    if _FONT_COLOUR.search(markup) or _BGCOLOR.search(markup):
        kinds.add("colour")
    if re.search(r"<[^>]*\shidden[\s>=/]", markup, re.I) or re.search(r"<(?:details|dialog)\b", markup, re.I):
        kinds.add("box")
    for m in _INLINE_STYLE.finditer(markup):
        if len(kinds) == 3:
            break
        kinds |= style_kinds(m.group(1) if m.group(1) is not None else m.group(2))[0]
    return kinds

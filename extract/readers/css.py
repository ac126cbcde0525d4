"""What a browser shows of a web page: the page's own style rules resolved, enough to know which
text a person sees.

Only what hides text is computed, as a browser on a desktop screen (``VIEWPORT`` wide) would:

- an element not displayed (``display:none``, the ``hidden`` attribute, ``opacity:0``, moved off
  the screen with ``position:absolute``/``fixed`` and an offset of -1000px or more, or with
  ``transform: translate…(-1000px…)``/``scale(0)``, cut to nothing by ``clip``/``clip-path``, zero
  height or width with ``overflow:hidden``, a table row with ``visibility:collapse``) is not shown
  with everything inside it;
- text that is ``visibility:hidden`` (inherited; a child may be ``visible`` again), under 1 pt
  (``font-size:0``, sizes in px, pt, em, rem, % and keywords, through ``font`` too), transparent,
  pushed out of its box (``text-indent`` of -1000px or more), or in the colour of its background
  (the nearest ``background``/``bgcolor`` behind it, else the white page) is not seen.

Rules come from ``<style>`` elements (not ``media="print"``) and ``@media`` blocks that apply to a
desktop screen. Selectors: tag, ``.class``, ``#id``, ``*``, attributes (``[a]``, ``[a=v]``, ``~=``,
``|=``, ``^=``, ``$=``, ``*=``), the structural pseudo-classes (``:first-child``, ``:last-child``,
``:only-child``, ``:nth-child()``, ``:nth-last-child()``, ``:first-of-type``, ``:last-of-type``,
``:nth-of-type()``, ``:not()`` of one compound, ``:root``, ``:empty``, ``:link``), with the
descendant, child (``>``) and sibling (``+``, ``~``) combinators; specificity, source order and
``!important``. A state a page is not in (``:hover``, ``:focus``, ``:checked``…) never matches; a
selector with a pseudo-element (``::before``) or anything not understood is left out. Class and
id names match case-insensitively (most of these pages have no doctype, and browsers match them so
in quirks mode).

The work is bounded: at most ``MAX_RULES`` selectors, ``MAX_COMPOUNDS`` parts in one, and
``MAX_STEPS`` selector tests for a page (more is refused as ``file_too_large``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import TOO_LARGE, ExtractError
from . import visible

VIEWPORT = 1280  # px: a desktop browser
DEFAULT_PX = 16.0
MAX_RULES = 5000  # selectors kept from a page's style sheets (real pages hold a few hundred)
MAX_COMPOUNDS = 12  # parts of one selector (div > ul li a …)
MAX_MEDIA_DEPTH = 4  # @media / @supports nested in each other
MAX_STEPS = 3_000_000  # selector tests for one page
FAR = -1000  # px: an offset that puts an element off any screen
LIGHT = 180  # text whose channels are all this light may match a background (white paper included)

BOX = ("display", "opacity", "position", "left", "top", "right", "margin-left", "margin-top", "clip", "clip-path",
       "height", "width", "max-height", "max-width", "overflow", "transform")
TEXT = ("visibility", "font-size", "font", "text-indent")
COLOUR = ("color", "background", "background-color")
HIDING = BOX + TEXT + COLOUR
_KEYWORD_SIZES = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0, "x-large": 24.0,
                  "xx-large": 32.0, "xxx-large": 48.0}
_LENGTH = re.compile(r"^([+-]?\d*\.?\d+)(px|pt|pc|em|rem|ex|ch|%|mm|cm|in|q|vw|vh)?$")
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
_MEDIA_ATTR = re.compile(r"""\bmedia\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def page_sheet(markup: str) -> Sheet:
    """The rules of every ``<style>`` element of a page (read from the markup, before parsing)."""
    sheet = Sheet()
    for m in _STYLE_BLOCK.finditer(markup):
        media = _MEDIA_ATTR.search(m.group(1))
        if media and not _media_applies(next(v for v in media.groups() if v is not None)):
            continue  # <style media="print">
        _parse(_COMMENT.sub(" ", m.group(2)).replace("<!--", " ").replace("-->", " "), sheet, 0)
        if len(sheet.rules) >= MAX_RULES:
            break
    return sheet


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


def declarations(text: str, keep=HIDING) -> dict[str, tuple[str, bool]]:
    """``"color: #fff !important; font-size:0"`` → {"color": ("#fff", True), "font-size": ("0", False)}."""
    out: dict[str, tuple[str, bool]] = {}
    for decl in text.split(";"):
        name, sep, value = decl.partition(":")
        if not sep:
            continue
        name = name.strip().lower()
        if name not in keep:
            continue
        value = value.strip()
        important = bool(re.search(r"!\s*important\s*$", value, re.I))
        value = re.sub(r"!\s*important\s*$", "", value, flags=re.I).strip().lower()
        if value:
            out[name] = (value, important)
    return out


# ------------------------------------------------------------------ values

def _px(value: str, parent_px: float) -> float | None:
    v = value.strip().lower()
    if v in _KEYWORD_SIZES:
        return _KEYWORD_SIZES[v]
    if v == "smaller":
        return parent_px / 1.2
    if v == "larger":
        return parent_px * 1.2
    m = _LENGTH.match(v)
    if not m:
        return None
    n, unit = float(m.group(1)), (m.group(2) or "")
    if unit == "" and n != 0:
        return None
    return n * {"": 1, "px": 1, "pt": 4 / 3, "pc": 16, "em": parent_px, "rem": DEFAULT_PX, "ex": parent_px / 2,
                "ch": parent_px / 2, "%": parent_px / 100, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96,
                "q": 96 / 101.6, "vw": VIEWPORT / 100, "vh": 8}[unit]


def _font_size_of_font(value: str) -> str | None:
    """The size in a ``font`` shorthand: ``"bold 0/0 a"`` → ``"0"``."""
    for token in value.split():
        size = token.split("/")[0]
        if size in _KEYWORD_SIZES or size == "0" or re.match(r"^\d*\.?\d+(px|pt|pc|em|rem|ex|ch|%|mm|cm|in|q)$", size):
            return size
    return None


def _background(value: str):
    """The colour a ``background`` paints: an RGB triple, "transparent", or None when not known (an image)."""
    if "url(" in value or "gradient(" in value:
        return None
    for token in re.findall(r"rgba?\([^)]*\)|#[0-9a-f]{3,8}\b|[a-z]+", value):
        c = visible.css_colour(token)
        if c is not None:
            return c
    return "transparent" if value.strip() == "none" else None


def _far(value: str) -> bool:
    px = _px(value, DEFAULT_PX)
    return px is not None and px <= FAR


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
        """The element's own declared values of the properties that hide text, after the cascade
        (presentational attributes < style rules < inline ``style``; ``!important`` above all)."""
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
        out = {name: value for name, (_, value) in ranked.items()}
        if "font" in out and "font-size" not in out:
            size = _font_size_of_font(out["font"])
            if size is not None:
                out["font-size"] = size
        if "background" in out and "background-color" not in out:
            out["background-color"] = out["background"]
        return out


def _box_hidden(own: dict[str, str], tag: str | None = None) -> bool:
    """Declared values that keep an element (and all it holds) off the screen."""
    if own.get("display") == "none":
        return True
    if tag in ("tr", "tbody", "thead", "tfoot", "colgroup", "col") and own.get("visibility") == "collapse":
        return True
    opacity = own.get("opacity", "")
    try:
        if opacity and float(opacity.rstrip("%")) / (100 if opacity.endswith("%") else 1) < 0.05:
            return True
    except ValueError:
        pass
    if own.get("position") in ("absolute", "fixed"):
        if any(_far(own.get(side, "")) for side in ("left", "top", "right", "margin-left", "margin-top")):
            return True
        clip = own.get("clip", "")
        if clip.startswith("rect(") and all((_px(v, DEFAULT_PX) or 0) <= 1 for v in re.split(r"[\s,]+", clip[5:-1]) if v):
            return True
    transform = own.get("transform", "").replace(" ", "")
    if re.search(r"scale[xy]?\(0(?:\.0*)?[,)]", transform):
        return True
    for m in re.finditer(r"translate(?:x|y|3d)?\(([^,)]+)(?:,([^,)]+))?", transform):
        if any(v and _far(v) for v in m.groups()):
            return True
    clip_path = own.get("clip-path", "").replace(" ", "")
    if clip_path in ("inset(50%)", "circle(0)", "circle(0px)", "polygon(0000)"):
        return True
    if own.get("overflow") in ("hidden", "clip"):
        for side in ("height", "width", "max-height", "max-width"):
            px = _px(own.get(side, ""), DEFAULT_PX)
            if px is not None and px < 1:
                return True
    return False


@dataclass(frozen=True)
class Inherited:
    hidden: bool = False  # visibility:hidden, or text pushed out of its box
    px: float | None = DEFAULT_PX  # font size (None: not known)
    colour: object = visible.BLACK  # an RGB triple, "transparent", or None when not known
    behind: object = visible.WHITE  # the background the text is drawn on (None: not known)


def _child_state(state: Inherited, own: dict[str, str]) -> Inherited:
    hidden, px, colour, behind = state.hidden, state.px, state.colour, state.behind
    vis = own.get("visibility")
    if vis in ("hidden", "collapse"):
        hidden = True
    elif vis == "visible":
        hidden = False
    if "text-indent" in own:
        hidden = hidden or _far(own["text-indent"])
    if "font-size" in own and own["font-size"] != "inherit":
        px = _px(own["font-size"], px if px is not None else DEFAULT_PX)
    if "color" in own and own["color"] not in ("inherit", "currentcolor"):
        colour = visible.css_colour(own["color"])
    if "background-color" in own:
        bg = _background(own["background-color"])
        if bg != "transparent":
            behind = bg
    return Inherited(hidden, px, colour, behind)


def _text_hidden(state: Inherited) -> bool:
    if state.hidden:
        return True
    if state.px is not None and state.px * 0.75 < visible.MIN_PT:
        return True
    if state.colour == "transparent":
        return True
    return isinstance(state.colour, tuple) and isinstance(state.behind, tuple) and \
        visible.same_colour(state.colour, state.behind)


def strip_unseen(root, sheet: Sheet) -> int:
    """Remove from a parsed page (BeautifulSoup) what a person does not see: elements not
    displayed, with their content, and text that cannot be seen. Returns the number of removals."""
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString

    matcher = Matcher(sheet)
    removed = 0
    stack: list[tuple[Tag, Inherited]] = [(root, Inherited())]
    while stack:
        el, state = stack.pop()
        own = matcher.computed(el) if el.name != "[document]" else {}
        if el is not root and (el.has_attr("hidden") or _box_hidden(own, el.name)):
            el.decompose()
            removed += 1
            continue
        mine = _child_state(state, own) if own else state
        hide_text = _text_hidden(mine)
        for child in list(el.children):
            if isinstance(child, Tag):
                stack.append((child, mine))
            elif hide_text and isinstance(child, NavigableString) and not isinstance(child, PreformattedString) \
                    and child.strip():
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
    on the white page, or a background that is not white, hiding text of its colour)."""
    kinds = set()
    if _box_hidden(own, "tr"):
        kinds.add("box")
    size = own.get("font-size") or (_font_size_of_font(own["font"]) if "font" in own else None)
    px = _px(size, DEFAULT_PX) if size is not None else None
    if own.get("visibility") in ("hidden", "collapse") or _far(own.get("text-indent", "")) or \
            px is not None and px * 0.75 < visible.MIN_PT:
        kinds.add("text")
    if "color" in own:
        c = visible.css_colour(own["color"])
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
    return {kind for kind, props in (("box", BOX), ("text", TEXT), ("colour", COLOUR)) if any(p in own for p in props)}


def style_kinds(style: str) -> tuple[set[str], set[str]]:
    """(kinds it may hide by, kinds whose properties it sets) of an inline style."""
    own = {k: v for k, (v, _) in declarations(style).items()}
    return hiding_kinds(own), declared_kinds(own)


def page_hiding(markup: str, sheet: Sheet) -> set[str]:
    """The kinds of hiding anything on the page may do: style rules, inline styles, ``<font color>``
    and ``bgcolor``/``text`` attributes, the ``hidden`` attribute. A page without any needs no cascade."""
    kinds = set(sheet.hiding)
    if _FONT_COLOUR.search(markup) or _BGCOLOR.search(markup):
        kinds.add("colour")
    if re.search(r"<[^>]*\shidden[\s>=/]", markup, re.I):
        kinds.add("box")
    for m in _INLINE_STYLE.finditer(markup):
        if len(kinds) == 3:
            break
        kinds |= style_kinds(m.group(1) if m.group(1) is not None else m.group(2))[0]
    return kinds

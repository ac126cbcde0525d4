"""Web pages: a government site's article page, saved or scraped, often with Word-pasted markup.

Steps:
1. ``decode_html``: a byte-order mark, else strict UTF-8, else the charset the page declares
   (``<meta charset>``; GBK and GB2312 read as their superset GB18030), else detection.
2. ``page_properties``: the page's metadata table (名称, 索引号, 发布机构, 公开日期, 文号 …), its
   ``<meta name="ArticleTitle|PubDate|ContentSource">`` tags, a scraper's ``标题：…`` lines and
   ``<title>`` become properties; the metadata tables are taken out of the page.
3. ``content_root``: the element holding the report: going down from ``<body>`` while one child
   holds most of the page's non-link text, then widened to take in the report's title.
4. ``drop_chrome``: breadcrumbs, share and print bars, menus, sidebars and footers inside it.
5. ``Flow``: the content in document order. Each block element and ``<br>`` ends a line; each
   line becomes a Paragraph (whitespace as a browser shows it, ``&nbsp;`` a space). A data table
   becomes a Table (``rowspan``/``colspan`` placed and repaired by ``grid``); a layout table
   (a frame around content) is read as the content of its cells.
"""
from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from ..document import Document, Paragraph
from ..errors import CORRUPT, EMPTY_FILE, TOO_LARGE, ExtractError
from ..textnorm import nfkc, plain, squash
from . import css, properties
from .detect import MHTML
from ..textnorm import strip_invisible
from .encoding import BOMS, Decoded, decode_text, max_replaced, replaced_note, tolerant
from .grid import MAX_CELLS, RawCell, is_layout, repair_spans, to_table, too_big
from .hints import NO_HINTS, Hints
from .inline import clean_line, join_wrapped, superscript

# ------------------------------------------------------------------ 1. bytes to text

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_CHARSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030",
             "euc-cn": "gb18030", "cp936": "gb18030", "windows-936": "gb18030", "utf8": "utf-8", "unicode": "utf-8",
             "big5-hkscs": "big5hkscs"}


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:16384])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    name = _CHARSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str]:
    text, enc, _ = decode_page(data)
    return text, enc


def decode_page(data: bytes) -> Decoded:
    """The page's text, encoding and notes of repairs (bytes replaced in a damaged page)."""
    if any(data.startswith(bom) for bom, _ in BOMS):
        return decode_text(data)
    try:
        return Decoded(strip_invisible(data.decode("utf-8")), "utf-8", [])
    except UnicodeDecodeError:
        pass
    enc = declared_charset(data)
    if enc:
        text, bad = tolerant(data, enc)
        if bad <= max_replaced(len(data)):  # a few damaged characters, not a wrong charset
            return Decoded(strip_invisible(text), enc, [replaced_note(bad, enc)] if bad else [])
    return decode_text(data)


# ------------------------------------------------------------------ 2. page metadata

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "button", "select",
         "textarea", "input", "map", "audio", "video", "link", "head", "title")
_META_NAMES = {"articletitle": "title", "pubdate": "published", "publishdate": "published",
               "firstpublishedtime": "published", "contentsource": "publisher", "dc.title": "title"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td",
          "th", "tbody", "thead", "tfoot", "caption", "blockquote", "section", "article", "header", "footer", "nav",
          "aside", "main", "pre", "center", "address", "figure", "figcaption", "hr", "form", "fieldset", "body",
          "html", "title", "legend", "details", "summary"}


def _tags(el: Tag) -> list[Tag]:
    """The elements under ``el`` in document order: ``el.find_all(True)`` without bs4's matching
    machinery, which it runs on every element (a page's walks cost it a fifth of its reading)."""
    return [d for d in el.descendants if isinstance(d, Tag)]


def _named(el: Tag, *names: str) -> list[Tag]:
    """``el.find_all(names)``, as ``_tags``."""
    return [d for d in el.descendants if isinstance(d, Tag) and d.name in names]


def _first(el: Tag, *names: str) -> Tag | None:
    """``el.find(names)``, as ``_tags``."""
    return next((d for d in el.descendants if isinstance(d, Tag) and d.name in names), None)


def _children(el: Tag, *names: str) -> list[Tag]:
    """``el.find_all(names, recursive=False)``, as ``_tags``."""
    return [c for c in el.children if isinstance(c, Tag) and c.name in names]


def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in _named(table, "tr") if _nearest(tr, "table") is table]


def _cells(tr: Tag) -> list[Tag]:
    return _children(tr, "td", "th")


def _property_pairs(table: Tag) -> list[tuple[str, str]] | None:
    """``[(key, value)]`` of a page's metadata table, or None when the table is not one."""
    if _first(table, "table") is not None:
        return None
    rows = _own_rows(table)
    if not rows or len(rows) > 14:
        return None
    pairs, keys = [], 0
    for tr in rows:
        texts = [clean_line(td.get_text(" ")) for td in _cells(tr)]
        i = 0
        while i < len(texts):
            word = texts[i].rstrip(":：").strip()
            if word and properties.is_info_key(word):
                keys += 1
                key = properties.property_key(word)
                if key and i + 1 < len(texts):
                    pairs.append((key, texts[i + 1]))
                i += 2
                continue
            kv = properties.key_values(texts[i]) if texts[i] else None
            if kv is not None:
                keys += 1
                pairs.extend(kv)
            i += 1
    return pairs if keys >= 2 else None


def _nearest(el: Tag, name: str) -> Tag | None:
    """``el.find_parent(name)`` as a plain walk up (bs4's runs its matching machinery on every ancestor)."""
    for up in el.parents:
        if up.name == name:
            return up
    return None


def _gone(el: Tag) -> bool:
    """``el.decomposed`` without its cost: bs4 looks the flag up through ``Tag.__getattr__``, which for
    an element never decomposed searches the whole subtree for a tag named ``_decomposed``."""
    return vars(el).get("_decomposed", False)


def _leaf_blocks(root: Tag) -> list[Tag]:
    """Block elements under ``root`` with no block element inside, in document order (one pass from the
    last element back: each element's children are settled before it)."""
    elements = _tags(root)
    below: dict[int, bool] = {}  # id → a block element somewhere under it
    for el in reversed(elements):
        below[id(el)] = any(c.name in _BLOCK or below.get(id(c), False) for c in el.children if isinstance(c, Tag))
    return [el for el in elements if el.name in _BLOCK and not below[id(el)]]


def page_properties(soup: BeautifulSoup) -> dict[str, str]:
    """Properties the page states, most trusted first; metadata tables are removed from the page."""
    props: dict[str, str] = {}
    for table in _named(soup, "table"):
        if _gone(table):
            continue
        pairs = _property_pairs(table)
        if pairs is not None:
            for key, value in pairs:
                properties.merge(props, key, value)
            table.decompose()
    for meta in _named(soup, "meta"):
        key = _META_NAMES.get(str(meta.get("name", "")).lower())
        if key and meta.get("content"):
            properties.merge(props, key, clean_line(str(meta["content"])))
    return props


def _info_lines(body: Tag, root: Tag, props: dict[str, str]) -> None:
    """Key：value lines outside the report (a scraper's header, the article's date bar) are metadata."""
    inside = {id(el) for el in _tags(root)} | {id(root)}
    for leaf in _leaf_blocks(body):
        if id(leaf) in inside:
            continue
        text = clean_line(leaf.get_text(" "))
        kv = properties.key_values(text) if len(text) <= 200 else None
        for key, value in kv or ():
            properties.merge(props, key, value)


# ------------------------------------------------------------------ 3. the element holding the report

_CJK_OR_DIGIT = re.compile(r"[\u4e00-\u9fff0-9]")


def _weights(root: Tag) -> dict[int, int]:
    """Non-link characters (Chinese and digits) under each element, by ``id``."""
    weights: dict[int, int] = {}

    def walk(el: Tag, in_link: bool) -> int:
        total = 0
        link = in_link or el.name == "a"
        for child in el.children:
            if isinstance(child, Tag):
                if not _hidden(child):
                    total += walk(child, link)
            elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString) and not link:
                total += len(_CJK_OR_DIGIT.findall(str(child)))
        weights[id(el)] = total
        return total

    walk(root, False)
    return weights


def _ancestors(el: Tag) -> list[Tag]:
    return [el] + list(el.parents)


def _title_element(body: Tag, root: Tag, hints: Hints) -> Tag | None:
    """The report's title line: inside the root if there, else the nearest one before it."""
    if hints.title_rx is None:
        return None
    order = {id(el): i for i, el in enumerate(_tags(body))}
    inside = {id(el) for el in _tags(root)}
    before = None
    for el in _leaf_blocks(body):
        if _nearest(el, "a") is not None:
            continue
        text = clean_line(el.get_text(""))
        if not (6 <= len(text) <= 80) or not hints.title_rx.search(squash(nfkc(text))) or re.search(r"[。，；;,]", text) \
                or properties.key_values(text) is not None:
            continue  # a title is one short line naming the report, not a sentence or a key：value line
        if id(el) in inside:
            return el
        if order[id(el)] < order.get(id(root), 0):
            before = el
    return before


def _report_tables(el: Tag, hints: Hints) -> set[int]:
    """Tables holding a column word of the national tables (本年制发件数, 自然人 …): the report's (``el``
    itself when it is one)."""
    out = set()
    for table in ([el] if el.name == "table" else []) + _named(el, "table"):
        text = plain(table.get_text(""))
        if any(word in text for word in hints.table_words):
            out.add(id(table))
    return out


def content_root(body: Tag, hints: Hints = NO_HINTS) -> Tag:
    """Down from ``body`` while one child holds most of the non-link text, holds block elements (it
    is not a single line) and holds every table of the report's words; then widened to the title."""
    weights = _weights(body)
    total = weights[id(body)] or 1
    # the report's tables, each with the elements it is under
    holders = [{id(a) for a in table.parents} for table in _named(body, "table") if id(table) in _report_tables(table, hints)]
    node = body
    while True:
        kids = [c for c in node.children if isinstance(c, Tag)]
        best = max(kids, key=lambda c: weights.get(id(c), 0), default=None)
        if best is None or weights.get(id(best), 0) < 0.6 * total:
            break
        if _first(best, *_BLOCK) is None or any(id(node) in up and id(best) not in up for up in holders):
            break  # a single line, or a table of the report would be left behind
        node = best
    title = _title_element(body, node, hints)
    if title is not None and node not in _ancestors(title):
        mine = _ancestors(node)
        node = next(a for a in _ancestors(title) if a in mine)
    return node


# ------------------------------------------------------------------ 4. site chrome

_CHROME = re.compile(r"bread|crumb|dqwz|weizhi|location|position|share|bdshare|jiathis|fenxiang|print|close|"
                     r"toolbar|tool-bar|(?:^|[-_])nav|menu|footer|(?:^|[-_])foot|sidebar|(?:^|[-_])side|related|"
                     r"xggj|pager|prevnext|prev-next|qrcode|ewm|erweima|fontsize|font-size|zihao|wza|copyright",
                     re.I)
_CHROME_TAGS = ("nav", "aside", "footer", "header")
_CHROME_LINE = re.compile(r"^(?:[【\[]?\s*(?:打印本?页?|关闭(?:本页|窗口)?|返回顶部|收藏|分享到?[:：]?|保存|字[体号][:：]?\s*[大中小\s]*"
                          r"|上一篇.*|下一篇.*|扫一扫.*|当前位置[:：].*|您现在的位置[:：].*|浏览次数.*|阅读次数.*)\s*[】\]]?\s*)+$")


def _chrome_words(el: Tag) -> str:
    return " ".join([str(el.get("id", ""))] + [str(c) for c in el.get("class", [])])


def drop_chrome(root: Tag, title: Tag | None) -> None:
    """Remove chrome elements (by tag, class or id) that hold little text and no table, never the title's."""
    weights = _weights(root)
    keep = {id(a) for a in _ancestors(title)} if title is not None else set()
    for el in _tags(root):
        if _gone(el) or id(el) in keep:
            continue
        if el.name in _CHROME_TAGS or _CHROME.search(_chrome_words(el)):
            if weights.get(id(el), 0) < 300 and _first(el, "table") is None and (title is None or title not in el.descendants):
                el.decompose()


def _hidden(el: Tag) -> bool:
    style = str(el.get("style", "")).replace(" ", "").lower()
    return el.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style


# ------------------------------------------------------------------ 5. blocks in reading order

class Flow:
    """Walks elements in document order, turning text runs into lines and tables into Tables."""

    def __init__(self) -> None:
        self.blocks: list = []
        self.buf: list[str] = []
        self.notes: list[str] = []

    def brk(self) -> None:
        if self.buf:
            line = clean_line("".join(self.buf))
            self.buf = []
            if line and not (len(line) <= 60 and _CHROME_LINE.match(line)):
                self.blocks.append(Paragraph(line))

    def walk(self, el: Tag) -> None:
        for child in el.children:
            if isinstance(child, Tag):
                self.element(child)
            elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
                self.buf.append(str(child))

    def element(self, el: Tag) -> None:
        name = el.name
        if name in _DROP or _hidden(el):
            return
        if name == "br":
            self.brk()
        elif name == "sup":
            self.buf.append(superscript(el.get_text("")))
        elif name == "table":
            self.brk()
            self.table(el)
        elif name == "pre":
            self.brk()
            for line in el.get_text("").split("\n"):
                self.buf.append(line)
                self.brk()
        elif name in _BLOCK:
            self.brk()
            self.walk(el)
            self.brk()
        else:
            self.walk(el)

    def cell_text(self, td: Tag) -> str:
        inner = Flow()
        inner.walk(td)
        inner.brk()
        return join_wrapped([b.text for b in inner.blocks if isinstance(b, Paragraph)])

    def table(self, el: Tag) -> None:
        caption = next(iter(_children(el, "caption")), None)
        if caption is not None:
            self.walk(caption)
            self.brk()
            caption.decompose()
        rows = [[td for td in _cells(tr) if not _hidden(td)] for tr in _own_rows(el)]
        if not any(rows):
            return
        shape = _shape(rows)
        why = too_big(shape)
        if why is not None:
            self.notes.append(f"a table of {why} was left out (more than any report's table)")
            return
        texts = [[self.cell_text(td) for td in row] for row in rows]
        if is_layout([t for t in texts if t], _first(el, "table") is not None):
            for row in rows:
                for td in row:
                    self.walk(td)
                    self.brk()
            return
        raw = [[RawCell(text, c.rowspan, c.colspan) for c, text in zip(srow, trow)] for srow, trow in zip(shape, texts)]
        placed, notes = repair_spans(raw)
        self.notes.extend(notes)
        self.blocks.append(to_table(placed))


def _span(td: Tag, attr: str) -> int:
    m = re.match(r"\s*(\d{1,9})", str(td.get(attr, "1")))
    return min(int(m.group(1)), 1000) if m else 1


WIDE = 20  # no form merges more columns than this; a wider colspan reaches the table's right edge


def _shape(rows: list[list[Tag]]) -> list[list[RawCell]]:
    """The rows' declared spans; a colspan wider than the table (``colspan="1000"``) is cut to its width."""
    spans = [[(_span(td, "rowspan"), _span(td, "colspan")) for td in row] for row in rows]
    width = max((sum(min(cs, WIDE) for _, cs in row) for row in spans), default=1)
    return [[RawCell("", rs, min(cs, max(width, 1))) for rs, cs in row] for row in spans]


# ------------------------------------------------------------------ reader

def mhtml_page(data: bytes) -> bytes | None:
    """The HTML part of a single-file web page (.mht, also Word's "web page" saved as .doc), or None."""
    if not MHTML.match(data[:2048]):
        return None
    import email
    from email import policy

    msg = email.message_from_bytes(data, policy=policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset and not declared_charset(payload):
                payload = f'<meta charset="{charset}">'.encode("ascii") + payload
            return payload
    return None


def read_html(data: bytes, source: str, hints: Hints = NO_HINTS, fmt: str = "html") -> Document:
    data = mhtml_page(data) or data
    text, encoding, repaired = decode_page(data)
    blocks, props, notes = html_blocks(text, hints)
    notes = repaired + notes
    if not blocks:
        raise ExtractError(EMPTY_FILE, "the web page shows no text (it may load its content with JavaScript; "
                           "save the page after it has loaded, or save its text)")
    return Document(source=source, format=fmt, blocks=blocks, properties=props, encoding=encoding, warnings=notes,
                    layout="html")


_INLINE_TAG = re.compile(r"</?(?:span|font|o:p|b|i|u|strong|em|small|big|st1:\w+)(?:\s[^>]*)?>", re.I)
_HIDING = re.compile(r"display|hidden|visibility|mso-hide", re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID = {"br", "img", "meta", "link", "input", "hr", "col", "area", "base", "wbr", "param", "source", "track", "embed"}
_WRAPPER = re.compile(r"</?(?:div|section|article|center|blockquote|main|header|footer|nav|aside)(?:\s[^>]*)?>", re.I)
_ATTR_NAMES = re.compile(r"\s([\w:-]+)(?=\s*=|[\s>/])")
_ATTRS = re.compile(r"""\b(style|class|id|color)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
MAX_DEPTH = 200
LONG_ATTR = 4096  # characters: longer attribute values (data: URLs of images, fonts) carry no text
# void elements a browser never lets hold content, but libxml2's parser does: ``<embed src=…>``
# without a slash would swallow the rest of the page (and be dropped with it)
_UNKNOWN_VOID = re.compile(r"</?(?:embed|source|track|wbr|keygen|bgsound)\b[^>]*>", re.I)
_LONG_ATTR = re.compile(r"""(=\s*)(?:"[^"]{%d,}"|'[^']{%d,}'|[^\s"'<>]{%d,})""" % ((LONG_ATTR,) * 3))
MAX_TAGS = 150_000  # elements left after simplify_markup; a report page holds a few thousand


def bound_markup(text: str) -> str:
    """Before parsing: attribute values longer than ``LONG_ATTR`` emptied (a 20 MB ``data:`` URL
    costs the parser its memory and gives no text), void elements libxml2 does not know removed."""
    text = _LONG_ATTR.sub(r'\1""', text)
    return _UNKNOWN_VOID.sub("", text)


def _depth(text: str) -> int:
    depth = deepest = 0
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name in _VOID or m.group(3):
            continue
        depth = max(0, depth - 1) if m.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _styled(tag: str, sheet: css.Sheet, kinds: set[str], named: set[str]) -> bool:
    """A formatting tag that may change what is seen, on a page that may hide text in these
    ``kinds`` of ways: its style sets properties of one of them (hiding or showing again), it has a
    colour, or a style rule that sets them names its tag, class, id or an attribute it has (any tag,
    for a rule that applies to any element)."""
    m = re.match(r"</?([\w:]+)", tag)
    if m and m.group(1).lower() in named or kinds & sheet.universal:
        return True
    if any("@" + a.lower() in named for a in _ATTR_NAMES.findall(tag)):
        return True
    for a in _ATTRS.finditer(tag):
        name, value = a.group(1).lower(), next(v for v in a.groups()[1:] if v is not None)
        if name == "color" and "colour" in kinds or name == "style" and css.style_kinds(value)[1] & kinds:
            return True
        if name in ("class", "id") and any(v.lower() in named for v in value.split()):
            return True
    return False


def simplify_markup(text: str, sheet: css.Sheet | None = None, kinds: set[str] | frozenset = frozenset()) -> str:
    """Tags that only format text carry no structure: Word-pasted pages hold hundreds of thousands
    of ``<span>``/``<font>``, which cost time and memory; they go, unless they may change what is
    seen (``_styled``: on a page where something may hide text in ``kinds`` of ways; ``sheet``
    holds its style rules). Wrappers nested deeper than any real page (a hostile 10,000 levels)
    become line breaks."""
    named = sheet.named(set(kinds)) if sheet is not None else set()

    def keep(m: re.Match) -> str:
        tag = m.group(0)
        return tag if _HIDING.search(tag) or kinds and sheet is not None and _styled(tag, sheet, set(kinds), named) \
            else ""

    text = _INLINE_TAG.sub(keep, text)
    if _depth(text) > MAX_DEPTH:
        text = _WRAPPER.sub("<br>", text)
    return text


def prune_tables(text: str, notes: list[str]) -> str:
    """A page with more elements than ``MAX_TAGS``: tables bigger than any report's table (a million
    ``<td>``) are taken out before the page is parsed into Python objects; a page still that big is
    refused."""
    import lxml.etree as etree
    import lxml.html

    root = lxml.html.document_fromstring(text)
    for table in list(root.iter("table")):
        cells = sum(1 for _ in table.iter("td", "th"))
        if cells > MAX_CELLS and table.getparent() is not None:
            notes.append(f"a table of {cells:,} cells was left out (more than any report's table)")
            table.getparent().remove(table)
    elements = sum(1 for _ in root.iter())
    if elements > MAX_TAGS:
        raise ExtractError(TOO_LARGE, f"the web page holds {elements:,} elements, more than any report page "
                           f"(the limit is {MAX_TAGS:,}); save the report's own text and read that")
    return etree.tostring(root, encoding="unicode", method="html")


def html_blocks(text: str, hints: Hints = NO_HINTS) -> tuple[list, dict[str, str], list[str]]:
    """Blocks, properties and repair notes of an HTML text (also used for Word's embedded HTML chunks)."""
    try:
        return _html_blocks(text, hints)
    except RecursionError as exc:
        raise ExtractError(CORRUPT, f"the page nests its elements more than {MAX_DEPTH} levels deep in a way that "
                           "cannot be flattened; save its text and read that") from exc


def _html_blocks(text: str, hints: Hints) -> tuple[list, dict[str, str], list[str]]:
    notes: list[str] = []
    sheet = css.page_sheet(text)  # before long attributes go: a data: style sheet may be long
    text = bound_markup(text)
    kinds = css.page_hiding(text, sheet)
    hides = bool(kinds)
    text = simplify_markup(text, sheet, kinds)
    if text.count("<") > MAX_TAGS:
        text = prune_tables(text, notes)
    soup = BeautifulSoup(text, "lxml")
    page_title = clean_line(soup.title.get_text(" ")) if soup.title else ""
    for el in _named(soup, *_DROP):
        el.decompose()
    if hides:
        css.strip_unseen(soup, sheet)  # what a browser does not show is not read
    props = page_properties(soup)
    body = soup.body or soup
    root = content_root(body, hints)
    title = _title_element(body, root, hints)
    _info_lines(body, root, props)
    _leading_info(root, title, props)
    drop_chrome(root, title)
    if page_title:
        properties.merge(props, "title", page_title)
    flow = Flow()
    flow.element(root)
    flow.brk()
    return flow.blocks, props, notes + flow.notes


def _leading_info(root: Tag, title: Tag | None, props: dict[str, str]) -> None:
    """Information lines at the top of the report's element, before its first table or paragraph of prose."""
    for n, leaf in enumerate(list(_leaf_blocks(root))):
        if n >= 12 or _gone(leaf):
            break
        if leaf.name in ("td", "th", "tr", "table") or _nearest(leaf, "table") is not None:
            break
        text = clean_line(leaf.get_text(" "))
        if not text or (title is not None and (leaf is title or title in leaf.descendants)):
            continue
        kv = properties.key_values(text) if len(text) <= 200 else None
        if kv is not None:
            for key, value in kv:
                properties.merge(props, key, value)
            leaf.decompose()
        elif len(text) > 80:
            break

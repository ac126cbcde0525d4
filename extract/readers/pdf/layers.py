"""Optional content (layers): which of a PDF's layers a viewer shows.

PDFium marks each page object drawn inside a layer (``/OC … BDC``) with the layer's name, but
gives its text to the text page whether the layer is shown or not, and says nothing about the
document's layer settings. Those (``/OCProperties /D``: ``/BaseState``, ``/ON``, ``/OFF``) are
read here with pdfminer, once, and only for a PDF that has layers.

A layer is hidden when its default state is off. When two layers share a name and one of them is
hidden, the name counts as hidden: text a person may not see is never read.
"""
from __future__ import annotations

import io


def _name(group) -> str:
    """A layer's /Name as PDFium gives it (text strings are PDFDocEncoding or UTF-16 with a BOM)."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    group = resolve1(group)
    name = resolve1(group.get("Name")) if isinstance(group, dict) else None
    if isinstance(name, bytes):
        return decode_text(name)
    return str(name) if name is not None else ""


def hidden_layer_names(data: bytes) -> frozenset[str]:
    """Names of the layers a viewer hides by default (empty when the PDF has none or they cannot be read)."""
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser
        from pdfminer.pdftypes import resolve1

        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        props = resolve1(doc.catalog.get("OCProperties"))
        if not isinstance(props, dict):
            return frozenset()
        groups = resolve1(props.get("OCGs")) or []
        config = resolve1(props.get("D")) or {}
        base_off = str(resolve1(config.get("BaseState", ""))).strip("/'").endswith("OFF")
        ids = lambda key: {getattr(x, "objid", id(x)) for x in (resolve1(config.get(key)) or [])}  # noqa: E731
        on, off = ids("ON"), ids("OFF")
        hidden = set()
        for g in groups:
            gid = getattr(g, "objid", id(g))
            if gid in off or (base_off and gid not in on):
                hidden.add(_name(g))
        return frozenset(hidden)
    except Exception:  # noqa: BLE001 - unreadable settings: no layer is known to be hidden
        return frozenset()


class Layers:
    """``layers(name)``: whether the layer of that name is hidden; the settings are read on first use."""

    def __init__(self, data: bytes):
        self.data = data
        self._hidden: frozenset[str] | None = None

    def __call__(self, name: str) -> bool:
        if self._hidden is None:
            self._hidden = hidden_layer_names(self.data)
        return name in self._hidden

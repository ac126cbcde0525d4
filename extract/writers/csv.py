"""CSV in UTF-8 with a BOM (Excel opens Chinese text correctly); numbers as exact plain text
(``23``, ``416.01``, never ``23.0`` or ``4.1601E+2``).

CSV injection (OWASP): a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return and is not a plain number or a dash is written with a leading apostrophe, so that Excel shows
it as text instead of running it as a formula. Parquet keeps the text as it is."""
from __future__ import annotations

import csv
import math
import re

from ..schema import Resource
from ..values import number_text


def float_text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    f = float(v)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return repr(f)


def cell_text(kind: str, v) -> str:
    if v is None:
        return ""
    if kind in ("integer", "decimal"):
        return number_text(v)
    if kind == "number":
        return float_text(v)
    if kind == "boolean":
        return "true" if v else "false"
    return excel_safe(str(v))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?(?:万元|元|%)?|[-—–]+")


def excel_safe(text: str) -> str:
    """The text as a spreadsheet shows it without running it (a leading apostrophe where it could be a formula)."""
    if text.startswith(_FORMULA_START) and not _PLAIN.fullmatch(text):
        return "'" + text
    return text


class CsvSink:
    def __init__(self, resource: Resource, path):
        self.resource = resource
        self.fh = open(path, "w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.fh, lineterminator="\n")
        self.writer.writerow(resource.names)

    def add(self, row: dict) -> None:
        self.writer.writerow([cell_text(f.type, row.get(f.name)) for f in self.resource.fields])

    def close(self) -> None:
        self.fh.flush()
        self.fh.close()

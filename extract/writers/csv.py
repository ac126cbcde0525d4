"""CSV in UTF-8 with a BOM (Excel opens Chinese text correctly); numbers as exact plain text
(``23``, ``416.01``, never ``23.0`` or ``4.1601E+2``).

CSV injection (OWASP): a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return and is not a plain number or a dash is written with a leading apostrophe, so that Excel shows
it as text instead of running it as a formula. Parquet keeps the text as it is."""
from __future__ import annotations

import csv
import hashlib
import io
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


def column_text(kind: str, values: list) -> list[str]:
    """``cell_text`` of every value of a column (values as ``frames.typed_column`` leaves them)."""
    if kind == "string":
        return ["" if v is None else (excel_safe(v) if v.startswith(_FORMULA_START) else v) for v in values]
    if kind == "integer":
        return ["" if v is None else (str(v) if type(v) is int else number_text(v)) for v in values]
    return [cell_text(kind, v) for v in values]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?(?:万元|元|%)?|[-—–]+")


def excel_safe(text: str) -> str:
    """The text as a spreadsheet shows it without running it (a leading apostrophe where it could be a formula)."""
    if text.startswith(_FORMULA_START) and not _PLAIN.fullmatch(text):
        return "'" + text
    return text


class CsvSink:
    """A CSV file written as bytes, hashed as it goes (the datapackage's hash without reading it again)."""

    def __init__(self, resource: Resource, path):
        self.resource = resource
        self.fh = open(path, "wb")
        self.sha = hashlib.sha256()
        self.size = 0
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator="\n")
        self._put(b"\xef\xbb\xbf")
        self.writer.writerow(resource.names)
        self._drain()

    def _put(self, data: bytes) -> None:
        self.fh.write(data)
        self.sha.update(data)
        self.size += len(data)

    def _drain(self) -> None:
        self._put(self.buf.getvalue().encode("utf-8"))
        self.buf.seek(0)
        self.buf.truncate()

    def add(self, row: dict) -> None:
        self.writer.writerow([cell_text(f.type, row.get(f.name)) for f in self.resource.fields])
        self._drain()

    def add_bytes(self, data: bytes) -> None:
        """Rows a worker rendered (``packing.csv_rows``)."""
        self._put(data)

    def close(self) -> None:
        self.fh.flush()
        self.fh.close()

    @property
    def hash(self) -> str:
        return "sha256:" + self.sha.hexdigest()

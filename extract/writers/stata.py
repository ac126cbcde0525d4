"""``panel.dta``: the panel for Stata (format 118: Stata 14 and later, UTF-8 text).

Stata names are at most 32 ASCII characters, so a panel column ``requests.new_received.natural_person``
becomes ``req_new_received_natural_person`` when that fits, else its words shortened
(``req_new_rec_nat_per``), else its place in the template (``req_r02_c01``); every variable's label
is the template's Chinese label (at most 80 characters, Stata's limit). Stata's numbers are
doubles: a column whose every value comes back unchanged from a double is numeric (integers stay
integers; 1.143 is read back as 1.143); a column with a value that would not (an integer beyond
2⁵³, a decimal with more digits than a double keeps) is written as text, its label ending
"(text)", so no number is silently rounded. Empty cells are Stata's missing.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..schema import PANEL

TABLE_ABBR = {"active": "act", "requests": "req", "appeals": "app"}
MAX_NAME, MAX_LABEL = 32, 80


def _short(key: str) -> str:
    return "_".join(w[:3] for w in key.split("_"))


@lru_cache(maxsize=1)
def stata_names() -> dict[str, str]:
    """Panel column → Stata variable name (unique, ≤ 32 characters, deterministic)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    rows: dict[str, list[str]] = {}
    cols: dict[str, list[str]] = {}
    for f in PANEL.fields:
        parts = f.name.split(".")
        if len(parts) != 3:
            name = re.sub(r"\W", "_", f.name)[:MAX_NAME]
        else:
            table, row, col = parts
            rows.setdefault(table, [])
            cols.setdefault(table, [])
            if row not in rows[table]:
                rows[table].append(row)
            if col not in cols[table]:
                cols[table].append(col)
            abbr = TABLE_ABBR.get(table, table[:3])
            for name in (f"{abbr}_{row}_{col}", f"{abbr}_{_short(row)}_{_short(col)}",
                         f"{abbr}_r{rows[table].index(row) + 1:02d}_c{cols[table].index(col) + 1:02d}"):
                if len(name) <= MAX_NAME and name not in taken:
                    break
        taken.add(name)
        names[f.name] = name
    return names


def _label(field) -> str:
    label = field.zh.replace("、主动公开政府信息情况", "").replace("、收到和处理政府信息公开申请情况", "") \
                    .replace("、政府信息公开行政复议、行政诉讼情况", "")
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def _exact_as_double(v) -> bool:
    if v is None:
        return True
    if isinstance(v, int):
        return abs(v) <= 2**53
    d = Decimal(v)
    return Decimal(repr(float(d))) == d  # the double prints back as the same decimal (≤ 15 digits)


# ------------------------------------------------------------------ the file (format 118), written directly
#
# Byte for byte what ``pandas.DataFrame.to_stata(version=118, write_index=False)`` writes for the same
# columns (the tests compare them), without importing pandas: integers as Stata ``long`` (int32) when
# every value (a missing one counting as 0) lies in long's range, else ``double``; decimals as
# ``double``; text as ``strN`` (N = the longest value in UTF-8 bytes, at least 1) or ``strL`` past 2,045.

STR_MAX = 2045
T_LONG, T_DOUBLE, T_STRL = 65528, 65526, 32768
LONG_MIN, LONG_MAX, LONG_MISSING = -2147483647, 2147483620, 2147483621
DOUBLE_MISSING = struct.unpack("<d", b"\x00\x00\x00\x00\x00\x00\xe0\x7f")[0]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATA_LABEL = "政府信息公开工作年度报告 panel (one row per agency-year)"


@dataclass
class _Var:
    """One variable: what the first pass learns of its column, then how the second writes it."""

    field: object  # the schema field
    name: str
    label: str
    kind: str  # "integer" | "decimal" | "string"
    lo: int = 0  # integers: lowest and highest value, a missing value counting as 0 (as pandas counts)
    hi: int = 0
    exact: bool = True  # numbers: every value comes back unchanged from a double
    chars: int = 0  # text: longest value in characters and in UTF-8 bytes
    width: int = 0
    typ: int = 0  # Stata's type code
    fmt: str = ""  # display format

    @property
    def text(self) -> bool:
        return self.kind == "string" or not self.exact

    @property
    def encoded(self) -> bool:
        """Text held as UTF-8 bytes (pandas encodes a column whose values are at most 2,045 characters; a
        longer one stays text, and its empty cells are then the empty strL)."""
        return self.chars <= STR_MAX


def _tag(data: bytes, tag: str) -> bytes:
    return b"<" + tag.encode() + b">" + data + b"</" + tag.encode() + b">"


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\x00" * (size - len(data))


def _int64s(col, np):
    """An int64 column as a numpy array (0 where missing) and its missing mask (None without any), read
    from the Arrow buffers (``to_numpy`` would import pandas)."""
    arr = col.combine_chunks() if hasattr(col, "combine_chunks") else col
    n, off = len(arr), arr.offset
    validity, data = arr.buffers()[:2]
    ints = np.zeros(n, dtype=np.int64) if data is None else np.frombuffer(data, dtype=np.int64, count=n, offset=off * 8).copy()
    if not arr.null_count:
        return ints, None
    missing = ~np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")[off:off + n].astype(bool)
    ints[missing] = 0
    return ints, missing


def _column(batch, var: _Var):
    col = batch.column(var.field.name)
    return col if var.kind != "integer" or str(col.type) == "int64" else col.cast("int64")


def _texts(batch, var: _Var) -> list[str]:
    values = _column(batch, var).to_pylist()
    if var.kind == "string":
        return ["" if v is None else v for v in values]
    # Stata numbers are doubles: a value a double cannot hold exactly goes as text, not rounded
    return ["" if v is None else (format(v, "f") if isinstance(v, Decimal) else str(v)) for v in values]


def _learn(batches, np) -> tuple[list[_Var], int]:
    """First pass: each column's range, exactness and longest text (in characters and in UTF-8 bytes);
    the number of rows. A number column found inexact is measured as text in a second pass."""
    names = stata_names()
    variables = [_Var(f, names[f.name], _label(f), f.type if f.type in ("integer", "decimal") else "string")
                 for f in PANEL.fields]
    nobs = 0

    def measure(batch, var: _Var) -> None:
        texts = _texts(batch, var)
        var.chars = max(var.chars, max(map(len, texts), default=0))
        var.width = max(var.width, max((len(t.encode("utf-8")) for t in texts), default=0))

    for batch in batches:
        nobs += batch.num_rows
        for var in variables:
            if var.kind == "integer":
                ints, _ = _int64s(_column(batch, var), np)
                if len(ints):
                    var.lo, var.hi = min(var.lo, int(ints.min())), max(var.hi, int(ints.max()))
                if var.lo < -2**53 or var.hi > 2**53:
                    var.exact = False
            elif var.kind == "decimal":
                if var.exact:
                    var.exact = all(_exact_as_double(v) for v in _column(batch, var).to_pylist())
            else:
                measure(batch, var)
    inexact = [v for v in variables if v.kind != "string" and not v.exact]
    for batch in (batches if inexact else ()):
        for var in inexact:
            measure(batch, var)
    for var in variables:
        if var.text:
            # pandas sizes an encoded column in bytes, one it left as text (over 2,045 characters) in characters
            var.width = max(1, var.width if var.encoded else var.chars)
            var.typ, var.fmt = (var.width, f"%{var.width}s") if var.width <= STR_MAX else (T_STRL, "%9s")
            if not var.exact:
                var.label = var.label[:MAX_LABEL - 7] + " (text)"
        elif var.kind == "integer" and LONG_MIN <= var.lo and var.hi <= LONG_MAX:
            var.typ, var.fmt = T_LONG, "%12.0g"
        else:
            var.typ, var.fmt = T_DOUBLE, "%10.0g"
        if len(var.label) > 80:
            raise ValueError(f"variable label over 80 characters: {var.label}")
    return variables, nobs


class _Strls:
    """Long texts (strL): a cell holds a key to the distinct texts, numbered as Stata (and pandas) number
    them: (variable, observation) of their first occurrence, 1-based; the texts follow the data."""

    def __init__(self):
        self.keys: dict = {"": (0, 0)}

    def key(self, value, v: int, o: int) -> int:
        key = self.keys.get(value)
        if key is None:
            key = self.keys[value] = (v, o)
        return key[0] + (key[1] << 16)  # 118: v in 2 bytes, o in 6 (little-endian)

    def blob(self) -> bytes:
        out = bytearray()
        for val, (v, o) in self.keys.items():
            if (v, o) == (0, 0):
                continue
            data = val.encode("utf-8") if isinstance(val, str) else val
            out += b"GSO" + struct.pack("<IQ", v, o) + b"\x82" + struct.pack("<I", len(data) + 1) + data + b"\x00"
        return bytes(out)


def _records(batch, variables: list[_Var], first: int, strls: _Strls, np) -> bytes:
    """Second pass: one batch of rows as Stata's fixed-width records."""
    n = batch.num_rows
    dtypes = [(f"f{j}", f"S{v.typ}" if v.typ <= STR_MAX else
               {T_STRL: np.uint64, T_LONG: np.int32, T_DOUBLE: np.float64}[v.typ]) for j, v in enumerate(variables)]
    records = np.zeros(n, dtype=np.dtype(dtypes))
    long_texts = []
    for j, var in enumerate(variables):
        if var.text:
            texts = _texts(batch, var)
            values = [t.encode("utf-8") for t in texts] if var.encoded else texts
            if var.typ == T_STRL:
                long_texts.append((j, values))
            else:
                records[f"f{j}"] = np.array(values, dtype=f"S{var.typ}")
        elif var.kind == "integer":
            ints, missing = _int64s(_column(batch, var), np)
            if var.typ == T_LONG:
                values = ints.astype(np.int32)
                if missing is not None:
                    values[missing] = LONG_MISSING
            else:
                values = ints.astype(np.float64)
                if missing is not None:
                    values[missing] = DOUBLE_MISSING
            records[f"f{j}"] = values
        else:
            records[f"f{j}"] = np.array([DOUBLE_MISSING if v is None else float(v)
                                         for v in _column(batch, var).to_pylist()], dtype=np.float64)
    if long_texts:
        keys = {j: np.zeros(n, dtype=np.uint64) for j, _ in long_texts}
        for o in range(n):  # row by row, as Stata numbers them
            for j, values in long_texts:
                keys[j][o] = strls.key(values[o], j + 1, first + o + 1)
        for j, k in keys.items():
            records[f"f{j}"] = k
    return records.tobytes()


MAP_ORDER = ("stata_data", "map", "variable_types", "varnames", "sortlist", "formats", "value_label_names",
             "variable_labels", "characteristics", "data", "strls", "value_labels", "stata_data_close", "end-of-file")


def write_dta(batches, fh, time_stamp: datetime) -> None:
    """The panel (``batches``: a callable giving the Arrow record batches of ``PANEL``'s columns, read
    twice) as a Stata 118 file, written to ``fh`` (seekable) a batch of rows at a time."""
    import numpy as np

    variables, nobs = _learn(_Reread(batches), np)
    nvar = len(variables)
    ts = f"{time_stamp:%d} {MONTHS[time_stamp.month - 1]} {time_stamp:%Y %H:%M}"
    label = DATA_LABEL[:80].encode("utf-8")
    header = (_tag(b"118", "release") + _tag(b"LSF", "byteorder") + _tag(struct.pack("<H", nvar), "K")
              + _tag(struct.pack("<Q", nobs), "N") + _tag(struct.pack("<H", len(label)) + label, "label")
              + _tag(b"\x11" + ts.encode("utf-8"), "timestamp"))
    start = fh.tell()
    fh.write(b"<stata_dta>" + _tag(header, "header"))
    where = {"stata_data": 0, "map": fh.tell() - start}
    map_size = len(_tag(b"\x00" * 8 * 14, "map"))
    fh.write(b"\x00" * map_size)  # the map, filled in at the end

    def block(tag: str, data: bytes) -> None:
        where[tag] = fh.tell() - start
        fh.write(_tag(data, tag))

    block("variable_types", b"".join(struct.pack("<H", v.typ) for v in variables))
    block("varnames", b"".join(_pad((v.name + "\x00")[:32].encode("utf-8"), 129) for v in variables))
    block("sortlist", b"\x00" * 2 * (nvar + 1))
    block("formats", b"".join(_pad(v.fmt.encode("utf-8"), 57) for v in variables))
    block("value_label_names", _pad(b"\x00", 129) * nvar)
    block("variable_labels", b"".join(_pad(v.label.encode("utf-8"), 321) for v in variables))
    block("characteristics", b"")
    where["data"] = fh.tell() - start
    fh.write(b"<data>")
    strls, first = _Strls(), 0
    for batch in batches():
        fh.write(_records(batch, variables, first, strls, np))
        first += batch.num_rows
    fh.write(b"</data>")
    block("strls", strls.blob())
    block("value_labels", b"")
    where["stata_data_close"] = fh.tell() - start
    fh.write(b"</stata_dta>")
    where["end-of-file"] = fh.tell() - start
    end = fh.tell()
    fh.seek(start + where["map"])
    fh.write(_tag(b"".join(struct.pack("<Q", where[k]) for k in MAP_ORDER), "map"))
    fh.seek(end)


class _Reread:
    """Batches that can be walked several times (each walk reads them again)."""

    def __init__(self, batches):
        self.batches = batches

    def __iter__(self):
        return iter(self.batches())


BATCH_ROWS = 2048  # rows read and written at a time: the writer's memory does not grow with the panel


def dta_bytes(table, time_stamp: datetime) -> bytes:
    """The panel (an Arrow table with the columns of ``PANEL``) as a Stata 118 file."""
    import io

    buf = io.BytesIO()
    write_dta(lambda: iter(table.to_batches(max_chunksize=BATCH_ROWS)), buf, time_stamp)
    return buf.getvalue()


def write_stata(folder: Path, path: Path) -> None:
    """panel.dta from the staged panel.parquet, read a batch of rows at a time (twice: to size the
    columns, then to write them)."""
    import pyarrow.parquet as pq

    from .datapackage import created_at

    source = folder / "panel.parquet"  # (pq.read_table would import pyarrow.dataset, and pandas)

    def batches():
        return pq.ParquetFile(source).iter_batches(batch_size=BATCH_ROWS)

    with open(path, "wb") as fh:
        write_dta(batches, fh, created_at().replace(tzinfo=None))

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
    name: str
    label: str
    typ: int  # Stata's type code
    fmt: str  # display format
    values: object  # a numpy array (numbers), or a list of bytes/str (text)
    encoded: bool = True  # text: held as UTF-8 bytes (pandas encodes a column whose values are ≤ 2,045 characters)


def _tag(data: bytes, tag: str) -> bytes:
    return b"<" + tag.encode() + b">" + data + b"</" + tag.encode() + b">"


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\x00" * (size - len(data))


def _text_var(name: str, label: str, texts: list[str]) -> _Var:
    encoded = not texts or max(map(len, texts)) <= STR_MAX
    values = [t.encode("utf-8") for t in texts] if encoded else texts
    width = max(1, max(map(len, values), default=0))
    if width <= STR_MAX:
        return _Var(name, label, width, f"%{width}s", values, encoded)
    return _Var(name, label, T_STRL, "%9s", values, encoded)


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


def _number_vars(table, field, name: str, label: str, np) -> _Var | None:
    """A numeric column as Stata holds it, or None when a value is not exact as a double."""
    col = table.column(field.name)
    if field.type == "integer":
        ints, missing = _int64s(col if str(col.type) == "int64" else col.cast("int64"), np)
        lo, hi = (int(ints.min()), int(ints.max())) if len(ints) else (0, 0)  # a missing value counts as 0
        if lo < -2**53 or hi > 2**53:
            return None
        if LONG_MIN <= lo and hi <= LONG_MAX:
            values = ints.astype(np.int32)
            if missing is not None:
                values[missing] = LONG_MISSING
            return _Var(name, label, T_LONG, "%12.0g", values)
        values = ints.astype(np.float64)
        if missing is not None:
            values[missing] = DOUBLE_MISSING
        return _Var(name, label, T_DOUBLE, "%10.0g", values)
    raw = col.to_pylist()
    if not all(_exact_as_double(v) for v in raw):
        return None
    return _Var(name, label, T_DOUBLE, "%10.0g",
                np.array([DOUBLE_MISSING if v is None else float(v) for v in raw], dtype=np.float64))


def _variables(table, np) -> list[_Var]:
    names = stata_names()
    out = []
    for f in PANEL.fields:
        name, label = names[f.name], _label(f)
        if f.type in ("decimal", "integer"):
            var = _number_vars(table, f, name, label, np)
            if var is None:
                # Stata numbers are doubles: a value a double cannot hold exactly goes as text, not rounded
                values = table.column(f.name).to_pylist()
                var = _text_var(name, label[:MAX_LABEL - 7] + " (text)",
                                ["" if v is None else (format(v, "f") if isinstance(v, Decimal) else str(v))
                                 for v in values])
            out.append(var)
        else:
            out.append(_text_var(name, label, ["" if v is None else v for v in table.column(f.name).to_pylist()]))
    return out


def _strls(variables: list[_Var], nobs: int, np) -> bytes:
    """Long texts (strL): each row's cell becomes a key into the blob of distinct texts, as Stata (and
    pandas) number them: (variable, observation) of their first occurrence, 1-based."""
    table: dict = {"": (0, 0)}
    columns = [(j, v) for j, v in enumerate(variables) if v.typ == T_STRL]
    keys = {j: np.zeros(nobs, dtype=np.uint64) for j, _ in columns}
    for o in range(nobs):
        for j, var in columns:
            val = var.values[o]
            key = table.get(val)
            if key is None:
                key = table[val] = (j + 1, o + 1)
            keys[j][o] = key[0] + (key[1] << 16)  # 118: v in 2 bytes, o in 6 (little-endian)
    for j, var in columns:
        var.values = keys[j]
    blob = bytearray()
    for val, (v, o) in table.items():
        if (v, o) == (0, 0):
            continue
        data = val.encode("utf-8") if isinstance(val, str) else val
        blob += b"GSO" + struct.pack("<IQ", v, o) + b"\x82" + struct.pack("<I", len(data) + 1) + data + b"\x00"
    return bytes(blob)


def dta_bytes(table, time_stamp: datetime) -> bytes:
    """The panel (an Arrow table with the columns of ``PANEL``) as a Stata 118 file."""
    import numpy as np

    variables = _variables(table, np)
    nobs, nvar = table.num_rows, len(variables)
    strls = _strls(variables, nobs, np)
    ts = f"{time_stamp:%d} {MONTHS[time_stamp.month - 1]} {time_stamp:%Y %H:%M}"
    label = DATA_LABEL[:80].encode("utf-8")
    header = (_tag(b"118", "release") + _tag(b"LSF", "byteorder") + _tag(struct.pack("<H", nvar), "K")
              + _tag(struct.pack("<Q", nobs), "N") + _tag(struct.pack("<H", len(label)) + label, "label")
              + _tag(b"\x11" + ts.encode("utf-8"), "timestamp"))
    out = bytearray(b"<stata_dta>" + _tag(header, "header"))
    where = {"stata_data": 0, "map": len(out)}
    map_size = len(_tag(b"\x00" * 8 * 14, "map"))
    out += b"\x00" * map_size  # the map, filled in at the end

    def block(tag: str, data: bytes) -> None:
        where[tag] = len(out)
        out.extend(_tag(data, tag))

    block("variable_types", b"".join(struct.pack("<H", v.typ) for v in variables))
    block("varnames", b"".join(_pad((v.name + "\x00")[:32].encode("utf-8"), 129) for v in variables))
    block("sortlist", b"\x00" * 2 * (nvar + 1))
    block("formats", b"".join(_pad(v.fmt.encode("utf-8"), 57) for v in variables))
    block("value_label_names", _pad(b"\x00", 129) * nvar)
    for v in variables:
        if len(v.label) > 80:
            raise ValueError(f"variable label over 80 characters: {v.label}")
    block("variable_labels", b"".join(_pad(v.label.encode("utf-8"), 321) for v in variables))
    block("characteristics", b"")
    dtypes = [(f"f{j}", f"S{v.typ}" if v.typ <= STR_MAX else (np.uint64 if v.typ == T_STRL else v.values.dtype))
              for j, v in enumerate(variables)]
    records = np.zeros(nobs, dtype=np.dtype(dtypes))
    for j, v in enumerate(variables):
        records[f"f{j}"] = v.values if v.typ > STR_MAX else np.array(v.values, dtype=f"S{v.typ}")
    block("data", records.tobytes())
    block("strls", strls)
    block("value_labels", b"")
    where["stata_data_close"] = len(out)
    out += b"</stata_dta>"
    where["end-of-file"] = len(out)
    order = ("stata_data", "map", "variable_types", "varnames", "sortlist", "formats", "value_label_names",
             "variable_labels", "characteristics", "data", "strls", "value_labels", "stata_data_close", "end-of-file")
    at = where["map"]
    out[at:at + map_size] = _tag(b"".join(struct.pack("<Q", where[k]) for k in order), "map")
    return bytes(out)


def write_stata(folder: Path, path: Path) -> None:
    import pyarrow.parquet as pq

    from .datapackage import created_at

    table = pq.ParquetFile(folder / "panel.parquet").read()  # (read_table imports pyarrow.dataset, and pandas)
    path.write_bytes(dta_bytes(table, created_at().replace(tzinfo=None)))

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


def write_stata(folder: Path, path: Path) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "panel.parquet")
    frame = {}
    as_text = []
    for f in PANEL.fields:
        col = table.column(f.name)
        if f.type in ("decimal", "integer"):
            values = col.to_pylist()
            if not all(_exact_as_double(v) for v in values):
                # Stata numbers are doubles: a value a double cannot hold exactly goes as text, not rounded
                as_text.append(f.name)
                frame[f.name] = pd.Series(["" if v is None else (format(v, "f") if isinstance(v, Decimal) else str(v))
                                           for v in values], dtype=object)
            elif f.type == "decimal":
                frame[f.name] = pd.Series([None if v is None else float(v) for v in values], dtype="float64")
            else:
                frame[f.name] = pd.Series(values, dtype="Int64")
        else:
            frame[f.name] = pd.Series([v if v is not None else "" for v in col.to_pylist()], dtype=object)
    df = pd.DataFrame(frame, columns=[f.name for f in PANEL.fields])
    names = stata_names()
    labels = {names[f.name]: _label(f) for f in PANEL.fields}
    for name in as_text:
        labels[names[name]] = (labels[names[name]][:MAX_LABEL - 7] + " (text)")
    df.columns = [names[c] for c in df.columns]
    from .datapackage import created_at

    df.to_stata(path, version=118, write_index=False, variable_labels=labels,
                time_stamp=created_at().replace(tzinfo=None),
                data_label="政府信息公开工作年度报告 panel (one row per agency-year)")

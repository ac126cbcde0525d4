"""Both sides of every identity are sums that are unknown as soon as one term is."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None when any value is missing (blank, dash, missing cell)."""
    out = Decimal(0)
    for v in values:
        if v is None:
            return None
        out += v
    return out


def cell_total(cells: dict, keys) -> Decimal | None:
    """The sum of the cells' values (``CellValue`` by key), or None when any has none."""
    return total(getattr(cells.get(k), "value", None) for k in keys)

"""The names of the files the writers put in an output folder (and nothing else may be committed)."""
from __future__ import annotations

from ..schema import RESOURCES

TABLE_FILES = tuple(f"{r.name}.{ext}" for r in RESOURCES for ext in ("csv", "parquet"))
PARTITION_FOLDERS = ("facts", "checks", "sections")  # ``--partition year``: writers.partition
OUTPUT_FILES = frozenset(TABLE_FILES + ("reports.duckdb", "reports.sqlite", "panel.dta", "datapackage.json")
                         + PARTITION_FOLDERS)

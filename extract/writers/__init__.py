"""Writers: each table streamed to CSV (UTF-8 with BOM) and Parquet, then reports.duckdb and
datapackage.json.

Outputs are replaced as a set: everything is written into a staging folder inside the output
folder, a commit journal is written, the files are moved into place, the journal is removed.
A run killed before the journal leaves the previous outputs untouched; a run killed while
moving leaves a journal that the next run (or ``recover``) completes first.
"""
from __future__ import annotations

from .journal import JOURNAL, LockError, OutputLock, RecoveryError, busy, recover

__all__ = ["JOURNAL", "LockError", "OutputLock", "RecoveryError", "busy", "recover", "OutputWriter"]


def __getattr__(name):  # pyarrow and DuckDB load only when tables are written
    if name == "OutputWriter":
        from .output import OutputWriter

        return OutputWriter
    raise AttributeError(name)

"""Thresholds and layout constants, in one place, checked when built.

Every tunable number a stage or reader uses lives here, named for what it decides, so that a
reader of the code finds them together and a bad value fails at once (``Settings(...)`` raises)
rather than deep inside a run. Modules read the shared instance ``SETTINGS``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Settings:
    # ---- alignment of printed lines to template rows (stages/align.py)
    row_accept: float = 0.6  # lowest label score that names a row
    row_margin: float = 0.15  # a row whose runner-up scores within this is contested
    # ---- readings of run-together digits (stages/digits.py)
    readings_limit: int = 50_000  # readings enumerated per line before giving up
    cut_steps: int = 40_000  # cuts tried per line before giving up
    joint_limit: int = 4096  # combinations of open readings tried against one identity
    max_alternatives: int = 5  # alternatives kept per cell
    # ---- values
    value_scale: int = 9  # decimal places a stored value may have (facts.value is decimal(38, 9))
    value_precision: int = 38  # digits a stored value may have
    # ---- OCR (readers/ocr): a recognised value is ok only at or above this confidence
    ocr_confident: float = 0.9

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                raise ValueError(f"setting {f.name} must be a non-negative number, not {v!r}")
        for name in ("row_accept", "row_margin", "ocr_confident"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"setting {name} must be between 0 and 1")
        if self.value_scale >= self.value_precision:
            raise ValueError("value_scale must be below value_precision")


SETTINGS = Settings()

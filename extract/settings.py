"""Thresholds and layout constants, in one place, checked when built.

Every threshold and tolerance that decides how a report is read lives here, named for what it
decides, so that a reader of the code finds them together and a bad value fails at once
(``Settings(...)`` raises) rather than deep inside a run. Modules read the shared instance
``SETTINGS``. Bounds that guard against hostile input (sizes, counts, work budgets of the readers)
stay beside the code they guard: they decide what is refused, not how a report is read.
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
    recognised_labels: int = 2  # labels printed with recognition confusions that mark a text as recognised (OCR)
    header_min_word: int = 2  # shortest header word matched inside a longer one (stages/header.py)
    wrapped_label_min: int = 5  # shortest label looked for wrapped around its values in running text
    # ---- template detection (stages/template_detect.py)
    template_marker_weight: float = 2.0  # each column word only one format prints
    template_year_weight: float = 1.5  # the year the report covers (2019–2020 → 2019 format, 2021 on → 2021)
    # ---- space-aligned text (readers/spaced.py, readers/text.py)
    text_label_gap: int = 3  # lines between two pieces of one wrapped label
    text_zone_gap: int = 8  # lines without values between two rows of one table
    text_prose_chars: int = 40  # a line of one piece this long is prose, not a label
    text_furniture_lines: int = 2  # lines at the top and bottom of a page that may be a running header or footer
    # ---- PDF tables (readers/pdf): distances in points
    pdf_snap: float = 3.0  # rulings this close are one (pdfplumber's snap, join and intersection tolerance)
    pdf_min_edge: float = 3.0  # shorter rulings are ignored
    pdf_same_edge: float = 2.0  # cell edges this close are one grid line
    pdf_stitch_width: float = 8.0  # a table continued on the next page: its left and right edges agree this well
    pdf_stitch_column: float = 4.0  # … and a column boundary this close to one above is the same
    pdf_max_bad: float = 0.01  # share of a page's characters that may lack a Unicode map (beyond two)
    # ---- OCR (readers/ocr): a recognised value is ok only at or above this confidence
    ocr_confident: float = 0.9
    ocr_max_skew: float = 5.0  # degrees a scan is searched for being turned
    ocr_second_read: float = 0.98  # a number recognised with less confidence than this is read again
    ocr_guess: float = 0.5  # a reading whose characters average less than this is a guess, not text
    ocr_cell_gap: float = 1.0  # line heights: a wider gap inside a cell's line separates two pieces
    ocr_sure: float = 0.8  # one or two characters alone outside a table must be read at least this well
    ocr_unreadable: float = 0.5  # share of guesses over which a page is not read at all
    ocr_doubt: float = 0.97  # a character below this probability gets other readings
    ocr_runner_up: float = 0.01  # another reading of a character needs at least this probability

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                raise ValueError(f"setting {f.name} must be a non-negative number, not {v!r}")
        for name in ("row_accept", "row_margin", "ocr_confident", "pdf_max_bad", "ocr_second_read", "ocr_guess",
                     "ocr_sure", "ocr_unreadable", "ocr_doubt", "ocr_runner_up"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"setting {name} must be between 0 and 1")
        if self.value_scale >= self.value_precision:
            raise ValueError("value_scale must be below value_precision")


SETTINGS = Settings()

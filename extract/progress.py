"""Progress notes from deep inside the reading of one file (``OCR page 3/40``).

A reader calls ``note(text)``; in a worker process the note goes to the parent (``workers``
installs the sink), which shows it next to the run's progress. Anywhere else it goes nowhere.
"""
from __future__ import annotations

from typing import Callable

_sink: Callable[[str], None] | None = None


def set_sink(sink: Callable[[str], None] | None) -> None:
    global _sink
    _sink = sink


def note(text: str) -> None:
    if _sink is not None:
        try:
            _sink(text)
        except (OSError, ValueError):  # a parent that went away: notes are not worth failing a file for
            pass

"""What a reader may be told about the reports it reads, so that no reader imports the templates.

The pipeline builds one :class:`Hints` from the template data (``templates.reader_hints``) and
passes it to every reader; a reader called without hints still reads, only without the help.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Hints:
    # a regex over NFKC text without spaces: the words of a report's title (政府信息公开工作年度报告 …)
    title_words: str = ""
    # words (NFKC, punctuation dropped) that only a report's statistical tables print (本年制发件数, 自然人 …)
    table_words: tuple[str, ...] = ()
    # a regex over NFKC text without spaces: the words of the six section headings (主动公开政府信息情况 …)
    heading_words: str = ""

    @cached_property
    def title_rx(self) -> re.Pattern | None:
        return re.compile(self.title_words) if self.title_words else None

    @cached_property
    def heading_rx(self) -> re.Pattern | None:
        return re.compile(self.heading_words) if self.heading_words else None


NO_HINTS = Hints()

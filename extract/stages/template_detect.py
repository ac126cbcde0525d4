"""Decide which national format a report follows: ``2019``, ``2021``, ``pre2019`` or ``unknown``.

Evidence, each recorded: header words only one format uses (本年新制作数量 / 本年制发件数,
第二十条第（九）项, the three （六） sub-rows, the notice number 〔2019〕60号 / 〔2021〕30号) count
2 each; the year covered counts 1.5 (≤ 2020 → 2019 format, ≥ 2021 → 2021 format). A report for
a year before 2019 with no marker of either format is ``pre2019``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..document import Document
from ..templates import TEMPLATES
from ..textnorm import plain
from ..settings import SETTINGS



@dataclass
class TemplateChoice:
    key: str  # 2019 | 2021 | pre2019 | unknown
    evidence: str


def detect_template(doc: Document, year: int | None) -> TemplateChoice:
    text = plain(doc.text())
    scores, evidence = {}, []
    for key, template in TEMPLATES.items():
        found = [m for m in template.markers if plain(m) in text]
        scores[key] = SETTINGS.template_marker_weight * len(found)
        if found:
            evidence.append(f"{key}: {', '.join(found)}")
    if year is not None and year < 2019 and sum(scores.values()) < 3 * SETTINGS.template_marker_weight:
        return TemplateChoice("pre2019", f"year {year}, fewer than 3 words of the 2019/2021 tables")
    if year is not None:
        by_year = "2019" if year <= 2020 else "2021"
        if year >= 2019:
            scores[by_year] += SETTINGS.template_year_weight
            evidence.append(f"year {year} → {by_year}")
    if not any(scores.values()):
        return TemplateChoice("unknown", "no table words and no year")
    best = max(scores, key=lambda k: (scores[k], k))
    return TemplateChoice(best, "; ".join(evidence))

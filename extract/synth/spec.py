"""A report to render: metadata, prose and the raw text of every table cell.

Used to build test fixtures and benchmark corpora. ``random_spec`` makes a report whose
numbers obey every identity of its format, from a seed (the same seed, the same report).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from ..templates import TEMPLATES, CellKey
from .layout import Variant
from ..values import parse_value


@dataclass
class ReportSpec:
    agency: str
    year: int
    template: str  # "2019" | "2021"
    cells: dict[CellKey, str]  # raw cell text as printed ("", "-", "12", "29461.00")
    published: str = ""  # YYYY-MM-DD
    doc_number: str = ""
    overview: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    other: str = "本年度无其他需要报告的事项。"
    variant: "Variant | None" = None  # departures from the official layout (tests of the alignment)

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def value(self, key: CellKey) -> Decimal | None:
        p = parse_value(self.cells.get(key, ""))
        return p.value if p.kind == "number" else None


DEFAULT_OVERVIEW = ("本机关认真贯彻落实《中华人民共和国政府信息公开条例》，扎实做好政府信息公开工作。",
                    "（一）主动公开。及时公开重点领域信息。", "（二）依申请公开。依法依规办理申请。")
DEFAULT_PROBLEMS = ("（一）存在的主要问题。政策解读形式较为单一。", "（二）改进措施。丰富解读形式，加强队伍建设。")


def spec_from_cells(cells: Iterable[dict], meta: dict) -> ReportSpec:
    """A report printing given cells: rows with ``table,row,column,value,status`` (the truth files'
    and ``facts.csv``'s columns) and ``meta`` with ``agency,year,template,published,doc_number``.

    ``ok`` cells print their value, ``blank`` nothing, ``dash`` a dash; ``missing`` cells and
    rows of the other format are left out (a missing cell prints as an empty cell)."""
    printed: dict[CellKey, str] = {}
    template = TEMPLATES[str(meta["template"])]
    keys = set(template.cells())
    for c in cells:
        key = CellKey(c["table"], c["row"], c["column"])
        if key not in keys:
            continue
        status = c.get("status", "ok")
        if status in ("ok", "inferred", "ambiguous"):
            printed[key] = str(c["value"])
        elif status == "dash":
            printed[key] = "-"
        elif status == "blank":
            printed[key] = ""
    return ReportSpec(agency=str(meta["agency"]).split("|")[0], year=int(meta["year"]), template=str(meta["template"]),
                      cells=printed, published=meta.get("published") or "", doc_number=meta.get("doc_number") or "",
                      overview=list(DEFAULT_OVERVIEW), problems=list(DEFAULT_PROBLEMS))


AGENCIES = ["平潭综合实验区", "漳州市二轻集体工业联社", "沭阳县人民政府", "淮安市洪泽区人民政府", "厦门市思明区教育局",
            "武汉市生态环境局", "会昌县中村乡人民政府", "上海市科学技术委员会", "长沙市岳麓区市场监督管理局",
            "成都市郫都区人民政府办公室"]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def random_spec(seed: int, template: str | None = None, agency: str | None = None, year: int | None = None) -> ReportSpec:
    """A plausible report whose tables add up, chosen by ``seed``."""
    rng = random.Random(seed)
    template = template or rng.choice(["2019", "2021"])
    year = year or (rng.randint(2019, 2020) if template == "2019" else rng.randint(2021, 2025))
    agency = agency or rng.choice(AGENCIES)
    t = TEMPLATES[template]
    cells: dict[CellKey, str] = {}
    # 二: independent counts
    for key in t.table("active").cells():
        col = t.table("active").column(key.row, key.column)
        if col.signed:
            v = rng.choice([0, 0, 0, rng.randint(-20, 40)])
            cells[key] = f"{v:+d}" if v and rng.random() < 0.5 else str(v)
        elif col.decimal:
            cells[key] = f"{rng.randint(0, 90000)}.{rng.randint(0, 99):02d}"
        else:
            cells[key] = str(int(rng.expovariate(1 / 200)))
    # 三: per column, new + carried = results + carried forward; results split over result rows
    spec = t.table("requests")
    cols = [c.key for c in spec.blocks[0].columns][:-1]
    result_rows = [r.key for r in spec.rows() if r.key not in ("new_received", "carried_over", "results_total",
                                                                 "carried_forward")]
    totals: dict[str, int] = {}
    for c in cols:
        scale = 60 if c == "natural_person" else rng.choice([0, 0, 3, 10])
        new = int(rng.expovariate(1 / scale)) if scale else 0
        carried = rng.randint(0, max(0, new // 10))
        forward = rng.randint(0, max(0, (new + carried) // 8))
        done = new + carried - forward
        weights = [rng.random() ** 3 for _ in result_rows]
        parts = [0] * len(result_rows)
        for _ in range(done):
            parts[rng.choices(range(len(result_rows)), weights)[0]] += 1
        values = {"new_received": new, "carried_over": carried, "results_total": done, "carried_forward": forward}
        values.update(zip(result_rows, parts))
        for row, v in values.items():
            cells[CellKey("requests", row, c)] = str(v)
            totals[row] = totals.get(row, 0) + v
    for row, v in totals.items():
        cells[CellKey("requests", row, "total")] = str(v)
    # 四: each row's outcomes add up to its total
    for row in ("review", "suit_direct", "suit_after_review"):
        parts = _split(rng.choice([0, 0, 1, 3, 12]), 4, rng)
        for col, v in zip(("upheld", "corrected", "other", "pending"), parts):
            cells[CellKey("appeals", row, col)] = str(v)
        cells[CellKey("appeals", row, "total")] = str(sum(parts))
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    return ReportSpec(
        agency=agency, year=year, template=template, cells=cells,
        published=f"{year + 1}-{month:02d}-{day:02d}",
        doc_number=rng.choice(["", f"{agency[:2]}政办〔{year + 1}〕{rng.randint(1, 60)}号"]),
        overview=[f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息"
                  f"{rng.randint(100, 3000)}条。",
                  "（一）主动公开。及时公开重点领域信息。", "（二）依申请公开。依法依规办理申请。"],
        problems=list(DEFAULT_PROBLEMS),
    )


def follow(spec: ReportSpec, previous: dict[CellKey, Decimal | None]) -> ReportSpec:
    """Make ``spec`` the next year of a series: its 上年结转 equal to last year's 结转下年度 and (2021
    format) 现行有效 = last year's + 本年制发 − 本年废止, keeping every identity of the year itself."""
    cells = dict(spec.cells)
    cols = [c.key for c in TEMPLATES[spec.template].table("requests").blocks[0].columns][:-1]
    for c in cols:
        want = int(previous.get(CellKey("requests", "carried_forward", c)) or 0)
        have = int(cells[CellKey("requests", "carried_over", c)])
        delta = want - have
        for row in ("carried_over", "granted", "results_total"):
            key = CellKey("requests", row, c)
            cells[key] = str(int(cells[key]) + delta)
    for row in ("carried_over", "granted", "results_total"):
        cells[CellKey("requests", row, "total")] = str(sum(int(cells[CellKey("requests", row, c)]) for c in cols))
    if spec.template == "2021":
        for row in ("rules", "normative_docs"):
            before = previous.get(CellKey("active", row, "in_force"))
            if before is not None:
                issued = int(cells[CellKey("active", row, "issued")])
                repealed = min(int(cells[CellKey("active", row, "repealed")]), int(before))
                cells[CellKey("active", row, "repealed")] = str(repealed)
                cells[CellKey("active", row, "in_force")] = str(int(before) + issued - repealed)
    spec.cells = cells
    return spec

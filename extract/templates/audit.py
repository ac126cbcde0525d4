"""Checks beyond one report's tables, declared as data: identities across consecutive years, and
the prose phrases that name a table quantity (TEMPLATES.md §6.3)."""
from __future__ import annotations

from .model import CellKey, Claim, CrossYear, Term
from .national import REQUEST_COLUMNS

_COLS = tuple(c.key for c in REQUEST_COLUMNS)
_ORGS = ("commercial", "research", "social_welfare", "legal_service", "other_org")


def _k(table: str, row: str, col: str) -> CellKey:
    return CellKey(table, row, col)


CROSS_YEAR: tuple[CrossYear, ...] = tuple(
    CrossYear(f"cross_year.carried.{c}", (Term("cur", _k("requests", "carried_over", c)),),
              (Term("prev", _k("requests", "carried_forward", c)),),
              "二、上年结转 (this year) = 四、结转下年度继续办理 (last year)")
    for c in _COLS
) + tuple(
    CrossYear(f"cross_year.in_force.{r}", (Term("cur", _k("active", r, "in_force")),),
              (Term("prev", _k("active", r, "in_force")), Term("cur", _k("active", r, "issued")),
               Term("cur", _k("active", r, "repealed"), -1)),
              "现行有效件数 ≈ last year's 现行有效件数 + 本年制发件数 − 本年废止件数", ("2021", "2021"))
    for r in ("rules", "normative_docs")
) + tuple(
    CrossYear(f"cross_year.prev_items.{r}", (Term("cur", _k("active", r, "prev_items")),),
              (Term("prev", _k("active", r, "prev_items")), Term("prev", _k("active", r, "change"))),
              "上一年项目数量 = last year's 上一年项目数量 + 本年增/减", ("2019", "2019"))
    for r in ("licensing", "other_services", "penalty", "coercion", "fees")
)

_NEW = tuple(_k("requests", "new_received", c) for c in ("total",))
_NEW_AND_CARRIED = (_k("requests", "new_received", "total"), _k("requests", "carried_over", "total"))

CLAIMS: tuple[Claim, ...] = (
    Claim("prose.requests_received",
          (r"(?:收到|受理|接收|接到)了?(?:各类|群众)?(?:政府信息公开|依申请公开|信息公开)?的?申请(?:共计|共|总计|合计|总数)?(\d+)件",
           r"共(?:收到|受理|接收)(\d+)件(?:政府信息公开|依申请公开|信息公开)?申请",
           r"(?:政府信息公开|依申请公开)申请(?:共计|共|总计|合计)(\d+)件"),
          (_NEW, _NEW_AND_CARRIED), "requests received (new, or new + carried over)"),
    Claim("prose.requests_answered", (r"(?:办结|答复|办理完成|办理)了?(?:依申请公开|政府信息公开)?(?:申请)?(?:共计|共)?(\d+)件",),
          ((_k("requests", "results_total", "total"),),), "requests answered = （七）总计"),
    Claim("prose.carried_forward", (r"结转(?:至)?下一?年度?(?:继续办理|答复)?(\d+)件",
                                    r"(?<!\d)(\d+)件(?:申请)?(?:结转|顺延)(?:至|到)?下一?年度?"),
          ((_k("requests", "carried_forward", "total"),),), "carried forward to next year"),
    Claim("prose.natural_person", (r"自然人(?:申请|提出)?(?:共)?(\d+)件",),
          ((_k("requests", "new_received", "natural_person"),),
           (_k("requests", "new_received", "natural_person"), _k("requests", "carried_over", "natural_person"))),
          "requests from natural persons"),
    Claim("prose.organisations", (r"法人或其他组织(?:申请|提出)?(?:共)?(\d+)件",),
          (tuple(_k("requests", "new_received", c) for c in _ORGS),
           tuple(_k("requests", r, c) for r in ("new_received", "carried_over") for c in _ORGS)),
          "requests from legal persons and other organisations"),
    Claim("prose.review", (r"行政复议(?:案件)?(?:共)?(\d+)件",), ((_k("appeals", "review", "total"),),),
          "administrative reviews = 行政复议 总计"),
    Claim("prose.litigation", (r"行政诉讼(?:案件)?(?:共)?(\d+)件",),
          ((_k("appeals", "suit_direct", "total"), _k("appeals", "suit_after_review", "total")),),
          "lawsuits = 未经复议直接起诉 总计 + 复议后起诉 总计"),
    Claim("prose.in_force", (r"现行有效的?(?:行政)?规范性文件(\d+)件",),
          ((_k("active", "normative_docs", "in_force"),), (_k("active", "normative_docs", "published_total"),)),
          "normative documents in force"),
    Claim("prose.issued", (r"(?:制发|印发|出台)的?(?:行政)?规范性文件(\d+)件",),
          ((_k("active", "normative_docs", "issued"),), (_k("active", "normative_docs", "new_made"),)),
          "normative documents issued this year"),
)

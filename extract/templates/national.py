"""The national report formats, declared once.

2019: 国办公开办函〔2019〕60号 (trial format, reports for 2019 and 2020).
2021: 国办公开办函〔2021〕30号 (reports for 2021 onward).
Sources and evidence: ../shared/TEMPLATES.md. Aliases are wordings seen in real reports.
"""
from __future__ import annotations

from .model import Block, CellKey, Column, Identity, Relation, Row, Section, TableSpec, Template

# ------------------------------------------------------------------ sections (same in both)

SECTIONS = (
    Section("overview", 1, "总体情况", "Overview", r"总体情况|概述|基本情况"),
    Section("active", 2, "主动公开政府信息情况", "Proactive disclosure",
            r"主动公开政府信息(?:的)?情况|主动公开(?:情况|政府信息)", table="active"),
    Section("requests", 3, "收到和处理政府信息公开申请情况", "Requests received and handled",
            r"收到和处理政府信息公开申请(?:的)?情况|(?:收到|处理).{0,6}政府信息公开申请|依申请公开.{0,10}情况", table="requests"),
    Section("appeals", 4, "政府信息公开行政复议、行政诉讼情况", "Administrative review and litigation",
            r".{0,14}?行政法?复议.{0,4}?行政诉讼(?:的)?(?:情况)?", table="appeals"),
    Section("problems", 5, "存在的主要问题及改进情况", "Problems and improvements",
            r".{0,10}?(?:存在.{0,6})?问题.{0,6}(?:改进|整改)(?:情况|措施|举措|方向)?"),
    Section("other", 6, "其他需要报告的事项", "Other matters", r"其他需要报告的事项|其他需报告的事项"),
)

# words of a report's title (over NFKC text without spaces): 政府信息公开工作年度报告 and its variants
TITLE_WORDS = r"政府信息公开.{0,8}(?:年度)?(?:工作)?(?:年度)?报告|政务公开.{0,6}年度报告|信息公开年报"

# ------------------------------------------------------------------ 二、主动公开 (active)

R_RULES = Row("rules", "规章", "Rules (规章)")
R_NORMATIVE_2019 = Row("normative_docs", "规范性文件", "Normative documents", aliases=("行政规范性文件",))
R_NORMATIVE_2021 = Row("normative_docs", "行政规范性文件", "Administrative normative documents",
                       aliases=("规范性文件",))
R_LICENSING = Row("licensing", "行政许可", "Administrative licensing")
R_OTHER_SERVICES = Row("other_services", "其他对外管理服务事项", "Other external management services",
                       aliases=("其他对外管理服务",))
R_PENALTY = Row("penalty", "行政处罚", "Administrative penalties")
R_COERCION = Row("coercion", "行政强制", "Administrative coercion")
R_FEES = Row("fees", "行政事业性收费", "Administrative fees", aliases=("行政事业收费",))
R_PROCUREMENT = Row("procurement", "政府集中采购", "Centralised government procurement")

C_NEW_MADE = Column("new_made", "本年新制作数量", "Newly made this year", aliases=("本年新制作", "新制作数量"))
C_NEW_PUBLISHED = Column("new_published", "本年新公开数量", "Newly published this year",
                         aliases=("本年新公开", "新公开数量"))
C_PUBLISHED_TOTAL = Column("published_total", "对外公开总数量", "Total published (cumulative)",
                           aliases=("对外公开总数",))
C_PREV_ITEMS = Column("prev_items", "上一年项目数量", "Items in the previous year", aliases=("上一年项目数",))
C_CHANGE = Column("change", "本年增/减", "Change this year (signed)", aliases=("本年增减", "增/减", "增减"),
                  signed=True, small=True)
C_DECISIONS_2019 = Column("decisions", "处理决定数量", "Decisions made", aliases=("处理决定数",))
C_PROC_ITEMS = Column("procurement_items", "采购项目数量", "Procurement projects", aliases=("采购项目数",),
                      magnitude=(2.0, 0.8))
C_PROC_AMOUNT = Column("procurement_amount", "采购总金额", "Procurement amount (unit as printed)",
                       decimal=True, magnitude=(7.5, 1.5))

C_ISSUED = Column("issued", "本年制发件数", "Issued this year", aliases=("本年制发",))
C_REPEALED = Column("repealed", "本年废止件数", "Repealed this year", aliases=("本年废止",), small=True)
C_IN_FORCE = Column("in_force", "现行有效件数", "In force", aliases=("现行有效",))
C_DECISIONS_2021 = Column("decisions", "本年处理决定数量", "Decisions made this year",
                          aliases=("处理决定数量", "本年处理决定"))
C_FEE_AMOUNT = Column("fee_amount", "本年收费金额（单位：万元）", "Fees collected this year", unit="万元",
                      decimal=True, aliases=("本年收费金额", "收费金额"))

ACTIVE_2019 = TableSpec("active", "二、主动公开政府信息情况", "Proactive disclosure", blocks=(
    Block("20_1", "第二十条第（一）项", (R_RULES, R_NORMATIVE_2019), (C_NEW_MADE, C_NEW_PUBLISHED, C_PUBLISHED_TOTAL)),
    Block("20_5", "第二十条第（五）项", (R_LICENSING, R_OTHER_SERVICES), (C_PREV_ITEMS, C_CHANGE, C_DECISIONS_2019)),
    Block("20_6", "第二十条第（六）项", (R_PENALTY, R_COERCION), (C_PREV_ITEMS, C_CHANGE, C_DECISIONS_2019)),
    Block("20_8", "第二十条第（八）项", (R_FEES,), (C_PREV_ITEMS, C_CHANGE)),
    Block("20_9", "第二十条第（九）项", (R_PROCUREMENT,), (C_PROC_ITEMS, C_PROC_AMOUNT)),
))

ACTIVE_2021 = TableSpec("active", "二、主动公开政府信息情况", "Proactive disclosure", blocks=(
    Block("20_1", "第二十条第（一）项", (R_RULES, R_NORMATIVE_2021), (C_ISSUED, C_REPEALED, C_IN_FORCE)),
    Block("20_5", "第二十条第（五）项", (R_LICENSING,), (C_DECISIONS_2021,)),
    Block("20_6", "第二十条第（六）项", (R_PENALTY, R_COERCION), (C_DECISIONS_2021,)),
    Block("20_8", "第二十条第（八）项", (R_FEES,), (C_FEE_AMOUNT,)),
))

# ------------------------------------------------------------------ 三、申请 (requests)

REQUEST_COLUMNS = (
    Column("natural_person", "自然人", "Natural persons"),
    Column("commercial", "商业企业", "Commercial enterprises", group="法人或其他组织", aliases=("商业",)),
    Column("research", "科研机构", "Research institutions", group="法人或其他组织", aliases=("科研",)),
    Column("social_welfare", "社会公益组织", "Social welfare organisations", group="法人或其他组织",
           aliases=("社会公益",)),
    Column("legal_service", "法律服务机构", "Legal service organisations", group="法人或其他组织",
           aliases=("法律服务",)),
    Column("other_org", "其他", "Other organisations", group="法人或其他组织"),
    Column("total", "总计", "Total", aliases=("合计",)),
)

G_RESULTS = "三、本年度办理结果"
G_WITHHELD = G_RESULTS + "/（三）不予公开"
G_UNAVAILABLE = G_RESULTS + "/（四）无法提供"
G_REJECTED = G_RESULTS + "/（五）不予处理"
G_OTHER = G_RESULTS + "/（六）其他处理"

R_NEW = Row("new_received", "一、本年新收政府信息公开申请数量", "New requests received this year",
            aliases=("本年新收政府信息公开申请", "本年新收申请数量", "本年新收"))
R_CARRIED_OVER = Row("carried_over", "二、上年结转政府信息公开申请数量", "Carried over from the previous year",
                     aliases=("上年结转政府信息公开申请", "上年结转"))
RESULT_ROWS_HEAD = (
    Row("granted", "（一）予以公开", "Granted", group=G_RESULTS),
    Row("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "Partially granted",
        aliases=("部分公开",), group=G_RESULTS),
    Row("withheld_state_secret", "1.属于国家秘密", "Withheld: state secret", aliases=("国家秘密",), group=G_WITHHELD),
    Row("withheld_law_prohibited", "2.其他法律行政法规禁止公开", "Withheld: prohibited by other laws",
        aliases=("法律行政法规禁止公开", "其他法律行政止公开", "其他法律法规禁止公开"), group=G_WITHHELD),
    Row("withheld_three_safeties", "3.危及“三安全一稳定”", "Withheld: endangers the 'three safeties and one stability'",
        aliases=("危及三安全一稳定", "三安全一稳定"), group=G_WITHHELD),
    Row("withheld_third_party", "4.保护第三方合法权益", "Withheld: protects third-party rights",
        aliases=("第三方合法权益",), group=G_WITHHELD),
    Row("withheld_internal_affairs", "5.属于三类内部事务信息", "Withheld: internal affairs",
        aliases=("三类内部事务信息", "内部事务信息"), group=G_WITHHELD),
    Row("withheld_process_info", "6.属于四类过程性信息", "Withheld: process information",
        aliases=("四类过程性信息", "过程性信息"), group=G_WITHHELD),
    Row("withheld_enforcement_file", "7.属于行政执法案卷", "Withheld: enforcement case files",
        aliases=("行政执法案卷",), group=G_WITHHELD),
    Row("withheld_admin_query", "8.属于行政查询事项", "Withheld: administrative query matters",
        aliases=("行政查询事项",), group=G_WITHHELD),
    Row("unavailable_not_held", "1.本机关不掌握相关政府信息", "Unavailable: not held",
        aliases=("不掌握相关政府信息",), group=G_UNAVAILABLE),
    Row("unavailable_needs_creation", "2.没有现成信息需要另行制作", "Unavailable: would need to be created",
        aliases=("没有现成信息", "需要另行制作"), group=G_UNAVAILABLE),
    Row("unavailable_unclear", "3.补正后申请内容仍不明确", "Unavailable: still unclear after correction",
        aliases=("申请内容仍不明确",), group=G_UNAVAILABLE),
    Row("rejected_petition", "1.信访举报投诉类申请", "Not processed: petitions and complaints",
        aliases=("信访举报投诉",), group=G_REJECTED),
    Row("rejected_duplicate", "2.重复申请", "Not processed: duplicate requests", group=G_REJECTED),
    Row("rejected_publication", "3.要求提供公开出版物", "Not processed: requests for publications",
        aliases=("公开出版物",), group=G_REJECTED),
    Row("rejected_excessive", "4.无正当理由大量反复申请", "Not processed: excessive repeated requests",
        aliases=("大量反复申请",), group=G_REJECTED),
    Row("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息",
        "Not processed: requests to confirm or reissue information already obtained",
        aliases=("确认或重新出具已获取信息", "重新出具已获取信息"), group=G_REJECTED),
)
R_OTHER_HANDLING = Row("other_handling", "（六）其他处理", "Other handling (2019 format, one row)",
                       group=G_RESULTS)
R_OTHER_2021 = (
    Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "Other: applicant did not complete the request in time", aliases=("逾期不补正",), group=G_OTHER),
    Row("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "Other: applicant did not pay the fee in time", aliases=("逾期未按收费通知要求缴纳费用", "未按收费通知"),
        group=G_OTHER),
    Row("other_misc", "3.其他", "Other: miscellaneous", group=G_OTHER, short=True),
)
R_RESULTS_TOTAL = Row("results_total", "（七）总计", "Results: total", group=G_RESULTS, short=True)
R_CARRIED_FORWARD = Row("carried_forward", "四、结转下年度继续办理", "Carried forward to next year",
                        aliases=("结转下年度",))

REQUESTS_2019 = TableSpec("requests", "三、收到和处理政府信息公开申请情况", "Requests received and handled", blocks=(
    Block("requests", "", (R_NEW, R_CARRIED_OVER) + RESULT_ROWS_HEAD + (R_OTHER_HANDLING, R_RESULTS_TOTAL,
                                                                       R_CARRIED_FORWARD), REQUEST_COLUMNS),
))
REQUESTS_2021 = TableSpec("requests", "三、收到和处理政府信息公开申请情况", "Requests received and handled", blocks=(
    Block("requests", "", (R_NEW, R_CARRIED_OVER) + RESULT_ROWS_HEAD + R_OTHER_2021 + (R_RESULTS_TOTAL,
                                                                                     R_CARRIED_FORWARD), REQUEST_COLUMNS),
))

# ------------------------------------------------------------------ 四、复议诉讼 (appeals)

APPEAL_COLUMNS = (
    Column("upheld", "结果维持", "Upheld", aliases=("维持",)),
    Column("corrected", "结果纠正", "Corrected", aliases=("纠正",)),
    Column("other", "其他结果", "Other outcome"),
    Column("pending", "尚未审结", "Pending"),
    Column("total", "总计", "Total", aliases=("合计",)),
)
APPEALS = TableSpec("appeals", "四、政府信息公开行政复议、行政诉讼情况", "Administrative review and litigation",
                    one_line=True, blocks=(Block("appeals", "", (
                        Row("review", "行政复议", "Administrative review"),
                        Row("suit_direct", "未经复议直接起诉", "Litigation without prior review",
                            group="行政诉讼", aliases=("直接起诉",)),
                        Row("suit_after_review", "复议后起诉", "Litigation after review", group="行政诉讼"),
                    ), APPEAL_COLUMNS),))


# ------------------------------------------------------------------ identities

def _k(table: str, row: str, col: str) -> CellKey:
    return CellKey(table, row, col)


def _identities(requests: TableSpec, other_rows: tuple[str, ...], alt_rows: tuple[str, ...]) -> tuple[Identity, ...]:
    out: list[Identity] = []
    cols = [c.key for c in REQUEST_COLUMNS]
    result_rows = [r.key for r in RESULT_ROWS_HEAD] + list(other_rows)
    for c in cols:
        out.append(Identity(
            f"requests.balance.{c}", "requests",
            (_k("requests", "new_received", c), _k("requests", "carried_over", c)),
            (_k("requests", "results_total", c), _k("requests", "carried_forward", c)),
            "一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理 (printed in the form)",
            printed=True))
    for c in cols:
        out.append(Identity(
            f"requests.results_sum.{c}", "requests",
            (_k("requests", "results_total", c),),
            tuple(_k("requests", r, c) for r in result_rows),
            "（七）总计 = （一）+（二）+（三）1–8 +（四）1–3 +（五）1–5 +（六）",
            substitutes=((tuple(_k("requests", r, c) for r in other_rows),
                          tuple(_k("requests", r, c) for r in alt_rows)),)))
    rows = [r.key for r in requests.rows()]
    for r in rows + list(alt_rows):
        out.append(Identity(
            f"requests.row_sum.{r}", "requests",
            (_k("requests", r, "total"),),
            tuple(_k("requests", r, c) for c in cols[:-1]),
            "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
            optional=r in alt_rows))
    for r in ("review", "suit_direct", "suit_after_review"):
        out.append(Identity(
            f"appeals.row_sum.{r}", "appeals",
            (_k("appeals", r, "total"),),
            tuple(_k("appeals", r, c) for c in ("upheld", "corrected", "other", "pending")),
            "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"))
    return tuple(out)


OTHER_2021_KEYS = tuple(r.key for r in R_OTHER_2021)

T2019 = Template(
    key="2019", name="政府信息公开工作年度报告格式（试行）", notice="国办公开办函〔2019〕60号",
    tables={"active": ACTIVE_2019, "requests": REQUESTS_2019, "appeals": APPEALS},
    identities=_identities(REQUESTS_2019, ("other_handling",), OTHER_2021_KEYS),
    relations=(Relation("active", "published_total", "new_published", ("rules", "normative_docs")),),
    variant_rows={"requests": R_OTHER_2021}, variant_before={"requests": "results_total"},
    markers=("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "采购项目数量",
             "采购总金额", "政府集中采购", "第二十条第（九）项", "国办公开办函〔2019〕60号"),
)

T2021 = Template(
    key="2021", name="中华人民共和国政府信息公开工作年度报告格式", notice="国办公开办函〔2021〕30号",
    tables={"active": ACTIVE_2021, "requests": REQUESTS_2021, "appeals": APPEALS},
    identities=_identities(REQUESTS_2021, OTHER_2021_KEYS, ("other_handling",)),
    relations=(Relation("active", "in_force", "issued", ("rules", "normative_docs")),),
    variant_rows={"requests": (R_OTHER_HANDLING,)}, variant_before={"requests": "results_total"},
    markers=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
             "逾期不补正", "逾期未按收费通知", "国办公开办函〔2021〕30号"),
)

TEMPLATES = {"2019": T2019, "2021": T2021}
TABLE_KEYS = tuple(s.table for s in SECTIONS if s.table)  # ("active", "requests", "appeals"): also section keys

# the outcome groups of 三、本年度办理结果 as printed, for summaries (SQL views, the audit page)
GROUP_KEYS = {"（三）不予公开": "withheld", "（四）无法提供": "unavailable", "（五）不予处理": "not_processed",
              "（六）其他处理": "other"}


def outcome_groups() -> list[tuple[str, str, tuple[str, ...]]]:
    """(key, label, row keys) for each outcome of 三、本年度办理结果, rows of both formats together:
    予以公开, 部分公开, then the groups （三）–（六） with all their items."""
    groups: dict[str, tuple[str, list[str]]] = {}
    for template in (T2021, T2019):
        for row in template.scan_rows("requests"):
            parts = row.group.split("/") if row.group else []
            if not parts or row.key == "results_total":
                continue
            label = parts[1] if len(parts) > 1 else row.label
            key = GROUP_KEYS.get(label, row.key)
            rows = groups.setdefault(label, (key, []))[1]
            if row.key not in rows:
                rows.append(row.key)
    return [(key, label, tuple(rows)) for label, (key, rows) in groups.items()]


def reader_hints():
    """What readers may know of the national forms (they never import the templates): the words of a
    report's title, and the column words of the three tables (本年制发件数, 自然人, 结果维持 …) by which
    a web page's report tables are told from the site's."""
    from ..readers.hints import Hints
    from ..textnorm import plain

    words = sorted({plain(c.label) for t in TEMPLATES.values() for spec in t.tables.values()
                    for block in spec.blocks for c in block.columns if len(plain(c.label)) >= 4})
    headings = "|".join(f"^(?:{s.pattern})" for s in SECTIONS)
    return Hints(title_words=TITLE_WORDS, table_words=tuple(words), heading_words=headings)

"""Traps for the alignment and the value grammar: each a small pipe-text report in the seed's style
(tests/data/text/seed-style-2021.txt, a synthetic report whose tables add up) changed in one
place. Expected values are written by hand from the text of each trap; a wrong value may never
come out ``ok``."""
from __future__ import annotations

from decimal import Decimal

from extract.pipeline import process_bytes

from conftest import DATA

BASE = (DATA / "text" / "seed-style-2021.txt").read_text(encoding="utf-8")
ORG_HEADER = "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他"
REQUEST_COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]


def read(text: str):
    res = process_bytes(text.encode("utf-8"), "trap.txt")
    assert res.errors == [], res.errors
    return res, {(f.table, f.row, f.column): f for f in res.facts}


def changed(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def values(facts, table, row, cols=REQUEST_COLS):
    return [facts[(table, row, c)].value for c in cols]


def statuses(facts, table, row, cols=REQUEST_COLS):
    return [facts[(table, row, c)].status for c in cols]


# ---------------------------------------------------------------- 1. columns named by their header


def test_org_columns_in_another_order_follow_the_header_words():
    text = changed(ORG_HEADER, "社会公益组织 | 科研机构 | 商业企业 | 法律服务机构 | 其他")
    # printed under 自然人, 社会公益组织, 科研机构, 商业企业, 法律服务机构, 其他, 总计
    text = changed("三、本年度办理结果 | （一）予以公开 | 5 | 0 | 0 | 0 | 0 | 0 | 5",
                   "三、本年度办理结果 | （一）予以公开 | 5 | 3 | 1 | 0 | 0 | 0 | 9", text)
    _, facts = read(text)
    assert values(facts, "requests", "granted") == [5, 0, 1, 3, 0, 0, 9]
    assert set(statuses(facts, "requests", "granted")) == {"ok"}
    # 5.要求行政机关确认… printed 10 | 1 | 0 | 0 | …: the 1 stands under 社会公益组织 now
    assert values(facts, "requests", "rejected_confirmation") == [10, 0, 0, 1, 0, 0, 11]


def test_natural_person_and_total_swapped_in_the_header():
    text = changed("自然人 | 法人或其他组织 | 总计", "总计 | 法人或其他组织 | 自然人")
    text = changed("一、本年新收政府信息公开申请数量 | 108 | 2 | 0 | 2 | 0 | 0 | 112",
                   "一、本年新收政府信息公开申请数量 | 112 | 2 | 0 | 2 | 0 | 0 | 108", text)
    _, facts = read(text)
    assert values(facts, "requests", "new_received") == [108, 2, 0, 2, 0, 0, 112]


def test_appeals_columns_in_another_order_follow_the_header_words():
    # 结果纠正 printed before 结果维持 under 行政复议; the values are printed to match
    text = changed("结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉",
                   "结果纠正 | 结果维持 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉")
    text = changed("6 | 4 | 2 | 0 | 12 | 0 | 0 | 0 | 0 | 0 | 2 | 1 | 0 | 0 | 3",
                   "4 | 6 | 2 | 0 | 12 | 0 | 0 | 0 | 0 | 0 | 2 | 1 | 0 | 0 | 3", text)
    _, facts = read(text)
    cols = ["upheld", "corrected", "other", "pending", "total"]
    assert [facts[("appeals", "review", c)].value for c in cols] == [6, 4, 2, 0, 12]
    assert [facts[("appeals", "suit_after_review", c)].value for c in cols] == [2, 1, 0, 0, 3]
    assert {facts[("appeals", "review", c)].status for c in cols} == {"ok"}


def test_appeals_groups_in_another_order_follow_the_header_words():
    # 行政诉讼 (复议后起诉, then 未经复议直接起诉) printed before 行政复议
    text = changed("行政复议 | 行政诉讼 |", "行政诉讼 | 行政复议 |")
    text = changed("结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉",
                   "复议后起诉 | 未经复议直接起诉 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计", text)
    text = changed("6 | 4 | 2 | 0 | 12 | 0 | 0 | 0 | 0 | 0 | 2 | 1 | 0 | 0 | 3",
                   "2 | 1 | 0 | 0 | 3 | 0 | 0 | 0 | 0 | 0 | 6 | 4 | 2 | 0 | 12", text)
    _, facts = read(text)
    cols = ["upheld", "corrected", "other", "pending", "total"]
    assert [facts[("appeals", "review", c)].value for c in cols] == [6, 4, 2, 0, 12]
    assert [facts[("appeals", "suit_after_review", c)].value for c in cols] == [2, 1, 0, 0, 3]
    assert [facts[("appeals", "suit_direct", c)].value for c in cols] == [0, 0, 0, 0, 0]


def test_active_columns_in_another_order_follow_the_header_words():
    text = changed("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数", "信息内容 | 现行有效件数 | 本年制发件数 | 本年废止件数")
    text = changed("规章 | 157 | 92 | 185", "规章 | 185 | 157 | 92", text)
    text = changed("行政规范性文件 | 196 | 13 | 2", "行政规范性文件 | 2 | 196 | 13", text)
    _, facts = read(text)
    assert [facts[("active", "rules", c)].value for c in ("issued", "repealed", "in_force")] == [157, 92, 185]
    assert [facts[("active", "normative_docs", c)].value for c in ("issued", "repealed", "in_force")] == [196, 13, 2]


def test_a_table_with_no_header_words_is_placed_by_the_layout_but_not_called_ok():
    # the three header rows of 三 are gone: only the national layout places the columns
    text = BASE
    for line in ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 |  |  |  |  |  |  |  | \n",
                 "自然人 | 法人或其他组织 | 总计 |  |  |  |  |  |  | \n", ORG_HEADER + " |  |  |  |  | \n"):
        text = changed(line, "", text)
    _, facts = read(text)
    row = {c: facts[("requests", "withheld_enforcement_file", c)] for c in REQUEST_COLS}
    assert [row[c].value for c in REQUEST_COLS] == [8, 1, 0, 1, 0, 0, 10]
    # 8, 1, 0, 1 could stand in any order of the six applicant columns: nothing says which is which
    assert {row[c].status for c in REQUEST_COLS[:-1]} == {"inferred"}
    # a row whose applicant columns are all 0 reads the same whatever their order
    assert set(statuses(facts, "requests", "partially_granted")) == {"ok"}


# ---------------------------------------------------------------- 2. the value grammar of each column


def test_a_decimal_count_is_not_ok():
    _, facts = read(changed("行政许可 | 363 |  | ", "行政许可 | 1.143 |  | "))
    f = facts[("active", "licensing", "decisions")]
    assert (f.status, f.value, f.raw) == ("invalid", None, "1.143")
    assert "decimal" in f.note


def test_a_negative_count_is_not_ok():
    _, facts = read(changed("行政强制 | 53 |  | ", "行政强制 | -53 |  | "))
    f = facts[("active", "coercion", "decisions")]
    assert (f.status, f.value, f.raw) == ("invalid", None, "-53")


def test_yuan_in_a_wanyuan_column_is_converted_exactly():
    _, facts = read(changed("行政事业性收费 | 61638.69 |  | ", "行政事业性收费 | 4160100元 |  | "))
    f = facts[("active", "fees", "fee_amount")]
    assert (f.status, f.value, f.unit) == ("ok", Decimal("416.01"), "万元")
    assert "converted" in f.note


def test_thousands_separators_and_full_width_digits():
    text = changed("行政许可 | 363 |  | ", "行政许可 | 1,363 |  | ")
    text = changed("行政处罚 | 60 |  | ", "行政处罚 | ６０ |  | ", text)
    _, facts = read(text)
    assert (facts[("active", "licensing", "decisions")].value, facts[("active", "licensing", "decisions")].status) == (
        1363, "ok")
    assert facts[("active", "penalty", "decisions")].value == 60


def test_footnote_markers_are_never_merged_into_the_number():
    text = changed("行政许可 | 363 |  | ", "行政许可 | 363¹ |  | ")
    text = changed("行政处罚 | 60 |  | ", "行政处罚 | 60① |  | ", text)
    _, facts = read(text)
    assert facts[("active", "licensing", "decisions")].value == 363
    assert facts[("active", "penalty", "decisions")].value == 60
    assert "footnote" in facts[("active", "licensing", "decisions")].note


def test_a_percentage_or_words_in_a_count_cell_are_not_values():
    text = changed("行政许可 | 363 |  | ", "行政许可 | 36% |  | ")
    text = changed("行政处罚 | 60 |  | ", "行政处罚 | 六十 |  | ", text)
    _, facts = read(text)
    assert facts[("active", "licensing", "decisions")].status == "invalid"
    # words where a number should be: never a value (the words make the line's label 行政处罚 六十)
    assert facts[("active", "penalty", "decisions")].status in ("invalid", "missing")
    assert facts[("active", "penalty", "decisions")].value is None


# ---------------------------------------------------------------- 3. rows printed twice, labels against numbering


def test_a_row_printed_twice_with_other_values_is_not_ok():
    line = "2.重复申请 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |  | \n"
    res, facts = read(changed(line, line + "2.重复申请 | 21 | 0 | 0 | 0 | 0 | 0 | 21 |  | \n"))
    nat = facts[("requests", "rejected_duplicate", "natural_person")]
    assert nat.status == "ambiguous" and nat.value in (12, 21)
    assert {"12", "21"} - {str(nat.value)} <= set(nat.alternatives.split("; "))
    # the columns both copies agree on are not in doubt
    assert facts[("requests", "rejected_duplicate", "commercial")].status == "ok"
    assert "printed more than once" in nat.note


def test_a_row_printed_twice_with_the_same_values_is_ok():
    line = "2.重复申请 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |  | \n"
    res, facts = read(changed(line, line + line))
    assert set(statuses(facts, "requests", "rejected_duplicate")) == {"ok"}
    assert "printed twice with the same values" in res.report.note


def test_a_label_whose_numbering_names_another_row_is_not_ok():
    # 2. is 重复申请's number; the words are 3.要求提供公开出版物's
    text = changed("2.重复申请 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |  | \n", "2.要求提供公开出版物 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |  | \n")
    _, facts = read(text)
    for row in ("rejected_duplicate", "rejected_publication"):
        for c in REQUEST_COLS:
            f = facts[("requests", row, c)]
            assert not (f.status == "ok" and f.value != {"rejected_duplicate": [12, 0, 0, 0, 0, 0, 12],
                                                          "rejected_publication": [13, 0, 0, 0, 0, 0, 13]}[row][
                REQUEST_COLS.index(c)]), (row, c, f.value, f.status)


def test_the_relabelled_line_alone_is_doubted():
    # 2.要求提供公开出版物 (numbering of 重复申请) and no line for 重复申请 at all
    text = changed("2.重复申请 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |  | \n", "2.要求提供公开出版物 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |  | \n")
    text = changed("3.要求提供公开出版物 | 13 | 0 | 0 | 0 | 0 | 0 | 13 |  | \n", "", text)
    _, facts = read(text)
    f = facts[("requests", "rejected_publication", "natural_person")]
    assert f.value == 12 and f.status == "ambiguous"
    assert "numbering" in f.note


# ---------------------------------------------------------------- 4. lines that name no row


def test_a_labelled_line_that_matches_no_row_is_reported():
    res, facts = read(changed("行政许可 | 363 |  | \n", "行政许可 | 363 |  | \n行政检查 | 12 |  | \n"))
    assert "行政检查" in res.report.note and "not read" in res.report.note
    assert facts[("active", "licensing", "decisions")].value == 363


# ---------------------------------------------------------------- 5. exact numbers


def test_large_counts_and_long_decimals_stay_exact():
    text = changed("行政许可 | 363 |  | ", "行政许可 | 9007199254740993 |  | ")
    text = changed("行政事业性收费 | 61638.69 |  | ", "行政事业性收费 | 1234567890.123456789 |  | ", text)
    _, facts = read(text)
    assert facts[("active", "licensing", "decisions")].value == Decimal("9007199254740993")
    assert facts[("active", "fees", "fee_amount")].value == Decimal("1234567890.123456789")


def test_a_count_too_large_to_store_is_not_a_value():
    _, facts = read(changed("行政许可 | 363 |  | ", "行政许可 | 9223372036854775808 |  | "))
    f = facts[("active", "licensing", "decisions")]
    assert (f.status, f.value) == ("invalid", None) and "too large" in f.note


# ---------------------------------------------------------------- 6. readings settled only on firm ground

RESULTS_LINE = "（七）总计 | 109 | 2 | 0 | 2 | 0 | 0 | 113 |  | \n"
FORWARD_LINE = "四、结转下年度继续办理 | 6 | 0 | 0 | 0 | 0 | 0 | 6 |  | \n"
GRANTED_LINE = "三、本年度办理结果 | （一）予以公开 | 5 | 0 | 0 | 0 | 0 | 0 | 5 | \n"
# 10920200113 reads two ways that keep the row's total: 1|0|92|0|20|0|113 and 109|2|0|2|0|0|113;
# only 109 lets 自然人 add up: 108 new + 7 carried over = 109 answered + 6 carried forward. (（一）予以公开
# is left out, so that the sum of the outcomes cannot decide it.)
FLATTENED_RESULTS = changed(FORWARD_LINE, FORWARD_LINE + "（七）总计10920200113\n",
                            changed(GRANTED_LINE, "", changed(RESULTS_LINE, "")))


def test_a_flattened_line_is_settled_by_the_column_balance():
    _, facts = read(FLATTENED_RESULTS)
    f = facts[("requests", "results_total", "natural_person")]
    assert (f.value, f.status) == (109, "inferred")
    assert facts[("requests", "results_total", "research")].value == 0


def test_a_doubted_line_never_settles_another():
    # 一、本年新收 printed twice (108 and 118): the balance can no longer tell which reading is right
    new = "一、本年新收政府信息公开申请数量 | 108 | 2 | 0 | 2 | 0 | 0 | 112 |  | \n"
    text = changed(new, new + "一、本年新收政府信息公开申请数量 | 118 | 2 | 0 | 2 | 0 | 0 | 122 |  | \n", FLATTENED_RESULTS)
    _, facts = read(text)
    f = facts[("requests", "results_total", "natural_person")]
    assert f.status == "ambiguous" and "109" in (str(f.value), *f.alternatives.split("; "))


def test_a_superscript_footnote_mark_in_a_web_page_or_word_file_is_not_a_digit(tmp_path):
    import docx

    from extract.synth import random_spec
    from extract.synth.render import to_docx, to_html

    spec = random_spec(3, "2021")  # the seed-style report: 行政许可 363
    page = to_html(spec).replace(">363</p>", ">363<sup>1</sup></p>")
    res = process_bytes(page.encode("utf-8"), "r.html")
    f = {(x.table, x.row, x.column): x for x in res.facts}[("active", "licensing", "decisions")]
    assert (f.value, f.status) == (363, "ok") and "footnote" in f.note
    to_docx(spec, tmp_path / "r.docx")
    d = docx.Document(tmp_path / "r.docx")
    cell = next(c for t in d.tables for row in t.rows for c in row.cells if c.text == "363")
    cell.paragraphs[0].add_run("2").font.superscript = True
    d.save(tmp_path / "r.docx")
    res = process_bytes((tmp_path / "r.docx").read_bytes(), "r.docx")
    f = {(x.table, x.row, x.column): x for x in res.facts}[("active", "licensing", "decisions")]
    assert (f.value, f.status, f.raw) == (363, "ok", "363²")


# ---------------------------------------------------------------- rows a value short or a value too long


def test_a_row_printed_a_value_short_is_not_ok():
    # 4 | 0 | 0 | 0 | 0 | 4 under seven columns: the 4 under 其他 is the row's total
    res, facts = read(changed("4.保护第三方合法权益 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |  | \n",
                              "4.保护第三方合法权益 | 4 | 0 | 0 | 0 | 0 | 4 |  |  | \n"))
    assert not [c for c in REQUEST_COLS if facts[("requests", "withheld_third_party", c)].status == "ok"]
    assert "withheld_third_party" in res.report.note and "short" in res.report.note


def test_a_row_printed_a_value_too_long_is_not_ok_and_said():
    res, facts = read(changed("7.属于行政执法案卷 | 8 | 1 | 0 | 1 | 0 | 0 | 10 |  | \n",
                              "7.属于行政执法案卷 | 8 | 1 | 1 | 0 | 1 | 0 | 0 | 10 | \n"))
    assert not [c for c in REQUEST_COLS if facts[("requests", "withheld_enforcement_file", c)].status == "ok"]
    assert "withheld_enforcement_file" in res.report.note


def test_digits_the_grammar_refuses_stay_in_their_cell_as_invalid():
    for printed in ("(53)", "1,36,3", "3.63E+02", "60(1)"):
        _, facts = read(changed("行政强制 | 53 |  | \n", f"行政强制 | {printed} |  | \n"))
        f = facts[("active", "coercion", "decisions")]
        assert (f.status, f.raw, f.value) == ("invalid", printed, None)

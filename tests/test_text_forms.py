"""The table forms text and Markdown hold, each written out by hand with the values read back by hand:
space-aligned columns (pdftotext -layout: one column per character; consoles and pandoc: East Asian
width), tables drawn with characters (ASCII and box grids with merged cells, pandoc's dash-ruled
tables), tab-separated rows, Markdown with raw ``<table>`` HTML, ``<br>`` in cells and rows wider
than their header, page numbers and running headers between pages, a heading inside a table."""
from __future__ import annotations

from decimal import Decimal

import pytest

from extract.pipeline import process_bytes
from extract.readers import read
from extract.readers.spaced import tables_in
from extract.readers.textgrid import tables_in as drawn_tables
from extract.document import Table

HEAD = """XX市人民政府2024年政府信息公开工作年度报告
本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。
一、总体情况
2024年，我市主动公开政府信息5500条。
"""
TAIL = """五、存在的主要问题及改进情况
政策解读形式较为单一。
六、其他需要报告的事项
本年度无其他需要报告的事项。
XX市人民政府
2025年1月20日
"""


def _facts(text: str, name: str = "r.txt"):
    res = process_bytes(text.encode("utf-8"), name)
    assert res.errors == [], res.errors
    return res, {(f.table, f.row, f.column): f for f in res.facts}


def _values(facts, table, row, cols):
    return [facts[(table, row, c)].value for c in cols]


REQ = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
APPEALS = [(r, c) for r in ("review", "suit_direct", "suit_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]


# ------------------------------------------------------------------ space-aligned, one column per character

LAYOUT = HEAD + """
      二、主动公开政府信息情况
               第二十条 第（一）项


信息内容          本年制发件数     本年废止件数   现行有效件数


规章             1          0        11

行政规范性文件       8          26       66

               第二十条 第（五）项

信息内容          本年处理决定数量

行政许可          447228

      三、收到和处理政府信息公开申请情况
                                                         申请人情况

（本列数据的勾稽关系为：第一项加第二项之和，                  法人或其他组织
等于第三项加第四项之和）
                               自然人                                              总计
                                        商业企      科研机     社会公益     法律服务
                                                                           其他
                                        业        构       组织       机构

一、本年新收政府信息公开申请数量                3001        53       0        0    61       4   3119

二、上年结转政府信息公开申请数量                34          0        0        0        0    0    34

      （一）予以公开                   1288        21       0        0    50       3   1362

      （二）部分公开（区分处理的，只计这一情
                                447         7        0        0        0    0   454
      形，不计其他情形）


             1.属于国家秘密            2          0        0        0        0    0    2
三、

本            2.其他法律行政法规禁止公开     30          1        0        0        0    0    31

                                          -4-
\fXX市人民政府2024年政府信息公开工作年度报告
             5.要求行政机关确认或重新出
                                        1         0        0         0        0         0    1
             具已获取信息
     （七）总计                           2932        53        0         0        61        4   3050

四、结转下年度继续办理                          103          0        0         0        0         0    103

     四、政府信息公开行政复议、行政诉讼情况
          行政复议                              行政诉讼

                              未经复议直接起诉                  复议后起诉

结果   结果     其他   尚未
                    总 计 结果 结果 其他       尚未     结果 结果 其他 尚未
维持   纠正     结果   审结                                               总计
                                          总 计
                        维持 纠正 结果       审结     维持 纠正 结果 审结

10    1      0   0    11   0    0   0   0    0   5   0     0   0   5

                                          -5-
\fXX市人民政府2024年政府信息公开工作年度报告
""" + TAIL


def test_layout_text_reads_wrapped_labels_blocks_and_pages():
    res, facts = _facts(LAYOUT)
    assert res.report.layout == "text/space-aligned"
    assert _values(facts, "active", "rules", ["issued", "repealed", "in_force"]) == [1, 0, 11]
    assert _values(facts, "active", "normative_docs", ["issued", "repealed", "in_force"]) == [8, 26, 66]
    assert facts[("active", "licensing", "decisions")].value == 447228
    assert _values(facts, "requests", "new_received", REQ) == [3001, 53, 0, 0, 61, 4, 3119]
    # a label wrapped over three lines, its values on the middle one
    assert _values(facts, "requests", "partially_granted", REQ) == [447, 7, 0, 0, 0, 0, 454]
    # a row whose line also holds a character of the group label printed down the first column (本)
    assert _values(facts, "requests", "withheld_law_prohibited", REQ) == [30, 1, 0, 0, 0, 0, 31]
    # after the page break and the running header: a label wrapped around its values
    assert _values(facts, "requests", "rejected_confirmation", REQ) == [1, 0, 0, 0, 0, 0, 1]
    assert _values(facts, "requests", "carried_forward", REQ) == [103, 0, 0, 0, 0, 0, 103]
    assert [facts[("appeals", r, c)].value for r, c in APPEALS] == [10, 1, 0, 0, 11, 0, 0, 0, 0, 0, 5, 0, 0, 0, 5]
    for key in [("requests", "partially_granted", "natural_person"), ("active", "licensing", "decisions")]:
        assert facts[key].status == "ok", facts[key]
    # the appeals header's words broken over lines (结果 / 维持) prove no order: its values are not ok
    assert facts[("appeals", "review", "upheld")].status != "ok"
    # the running header and the page numbers are no text of the report
    assert not any("-4-" in s.text or s.text.count("XX市人民政府2024年") > 0 for s in res.sections if s.level == 1)


def test_layout_table_rows_are_lines_and_values_stand_under_their_columns():
    lines = ["信息内容          本年制发件数     本年废止件数   现行有效件数",
             "规章             1          0        11",
             "行政规范性文件       8          26       66"]
    (start, end, tables), = tables_in(lines)
    assert (start, end) == (0, 3)
    t, = tables
    assert t.line_rows
    rows = [[c.text for c in sorted((c for c in t.cells if c.row == r), key=lambda c: c.col)] for r in range(3)]
    assert rows == [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "0", "11"],
                    ["行政规范性文件", "8", "26", "66"]]


def test_running_text_with_single_spaces_is_no_space_aligned_table():
    lines = ["一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119",
             "二、上年结转政府信息公开申请数量 34 0 0 0 0 0 34"]
    assert tables_in(lines) == []


# ------------------------------------------------------------------ East Asian width, blank cells (pandoc plain)

PANDOC_PLAIN = HEAD + """二、主动公开政府信息情况

  -------------------- ---------------------------- -------------- --------------
  第二十条第（一）项
  信息内容             本年制发件数                 本年废止件数   现行有效件数
  规章                 0                            0              0
  行政规范性文件       8                            0              18
  第二十条第（五）项
  信息内容             本年处理决定数量
  行政许可             12
  -------------------- ---------------------------- -------------- --------------

三、收到和处理政府信息公开申请情况

  ------------------------------------ -------- ---------- ---------- -------------- -------------- ------ ------
  （本列数据的勾稽关系为）             申请人情况
                                       自然人   法人或其他组织                                             总计
                                                商业企业   科研机构   社会公益组织   法律服务机构   其他
  一、本年新收政府信息公开申请数量     26                                                                  26
  二、上年结转政府信息公开申请数量     0                               2                                   2
  ------------------------------------ -------- ---------- ---------- -------------- -------------- ------ ------

四、政府信息公开行政复议、行政诉讼情况

  ---------- ---------- ---------- ---------- ------ ------------------ ---------- ---------- ---------- ------ ------------ ---------- ---------- ---------- ------
  行政复议                                           行政诉讼
  结果维持   结果纠正   其他结果   尚未审结   总计   未经复议直接起诉                                           复议后起诉
                                                     结果维持           结果纠正   其他结果   尚未审结   总计   结果维持     结果纠正   其他结果   尚未审结   总计
  0          0          0          1          1      0                  0          0          0          0      0            2          0          0          2
  ---------- ---------- ---------- ---------- ------ ------------------ ---------- ---------- ---------- ------ ------------ ---------- ---------- ---------- ------
""" + TAIL


def test_pandoc_plain_tables_keep_blank_cells_in_their_columns():
    res, facts = _facts(PANDOC_PLAIN)
    assert res.report.layout == "text/grid"
    assert _values(facts, "active", "normative_docs", ["issued", "repealed", "in_force"]) == [8, 0, 18]
    assert facts[("active", "licensing", "decisions")].value == 12
    assert _values(facts, "requests", "new_received", REQ) == [26, None, None, None, None, None, 26]
    assert [facts[("requests", "new_received", c)].status for c in REQ] == ["ok"] + ["blank"] * 5 + ["ok"]
    # the 2 is under 社会公益组织, two blank columns to its left
    assert _values(facts, "requests", "carried_over", REQ) == [0, None, None, 2, None, None, 2]
    assert [facts[("appeals", r, c)].value for r, c in APPEALS] == [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 2]


def test_a_table_pandoc_could_not_print_is_missing():
    text = PANDOC_PLAIN.replace(PANDOC_PLAIN[PANDOC_PLAIN.index("  ------------------------------------ --------"):
                                             PANDOC_PLAIN.index("四、政府信息公开")], "[TABLE]\n\n")
    _, facts = _facts(text)
    assert {facts[("requests", "new_received", c)].status for c in REQ} == {"missing"}
    assert facts[("active", "licensing", "decisions")].value == 12


# ------------------------------------------------------------------ drawn grids

ASCII_GRID = """+--------------------+----------------+----+----+
| 三、本年度办理结果 | （一）予以公开 | 5  | 5  |
|                    +----------------+----+----+
|                    | （二）部分公开 | 1  | 1  |
+--------------------+----------------+----+----+
| 四、结转下年度继续办理              | 0  | 0  |
+-------------------------------------+----+----+"""
# the same drawn by a tool that counts one column per character
NARROW_GRID = """+-----------+---------+----+----+
| 三、本年度办理结果 | （一）予以公开 | 5  | 5  |
|           +---------+----+----+
|           | （二）部分公开 | 1  | 1  |
+-----------+---------+----+----+
| 四、结转下年度继续办理         | 0  | 0  |
+---------------------+----+----+"""

@pytest.mark.parametrize("grid", [ASCII_GRID, NARROW_GRID], ids=["east-asian-width", "one-column-per-character"])
def test_ascii_grid_with_merged_cells(grid):
    (start, end, (t,)), = drawn_tables(grid.split("\n"))
    assert (start, end) == (0, 7)
    cells = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in t.cells}
    assert cells[(0, 0)] == ("三、本年度办理结果", 2, 1)  # no rule under it: it spans two rows
    assert cells[(0, 1)] == ("（一）予以公开", 1, 1)
    assert cells[(1, 1)] == ("（二）部分公开", 1, 1)
    assert cells[(2, 0)] == ("四、结转下年度继续办理", 1, 2)  # no bar inside it: it spans two columns
    assert cells[(1, 2)] == ("1", 1, 1) and cells[(2, 3)] == ("0", 1, 1)


def test_box_grid_with_east_asian_width():
    lines = ["┌────────┬──────┬──────┐",
             "│规章    │1     │0     │",
             "├────────┼──────┴──────┤",
             "│行政许可│ 23          │",
             "└────────┴─────────────┘"]
    (_, _, (t,)), = drawn_tables(lines)
    cells = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in t.cells}
    assert cells[(0, 0)] == ("规章", 1, 1) and cells[(0, 1)] == ("1", 1, 1) and cells[(0, 2)] == ("0", 1, 1)
    assert cells[(1, 0)] == ("行政许可", 1, 1)
    assert cells[(1, 1)] == ("23", 1, 2)


def test_a_markdown_delimiter_row_is_no_grid_rule():
    assert drawn_tables(["| 规章 | 1 |", "|---|---|", "| 行政许可 | 2 |"]) == []


# ------------------------------------------------------------------ tabs

def test_tab_separated_rows_are_a_table():
    text = HEAD + "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n" \
                  "规章\t3\t\t7\n行政规范性文件\t9\t1\t40\n" + TAIL
    res, facts = _facts(text)
    assert res.report.layout == "text/tab"
    assert _values(facts, "active", "rules", ["issued", "repealed", "in_force"]) == [3, None, 7]
    assert facts[("active", "rules", "repealed")].status == "blank"
    assert _values(facts, "active", "normative_docs", ["issued", "repealed", "in_force"]) == [9, 1, 40]


# ------------------------------------------------------------------ Markdown variants

MARKDOWN = HEAD.replace("XX市人民政府2024年", "# XX市人民政府2024年") + """
## 二、主动公开政府信息情况

第二十条第（一）项
---
信息内容| 本年制发件数| 本年废止件数| 现行有效件数
规章| 2| 0| 9
行政规范性文件| 5| 1| 30

## 三、收到和处理政府信息公开申请情况

<table>
<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>7</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>8</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>4</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>5</td></tr>
<tr><td colspan="2">（二）部分公开（区分处理的，<br>只计这一情形，不计其他情形）</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
</table>

- 4 -

## 四、政府信息公开行政复议、行政诉讼情况

|行政复议|||||行政诉讼|
|---|---|---|---|---|---|
|结果<br>维持|结果<br>纠正|其他<br>结果|尚未<br>审结|总计|未经复议直接起诉||||||复议后起诉|
|结果维持|结果纠正|其他结果|尚未审结|总计|结果维持|结果纠正|其他结果|尚未审结|总计|结果维持|结果纠正|其他结果|尚未审结|总计|
|3|0|0|0|3|0|1|0|0|1|0|0|0|2|2|

## 五、存在的主要问题及改进情况

政策解读形式较为单一。

## 六、其他需要报告的事项

本年度无其他需要报告的事项。
"""


def test_markdown_with_raw_html_tables_loose_pipe_rows_and_wide_rows():
    res, facts = _facts(MARKDOWN, "r.md")
    assert res.report.layout == "md/pipe+html-table"
    # html2text's one-cell caption over `---`: Markdown takes it for a heading, the rows are read anyway
    assert _values(facts, "active", "rules", ["issued", "repealed", "in_force"]) == [2, 0, 9]
    assert _values(facts, "active", "normative_docs", ["issued", "repealed", "in_force"]) == [5, 1, 30]
    # raw HTML with spans inside Markdown; a <br> inside a label
    assert _values(facts, "requests", "new_received", REQ) == [7, 1, 0, 0, 0, 0, 8]
    assert _values(facts, "requests", "partially_granted", REQ) == [2, 0, 0, 0, 0, 0, 2]
    # a pipe table whose rows are wider than its header (six cells over fifteen values): nothing dropped
    assert [facts[("appeals", r, c)].value for r, c in APPEALS] == [3, 0, 0, 0, 3, 0, 1, 0, 0, 1, 0, 0, 0, 2, 2]
    assert facts[("appeals", "suit_after_review", "total")].status == "ok"


def test_a_heading_a_converter_put_inside_a_table_is_a_heading():
    text = MARKDOWN.replace("\n- 4 -\n\n## 四、政府信息公开行政复议、行政诉讼情况\n\n|行政复议|||||行政诉讼|\n|---|---|---|---|---|---|",
                            "\n|四、政府信息公开|行政复|议、行政诉讼情况||||\n|---|---|---|---|---|---|\n|行政复议|||||行政诉讼|")
    res, facts = _facts(text, "r.md")
    assert "四、" in [s.number for s in res.sections if s.level == 1]
    assert [facts[("appeals", r, c)].value for r, c in APPEALS] == [3, 0, 0, 0, 3, 0, 1, 0, 0, 1, 0, 0, 0, 2, 2]


# ------------------------------------------------------------------ titles in every order

def _meta(title_lines: str):
    res, _ = _facts(title_lines + "\n" + HEAD.split("\n", 1)[1] + "二、主动公开政府信息情况\n规章 | 1 | 0 | 2\n" + TAIL)
    return res.report.agency, res.report.year


def test_titles_in_every_order_give_agency_and_year():
    assert _meta("2019年上海市人民政府办公厅政府信息公开工作年度报告") == ("上海市人民政府办公厅", 2019)
    assert _meta("上海市人民政府办公厅2019年政府信息公开工作年度报告") == ("上海市人民政府办公厅", 2019)
    assert _meta("北京市财政局关于2022年度政府信息公开工作的报告") == ("北京市财政局", 2022)
    assert _meta("《淮安市人民政府2024年政府信息公开工作年度报告》") == ("淮安市人民政府", 2024)
    assert _meta("二〇二三年度XX镇人民政府政府信息公开工作年度报告") == ("XX镇人民政府", 2023)
    # split over two lines, the agency or the year above
    assert _meta("沭阳县人民政府\n2025年政府信息公开工作年度报告") == ("沭阳县人民政府", 2025)
    assert _meta("2021年\n平潭综合实验区政府信息公开工作年度报告") == ("平潭综合实验区", 2021)
    # no agency in the title: the signature above the closing date
    assert _meta("关于2023年度政府信息公开工作的报告") == ("XX市人民政府", 2023)


def test_a_browser_print_header_and_footer_reach_no_value_or_title():
    page1 = "12/1/26, 7:50 PM   XX市人民政府2024年政府信息公开工作年度报告-XX市政府\n"
    foot = "\nfile:///tmp/web/report.html   {}/3\n"
    text = (page1 + LAYOUT.split("\f")[0].split("-4-")[0] + foot.format(1) + "\f" + page1 +
            LAYOUT.split("\f")[1].split("-5-")[0].split("\n", 1)[1] + foot.format(2) + "\f" + page1 + TAIL + foot.format(3))
    res, facts = _facts(text)
    assert res.report.title == "XX市人民政府2024年政府信息公开工作年度报告"
    assert _values(facts, "requests", "rejected_confirmation", REQ) == [1, 0, 0, 0, 0, 0, 1]
    assert facts[("appeals", "review", "total")].value == 11
    assert not any("file:" in s.text or "PM" in s.text for s in res.sections)


# ------------------------------------------------------------------ console tables (as tabulate, psql, org-mode print them)

CONSOLE = {
    "psql": """+----------------+----------------+----------------+----------------+
| 信息内容       |   本年制发件数 |   本年废止件数 |   现行有效件数 |
|----------------+----------------+----------------+----------------|
| 规章           |              3 |                |              7 |
| 行政规范性文件 |              9 |              1 |             40 |
+----------------+----------------+----------------+----------------+""",
    "orgtbl": """| 信息内容       |   本年制发件数 |   本年废止件数 |   现行有效件数 |
|----------------+----------------+----------------+----------------|
| 规章           |              3 |                |              7 |
| 行政规范性文件 |              9 |              1 |             40 |""",
    "rst": """==============  ==============  ==============  ==============
信息内容          本年制发件数    本年废止件数    现行有效件数
==============  ==============  ==============  ==============
规章                         3                               7
行政规范性文件               9               1              40
==============  ==============  ==============  ==============""",
    "plain": """信息内容          本年制发件数    本年废止件数    现行有效件数
规章                         3                               7
行政规范性文件               9               1              40""",
    "box": """┍━━━━━━━━━━━━━━━━┯━━━━━━━━━━━━━━━━┯━━━━━━━━━━━━━━━━┯━━━━━━━━━━━━━━━━┑
│ 信息内容       │   本年制发件数 │   本年废止件数 │   现行有效件数 │
┝━━━━━━━━━━━━━━━━┿━━━━━━━━━━━━━━━━┿━━━━━━━━━━━━━━━━┿━━━━━━━━━━━━━━━━┥
│ 规章           │              3 │                │              7 │
├────────────────┼────────────────┼────────────────┼────────────────┤
│ 行政规范性文件 │              9 │              1 │             40 │
┕━━━━━━━━━━━━━━━━┷━━━━━━━━━━━━━━━━┷━━━━━━━━━━━━━━━━┷━━━━━━━━━━━━━━━━┙""",
}


@pytest.mark.parametrize("form", list(CONSOLE))
def test_console_tables_keep_a_blank_cell_in_its_column(form):
    text = HEAD + "二、主动公开政府信息情况\n第二十条第（一）项\n" + CONSOLE[form] + "\n" + TAIL
    _, facts = _facts(text)
    assert _values(facts, "active", "rules", ["issued", "repealed", "in_force"]) == [3, None, 7]
    assert facts[("active", "rules", "repealed")].status == "blank"
    assert _values(facts, "active", "normative_docs", ["issued", "repealed", "in_force"]) == [9, 1, 40]
    assert facts[("active", "rules", "in_force")].status == "ok"

"""Web pages: the real Word-pasted page from ../shared, charsets, site chrome, the page's
metadata table, rowspans that do not match the rows, tables framed by layout tables."""
from __future__ import annotations

from collections import Counter

import pytest

from extract.document import Paragraph, Table
from extract.pipeline import process_bytes
from extract.readers import read as _read
from extract.readers.grid import RawCell, repair_spans
from extract.readers.html import read_html as _read_html
from extract.templates import reader_hints
from extract.synth import random_spec
from extract.synth.wild import to_portal_html

from conftest import REAL, compare, misread, need_shared, truth_meta

HINTS = reader_hints()


def read(data, source):
    return _read(data, source, HINTS)


def read_html(data, source):
    return _read_html(data, source, HINTS)


SHUYANG = "shuyang-fagaiju-2023.html"


def _shuyang():
    need_shared()
    return (REAL / SHUYANG).read_bytes()


def test_shuyang_every_cell_right():
    res = process_bytes(_shuyang(), SHUYANG)
    right, total, wrong, silent = compare(res, "shuyang-fagaiju-2023")
    assert wrong == [] and right == total == 200
    assert res.report.format == "html" and res.report.status == "ok"


def test_shuyang_blank_cells_are_blank_not_zero():
    res = process_bytes(_shuyang(), SHUYANG)
    facts = {(f.table, f.row, f.column): f for f in res.facts}
    blank = facts[("requests", "new_received", "commercial")]
    assert (blank.value, blank.status, blank.raw) == (None, "blank", "")
    assert Counter(f.status for f in res.facts) == Counter({"blank": 125, "ok": 75})
    # column balances over the blank legal-person columns cannot be decided
    checks = {c.check: c for c in res.checks}
    assert checks["requests.balance.commercial"].status == "unknown"
    assert "holds if blank cells are read as 0" in checks["requests.balance.commercial"].note
    assert checks["requests.balance.natural_person"].status == "pass"
    assert not [c for c in res.checks if c.status == "fail"]


def test_shuyang_metadata_from_the_page():
    res = process_bytes(_shuyang(), SHUYANG)
    meta = truth_meta("shuyang-fagaiju-2023")
    rep = res.report
    assert rep.agency == meta["agency"] and str(rep.year) == meta["year"]
    assert rep.template == meta["template"] and rep.published == meta["published"]
    assert rep.title == meta["title"]
    doc = read(_shuyang(), SHUYANG)
    assert doc.properties["index_no"] == "014314799/2024-00002"
    assert doc.properties["publisher"] == "沭阳县发展和改革局"
    assert doc.properties["published"] == "2024-01-17"


def test_shuyang_site_chrome_left_out():
    doc = read(_shuyang(), SHUYANG)
    text = doc.text()
    for chrome in ("繁體版", "无障碍", "走进沭阳", "办事服务", "请输入关键词", "索引号", "星期"):
        assert chrome not in text, chrome
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paragraphs[0] == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert paragraphs[-2:] == ["沭阳县发展和改革局", "2024年1月17日"]


def test_shuyang_grid_keeps_merged_cells_once():
    doc = read(_shuyang(), SHUYANG)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert [(t.n_rows, t.n_cols) for t in tables] == [(14, 4), (28, 10), (4, 15)]
    requests = tables[1]
    results = next(c for c in requests.cells if c.text.replace(" ", "") == "三、本年度办理结果")
    assert (results.row, results.col, results.rowspan, results.colspan) == (5, 0, 22, 1)
    # labels split across <span>s come out whole; "申请人情况" was split as 申请人情 / 况
    assert any(c.text == "申请人情况" for c in requests.cells)


def test_shuyang_sections():
    res = process_bytes(_shuyang(), SHUYANG)
    level1 = [(s.number, s.heading) for s in res.sections if s.level == 1]
    assert [n for n, _ in level1] == ["一、", "二、", "三、", "四、", "五、", "六、"]


# ------------------------------------------------------------------ charsets

PAGE = ("<html><head>{meta}<title>某县教育局2023年政府信息公开工作年度报告</title></head><body>"
        "<h1>某县教育局2023年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>本局认真贯彻《条例》。</p></body></html>")


@pytest.mark.parametrize("meta", ['<meta charset="gbk">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
                                  ""])
def test_gbk_pages_decoded(meta):
    data = PAGE.format(meta=meta).encode("gbk")
    doc = read_html(data, "page.html")
    assert doc.encoding == "gb18030"
    assert [b.text for b in doc.blocks][:2] == ["某县教育局2023年政府信息公开工作年度报告", "一、总体情况"]


def test_page_declaring_utf8_but_written_in_gbk():
    data = PAGE.format(meta='<meta charset="utf-8">').encode("gbk")
    doc = read_html(data, "page.html")
    assert "总体情况" in doc.text()


def test_html_recognised_by_content_whatever_its_name():
    data = PAGE.format(meta="").encode("utf-8")
    assert read(data, "report.txt").format == "html"
    assert read(data, "report.pdf").format == "html"


# ------------------------------------------------------------------ the page as portals publish it

@pytest.fixture(scope="module", params=["2019", "2021"])
def portal(request):
    spec = random_spec(11, template=request.param)
    return spec, to_portal_html(spec)


def test_portal_page_reads_every_cell(portal):
    spec, data = portal
    res = process_bytes(data, "page.html")
    assert misread(spec, res) == []
    assert all(c.status == "pass" for c in res.checks)


def test_portal_rowspan_two_rows_short_is_repaired(portal):
    spec, data = portal
    assert b'rowspan="%d"' % (20 if spec.template == "2021" else 18) in data  # the page's own (wrong) span
    doc = read_html(data, "page.html")
    requests = [b for b in doc.blocks if isinstance(b, Table)][1]
    results = next(c for c in requests.cells if c.text == "三、本年度办理结果")
    assert results.rowspan == (22 if spec.template == "2021" else 20)
    assert requests.n_cols == 10
    assert any("repaired" in w for w in doc.warnings)
    res = process_bytes(data, "page.html")
    assert "repaired" in res.report.note


def test_portal_chrome_and_metadata(portal):
    spec, data = portal
    doc = read_html(data, "page.html")
    text = doc.text()
    for chrome in ("当前位置", "分享到", "打印本页", "关闭窗口", "网站标识码", "相关信息", "浏览次数", "办事服务", "加载中"):
        assert chrome not in text, chrome
    assert f"{spec.year - 1}年政府信息公开工作年度报告" not in text  # the sidebar's link to last year's report
    assert doc.properties["published"] == spec.published
    assert doc.properties["publisher"] == spec.agency
    assert doc.properties["title"] == spec.title
    res = process_bytes(data, "page.html")
    assert (res.report.agency, res.report.year, res.report.published) == (spec.agency, spec.year, spec.published)


def test_nbsp_cells_blank_and_split_labels_whole():
    html = ("<html><body><p>二、主动公开政府信息情况</p><table border=1>"
            "<tr><td colspan=4><span>第二十条</span><span>第（一）项</span></td></tr>"
            "<tr><td>信息内容</td><td>本年<span>制发</span>件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
            "<tr><td><p><span>规</span><span>\n章</span></p></td><td>&nbsp;</td><td><p>&nbsp;</p></td><td>3</td></tr>"
            "</table></body></html>").encode("utf-8")
    doc = read_html(html, "t.html")
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert [c.text for c in table.cells if c.row == 2] == ["规章", "", "", "3"]
    assert [c.text for c in table.cells if c.row == 1][1] == "本年制发件数"


def test_layout_table_frames_are_read_as_content():
    html = ("<html><body><table><tr><td class=nav><a href=/>首页</a></td><td>"
            "<p>一、总体情况</p><p>本年度工作正常开展。</p>"
            "<table border=1><tr><td>行政复议</td><td>行政诉讼</td></tr><tr><td>0</td><td>1</td></tr></table>"
            "</td></tr></table></body></html>").encode("utf-8")
    doc = read_html(html, "t.html")
    kinds = [b.kind for b in doc.blocks]
    assert kinds.count("table") == 1 and "一、总体情况" in [b.text for b in doc.blocks if b.kind == "paragraph"]


def test_mhtml_single_file_page():
    from email import encoders
    from email.mime.base import MIMEBase
    from email.mime.multipart import MIMEMultipart

    spec = random_spec(3, template="2021")
    part = MIMEBase("text", "html", charset="gb2312")
    part.set_payload(to_portal_html(spec))
    encoders.encode_quopri(part)
    page = MIMEMultipart("related")
    page.attach(part)
    res = process_bytes(page.as_bytes(), "report.mht")
    assert res.errors == [] and res.report.format == "html"
    assert res.report.status == "ok" and res.report.agency == spec.agency


# ------------------------------------------------------------------ span repair on its own

def _grid(rows):
    placed, notes = repair_spans([[RawCell(t, rs, cs) for t, rs, cs in row] for row in rows])
    return {p.cell.text: (p.row, p.col, p.rowspan) for p in placed}, notes


def test_rowspan_too_short_extended():
    rows = [[("A", 2, 1), ("x1", 1, 1), ("v1", 1, 1)],  # A should cover 3 rows
            [("x2", 1, 1), ("v2", 1, 1)],
            [("x3", 1, 1), ("v3", 1, 1)],
            [("B", 1, 2), ("v4", 1, 1)]]
    grid, notes = _grid(rows)
    assert grid["A"] == (0, 0, 3) and grid["x3"] == (2, 1, 1) and grid["v3"] == (2, 2, 1)
    assert grid["B"] == (3, 0, 1) and len(notes) == 1


def test_rowspan_too_long_shortened():
    rows = [[("A", 4, 1), ("x1", 1, 1), ("v1", 1, 1)],  # A covers 2 rows, not 4
            [("x2", 1, 1), ("v2", 1, 1)],
            [("B", 1, 2), ("v3", 1, 1)],
            [("C", 1, 2), ("v4", 1, 1)]]
    grid, notes = _grid(rows)
    assert grid["A"] == (0, 0, 2) and grid["B"] == (2, 0, 1) and grid["v3"] == (2, 2, 1)


def test_right_spans_left_alone():
    rows = [[("A", 2, 1), ("x1", 1, 1), ("v1", 1, 1)],
            [("x2", 1, 1), ("v2", 1, 1)],
            [("B", 1, 2), ("v3", 1, 1)]]
    grid, notes = _grid(rows)
    assert grid["A"] == (0, 0, 2) and notes == []


def test_signature_table_and_hidden_copy():
    spec = random_spec(12, template="2021")
    spec.published = ""  # the page states no date but the signature's
    page = to_portal_html(spec).decode("gbk")
    # the signature in a one-row borderless table, and a hidden print copy of the article before it
    sign = f"<table><tr><td>{spec.agency}</td><td>{spec.year + 1}年2月3日</td></tr></table>"
    page = page.replace('<div class="share">', sign + '<div class="share">')
    body = page[page.index('<div class="TRS_Editor">'):page.index("</td></tr></table>")]
    page = page.replace('<div class="article">', '<div style="display:none" class="print-copy"><p>旧稿：</p>'
                        + body * 2 + '</div><div class="article">')
    doc = read_html(page.encode("utf-8"), "page.html")
    assert "旧稿" not in doc.text()
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paragraphs[-2:] == [spec.agency, f"{spec.year + 1}年2月3日"]
    res = process_bytes(page.encode("utf-8"), "page.html")
    assert res.report.published == f"{spec.year + 1}-02-03" and res.report.status == "ok"

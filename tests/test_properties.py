"""Property-based tests: whatever the input, parsers return results or error rows, never raise."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.document import Document, Paragraph, Table
from extract.errors import ExtractError
from extract.pipeline import process_bytes
from extract.readers.text import read_text
from extract.stages.digits import readings, value_tokens
from extract.stages.lines import grid_lines
from extract.stages.mapping import map_tables
from extract.stages.sections import find_sections, table_regions
from extract.templates import T2019, T2021
from extract.values import parse_value

from conftest import THOROUGH

LABELS = ["规章", "行政规范性文件", "行政许可", "一、本年新收政府信息公开申请数量", "（一）予以公开", "1.属于国家秘密",
          "2.其他法律行政止公开", "（六）其他处理", "3.其他", "（七）总计", "四、结转下年度继续办理", "总计", "自然人",
          "三、本年度办理结果", "（三）不予公开", "行政复议", "结果维持", "第二十条第（一）项", "信息内容"]
CELL = st.one_of(st.sampled_from(LABELS), st.from_regex(r"[0-9]{0,9}", fullmatch=True),
                 st.sampled_from(["", "-", "/", "—", "无", "1,234", "+3", "-2", "12.5万元", "0 0 0"]),
                 st.text(max_size=8))
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
REPORTISH = st.lists(st.one_of(st.sampled_from(LABELS + HEADINGS), st.from_regex(r"[0-9 ]{1,20}", fullmatch=True),
                               st.text(max_size=30)), max_size=60).map(lambda xs: "".join(xs))
SETTINGS = settings()  # the profile loaded in conftest.py


@SETTINGS
@given(st.binary(max_size=4000))
def test_text_reader_reads_or_refuses_any_bytes(data):
    try:
        doc = read_text(data, "x.txt")
    except ExtractError as exc:
        assert exc.message
    else:
        assert isinstance(doc, Document)


@SETTINGS
@given(st.binary(max_size=3000) | REPORTISH.map(lambda s: s.encode("utf-8")))
def test_any_file_gives_a_report_or_an_error_row(data):
    res = process_bytes(data, "x.txt")
    assert (res.report is None) == bool(res.errors), "exactly one of: a report, or error rows"
    if res.report is not None and res.facts:
        keys = [(f.table, f.row, f.column) for f in res.facts if f.in_template]
        assert len(keys) == len(set(keys)) == res.report.cells_expected
    assert not any(e.code == "internal_error" for e in res.errors), res.errors


@SETTINGS
@given(st.lists(st.lists(CELL, min_size=1, max_size=11), min_size=1, max_size=30), st.sampled_from([T2019, T2021]))
def test_table_mapping_never_raises(rows, template):
    width = max(len(r) for r in rows)
    table = Table.from_rows([r + [""] * (width - len(r)) for r in rows])
    doc = Document("x", "txt", [Paragraph(HEADINGS[2]), table, Paragraph(HEADINGS[3])])
    grid_lines(table, 1)
    mapped = map_tables(doc, table_regions(find_sections(doc)), template)
    for cv in mapped.values.values():
        assert cv.status in {"ok", "blank", "dash", "inferred", "ambiguous", "invalid", "missing"}
        if cv.status == "ok":  # a value marked ok is the number its own cell holds
            assert cv.value is not None and str(cv.value) in cv.raw.replace(",", "")


@settings(max_examples=600 if THOROUGH else 25)  # ~0.4 s an example: a sample by default
@given(st.from_regex(r"[0-9+\-., 元万]{0,24}", fullmatch=True) | st.from_regex(r"[0-9]{15,40}", fullmatch=True),
       st.integers(1, 15))
def test_digit_runs_never_raise(text, n):
    cols = (list(T2019.table("active").columns_of("penalty")) + list(T2021.table("requests").columns_of("granted"))
            + list(T2021.table("appeals").columns_of("review")))
    found = readings(value_tokens(text), cols[:n])
    assert found is None or all(len(r.pieces) == n for r in found)


@SETTINGS
@given(st.text(max_size=20))
def test_cell_values_parse_or_say_text(text):
    assert parse_value(text).kind in {"number", "blank", "dash", "text"}

"""Hostile files aimed at the readers (issue 12): decoys a person never sees, data lost to damaged
or invisible characters, and traps that cost a naive reader its time or memory. Each ends as a
clear errors row or a correct read; never a crash of the run, never a decoy's value.

Files are made in the tests (``hostile_readers``); expected values are the synthetic reports' own.
Traps run through ``extract run`` with its default per-file limits, so that a regression shows as
a ``time_limit``/``memory_limit`` row instead of taking the test run down; no test asserts timings.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib

import pandas as pd
import pytest

import hostile_readers as H
from conftest import DATA, ROOT
from extract.pipeline import process_bytes
from extract.readers import package, read
from extract.readers.grid import MAX_CELLS, RawCell, repair_spans
from extract.readers.pdf import scan, textlayer
from extract.readers.word import format_number
from extract.synth import random_spec, render

FIXTURE = json.loads((DATA / "pdf" / "synth-2021-break.json").read_text(encoding="utf-8"))["cells"]


def spec_values(seed: int) -> dict[tuple[str, str, str], str]:
    return {(k.table, k.row, k.column): v for k, v in random_spec(seed, "2021").cells.items()}


def fixture_values(suffix: str = "") -> dict[tuple[str, str, str], str]:
    return {tuple(k.split("/")): (v + suffix if v and suffix else v) for k, v in FIXTURE.items()}


def assert_read_right(result, want: dict[tuple[str, str, str], str]) -> None:
    assert result.errors == [], result.errors
    got = {(f.table, f.row, f.column): f for f in result.facts}
    wrong = [(k, v, got[k].raw, got[k].status) for k, v in want.items() if got[k].raw != v]
    assert not wrong, f"{len(wrong)} cells differ, e.g. {wrong[:3]}"
    assert result.report.status == "ok"


# ------------------------------------------------------------------ 1. decoys

@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile-readers")


@pytest.fixture(scope="module")
def docx_decoys(work):
    return H.docx_decoys(work)


@pytest.mark.parametrize("name", ["hidden-decoy-report.docx", "char-style-vanish.docx", "para-style-vanish.docx", "defaults-vanish.docx",
                                  "white.docx", "theme-white.docx", "half-point.docx"])
def test_word_text_nobody_sees_is_not_read(docx_decoys, name):
    assert_read_right(process_bytes(docx_decoys[name], name), spec_values(3))


def test_a_second_document_part_is_refused(work):
    result = process_bytes(H.duplicate_document_docx(work), "dup.docx")
    assert [e.code for e in result.errors] == ["corrupt_file"]
    assert "two members named 'word/document.xml'" in result.errors[0].message


@pytest.fixture(scope="module")
def html_decoys(work):
    return H.html_decoys(work)


@pytest.mark.parametrize("name", ["class-display-none.html", "style-rule-visibility.html", "descendant-rule.html",
                                  "font-size-0.html", "font-size-0px-font.html", "white.html", "white-rgb.html",
                                  "white-name-class.html", "white-font-tag.html", "hidden-decoy-report.html",
                                  "hidden-decoy-report-visibility.html"])
def test_web_page_text_a_browser_does_not_show_is_not_read(html_decoys, name):
    assert_read_right(process_bytes(html_decoys[name], name), spec_values(4))


@pytest.mark.parametrize("name", ["white-on-dark.html", "visible-child.html", "print-only-rule.html"])
def test_web_page_text_a_browser_shows_is_read(work, name):
    assert_read_right(process_bytes(H.html_visible_controls(work)[name], name), spec_values(4))


def test_more_ways_a_browser_hides_text(work):
    page = H.report_html(work, 4)
    ways = ['<span style="opacity:0">9</span>', '<span style="position:absolute;left:-9999px">9</span>',
            '<span style="color:transparent">9</span>', '<span style="font:0/0 a">9</span>',
            '<span style="font-size:0.01em">9</span>', '<span hidden>9</span>',
            '<span style="display:block;height:0;overflow:hidden">9</span>',
            '<span style="background:#000"><span style="color:#010101">9</span></span>']
    for way in ways:
        result = process_bytes(H.html_value_decoys(page, way).encode("utf-8"), "way.html")
        assert_read_right(result, spec_values(4))


@pytest.mark.parametrize("css,decoy", [
    ("span[data-k]{display:none}", '<span data-k="1">9</span>'),
    ("td p :not(b){visibility:hidden}", "<i>9</i>"),
    ("p > b + i, p i:first-child {display:none}", "<i>9</i>"),
    ("tr:nth-child(n) td span.z{font-size:0}", '<span class="z">9</span>'),
    ("p.q ~ i, td i:last-child{color:#fff}", "<i>9</i>"),
    (".t *{display:none} td{}", '<span class="t"><u>9</u></span>'),
    ("@media screen and (min-width: 800px) { .m{display:none} }", '<span class="m">9</span>'),
    ("s{text-indent:-9999px;display:inline-block}", "<s>9</s>"),
    ("kbd{transform:translateX(-5000px)}", "<kbd>9</kbd>"),
    ("q{transform:scale(0)}", "<q>9</q>"),
])
def test_style_rules_a_browser_applies(work, css, decoy):
    page = H.with_head(H.html_value_decoys(H.report_html(work, 4), decoy), css)
    assert_read_right(process_bytes(page.encode("utf-8"), "rules.html"), spec_values(4))


@pytest.mark.parametrize("css,wrap", [
    (".w{font-size:0} .w span{font-size:14px}", '<div class="w"><span>{}</span></div>'),
    (".h{visibility:hidden} .h > .v{visibility:visible}", '<div class="h"><div class="v">{}</div></div>'),
    ("a:hover{display:none} p::before{content:'9'} .n{display:none}", "{}"),
    ("@media print { body{display:none} } @media (max-width: 600px) { table{display:none} }", "{}"),
    (".dark{background:#000;color:#fff}", '<div class="dark">{}</div>'),
])
def test_style_rules_that_show_text_are_followed_too(work, css, wrap):
    page = H.report_html(work, 4)
    body = page[page.index("<body>") + 6: page.index("</body>")]
    page = page.replace(body, wrap.replace("{}", body))
    assert_read_right(process_bytes(H.with_head(page, css).encode("utf-8"), "shown.html"), spec_values(4))


def test_a_collapsed_table_row_is_gone(work):
    page = H.report_html(work, 4)
    decoy_row = "<tr style=\"visibility:collapse\"><td><p>规章</p></td><td><p>9</p></td><td><p>9</p></td><td><p>9</p></td></tr>"
    i = page.index("<tr>", page.index("规章") - 200)
    assert_read_right(process_bytes((page[:i] + decoy_row + page[i:]).encode("utf-8"), "collapse.html"), spec_values(4))


def test_style_rules_that_cost_too_much_are_refused_not_a_hang(work):
    page = H.report_html(work, 4)
    # every span is tested against every rule (they are keyed by the tag), each rule up 150 ancestors
    rules = "".join(f'div div div div div div div div div div div span[data-k="{i}"] {{display:none}}' for i in range(3000))
    deep = "<div>" * 150 + "".join(f'<span data-k="{i}">x</span>' for i in range(3000)) + "</div>" * 150
    page = H.with_head(page.replace("</body>", deep + "</body>"), rules)
    result = process_bytes(page.encode("utf-8"), "costly.html")
    if result.errors:
        assert [e.code for e in result.errors] == ["file_too_large"]
    else:
        assert_read_right(result, spec_values(4))


@pytest.fixture(scope="module")
def pdf_decoys():
    return H.pdf_decoys()


@pytest.mark.parametrize("name", ["render-mode-3.pdf", "render-mode-7.pdf", "white.pdf", "near-white.pdf",
                                  "transparent.pdf", "white-stroke-only.pdf", "half-point.pdf", "scaled-tiny.pdf",
                                  "covered.pdf", "covered-dark.pdf", "clipped.pdf", "white-on-white-box.pdf"])
def test_pdf_text_nobody_sees_is_not_read(pdf_decoys, name):
    assert_read_right(process_bytes(pdf_decoys[name], name), fixture_values())


@pytest.mark.parametrize("name", ["white-on-dark-box.pdf", "inside-clip.pdf", "box-before.pdf",
                                  "white-fill-black-stroke.pdf"])
def test_pdf_text_a_person_sees_is_read(name):
    # the same 9 after every value, drawn visibly: it is read (401 → 4019)
    assert_read_right(process_bytes(H.pdf_visible_controls()[name], name), fixture_values("9"))


def test_pdf_text_in_a_hidden_layer_is_not_read():
    layers = H.pdf_layers()
    assert_read_right(process_bytes(layers["hidden-layer.pdf"], "hidden-layer.pdf"), fixture_values())
    assert_read_right(process_bytes(layers["shown-layer.pdf"], "shown-layer.pdf"), fixture_values("9"))


def test_pdf_text_outside_the_crop_box_is_not_read():
    data = H.pdf_cropped()
    assert "12345" not in read(data, "cropped.pdf").text()
    assert_read_right(process_bytes(data, "cropped.pdf"), fixture_values())


@pytest.mark.parametrize("name", ["white.pdf", "half-point.pdf"])
def test_pdf_decoys_are_not_read_by_the_second_text_source_either(pdf_decoys, name, monkeypatch):
    data = pdf_decoys[name]
    import extract.readers.pdf as reader

    original = scan.scan_page

    def pdfminer_only(pdf, index, *rest):
        page = original(pdf, index, *rest)
        page.chars = textlayer.pdfminer_chars(data, index + 1)
        return page

    monkeypatch.setattr(reader, "scan_page", pdfminer_only)
    assert_read_right(process_bytes(data, name), fixture_values())


# ------------------------------------------------------------------ 2. data lost

def _damaged(data: bytes, at: bytes) -> bytes:
    i = data.index(at)
    return data[:i] + b"\xff" + data[i:]


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_one_invalid_byte_is_replaced_not_fatal(work, fmt):
    spec = random_spec(15, "2021")
    data = render(spec, fmt, work / f"damaged.{fmt}").read_bytes()
    result = process_bytes(_damaged(data, "本报告".encode()), f"damaged.{fmt}")
    assert_read_right(result, spec_values(15))
    assert "1 byte that is not valid utf-8 was replaced by U+FFFD" in result.report.note


def test_a_damaged_gbk_page_keeps_its_charset(work):
    page = render(random_spec(16, "2021"), "html", work / "gbk.html").read_text(encoding="utf-8")
    data = page.replace('charset="utf-8"', 'charset="gbk"').encode("gb18030")
    result = process_bytes(_damaged(data, "本报告".encode("gb18030")), "gbk.html")
    assert_read_right(result, spec_values(16))
    assert result.report.encoding == "gb18030" and "not valid gb18030" in result.report.note


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx"])
@pytest.mark.parametrize("chars", ["\u200b", "\u00ad", "\u200e\u202e", "\u2066\u2069", "\ufeff\u2060"])
def test_characters_that_show_nothing_do_not_break_numbers_or_labels(work, fmt, chars):
    spec = random_spec(17, "2021")
    spec.cells = {k: H.between_digits(v, chars) for k, v in spec.cells.items()}
    spec.agency = H.between_digits(spec.agency, chars)
    path = render(spec, fmt, work / f"zw.{fmt}")
    result = process_bytes(path.read_bytes(), path.name)
    assert_read_right(result, spec_values(17))


def test_every_reader_drops_characters_that_show_nothing(work):
    text = "标题：x\n" + "".join(H.INVISIBLE_CHARS) + "规\u200b章 | 1\u200b2\u00ad3 |\n"
    doc = read(text.encode("utf-8"), "zw.txt")
    cells = [c.text for _, t in doc.tables() for c in t.cells]
    assert cells == ["规章", "123"]


def test_an_embed_without_a_slash_does_not_swallow_the_page(work):
    assert_read_right(process_bytes(H.html_with_embed(work), "embed.html"), spec_values(13))


@pytest.mark.parametrize("name", sorted(H.NEWS))
def test_a_news_item_about_a_report_is_not_a_report(name):
    result = process_bytes(H.NEWS[name].encode("utf-8"), name)
    assert [e.code for e in result.errors] == ["not_a_report"], result.report


# ------------------------------------------------------------------ 3. bounded work

def test_list_numbers_are_bounded():
    assert format_number(2_000_000_000, "upperRoman") == "2000000000"
    assert format_number(3999, "upperRoman") == "MMMCMXCIX"
    assert format_number(2_000_000_000, "lowerLetter") == "2000000000"
    assert format_number(28, "upperLetter") == "BB"


def test_list_labels_are_bounded(work):
    from extract.readers.word import MAX_LEVEL_TEXT

    doc = read(H.numbering_text_trap_docx(work, paragraphs=3), "numbering-text.docx")
    labelled = [p.text for _, p in doc.paragraphs() if p.text.endswith(("附件0", "附件1", "附件2"))]
    assert len(labelled) == 3 and all(len(t) <= MAX_LEVEL_TEXT * 2 + 10 for t in labelled)


def test_a_member_is_never_inflated_past_its_declared_size(work, monkeypatch):
    data = H.lying_zip_docx(work, inflated_mb=64)
    produced = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self, *a):
            self.d = real(*a)

        def decompress(self, data, max_length=0):
            out = self.d.decompress(data, max_length)
            produced.append(len(out))
            return out

        def __getattr__(self, name):
            return getattr(self.d, name)

    monkeypatch.setattr(package.zlib, "decompressobj", Counting)
    result = process_bytes(data, "lying.docx")
    assert [e.code for e in result.errors] == ["zip_bomb"]
    assert "declares 2,048 bytes but inflates to more" in result.errors[0].message
    assert max(produced) <= package.STEP and sum(produced) < 4 << 20  # never the 64 MB it holds


def test_repairing_merges_is_bounded(monkeypatch):
    from extract.readers import grid

    calls = []
    real = grid.place

    def counting(rows, spans):
        calls.append(1)
        return real(rows, spans)

    monkeypatch.setattr(grid, "place", counting)
    rows = []
    for r in range(MAX_CELLS // 4):
        rows.append(([RawCell("a", 3)] if r % 4 == 0 else []) + [RawCell("1") for _ in range(2 + (r * 7919) % 2)])
    placed, notes = repair_spans(rows)
    assert len(placed) == sum(len(r) for r in rows)
    assert len(calls) * sum(len(r) for r in rows) <= 2 * grid.REPAIR_WORK
    assert any("not all checked" in n for n in notes)


@pytest.fixture(scope="module")
def trap_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("traps")
    work, corpus = base / "work", base / "in"
    work.mkdir()
    corpus.mkdir()
    files = {
        "lying-member.docx": H.lying_zip_docx(work),
        "numbering-2e9.docx": H.numbering_trap_docx(work),
        "numbering-text.docx": H.numbering_text_trap_docx(work),
        "gridspan-2e31.docx": H.grid_span_docx(work, 2 ** 31),
        "gridspan-100000.docx": H.grid_span_docx(work, 100_000),
        "million-td.html": H.many_cells_html(work),
        "uneven-20000-rows.html": H.uneven_rows_html(work),
        "data-url-20mb.html": H.html_with_data_url(work),
        "dense-page.pdf": H.dense_page_pdf(),
        "dense-page-in-report.pdf": H.report_with_dense_page(),
        "ruled-page-in-report.pdf": H.report_with_page(H.ruled_page_pdf()),
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    del files
    out = base / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "extract", "run", str(corpus), "--out", str(out), "-j", "2"],
                          env=env, capture_output=True, text=True, timeout=1200)
    read_csv = lambda n: pd.read_csv(out / n, encoding="utf-8-sig", dtype=str, keep_default_na=False)  # noqa: E731
    return proc, read_csv("errors.csv").set_index("source_path"), read_csv("reports.csv").set_index("source_path"), \
        read_csv("facts.csv")


def test_traps_end_within_the_limits(trap_run):
    proc, errors, reports, _ = trap_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(errors) + len(reports) == 11
    assert not set(errors.code) & {"internal_error", "time_limit", "memory_limit", "worker_crash"}, errors


@pytest.mark.parametrize("name,code", [("lying-member.docx", "zip_bomb"), ("dense-page.pdf", "file_too_large")])
def test_traps_that_are_refused(trap_run, name, code):
    _, errors, _, _ = trap_run
    assert errors.loc[name, "code"] == code and len(errors.loc[name, "message"]) > 30


@pytest.mark.parametrize("name,seed", [("numbering-2e9.docx", 8), ("numbering-text.docx", 8), ("gridspan-2e31.docx", 9), ("gridspan-100000.docx", 9),
                                       ("million-td.html", 11), ("uneven-20000-rows.html", 12),
                                       ("data-url-20mb.html", 14)])
def test_traps_that_are_read_right(trap_run, name, seed):
    _, _, reports, facts = trap_run
    assert reports.loc[name, "status"] == "ok"
    mine = facts[facts.source_path == name].set_index(["table", "row", "column"])
    for key, raw in spec_values(seed).items():
        assert mine.loc[key, "raw"] == raw, (name, key)


def test_a_dense_page_is_left_out_and_the_report_read(trap_run):
    _, _, reports, facts = trap_run
    name = "dense-page-in-report.pdf"
    assert reports.loc[name, "status"] == "ok"
    assert "page 4 holds 600,599 characters, more than a printed page can" in reports.loc[name, "note"]
    mine = facts[facts.source_path == name].set_index(["table", "row", "column"])
    for key, raw in fixture_values().items():
        assert mine.loc[key, "raw"] == raw, key


def test_a_page_ruled_like_graph_paper_is_read_as_text(trap_run):
    _, _, reports, facts = trap_run
    name = "ruled-page-in-report.pdf"
    assert reports.loc[name, "status"] == "ok"
    assert "page 4: its rulings cross" in reports.loc[name, "note"]
    mine = facts[facts.source_path == name].set_index(["table", "row", "column"])
    for key, raw in fixture_values().items():
        assert mine.loc[key, "raw"] == raw, key


def test_huge_tables_are_left_out_with_a_note(trap_run):
    _, _, reports, _ = trap_run
    assert "a table of 1,000,000 cells was left out" in reports.loc["million-td.html", "note"]
    assert "was left out (more than any report's table)" in reports.loc["uneven-20000-rows.html", "note"]

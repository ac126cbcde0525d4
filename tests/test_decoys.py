"""Decoys a person never sees, in the ways an audit found them read as values (issue 12), and
text drawn in the same places that a person does see (read, never hidden by mistake).

Each decoy puts a ``9`` right after every value of a synthetic report (so that a reader of it reads
219 for 21); each control draws the same ``9`` visibly (so that the values read are 219). Files are
made in the tests from the synthetic reports and the PDF fixture (``hostile_readers``).
"""
from __future__ import annotations

import pytest

import hostile_readers as H
from extract.pipeline import process_bytes
from extract.readers.pdf import scan, textlayer
from extract.synth import random_spec, render
from test_hostile_readers import assert_read_right, fixture_values, spec_values


def with_nine(values: dict) -> dict:
    return {k: v + "9" if v else v for k, v in values.items()}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("decoys")


# ------------------------------------------------------------------ web pages

@pytest.fixture(scope="module")
def page(work):
    return H.report_html(work, 4)


def _decoy_page(page: str, css: str, decoy: str) -> bytes:
    out = H.html_value_decoys(page, decoy)
    return (H.with_head(out, css) if css else out).encode("utf-8")


@pytest.mark.parametrize("css,decoy", [
    # white, or transparent, in every colour syntax (on the white page)
    ("", '<span style="color:hsl(0,0%,100%)">9</span>'),
    ("", '<span style="color:hsla(0, 0%, 100%, 1)">9</span>'),
    ("", '<span style="color:hsl(120deg 60% 100%)">9</span>'),
    ("", '<span style="color:rgb(100%,100%,100%)">9</span>'),
    ("", '<span style="color:rgb(100% 100% 100% / 1)">9</span>'),
    ("", '<span style="color:#FFFFFFFF">9</span>'),
    ("", '<span style="color:#ffffff">9</span>'),
    ("", '<span style="color:WHITE">9</span>'),
    ("", '<span style="color:hwb(0 100% 0%)">9</span>'),
    ("", '<span style="color:oklch(100% 0 0)">9</span>'),
    ("", '<span style="color:lab(100 0 0)">9</span>'),
    ("", '<span style="color:color(srgb 1 1 1)">9</span>'),
    ("", '<span style="color:snow">9</span>'),
    ("", '<span style="color:transparent">9</span>'),
    ("", '<span style="color:rgba(0,0,0,0)">9</span>'),
    ("", '<span style="color:hsla(0,0%,0%,0)">9</span>'),
    ("", '<span style="-webkit-text-fill-color:transparent">9</span>'),
    ("", '<span style="background:hsl(0 0% 5%)"><span style="color:#000">9</span></span>'),
    # opacity, through filter and together with the ancestors'
    ("", '<span style="filter:opacity(0)">9</span>'),
    ("", '<span style="filter:blur(1px) opacity(2%)">9</span>'),
    ("", '<span style="opacity:.2"><span style="opacity:.2">9</span></span>'),
    # custom properties: set on the root or body and inherited, set on the element, as a fallback
    (":root{--c:#fff}", '<span style="color:var(--c)">9</span>'),
    ("body{--c:white} .v{color:var(--c)}", '<b class="v">9</b>'),
    (".k{--c:#ffffff;color:var(--c)}", '<span class="k">9</span>'),
    ("", '<span style="--c:#fff;color:var(--c)">9</span>'),
    ("", '<span style="color:var(--unset, #fff)">9</span>'),
    (":root{--none:none}", '<span style="display:var(--none)">9</span>'),
    (":root{--zero:0px}", '<span style="font-size:var(--zero)">9</span>'),
    (":root{--a:var(--b);--b:#fff}", '<span style="color:var(--a)">9</span>'),
    # off the screen, or far from where it stands in the text, in any unit
    ("", '<span style="position:fixed;left:200vw">9</span>'),
    ("", '<span style="position:absolute;left:150vw">9</span>'),
    ("", '<span style="position:absolute;top:-100vh">9</span>'),
    ("", '<span style="position:absolute;left:-100em">9</span>'),
    ("", '<span style="position:absolute;left:-80rem">9</span>'),
    ("", '<span style="position:absolute;bottom:-9999px">9</span>'),
    ("", '<span style="position:relative;top:5000px">9</span>'),
    ("", '<span style="margin-left:-9999px">9</span>'),
    ("", '<span style="display:inline-block;text-indent:-100em">9</span>'),
    ("", '<span style="display:inline-block;transform:translate(-9999px)">9</span>'),
    ("", '<span style="display:inline-block;transform:translateY(300vh)">9</span>'),
    ("", '<span style="display:inline-block;transform:matrix(1,0,0,1,-5000,0)">9</span>'),
    ("", '<span style="display:inline-block;translate:0 -2000px">9</span>'),
    # cut, squashed or turned to nothing
    ("", '<span style="position:absolute;clip:rect(0 0 0 0)">9</span>'),
    ("", '<span style="position:absolute;clip:rect(1px, 1px, 1px, 1px)">9</span>'),
    ("", '<span style="display:inline-block;clip-path:inset(100%)">9</span>'),
    ("", '<span style="display:inline-block;clip-path:inset(50% 50%)">9</span>'),
    ("", '<span style="display:inline-block;clip-path:circle(0 at 50% 50%)">9</span>'),
    ("", '<span style="display:block;height:0;overflow:hidden">9</span>'),
    ("", '<span style="display:block;max-height:0;overflow-y:hidden">9</span>'),
    ("", '<span style="display:block;width:1px;height:1px;overflow:hidden">9</span>'),
    ("", '<span style="display:inline-block;transform:scale(0.01)">9</span>'),
    ("", '<span style="display:inline-block;scale:0">9</span>'),
    ("", '<span style="display:inline-block;transform:rotateY(90deg)">9</span>'),
    ("", '<span style="content-visibility:hidden">9</span>'),
    # too small to read: through rem (of the root's size), em, calc(), zoom
    ("", '<span style="font-size:0rem">9</span>'),
    ("", '<span style="font-size:0.01rem">9</span>'),
    (".s{font-size:0.05em} .s i{font-size:0.5em}", '<span class="s"><i>9</i></span>'),
    ("html{font-size:1px} body{font-size:16px} .r{font-size:0.5rem}", '<span class="r">9</span>'),
    ("", '<span style="font-size:calc(0px)">9</span>'),
    ("", '<span style="font-size:max(0px, 0.01em)">9</span>'),
    ("", '<span style="zoom:0.01">9</span>'),
    # shown by a browser only when opened
    ("", "<details><summary></summary>9</details>"),
    ("", "<dialog>9</dialog>"),
])
def test_web_page_decoys_a_browser_does_not_show(page, css, decoy):
    assert_read_right(process_bytes(_decoy_page(page, css, decoy), "decoy.html"), spec_values(4))


@pytest.mark.parametrize("head", [
    '<link rel="stylesheet" href="data:text/css,.x1{color:%23fff}">',
    '<link href="data:text/css;base64,Lngxe2Rpc3BsYXk6bm9uZX0=" rel=stylesheet>',  # .x1{display:none}
    "<style>@import url(\"data:text/css,.x1%7Bvisibility:hidden%7D\");</style>",
    # long enough that the page's long attributes are emptied before it is parsed
    '<link rel="stylesheet" href="data:text/css,' + "/*" + "x" * 6000 + "*/" + '.x1{font-size:0}">',
])
def test_data_style_sheets_are_read(page, head):
    data = H.html_value_decoys(page, '<span class="x1">9</span>').replace("</head>", head + "</head>", 1)
    assert_read_right(process_bytes(data.encode("utf-8"), "sheet.html"), spec_values(4))


def test_a_style_sheet_on_the_network_is_not_fetched(page, monkeypatch):
    import socket
    import urllib.request

    def refuse(*a, **k):
        raise AssertionError("a network style sheet was fetched")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    data = H.html_value_decoys(page, '<span class="x1">9</span>').replace(
        "</head>", '<link rel="stylesheet" href="https://example.org/hide.css"></head>', 1)
    # unknown rules hide nothing: the 9 is read (what a browser without that sheet shows)
    assert_read_right(process_bytes(data.encode("utf-8"), "net.html"), with_nine(spec_values(4)))


@pytest.mark.parametrize("css,shown", [
    ("", '<span style="color:#333">9</span>'),
    ("", '<span style="color:hsl(0,0%,20%)">9</span>'),
    ("", '<span style="color:hsl(0 0% 100%);background:hsl(0 0% 10%)">9</span>'),
    ("", '<span style="color:rgb(20%,20%,20%)">9</span>'),
    ("", '<span style="color:#000000FF">9</span>'),
    ("", '<span style="color:oklch(0.3 0.1 200)">9</span>'),
    ("", '<span style="color:navy">9</span>'),
    ("", '<span style="-webkit-text-fill-color:#000;color:#fff">9</span>'),
    ("", '<span style="filter:opacity(60%) blur(0)">9</span>'),
    ("", '<span style="opacity:.5"><span style="opacity:.5">9</span></span>'),
    (":root{--c:#222}", '<span style="color:var(--c)">9</span>'),
    (":root{--c:#fff} .d{--c:#111}", '<span class="d"><i style="color:var(--c)">9</i></span>'),
    ("", '<span style="color:var(--unset, #333)">9</span>'),
    ("", '<span style="color:var(--unset)">9</span>'),
    ("", '<span style="position:relative;left:2px;top:-1px">9</span>'),
    ("", '<span style="position:absolute;left:10px">9</span>'),
    ("", '<span style="left:-9999px">9</span>'),  # not positioned: left does nothing
    ("", '<span style="display:inline-block;transform:translate(2px,-3px) scale(1.2)">9</span>'),
    ("", '<span style="display:inline-block;transform:rotateX(10deg)">9</span>'),
    ("", '<span style="display:inline-block;clip-path:inset(10%)">9</span>'),
    ("", '<span style="display:inline-block;height:20px;overflow:hidden">9</span>'),
    ("html{font-size:62.5%}", '<span style="font-size:1.4rem">9</span>'),
    ("", '<span style="font-size:calc(10px + 0.5em)">9</span>'),
    ("", '<span style="zoom:1.5">9</span>'),
    ("", '<span style="content-visibility:auto">9</span>'),
    ("", "<dialog open>9</dialog>"),
])
def test_web_page_text_a_browser_shows_is_still_read(page, css, shown):
    assert_read_right(process_bytes(_decoy_page(page, css, shown), "shown.html"), with_nine(spec_values(4)))


def _body(page: str) -> str:
    return page[page.index("<body>") + 6: page.index("</body>")]


def test_a_closed_details_shows_its_summary_only(work, page):
    other = _body(H.report_html(work, 54))
    # an older report with other numbers, folded away before the real one
    folded = page.replace("<body>", f"<body><details><summary>往年报告</summary>{other}</details>", 1)
    result = process_bytes(folded.encode("utf-8"), "folded.html")
    assert_read_right(result, spec_values(4))
    # a page's list of attachments folded after the report does not touch the report
    tail = page.replace("</body>", "<details><summary>附件</summary><p>附件1：统计表 12 34</p></details></body>", 1)
    assert_read_right(process_bytes(tail.encode("utf-8"), "tail.html"), spec_values(4))


def test_an_open_details_is_read(page):
    body = _body(page)
    opened = page.replace(body, f"<details open><summary>报告全文</summary>{body}</details>", 1)
    assert_read_right(process_bytes(opened.encode("utf-8"), "open.html"), spec_values(4))


def test_custom_property_cycles_and_blowups_are_bounded(page):
    # var() nested and repeated until it would be gigabytes: invalid, as in a browser, and quick
    chain = ";".join(f"--v{i}:var(--v{i + 1}) var(--v{i + 1})" for i in range(40)) + ";--v40:#fff"
    css = f":root{{{chain};--loop:var(--loop)}} .a{{color:var(--v0)}} .b{{color:var(--loop, #fff)}}"
    data = _decoy_page(page, css, '<span class="a"><span class="b">9</span></span>')
    assert_read_right(process_bytes(data, "vars.html"), spec_values(4))


# ------------------------------------------------------------------ PDF

@pytest.fixture(scope="module")
def fixture_pdf():
    return H.value_cells_pdf()


def _overlay(fixture_pdf, op: bytes) -> bytes:
    data, ends = fixture_pdf
    return H.pdf_with_overlay(data, {page: b"\n".join(op % {b"x": x, b"y": y} for x, y in cells)
                                     for page, cells in ends.items()})


# text in a clipping render mode (4-7) drawn far off the page, then the decoy: the decoy is
# painted only inside the glyphs of the clip text, that is nowhere (PDFium renders 0 pixels of it)
TEXT_CLIPS = {
    "clip-mode-7.pdf": b"q BT 7 Tr /F1 9 Tf -500 -500 Td (9) Tj ET BT 0 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET Q",
    "clip-mode-4.pdf": b"q BT 4 Tr /F1 9 Tf -500 -500 Td (9) Tj ET BT /F1 9 Tf 0 Tr %(x).2f %(y).2f Td (9) Tj ET Q",
    "clip-mode-5.pdf": b"q BT 5 Tr /F1 9 Tf -500 -500 Td (9) Tj ET BT 0 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET Q",
    "clip-mode-6-stroked.pdf": b"q BT 6 Tr /F1 9 Tf -500 -500 Td (9) Tj ET BT 2 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET"
                               b" Q",
    # a clip text of a space: no outline, so nothing after it is painted
    "clip-space.pdf": b"q BT 7 Tr /F1 9 Tf %(x).2f %(y).2f Td ( ) Tj ET BT 0 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET"
                      b" Q",
    # a big clip glyph below the page
    "clip-glyph-below-the-page.pdf": b"q BT 7 Tr /F1 30 Tf 300 -400 Td (W) Tj ET BT 0 Tr /F1 9 Tf %(x).2f %(y).2f Td"
                                     b" (9) Tj ET Q",
}


@pytest.mark.parametrize("name", sorted(TEXT_CLIPS))
def test_pdf_text_clipped_away_by_a_text_clip_is_not_read(fixture_pdf, name):
    assert_read_right(process_bytes(_overlay(fixture_pdf, TEXT_CLIPS[name]), name), fixture_values())


@pytest.mark.parametrize("name,op", [
    # the clip ends with the graphics state it was set in: what is drawn after Q is painted
    ("restored.pdf", b"q BT 7 Tr /F1 9 Tf -500 -500 Td (9) Tj ET Q BT 0 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET"),
    # in the same text object the clip is not yet in force (it is set at ET)
    ("same-text-object.pdf", b"BT 7 Tr /F1 9 Tf -500 -500 Td (9) Tj 0 Tr 500 500 Td %(x).2f %(y).2f Td (9) Tj ET"),
    # fill-and-clip text is painted itself
    ("fill-and-clip.pdf", b"q BT 4 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET Q"),
    ("stroke-and-clip.pdf", b"q BT 5 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET Q"),
])
def test_pdf_text_a_text_clip_leaves_visible_is_read(fixture_pdf, name, op):
    assert_read_right(process_bytes(_overlay(fixture_pdf, op), name), fixture_values("9"))


def test_pdf_fill_and_clip_text_clips_what_comes_after_it(fixture_pdf):
    # each 9 in mode 4 is painted, then clips all text after it on the page to its own outline:
    # only the first 9 on each page is seen (as PDFium renders it)
    data = _overlay(fixture_pdf, b"BT 4 Tr /F1 9 Tf %(x).2f %(y).2f Td (9) Tj ET")
    _, ends = fixture_pdf
    result = process_bytes(data, "fill-clip-chain.pdf")
    assert result.errors == [] and result.report.status == "ok"
    want = fixture_values()
    got = {(f.table, f.row, f.column): f.raw for f in result.facts}
    nines = sorted(k for k, v in want.items() if v and got[k] == v + "9")
    assert len(nines) == len(ends), nines  # one a page
    assert all(got[k] == v for k, v in want.items() if k not in nines)


@pytest.fixture(scope="module")
def pdf_decoys():
    return H.pdf_decoys()


@pytest.mark.parametrize("name", ["render-mode-3.pdf", "render-mode-7.pdf", "covered.pdf", "clipped.pdf",
                                  "transparent.pdf", "text-clip"])
def test_pdf_decoys_are_not_read_by_the_second_text_source(fixture_pdf, pdf_decoys, name, monkeypatch):
    """A page read again with pdfminer (PDFium found glyphs without a Unicode map) leaves out what
    PDFium found unseen: pdfminer tells neither render modes nor clipping nor what is painted over."""
    import extract.readers.pdf as reader

    data = _overlay(fixture_pdf, TEXT_CLIPS["clip-mode-7.pdf"]) if name == "text-clip" else pdf_decoys[name]
    original = scan.scan_page

    def pdfminer_only(pdf, index, *rest):
        page = original(pdf, index, *rest)
        page.chars = textlayer.pdfminer_chars(data, index + 1, page.unseen)
        return page

    monkeypatch.setattr(reader, "scan_page", pdfminer_only)
    assert_read_right(process_bytes(data, name), fixture_values())


# ------------------------------------------------------------------ Word

@pytest.fixture(scope="module")
def docx(work):
    return render(random_spec(3, "2021"), "docx", work / "decoys.docx").read_bytes()


RAISED_STYLE = ('<w:style w:type="character" w:styleId="Far"><w:name w:val="Far"/><w:rPr><w:position w:val="-20000"/>'
                '</w:rPr></w:style><w:style w:type="character" w:styleId="Thin"><w:name w:val="Thin"/><w:rPr>'
                '<w:w w:val="1"/></w:rPr></w:style>')


@pytest.mark.parametrize("run", [
    '<w:r><w:rPr><w:position w:val="-20000"/></w:rPr><w:t>9</w:t></w:r>',  # lowered 10,000 pt
    '<w:r><w:rPr><w:position w:val="200"/></w:rPr><w:t>9</w:t></w:r>',  # raised 100 pt
    '<w:r><w:rPr><w:w w:val="1"/></w:rPr><w:t>9</w:t></w:r>',  # 1 % of its width
    '<w:r><w:rPr><w:w w:val="10%"/></w:rPr><w:t>9</w:t></w:r>',
    '<w:r><w:rPr><w:fitText w:val="1" w:id="7"/></w:rPr><w:t>9</w:t></w:r>',  # fitted into 1 twip
    '<w:r><w:rPr><w:rStyle w:val="Far"/></w:rPr><w:t>9</w:t></w:r>',  # through a character style
    '<w:r><w:rPr><w:rStyle w:val="Thin"/></w:rPr><w:t>9</w:t></w:r>',
])
def test_word_runs_moved_off_their_line_or_squashed_are_not_read(docx, run):
    data = H.edit_docx(docx, document=lambda d: H.with_decoy_runs(d, run),
                       styles=lambda s: H.add_styles(s, RAISED_STYLE))
    assert_read_right(process_bytes(data, "moved.docx"), spec_values(3))


@pytest.mark.parametrize("run", [
    '<w:r><w:rPr><w:position w:val="6"/></w:rPr><w:t>9</w:t></w:r>',  # raised 3 pt: a person sees it
    '<w:r><w:rPr><w:position w:val="-8"/></w:rPr><w:t>9</w:t></w:r>',
    '<w:r><w:rPr><w:w w:val="50"/></w:rPr><w:t>9</w:t></w:r>',
    '<w:r><w:rPr><w:w w:val="150"/></w:rPr><w:t>9</w:t></w:r>',
    '<w:r><w:rPr><w:fitText w:val="200" w:id="8"/></w:rPr><w:t>9</w:t></w:r>',
])
def test_word_runs_a_person_sees_are_read(docx, run):
    data = H.edit_docx(docx, document=lambda d: H.with_decoy_runs(d, run))
    assert_read_right(process_bytes(data, "shown.docx"), with_nine(spec_values(3)))

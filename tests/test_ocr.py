"""Scanned reports read by OCR (readers/ocr): the three scans in ../shared/corpus-converted/scan
against the hand-checked truth, picture files made here from those scans (PNG, JPEG, BMP, a
multi-page TIFF), a PDF mixing text pages and a scanned page, and pictures that hold no text.

Expected values come from ../shared/truth, from the synthetic fixture's own source values
(tests/data/pdf/*.json), or are written here by hand; timings are in scripts/bench_ocr.py."""
from __future__ import annotations

import io
import json

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from extract.document import Table
from extract.errors import ExtractError
from extract.pipeline import process_bytes
from extract.readers import read
from extract.readers.detect import sniff
from extract.readers.ocr import engine
from extract.readers.ocr.page import skew, turn

from conftest import DATA, SHARED, compare, truth_meta

SCANS = SHARED / "corpus-converted" / "scan"
STEMS = ["huaian-hongzequ-2023", "huaian-hongzequ-2024", "huaian-shi-2024"]
_cache: dict = {}


def scanned(stem: str):
    if stem not in _cache:
        path = SCANS / f"{stem}.pdf"
        if not path.is_file():
            pytest.fail(f"{path} is missing: the tests need ../shared")
        _cache[stem] = process_bytes(path.read_bytes(), f"{stem}.pdf")
    return _cache[stem]


def page_images(stem: str, dpi: int = 200) -> list[Image.Image]:
    """The scan's pages rendered as pictures (as a phone or a scanner's software would save them)."""
    pdf = pdfium.PdfDocument(str(SCANS / f"{stem}.pdf"))
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    finally:
        pdf.close()


def saved(images: list[Image.Image], fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    images[0].save(out, format=fmt, save_all=len(images) > 1, append_images=images[1:], **kw)
    return out.getvalue()


def agencies(stem: str) -> set[str]:
    return set(truth_meta(stem)["agency"].split("|"))


# ------------------------------------------------------------------ the scans in ../shared

@pytest.mark.parametrize("stem", STEMS)
def test_scanned_report_reads_its_truth_cells(stem):
    result = scanned(stem)
    assert not result.errors, result.errors
    right, total, wrong, silent = compare(result, stem)
    assert right >= 0.99 * total, wrong
    assert silent == []  # never a wrong value marked ok


@pytest.mark.parametrize("stem", STEMS)
def test_scanned_report_metadata(stem):
    rep = scanned(stem).report
    meta = truth_meta(stem)
    assert rep.format == "pdf" and rep.layout == "pdf/ocr"
    assert rep.agency in agencies(stem)
    assert str(rep.year) == meta["year"] and rep.template == meta["template"]


def test_scanned_cells_carry_page_box_and_confidence():
    result = scanned("huaian-shi-2024")
    facts = {(f.table, f.row, f.column): f for f in result.facts}
    new = facts[("requests", "new_received", "natural_person")]
    assert new.raw == "3001" and new.page == 4  # printed on page 4 of the scan
    doc = read((SCANS / "huaian-shi-2024.pdf").read_bytes(), "huaian-shi-2024.pdf")
    cells = [c for _, t in doc.tables() for c in t.cells]
    assert cells and all(c.confidence is not None and 0 <= c.confidence <= 1 for c in cells if c.text)
    assert all(c.bbox is not None and c.page for c in cells)
    assert all(p.confidence is not None for _, p in doc.paragraphs())
    assert any("deskewed" in w for w in doc.warnings)  # the scans are turned by about 0.8°


# ------------------------------------------------------------------ picture files

def test_multipage_tiff_reads_like_the_scan():
    stem = "huaian-hongzequ-2024"
    data = saved(page_images(stem), "TIFF", compression="tiff_lzw", dpi=(200, 200))
    assert sniff(data, "report.tif") == "image"
    result = process_bytes(data, f"{stem}.tif")
    assert not result.errors, result.errors
    assert result.report.format == "image" and result.report.layout == "image/ocr" and result.report.pages == 5
    right, total, wrong, silent = compare(result, stem)
    assert right >= 0.99 * total, wrong
    assert silent == []
    assert result.report.agency in agencies(stem) and result.report.year == 2024


# hand-copied from page 4 of the 淮安市 scan: the row 一、本年新收政府信息公开申请数量
NEW_RECEIVED = ["3001", "53", "0", "0", "61", "4", "3119"]


def _row_values(doc, label: str) -> list[str]:
    for _, table in doc.tables():
        for row in table.grid():
            cells = list(dict.fromkeys(c for c in row if c is not None))
            texts = ["".join(c.text.split()) for c in cells]
            if texts and label in texts[0]:
                return texts[1:]
    return []


@pytest.mark.parametrize("fmt,name,kw", [
    ("PNG", "page.png", {"dpi": (200, 200)}),
    ("JPEG", "page.jpg", {"quality": 75}),  # no resolution stated: taken as a page of A4 width
    ("BMP", "page.bmp", {}),
])
def test_picture_of_a_table_page(fmt, name, kw):
    page = page_images("huaian-shi-2024")[3]
    data = saved([page], fmt, **kw)
    assert sniff(data, name) == "image"
    doc = read(data, name)
    assert doc.format == "image" and doc.layout == "image/ocr" and doc.pages == 1
    assert _row_values(doc, "本年新收政府信息公开申请数量") == NEW_RECEIVED


def test_picture_found_by_content_whatever_its_name():
    data = saved([Image.new("L", (40, 30), 255)], "PNG")
    assert sniff(data, "report.pdf") == "image" and sniff(data, "report.txt") == "image"
    assert sniff(saved([Image.new("L", (40, 30), 255)], "TIFF"), "x") == "image"
    assert sniff(b"BM is how this note begins, and it is text", "note.txt") == "txt"


def test_a_picture_holding_a_phone_screenshot_width():
    # a page saved 1000 pixels wide without a stated resolution (a screenshot): still read
    page = page_images("huaian-shi-2024")[3]
    small = page.resize((1000, round(page.height * 1000 / page.width)), Image.Resampling.LANCZOS)
    doc = read(saved([small], "PNG"), "shot.png")
    assert _row_values(doc, "本年新收政府信息公开申请数量") == NEW_RECEIVED


# ------------------------------------------------------------------ pictures without text

def _png(arr: np.ndarray) -> bytes:
    return saved([Image.fromarray(arr)], "PNG")


@pytest.mark.parametrize("name,make", [
    ("blank", lambda rng: np.full((2339, 1654), 255, np.uint8)),
    ("salt", lambda rng: np.where(rng.random((2339, 1654)) < 0.05, 0, 255).astype(np.uint8)),
    ("dense-salt", lambda rng: np.where(rng.random((1600, 1200)) < 0.15, 0, 255).astype(np.uint8)),
    ("grey-noise", lambda rng: rng.integers(0, 256, (1200, 900)).astype(np.uint8)),
])
def test_blank_or_noise_picture_gives_a_clear_error_not_numbers(name, make):
    result = process_bytes(_png(make(np.random.default_rng(7))), f"{name}.png")
    assert result.facts == [] and result.report is None
    assert [e.code for e in result.errors] == ["no_text_found"]
    assert "no numbers were read" in result.errors[0].message


def test_blank_scanned_pdf_gives_a_clear_error():
    out = io.BytesIO()
    Image.new("L", (1654, 2339), 255).save(out, format="PDF", resolution=200)
    result = process_bytes(out.getvalue(), "blank-scan.pdf")
    assert [e.code for e in result.errors] == ["no_text_found"] and result.facts == []


def test_picture_bomb_is_refused_from_its_declared_size():
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))
    with pytest.raises(ExtractError) as err:
        read(png, "bomb.png")
    assert err.value.code == "corrupt_file" and "decompression bomb" in err.value.message


def test_damaged_picture():
    data = saved([Image.new("L", (400, 300), 255)], "JPEG")[:200]
    result = process_bytes(data, "cut.jpg")
    assert [e.code for e in result.errors] == ["corrupt_file"]


# ------------------------------------------------------------------ a PDF of text pages and a scanned page

def _scan_of(page: pdfium.PdfPage, angle: float, seed: int) -> Image.Image:
    """A page as a scanner gives it: 200 dpi, turned a little, speckled."""
    img = np.array(page.render(scale=200 / 72, grayscale=True).to_pil().convert("L"))
    img = turn(img, angle)
    rng = np.random.default_rng(seed)
    noisy = img.astype(np.int16) + rng.normal(0, 12, img.shape).astype(np.int16)
    noisy[rng.random(img.shape) < 0.002] = 0
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def mixed_pdf(path, scanned_index: int, angle: float = 1.2) -> bytes:
    """The fixture with one page replaced by a scan of itself (no text layer on that page)."""
    pdf = pdfium.PdfDocument(str(path))
    picture = io.BytesIO()
    _scan_of(pdf[scanned_index], angle, seed=3).save(picture, format="PDF", resolution=200)
    scan = pdfium.PdfDocument(picture.getvalue())
    pdf.import_pages(scan, [0], index=scanned_index)
    pdf.del_page(scanned_index + 1)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def test_pdf_mixing_text_pages_and_a_scanned_page():
    src = json.loads((DATA / "pdf" / "synth-2021-break.json").read_text(encoding="utf-8"))
    data = mixed_pdf(DATA / "pdf" / "synth-2021-break.pdf", scanned_index=1)
    pdf = pdfium.PdfDocument(data)
    assert [len(pdf[i].get_textpage().get_text_range().strip()) > 0 for i in range(len(pdf))] == [True, False, True]
    pdf.close()
    result = process_bytes(data, "mixed.pdf")
    assert not result.errors, result.errors
    assert result.report.layout == "pdf/text-layer+ocr" and "read by OCR" in result.report.note
    facts = {f"{f.table}/{f.row}/{f.column}": f for f in result.facts}
    scanned_page = [k for k, f in facts.items() if f.source == "ocr" or f.page == 2]
    assert scanned_page  # table 三 runs from the text page onto the scanned one
    wrong = {k: (facts[k].raw, raw) for k, raw in src["cells"].items() if "".join(facts[k].raw.split()) != raw}
    assert wrong == {}


# ------------------------------------------------------------------ parts

def test_deskew_finds_the_turn():
    page = np.array(page_images("huaian-shi-2024")[3])
    base = skew(page)  # the scan itself is turned by about 0.8°
    assert 0.5 <= abs(base) <= 1.1
    level = turn(page, base)
    for angle in (-2.5, 1.5):
        assert skew(turn(level, angle)) == pytest.approx(-angle, abs=0.15)


def _probs(alphabet: list[str], steps: list[dict[str, float]]) -> np.ndarray:
    """A recogniser's output written by hand: one row per slice, probabilities by character."""
    out = np.full((len(steps), len(alphabet)), 1e-6, np.float32)
    for t, row in enumerate(steps):
        for ch, p in row.items():
            out[t, alphabet.index(ch)] = p
    return out


def test_decoding_keeps_each_characters_probability_and_the_runner_up():
    alphabet = ["", *"0123456789", "O", "年", " "]
    steps = [{"3": 0.99}, {"": 0.99}, {"8": 0.6, "3": 0.38}, {"": 0.99}, {"1": 0.97}]
    reading = engine.Recogniser.decode(_probs(alphabet, steps), alphabet)
    assert reading.text == "381"
    assert reading.probs == pytest.approx((0.99, 0.6, 0.97), abs=1e-3)
    assert reading.confidence == pytest.approx(0.6, abs=1e-3)
    assert reading.alternatives[0] == "331"


def test_decoding_notes_a_character_nearly_read_between_two():
    alphabet = ["", *"0123456789", " "]
    steps = [{"1": 0.99}, {"": 0.7, "0": 0.3}, {"5": 0.99}]
    reading = engine.Recogniser.decode(_probs(alphabet, steps), alphabet)
    assert reading.text == "15" and reading.alternatives == ("105",)
    assert reading.confidence == pytest.approx(0.7, abs=1e-3)  # lowered by the near miss


def test_digit_like_letters_in_a_number_are_read_over_digits():
    assert engine.numeric_like("3O1") and engine.numeric_like("O") and not engine.numeric_like("OK年")
    assert not engine.numeric_like("规章")


def test_recogniser_reads_a_rendered_number():
    from PIL import ImageDraw, ImageFont

    img = Image.new("L", (260, 60), 255)
    ImageDraw.Draw(img).text((10, 5), "4068.208", fill=0, font=ImageFont.load_default(size=40))
    reading = engine.recogniser().read([np.array(img)])[0]
    assert reading.text == "4068.208" and reading.confidence > 0.5


def test_tables_of_a_scanned_page_keep_merged_cells():
    doc = read((SCANS / "huaian-shi-2024.pdf").read_bytes(), "huaian-shi-2024.pdf")
    table: Table = next(t for _, t in doc.tables() if t.page == 4)
    group = next(c for c in table.cells if "本年度办理结果" in "".join(c.text.split()))
    assert group.rowspan > 10 and group.colspan == 1  # 三、本年度办理结果 down the left of the outcome rows
    header = next(c for c in table.cells if "".join(c.text.split()) == "申请人情况")
    assert header.colspan == 7


def test_long_scanned_files_send_a_note_per_page(monkeypatch):
    from extract import progress
    from extract.readers import ocr

    notes: list[str] = []
    monkeypatch.setattr(progress, "_sink", notes.append)
    blank = Image.new("L", (600, 850), 255)
    data = saved([blank] * ocr.LONG_FILE, "TIFF")
    with pytest.raises(ExtractError):  # blank pages: no text, but every page was looked at
        read(data, "long.tif")
    assert notes == [f"OCR page {n}/{ocr.LONG_FILE}" for n in range(1, ocr.LONG_FILE + 1)]

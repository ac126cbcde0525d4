#!/usr/bin/env python3
"""Build the PDF fixtures in tests/data/pdf/ (needs LibreOffice; CI does not, it reads the committed files).

Each fixture is a synthetic report (``extract.synth``) written as Word in the official layout
and converted to PDF by LibreOffice, next to ``<name>.json``: the values it was rendered from,
which the tests compare the PDF's facts with. Prose is padded line by line until the page
break falls where the fixture needs it (table 三 split over two pages, or one of its rows cut
in two), checked on PDFium's text of the pages.

    .venv/bin/python scripts/make_pdf_fixtures.py            # all fixtures
    .venv/bin/python scripts/make_pdf_fixtures.py NAME ...   # some
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.synth import random_spec, render  # noqa: E402
from extract.synth.spec import ReportSpec  # noqa: E402
from extract.templates import CellKey  # noqa: E402

OUT = ROOT / "tests" / "data" / "pdf"
FILLER = "围绕重点领域信息公开，持续做好政策文件、财政预决算、重大项目等信息的发布和解读工作，确保信息公开及时准确。"
LEGAL_COLUMNS = ("research", "social_welfare", "legal_service")


def page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        texts = []
        for page in pdf:
            tp = page.get_textpage()
            texts.append("".join(tp.get_text_range().split()))
            tp.close()
            page.close()
        return texts
    finally:
        pdf.close()


def _page_of(texts: list[str], words: str) -> int | None:
    return next((i for i, t in enumerate(texts) if words in t), None)


def table_three_breaks(texts: list[str]) -> bool:
    """Table 三 starts on one page and ends on the next."""
    first, last = _page_of(texts, "本年新收政府信息公开申请数量"), _page_of(texts, "结转下年度继续办理")
    return first is not None and last == first + 1


def row_cut(label_head: str, label_tail: str) -> Callable[[list[str]], bool]:
    """Table 三 breaks inside the row labelled ``label_head…label_tail``: the label starts on one
    page and its end is near the top of the next (after the running header, if any)."""
    def check(texts: list[str]) -> bool:
        p = _page_of(texts, label_head)
        if p is None or p + 1 >= len(texts) or not table_three_breaks(texts):
            return False
        rest_of_label = texts[p].split(label_head, 1)[1][:12]
        tail_at = texts[p + 1].find(label_tail)
        return label_tail not in rest_of_label and 0 <= tail_at < 40
    return check


@dataclass
class Fixture:
    name: str
    seed: int
    template: str
    options: dict
    wanted: str  # what the page break must do, in words
    check: Callable[[list[str]], bool]  # on PDFium's text of each page
    blanks: tuple[str, ...] = ()  # request columns printed blank where the value is 0
    dashes: tuple[tuple[str, str, str], ...] = ()  # cells printed "-" where the value is 0
    agency: str | None = None


FIXTURES = [
    Fixture("synth-2021-break", 11, "2021", {"page_numbers": True},
            "table 三 split over two pages, a page number between the parts", table_three_breaks,
            blanks=LEGAL_COLUMNS, agency="淮安市清江浦区人民政府"),
    Fixture("synth-2019-cut-row", 12, "2019", {"page_numbers": True, "running_header": "政府信息公开工作年度报告"},
            "row 3.危及“三安全一稳定” cut by the page break", row_cut("3.危及", "定”"),
            dashes=(("active", "fees", "change"),), agency="会昌县中村乡人民政府"),
    Fixture("synth-2021-repeated-header", 13, "2021", {"page_numbers": True, "repeat_header": True},
            "table 三 split over two pages, its header repeated", table_three_breaks,
            blanks=("legal_service",), agency="沭阳县发展和改革局"),
]


def make_spec(fx: Fixture, filler: int) -> ReportSpec:
    spec = random_spec(fx.seed, template=fx.template, agency=fx.agency)
    for key, raw in list(spec.cells.items()):
        if raw == "0" and key.table == "requests" and key.column in fx.blanks:
            spec.cells[key] = ""
    for table, row, column in fx.dashes:
        spec.cells[CellKey(table, row, column)] = "-"
    spec.overview = spec.overview[:1] + [FILLER] * filler + spec.overview[1:]
    return spec


def build(fx: Fixture, tries: int = 40) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        for filler in range(tries):
            spec = make_spec(fx, filler)
            path = render(spec, "pdf", Path(tmp) / f"{fx.name}.pdf", **fx.options)
            if fx.check(page_texts(path)):
                OUT.mkdir(parents=True, exist_ok=True)
                (OUT / f"{fx.name}.pdf").write_bytes(path.read_bytes())
                source = {
                    "about": f"{fx.wanted}; rendered by scripts/make_pdf_fixtures.py (LibreOffice)",
                    "agency": spec.agency, "year": spec.year, "template": spec.template,
                    "title": spec.title, "published": spec.published, "doc_number": spec.doc_number,
                    "options": fx.options, "filler_paragraphs": filler,
                    "cells": {f"{k.table}/{k.row}/{k.column}": v for k, v in spec.cells.items()},
                }
                (OUT / f"{fx.name}.json").write_text(json.dumps(source, ensure_ascii=False, indent=1) + "\n",
                                                     encoding="utf-8")
                return source
    raise SystemExit(f"{fx.name}: no layout within {tries} filler paragraphs gives: {fx.wanted}")


def build_locked() -> None:
    """A small password-protected PDF (password ``secret``), to test the error it gives."""
    import docx

    from extract.synth.render import soffice

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "locked.docx"
        d = docx.Document()
        d.add_paragraph("某某局2024年政府信息公开工作年度报告")
        d.save(str(src))
        options = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
                   '"DocumentOpenPassword":{"type":"string","value":"secret"}}')
        subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to",
                        options, "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=180)
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "locked.pdf").write_bytes((Path(tmp) / "locked.pdf").read_bytes())


def main(names: list[str]) -> None:
    for fx in FIXTURES:
        if names and fx.name not in names:
            continue
        source = build(fx)
        print(f"{fx.name}: {fx.wanted} (filler {source['filler_paragraphs']})")
    if not names or "locked" in names:
        build_locked()
        print("locked: password-protected (password: secret)")


if __name__ == "__main__":
    main(sys.argv[1:])

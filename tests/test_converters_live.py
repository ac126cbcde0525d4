"""Forms made in the test from reports nobody tuned the readers to: synthetic reports of both formats
(``extract.synth``), as a web page through pandoc (Markdown, plain text) and html2text, and as a PDF
with a text layer (LibreOffice) through pdftotext (-layout, -raw) and pypdf. What each cell must read
as is what the generator printed, decided by ``conftest.printed``, not by the code under test.

Every cell of a report whose cells are all printed must come back, and none may be ``ok`` with another
value. (A converter that loses blank cells' places — pdftotext of a table with empty cells — may leave
cells ``missing`` or doubtful: never wrong. That is measured by ``scripts/eval_converters.py``.)
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from extract.pipeline import process_bytes
from extract.synth import random_spec, render
from extract.templates import CellKey
from conftest import need_tool, printed

SPECS = [(11, "2019"), (12, "2021")]


def _spec(seed: int, template: str):
    return random_spec(seed, template)


def _pandoc(to: str):
    def convert(html: Path, out: Path) -> None:
        subprocess.run([need_tool("pandoc"), "-f", "html", "-t", to, "-o", str(out), str(html)], check=True,
                       capture_output=True, timeout=120)
    return convert


def _html2text(html: Path, out: Path) -> None:
    import html2text

    out.write_text(html2text.html2text(html.read_text(encoding="utf-8")), encoding="utf-8")


def _pdftotext(mode: str):
    def convert(pdf: Path, out: Path) -> None:
        subprocess.run([need_tool("pdftotext"), f"-{mode}", str(pdf), str(out)], check=True, capture_output=True,
                       timeout=120)
    return convert


def _pypdf(pdf: Path, out: Path) -> None:
    from pypdf import PdfReader

    out.write_text("\n".join(page.extract_text() for page in PdfReader(pdf).pages), encoding="utf-8")


FORMS = {  # name → (source kind, file suffix, converter)
    "pandoc-md": ("html", ".md", _pandoc("gfm")),
    "pandoc-plain": ("html", ".txt", _pandoc("plain")),
    "html2text-md": ("html", ".md", _html2text),
    "pdftotext-layout": ("pdf", ".txt", _pdftotext("layout")),
    "pdftotext-raw": ("pdf", ".txt", _pdftotext("raw")),
    "pypdf-text": ("pdf", ".txt", _pypdf),
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """(seed, template) → (spec, {kind: path}), the PDF rendered by LibreOffice once per report."""
    need_tool("soffice")
    out = {}
    for seed, template in SPECS:
        spec = _spec(seed, template)
        base = tmp_path_factory.mktemp(f"synth-{seed}")
        out[(seed, template)] = spec, {"html": render(spec, "html", base / "report.html"),
                                       "pdf": render(spec, "pdf", base / "report.pdf")}
    return out


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("seed,template", SPECS)
def test_converted_synthetic_report_reads_every_cell(form, seed, template, sources, tmp_path):
    spec, paths = sources[(seed, template)]
    kind, suffix, convert = FORMS[form]
    out = tmp_path / f"report{suffix}"
    convert(paths[kind], out)
    res = process_bytes(out.read_bytes(), out.name)
    assert res.errors == [], res.errors
    facts = {CellKey(f.table, f.row, f.column): f for f in res.facts}
    wrong, silent = [], []
    for key, raw in spec.cells.items():
        want, status = printed(raw)
        f = facts[key]
        if f.value != want or (want is None and f.status != status):
            wrong.append((key, raw, f.raw, f.status))
            if f.status == "ok":
                silent.append((key, raw, f.raw))
    assert silent == []
    assert wrong == [], f"{form}: {len(wrong)} of {len(spec.cells)} cells: {wrong[:6]}"
    assert res.report.agency == spec.agency and res.report.year == spec.year

"""One report in every form: the plain official layout as txt, md, html, docx and pdf (pdf only
where LibreOffice is installed), plus the page and Word file as agencies publish them
(``portal.html``, ``wild.docx``; see ``wild``). Used by the cross-format tests and
``python -m extract.synth``."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable

from ..readers.convert import soffice
from .render import WRITERS
from .spec import ReportSpec, spec_from_cells
from .wild import to_portal_html, to_wild_docx

FORMS: dict[str, Callable[[ReportSpec, Path], None]] = {
    "txt": WRITERS["txt"],
    "md": WRITERS["md"],
    "html": WRITERS["html"],
    "portal.html": lambda spec, path: path.write_bytes(to_portal_html(spec)),
    "docx": WRITERS["docx"],
    "wild.docx": to_wild_docx,
    "pdf": WRITERS["pdf"],
}


def available_forms() -> list[str]:
    """Every form this machine can render (pdf needs LibreOffice)."""
    return [f for f in FORMS if f != "pdf" or soffice() is not None]


def render_all(spec: ReportSpec, outdir: Path, stem: str = "report", forms: list[str] | None = None) -> dict[str, Path]:
    """Render ``spec`` as ``outdir/<stem>.<form>`` for each form; returns form → path."""
    outdir.mkdir(parents=True, exist_ok=True)
    out = {}
    for form in forms or available_forms():
        path = outdir / f"{stem}.{form}"
        FORMS[form](spec, path)
        out[form] = path
    return out


def spec_from_truth(cells_csv: Path, reports_csv: Path | None = None) -> ReportSpec:
    """A spec from a truth file (``<stem>.csv``: table,row,column,value,status) and the row of
    ``reports.csv`` (next to it unless given) whose ``source_file`` has the same stem."""
    cells_csv = Path(cells_csv)
    reports_csv = Path(reports_csv) if reports_csv else cells_csv.parent / "reports.csv"
    with open(cells_csv, encoding="utf-8-sig", newline="") as fh:
        cells = list(csv.DictReader(fh))
    with open(reports_csv, encoding="utf-8-sig", newline="") as fh:
        meta = next((r for r in csv.DictReader(fh) if Path(r["source_file"]).stem == cells_csv.stem), None)
    if meta is None:
        raise KeyError(f"{cells_csv.stem} is not in {reports_csv}")
    return spec_from_cells(cells, meta)

"""Measure how well `extract` reads reports as common converters make them.

Researchers rarely hold a report as it was published: they hold pandoc's Markdown of a web page,
a browser's "print to PDF", `pdftotext` text, pypdf text, pymupdf4llm Markdown. This harness
makes synthetic reports with known cells (``extract.synth``), turns each into every such form,
runs ``python -m extract run`` on each form's folder and scores it with
``../shared/tools/score.py``, then prints one line per form.

    .venv/bin/python scripts/eval_converters.py                       # 6 synthetic reports
    .venv/bin/python scripts/eval_converters.py --count 6 --real --keep /tmp/evalconv
    .venv/bin/python scripts/eval_converters.py --forms pandoc-plain,pdftotext-raw --seed 7
    git archive HEAD | tar -x -C /tmp/head && .venv/bin/python scripts/eval_converters.py --project /tmp/head

Reports: seed S, S+1, … alternate the 2019 and 2021 formats and cycle through three spec variants
(``plain``; ``blanks``: zero cells of the five 法人或其他组织 columns printed empty and zero appeals
cells printed ``-``; ``reordered``: columns printed in another order under their own headers, the
two 行政诉讼 groups swapped). ``--real`` adds ../shared/corpus-real/shuyang-fagaiju-2023.html with
its hand-checked truth (its text-layer PDF is LibreOffice's PDF of LibreOffice's docx of the page).

Forms (a converter that is not installed is reported as skipped):
  from the web page: html (as is), pandoc-md (pandoc -t gfm), pandoc-plain (pandoc -t plain),
    html2text-md, chromium-pdf (headless --print-to-pdf), lo-docx (LibreOffice --convert-to docx)
  from the text-layer PDF (synth's LibreOffice PDF): pdf (as is), pdftotext-layout, pdftotext-raw,
    pypdf-text, pymupdf4llm-md (layout mode), pymupdf4llm-md-legacy (use_layout(False))
  from the Chromium PDF: chromium-pdf-layout (pdftotext -layout)

With ``--keep DIR`` everything stays: DIR/sources (html, pdf), DIR/truth (<stem>.csv, reports.csv:
the format score.py reads), DIR/forms/<form>/ (what extract read), DIR/outputs/<form>/ (extract's
outputs, run.log, and score.txt: score.py --verbose, listing each wrong cell).
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT  # the source tree whose `extract` is measured (--project)
SHARED = ROOT.parent / "shared"
REAL_STEM = "shuyang-fagaiju-2023"
KINDS = ("plain", "blanks", "reordered")
ORG_COLUMNS = ("commercial", "research", "social_welfare", "legal_service", "other_org")
DASHES = ("-", "—", "/", "－")
TRUTH_FIELDS = ["table", "row", "column", "value", "status", "note"]
META_FIELDS = ["source_file", "agency", "year", "template", "title", "published", "doc_number"]


def import_project(project: Path) -> None:
    """Import the synth and template modules of the measured source tree."""
    global PROJECT, random_spec, render, Variant, AGENCIES, ReportSpec, TEMPLATES
    PROJECT = project.resolve()
    sys.path.insert(0, str(PROJECT))
    from extract.synth import random_spec, render
    from extract.synth.layout import Variant
    from extract.synth.spec import AGENCIES, ReportSpec
    from extract.templates import TEMPLATES


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def chromium() -> str | None:
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


def run(cmd: list, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, timeout=timeout, **kw)


# ------------------------------------------------------------------ reports with known truth

@dataclass
class Source:
    stem: str
    html: Path
    pdf: Path | None  # a PDF with a text layer


def make_spec(seed: int, index: int) -> tuple["ReportSpec", str]:
    """Report number ``index``: formats alternate, variants cycle, agencies differ."""
    template = ("2019", "2021")[index % 2]
    kind = KINDS[index % len(KINDS)]
    spec = random_spec(seed, template, agency=AGENCIES[index % len(AGENCIES)])
    rng = random.Random(seed * 7919 + 1)
    if kind == "blanks":
        for key, text in spec.cells.items():
            if text == "0" and key.table == "requests" and key.column in ORG_COLUMNS:
                spec.cells[key] = ""
            elif text == "0" and key.table == "appeals":
                spec.cells[key] = "-"
    elif kind == "reordered":
        v = Variant(org_order=tuple(rng.sample(range(5), 5)), appeals_order=tuple(rng.sample(range(5), 5)),
                    suits_swapped=True)
        for block in TEMPLATES[template].table("active").blocks:
            if len(block.columns) > 1:
                v.active_orders[block.key] = tuple(rng.sample(range(len(block.columns)), len(block.columns)))
        spec.variant = v
    return spec, f"synth-{seed}-{template}-{kind}"


def truth_rows(spec: "ReportSpec") -> list[dict]:
    """Every cell of the report's format as the truth files write it: ok / blank / dash."""
    rows = []
    for key in TEMPLATES[spec.template].cells():
        text = spec.cells.get(key, "").strip()
        if text == "":
            value, status = "", "blank"
        elif text in DASHES:
            value, status = "", "dash"
        else:
            value, status = str(Decimal(text.lstrip("+"))), "ok"
        rows.append({"table": key.table, "row": key.row, "column": key.column, "value": value, "status": status,
                     "note": ""})
    return rows


def write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def lo_convert(src: Path, outdir: Path, target: str, profile: Path) -> Path:
    """LibreOffice headless conversion of one file; returns the written file."""
    run([soffice(), "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", target,
         "--outdir", outdir, src], timeout=180)
    out = outdir / f"{src.stem}.{target.split(':')[0]}"
    if not out.exists():
        raise RuntimeError(f"LibreOffice wrote no {out.name}")
    return out


def make_sources(work: Path, count: int, seed: int, real: bool) -> list[Source]:
    """Render the reports as HTML and text-layer PDF into work/sources; truth into work/truth."""
    src_dir, truth_dir = work / "sources", work / "truth"
    src_dir.mkdir(parents=True)
    truth_dir.mkdir()
    sources, metas = [], []
    for i in range(count):
        spec, stem = make_spec(seed + i, i)
        html = render(spec, "html", src_dir / f"{stem}.html")
        pdf = None
        if soffice():
            pdf = render(spec, "pdf", src_dir / f"{stem}.pdf")
        sources.append(Source(stem, html, pdf))
        write_csv(truth_dir / f"{stem}.csv", TRUTH_FIELDS, truth_rows(spec))
        metas.append({"source_file": f"{stem}.html", "agency": spec.agency, "year": spec.year,
                      "template": spec.template, "title": spec.title, "published": spec.published,
                      "doc_number": spec.doc_number})
    if real:
        html = shutil.copy(SHARED / "corpus-real" / f"{REAL_STEM}.html", src_dir / f"{REAL_STEM}.html")
        shutil.copy(SHARED / "truth" / f"{REAL_STEM}.csv", truth_dir / f"{REAL_STEM}.csv")
        with open(SHARED / "truth" / "reports.csv", encoding="utf-8-sig", newline="") as fh:
            metas += [r for r in csv.DictReader(fh) if Path(r["source_file"]).stem == REAL_STEM]
        pdf = None
        if soffice():
            with tempfile.TemporaryDirectory() as tmp:
                docx = lo_convert(Path(html), Path(tmp), "docx:MS Word 2007 XML", Path(tmp) / "profile")
                pdf = shutil.move(str(lo_convert(docx, Path(tmp), "pdf", Path(tmp) / "profile")),
                                  src_dir / f"{REAL_STEM}.pdf")
        sources.append(Source(REAL_STEM, Path(html), Path(pdf) if pdf else None))
    write_csv(truth_dir / "reports.csv", META_FIELDS, metas)
    return sources


# ------------------------------------------------------------------ converters

def read_html(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def copy_as_is(src: Path, dst: Path, work: Path) -> None:
    shutil.copy(src, dst)


def pandoc(to: str):
    def convert(src: Path, dst: Path, work: Path) -> None:
        run(["pandoc", "-f", "html", "-t", to, "-o", dst, src])
    return convert


def html2text_md(src: Path, dst: Path, work: Path) -> None:
    import html2text

    dst.write_text(html2text.html2text(read_html(src)), encoding="utf-8")


def chromium_pdf(src: Path, dst: Path, work: Path) -> None:
    with tempfile.TemporaryDirectory(dir=work) as profile:
        run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", f"--print-to-pdf={dst}", src.resolve().as_uri()], timeout=120)
    if not dst.exists():
        raise RuntimeError("Chromium wrote no PDF")


def lo_docx(src: Path, dst: Path, work: Path) -> None:
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        shutil.move(str(lo_convert(src, Path(tmp), "docx:MS Word 2007 XML", work / "lo-profile")), dst)


def pdftotext(mode: str):
    def convert(src: Path, dst: Path, work: Path) -> None:
        run(["pdftotext", f"-{mode}", src, dst])
    return convert


def pypdf_text(src: Path, dst: Path, work: Path) -> None:
    from pypdf import PdfReader

    dst.write_text("\n".join(page.extract_text() for page in PdfReader(src).pages), encoding="utf-8")


PYMUPDF4LLM = """import sys, pathlib, pymupdf4llm
if hasattr(pymupdf4llm, "use_layout"):
    pymupdf4llm.use_layout(sys.argv[3] == "layout")
elif sys.argv[3] != "layout":
    sys.exit("this pymupdf4llm has no use_layout()")
pathlib.Path(sys.argv[2]).write_text(pymupdf4llm.to_markdown(sys.argv[1]), encoding="utf-8")
"""


def pymupdf4llm_md(layout: bool):
    """In a child process: use_layout() is global state of the module."""
    def convert(src: Path, dst: Path, work: Path) -> None:
        run([sys.executable, "-c", PYMUPDF4LLM, src, dst, "layout" if layout else "legacy"])
    return convert


@dataclass
class Form:
    name: str
    source: str  # "html", "pdf", or the name of another form whose files it converts
    ext: str
    convert: object
    needs: tuple[str, ...] = ()  # programs on PATH, or "py:module"


FORMS = [
    Form("html", "html", "html", copy_as_is),
    Form("pandoc-md", "html", "md", pandoc("gfm"), ("pandoc",)),
    Form("pandoc-plain", "html", "txt", pandoc("plain"), ("pandoc",)),
    Form("html2text-md", "html", "md", html2text_md, ("py:html2text",)),
    Form("chromium-pdf", "html", "pdf", chromium_pdf, ("chromium",)),
    Form("lo-docx", "html", "docx", lo_docx, ("soffice",)),
    Form("pdf", "pdf", "pdf", copy_as_is),
    Form("pdftotext-layout", "pdf", "txt", pdftotext("layout"), ("pdftotext",)),
    Form("pdftotext-raw", "pdf", "txt", pdftotext("raw"), ("pdftotext",)),
    Form("pypdf-text", "pdf", "txt", pypdf_text, ("py:pypdf",)),
    Form("pymupdf4llm-md", "pdf", "md", pymupdf4llm_md(True), ("py:pymupdf4llm",)),
    Form("pymupdf4llm-md-legacy", "pdf", "md", pymupdf4llm_md(False), ("py:pymupdf4llm",)),
    Form("chromium-pdf-layout", "chromium-pdf", "txt", pdftotext("layout"), ("pdftotext",)),
]


def missing_tool(form: Form) -> str | None:
    finders = {"soffice": soffice, "chromium": chromium}
    for need in form.needs:
        if need.startswith("py:"):
            if importlib.util.find_spec(need[3:]) is None:
                return f"Python package {need[3:]} not installed"
        elif not (finders[need]() if need in finders else shutil.which(need)):
            return f"{need} not on PATH"
    return None


def convert_form(form: Form, sources: list[Source], work: Path) -> tuple[list[str], list[str]]:
    """Write work/forms/<form>/<stem>.<ext> for every source; returns (stems written, failures)."""
    out = work / "forms" / form.name
    out.mkdir(parents=True)
    done, failed = [], []
    for s in sources:
        if form.source == "html":
            src = s.html
        elif form.source == "pdf":
            src = s.pdf
        else:
            src = next((work / "forms" / form.source).glob(f"{s.stem}.*"), None)
        if src is None or not Path(src).exists():
            failed.append(f"{s.stem}: no {form.source} to convert")
            continue
        dst = out / f"{s.stem}.{form.ext}"
        try:
            form.convert(Path(src), dst, work)
            done.append(s.stem)
        except Exception as e:  # a converter failing on one file is a result, not a crash
            detail = getattr(e, "stderr", b"") or b""
            detail = detail.decode("utf-8", "replace").strip().splitlines()[-1:] if isinstance(detail, bytes) else []
            failed.append(f"{s.stem}: {type(e).__name__}: {e} {' '.join(detail)}".strip())
            dst.unlink(missing_ok=True)
    return done, failed


# ------------------------------------------------------------------ extract and score

SUMMARY = re.compile(r"cells (\d+)/(\d+) correct .*?non-zero (\d+)/(\d+).*?silent errors (\d+), "
                     r"reports (\d+)/(\d+), metadata (\d+)/(\d+)")


def truth_for(stems: list[str], all_stems: list[str], work: Path, form: str) -> Path:
    """The truth folder holding exactly ``stems`` (score.py counts every truth file as expected)."""
    if sorted(stems) == sorted(all_stems):
        return work / "truth"
    sub = work / "outputs" / f"{form}.truth"
    sub.mkdir(parents=True, exist_ok=True)
    for s in stems:
        shutil.copy(work / "truth" / f"{s}.csv", sub)
    shutil.copy(work / "truth" / "reports.csv", sub)
    return sub


def extract_and_score(form: str, stems: list[str], all_stems: list[str], work: Path, jobs: int) -> dict:
    out = work / "outputs" / form
    started = time.monotonic()
    proc = subprocess.run([python(), "-m", "extract", "run", work / "forms" / form, "--out", out, "-j", str(jobs)],
                          capture_output=True, text=True, cwd=PROJECT, timeout=3600,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)})
    seconds = time.monotonic() - started
    (out / "run.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        return {"error": f"extract exited {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-200:]}",
                "seconds": seconds}
    truth = truth_for(stems, all_stems, work, form)
    score = subprocess.run([sys.executable, SHARED / "tools" / "score.py", out, truth, "--verbose"],
                           capture_output=True, text=True)
    (out / "score.txt").write_text(score.stdout + score.stderr, encoding="utf-8")
    m = SUMMARY.search(score.stdout.strip().splitlines()[-1] if score.stdout.strip() else "")
    if not m:
        return {"error": f"score.py said: {(score.stdout + score.stderr).strip()[-200:]}", "seconds": seconds}
    right, n, nz_right, nz_n, silent, found, files, meta_ok, meta_n = map(int, m.groups())
    return {"right": right, "n": n, "nz_right": nz_right, "nz_n": nz_n, "silent": silent, "found": found,
            "files": files, "meta_ok": meta_ok, "meta_n": meta_n, "seconds": seconds}


def pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}%" if b else "  -  "


def print_table(rows: list[tuple[str, dict]], total: int) -> None:
    head = ["form", "reports", "cells right/cells", "non-zero right", "silent errors", "flagged", "metadata", "secs"]
    lines = []
    for name, r in rows:
        if "skipped" in r:
            lines.append([name, "skipped", r["skipped"], "", "", "", "", ""])
        elif "error" in r:
            lines.append([name, f"-/{total}", r["error"], "", "", "", "", f"{r.get('seconds', 0):.0f}"])
        else:
            lines.append([name, f"{r['found']}/{total}", f"{r['right']}/{r['n']} {pct(r['right'], r['n'])}",
                          f"{r['nz_right']}/{r['nz_n']} {pct(r['nz_right'], r['nz_n'])}", str(r["silent"]),
                          str(r["n"] - r["right"] - r["silent"]), f"{r['meta_ok']}/{r['meta_n']}",
                          f"{r['convert_s'] + r['seconds']:.0f}"])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    for i, line in enumerate([head] + lines):
        print(" | ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip())
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    print("reports: files extract read as a report / reports made. silent errors: wrong cells extract "
          "marked ok. flagged: wrong cells marked anything but ok (or absent). secs: convert + extract.")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=6, help="synthetic reports (default 6)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the first report (default 1)")
    ap.add_argument("--real", action="store_true", help=f"add the real web page {REAL_STEM}.html and its truth")
    ap.add_argument("--forms", help="comma-separated subset of: " + ", ".join(f.name for f in FORMS))
    ap.add_argument("-j", "--jobs", type=int, default=2, help="extract's worker processes (default 2)")
    ap.add_argument("--project", type=Path, default=ROOT,
                    help="source tree whose extract is measured (default: this one); e.g. a `git archive HEAD` "
                         "snapshot, so edits in progress do not disturb a run")
    ap.add_argument("--keep", type=Path, help="keep sources, truth, forms and outputs in this folder (emptied first)")
    args = ap.parse_args(argv)
    import_project(args.project)
    forms = FORMS
    if args.forms:
        wanted = args.forms.split(",")
        unknown = set(wanted) - {f.name for f in FORMS}
        if unknown:
            ap.error(f"unknown form(s): {', '.join(sorted(unknown))}")
        # a form converting another form's files (chromium-pdf-layout) needs that form made too
        needed = set(wanted) | {f.source for f in FORMS if f.name in wanted and f.source not in ("html", "pdf")}
        forms = [f for f in FORMS if f.name in needed]
    if args.real and not (SHARED / "corpus-real" / f"{REAL_STEM}.html").exists():
        ap.error(f"--real: {SHARED / 'corpus-real' / (REAL_STEM + '.html')} not found")
    if args.keep:
        shutil.rmtree(args.keep, ignore_errors=True)
        args.keep.mkdir(parents=True)
        work, cleanup = args.keep.resolve(), None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="evalconv-")
        work = Path(cleanup.name)
    started = time.monotonic()
    try:
        sources = make_sources(work, args.count, args.seed, args.real)
        stems = [s.stem for s in sources]
        print(f"{len(sources)} reports in {time.monotonic() - started:.0f} s: {', '.join(stems)}")
        results = []
        for form in forms:
            reason = missing_tool(form)
            if reason:
                results.append((form.name, {"skipped": reason}))
                continue
            t0 = time.monotonic()
            done, failed = convert_form(form, sources, work)
            convert_s = time.monotonic() - t0
            for f in failed:
                print(f"  {form.name}: conversion failed: {f}")
            if not done:
                results.append((form.name, {"skipped": "no file converted (" + failed[0].split(": ", 1)[-1][:60] + ")"}))
                continue
            r = extract_and_score(form.name, done, stems, work, args.jobs)
            r["convert_s"] = convert_s
            results.append((form.name, r))
            print(f"  {form.name}: converted {len(done)}/{len(sources)} in {convert_s:.0f} s, "
                  f"extracted in {r['seconds']:.0f} s")
        print()
        print_table(results, len(sources))
        print(f"\ntotal {time.monotonic() - started:.0f} s" + (f"; files kept in {work}" if args.keep else ""))
    finally:
        if cleanup:
            cleanup.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Hostile and broken inputs, made on the fly (nothing big is committed)."""
from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

from extract.synth import random_spec, render

DATA = Path(__file__).resolve().parent / "data"


def report_docx(tmp: Path, seed: int = 3) -> bytes:
    return render(random_spec(seed, "2021"), "docx", tmp / f"r{seed}.docx").read_bytes()


def report_html(tmp: Path, seed: int = 4) -> str:
    return render(random_spec(seed, "2021"), "html", tmp / f"r{seed}.html").read_text(encoding="utf-8")


def _replace_member(docx: bytes, name: str, payload_writer) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                member = zipfile.ZipInfo(name)
                member.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(member, "w", force_zip64=True) as fh:
                    payload_writer(fh)
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def zip_bomb_docx(tmp: Path, megabytes: int = 400) -> bytes:
    """A Word file whose document part inflates to ``megabytes`` of spaces (about 1000:1)."""
    chunk = b" " * (1 << 20)

    def write(fh):
        fh.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
        for _ in range(megabytes):
            fh.write(chunk)
        fh.write(b"</w:body></w:document>")

    return _replace_member(report_docx(tmp), "word/document.xml", write)


def billion_laughs_docx(tmp: Path) -> bytes:
    """A Word file whose document part declares exponentially expanding entities."""
    ents = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                                      for i in range(1, 10)]
    xml = ('<?xml version="1.0"?><!DOCTYPE w:document [' + "".join(ents) + ']>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
           '<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>').encode()
    return _replace_member(report_docx(tmp), "word/document.xml", lambda fh: fh.write(xml))


def minimal_pdf(streams: list[bytes], compress: bool = True) -> bytes:
    """A PDF with one page per content stream (Helvetica), written by hand."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for content in streams:
        data = zlib.compress(content, 9) if compress else content
        filt = b" /Filter /FlateDecode" if compress else b""
        objs.append(b"<< /Length %d%s >>\nstream\n" % (len(data), filt) + data + b"\nendstream")
        content_no = len(objs)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
                    b" /Contents %d 0 R >>" % content_no)
        kids.append(len(objs))
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def pdf_bomb(megabytes: int = 300) -> bytes:
    """One page whose content stream inflates to ``megabytes`` of whitespace."""
    return minimal_pdf([b" " * (megabytes << 20)])


def long_pdf(pages: int = 2000) -> bytes:
    """A real report (a fixture) followed by ``pages`` pages of running text."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(DATA / "pdf" / "synth-2021-break.pdf"))
    filler = pdfium.PdfDocument(minimal_pdf([b"BT /F1 11 Tf 72 770 Td (Annex page) Tj ET"], compress=False))
    for _ in range(pages):
        pdf.import_pages(filler)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def one_line_html(tmp: Path, megabytes: int = 10) -> bytes:
    page = report_html(tmp).replace("\n", "")
    pad = "<span>政务公开</span>" * (megabytes * (1 << 20) // 23)
    return page.replace("</body>", f"<div>{pad}</div></body>").encode("utf-8")


def nested_html(tmp: Path, depth: int = 10_000) -> bytes:
    page = report_html(tmp)
    body = page[page.index("<body>") + 6: page.index("</body>")]
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>" + "<div>" * depth + body +
            "</div>" * depth + "</body></html>").encode("utf-8")


# ------------------------------------------------------------------ output folders (tests of folder states)

TABLES = ("reports", "facts", "checks", "sections", "errors", "panel")


def text_reports(folder: Path, n: int, seed0: int = 0) -> list[Path]:
    """``n`` small synthetic reports as text files (a few KB each)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [render(random_spec(seed0 + i, "2021"), "txt", folder / f"r{seed0 + i:03d}.txt") for i in range(n)]


def output_set(out: Path) -> dict[str, bytes]:
    """An output folder's set: every output file's bytes, the DuckDB file (not byte-stable) as its tables'
    rows. Asserts first that the set is whole: each table has the same rows in CSV as in Parquet."""
    import duckdb
    import pandas as pd

    for t in TABLES:
        pq = pd.read_parquet(out / f"{t}.parquet")
        cs = pd.read_csv(out / f"{t}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert len(pq) == len(cs), f"{t}: {len(cs)} rows in the CSV, {len(pq)} in the Parquet file"
        key = "report_id" if t != "errors" else "source_path"
        assert list(pq[key].fillna("")) == list(cs[key]), f"{t}: the CSV and Parquet files hold other rows"
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())
             if p.is_file() and not p.name.startswith(".") and p.suffix != ".duckdb"}
    con = duckdb.connect(str(out / "reports.duckdb"), read_only=True)
    try:
        for t in TABLES:
            files[f"duckdb:{t}"] = repr(con.execute(f'select * from "{t}"').fetchall()).encode()
    finally:
        con.close()
    return files


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every path under ``folder`` (links as their target, folders as 'dir'), to compare before and after."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = os.fsencode(p.relative_to(folder)).decode("utf-8", "backslashreplace")
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = p.read_bytes()
    return out

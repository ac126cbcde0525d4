"""Choose a file's format by its content; the extension only breaks ties between text forms."""
from __future__ import annotations

import io
import re
import zipfile

from ..errors import CORRUPT, EMPTY_FILE, UNKNOWN_FORMAT, ExtractError
from .encoding import decode
from .package import check_declared, check_names

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|table|div|p|meta|title)[\s>/]", re.I)
_PAGE = re.compile(r"\s*<\s*(?:!doctype\s+html|html)[\s>]", re.I)  # a whole web page, whatever its name
_MD = re.compile(r"^(?:#{1,6}\s|\|?\s*:?-{3,}:?\s*\|)", re.M)
# a single-file web page (.mht; also Word's "web page" saved under .doc)
MHTML = re.compile(rb"^\s*(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*?(?:MIME-Version:|Content-Type:\s*multipart/related)", re.I)


# picture files, by their signatures: PNG, JPEG, TIFF (both byte orders, and BigTIFF), BMP, GIF, WebP
PICTURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+", b"GIF87a",
            b"GIF89a")


def is_picture(data: bytes) -> bool:
    if data.startswith(PICTURES):
        return True
    if data.startswith(b"BM") and len(data) >= 26 and int.from_bytes(data[14:18], "little") in (12, 40, 52, 56, 64, 108, 124):
        return True  # a BMP: "BM" and a known size of its info header
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


# archives other than ZIP, by their signatures
ARCHIVES = ((b"Rar!\x1a\x07", "a RAR archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
            (b"\x1f\x8b", "a gzip archive"))
_WORKBOOK = "Workbook".encode("utf-16-le")  # the stream an Excel/WPS spreadsheet keeps in an OLE2 file
_WORD = "WordDocument".encode("utf-16-le")


def _not_a_document(data: bytes, base: str) -> str | None:
    """What a file people keep beside reports is, when it cannot be a report: a message, or None."""
    if base.startswith("~$"):
        return ("a Word lock file (~$…), left beside a document while it is open; not a report (the document "
                "it belongs to is a file of its own)")
    if base == "thumbs.db":
        return "a Windows thumbnail cache (Thumbs.db), not a report"
    for magic, what in ARCHIVES:
        if data.startswith(magic):
            return f"the file is {what}: unpack it and run on its contents"
    # a Word file with an embedded chart holds a Workbook stream too: only without a WordDocument one
    if data.startswith(OLE2) and (base.endswith((".xls", ".et")) or (
            _WORKBOOK in data and _WORD not in data and not base.endswith((".doc", ".wps")))):
        return ("the file is a spreadsheet (Excel .xls / WPS .et), not a report document; if it holds a report's "
                "tables, save the report as PDF or Word and read that")
    return None


def sniff(data: bytes, name: str = "") -> str:
    """Return ``pdf``, ``docx``, ``doc``, ``rtf``, ``html``, ``md``, ``txt`` or ``image``; raise when none fits."""
    odd = _not_a_document(data, name.replace("\\", "/").rsplit("/", 1)[-1].lower())
    if odd is not None:
        raise ExtractError(UNKNOWN_FORMAT, odd)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ExtractError(EMPTY_FILE, "the file is empty")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if is_picture(data):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = zf.infolist()
        except zipfile.BadZipFile as exc:
            raise ExtractError(CORRUPT, f"the file looks like a ZIP/Word file but is damaged: {exc}") from exc
        names = {i.filename for i in infos}
        # declared sizes bound the work here; package.unpack checks them again while inflating
        check_declared(infos, len(data))
        check_names(infos)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            raise ExtractError(UNKNOWN_FORMAT, "the file is a spreadsheet (Excel .xlsx / WPS .et), not a report "
                               "document; if it holds a report's tables, save the report as PDF or Word and read that")
        if "ppt/presentation.xml" in names:
            raise ExtractError(UNKNOWN_FORMAT, "the file is a presentation (.pptx), not a report document")
        raise ExtractError(UNKNOWN_FORMAT, "the file is a ZIP archive, not a Word (.docx) document; `extract run` "
                           "reads the reports in an archive named *.zip (or unpack it and run on its contents)")
    if data.startswith(OLE2):
        return "doc"
    if MHTML.match(data[:2048]) and b"text/html" in data[:65536]:
        return "html"
    if data.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    lower = name.lower()
    text, _ = decode(data[:65536] if len(data) > 65536 else data, partial=len(data) > 65536)
    if not text.strip():
        raise ExtractError(EMPTY_FILE, "the file holds no text")
    sample = text[:8192]
    markdown = lower.endswith((".md", ".markdown"))
    if markdown and not _PAGE.match(sample) and _MD.search(text):
        return "md"  # Markdown with raw HTML in it (pandoc writes merged tables as <table>): read as Markdown
    if _HTML.search(sample) or lower.endswith((".html", ".htm", ".shtml", ".xhtml")) and "<" in sample:
        return "html"
    if lower.endswith((".md", ".markdown")) or _MD.search(sample):
        return "md"
    return "txt"

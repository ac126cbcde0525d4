"""Conversions by LibreOffice, when it is installed: legacy Word (.doc), WPS (.wps) and RTF files
to .docx for the Word reader, and (for synthetic fixtures) .docx to PDF."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import CORRUPT, ENCRYPTED, NEEDS_CONVERTER, ExtractError
from .hints import NO_HINTS

INSTALL = "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; elsewhere libreoffice.org)"
TIMEOUT = 100  # seconds; within the default per-file limit of the run (120 s)


def soffice() -> str | None:
    """LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run_group(cmd: list[str]) -> subprocess.CompletedProcess:
    """Run LibreOffice in its own process group; on a timeout the whole group is killed (``soffice``
    starts ``soffice.bin``), and it dies with the worker that started it."""
    from ..workers import die_with_parent

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=die_with_parent)
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert(data: bytes, suffix: str, to: str, what: str = "the file") -> bytes:
    """``data`` (a file ending in ``suffix``) converted by LibreOffice to the format ``to`` (docx, pdf)."""
    exe = soffice()
    if exe is None:
        raise ExtractError(NEEDS_CONVERTER, f"{what} can only be read after conversion by LibreOffice, which is not "
                           f"installed: {INSTALL}, or save the file as .docx")
    with tempfile.TemporaryDirectory(prefix="extract-convert-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        cmd = [exe, "--headless", "--norestore", f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
               "--convert-to", to, "--outdir", str(out), str(src)]
        try:
            proc = _run_group(cmd)
        except subprocess.TimeoutExpired as exc:
            raise ExtractError(CORRUPT, f"LibreOffice did not finish converting {what} within {TIMEOUT} s; open it "
                               "in Word or WPS and save it as .docx") from exc
        result = out / f"input.{to.split(':')[0]}"
        if proc.returncode != 0 or not result.is_file():
            detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise ExtractError(CORRUPT, f"LibreOffice could not convert {what} ({detail[-1] if detail else 'no output'})"
                               "; open it in Word or WPS and save it as .docx")
        return result.read_bytes()


_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def read_legacy_word(data: bytes, source: str, hints=None):
    """A .doc or .wps file (OLE2): converted to .docx by LibreOffice, then read as Word."""
    from .word import read_docx

    if _ENCRYPTED in data:
        raise ExtractError(ENCRYPTED, "the Word file is protected by a password; save a copy without the password")
    suffix = Path(source).suffix.lower()
    converted = convert(data, suffix if suffix in (".doc", ".wps", ".dot", ".wpt") else ".doc", "docx",
                        "a legacy Word/WPS (.doc/.wps) file")
    return read_docx(converted, source, hints or NO_HINTS, fmt="doc")


def read_rtf(data: bytes, source: str, hints=None):
    """An RTF file (often published under .doc): converted to .docx by LibreOffice, then read as Word."""
    from .word import read_docx

    return read_docx(convert(data, ".rtf", "docx", "an RTF file"), source, hints or NO_HINTS, fmt="rtf")

"""ZIP packages (Word files) unpacked with every size checked while inflating.

``zipfile`` stops a member at its declared size, but reading a whole member inflates it in one call
that may allocate up to 2 GB first: a member that declares 2 KB and inflates to 2.5 GB passes any
check of declared sizes and then exhausts memory. Here each member is inflated in bounded steps
and refused as soon as it gives more than it declared; the members' bytes are then handed on as a
stored (uncompressed) package, so no later reader inflates anything.

Refused: a package whose declared sizes add up to more than ``MAX_UNPACKED_MB``, a member that
inflates past its declared size (``zip_bomb``), two members with one name (``corrupt_file``:
readers disagree on which one counts, so a second ``word/document.xml`` could show one document to
Word and another to us), a damaged member (bad CRC), an encrypted member.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from ..errors import CORRUPT, ZIP_BOMB, ExtractError

MAX_UNPACKED_MB = 256  # a report's Word file unpacks to a few MB; more is a zip bomb
STEP = 1 << 20  # inflate at most this much per call
_LOCAL = struct.Struct("<4sHHHHHIIIHH")


def check_names(infos: list[zipfile.ZipInfo]) -> None:
    """Two members with one name (package part names are case-insensitive) make the package ambiguous."""
    seen: set[str] = set()
    for info in infos:
        key = info.filename.lower()
        if key in seen:
            raise ExtractError(CORRUPT, f"the file holds two members named {info.filename!r} (a Word file never does; "
                               "programs disagree on which one is the document): refused; open it in Word or WPS "
                               "and save it again")
        seen.add(key)


def check_declared(infos: list[zipfile.ZipInfo], size: int) -> None:
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_MB << 20:
        raise ExtractError(ZIP_BOMB, f"the file would unpack to {unpacked >> 20} MB from {size >> 10} KB "
                           f"(a report's Word file unpacks to a few MB; the limit is {MAX_UNPACKED_MB} MB): refused "
                           "as a possible zip bomb")


def _bomb(info: zipfile.ZipInfo) -> ExtractError:
    return ExtractError(ZIP_BOMB, f"the member {info.filename} declares {info.file_size:,} bytes but inflates to more: "
                        "refused as a possible zip bomb")


def _raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The member's compressed bytes, found through its local header."""
    start = info.header_offset
    head = data[start:start + _LOCAL.size]
    if len(head) < _LOCAL.size or head[:4] != b"PK\x03\x04":
        raise ExtractError(CORRUPT, f"the file's member {info.filename} is damaged (no local header); open it in Word "
                           "or WPS and save it again")
    name_len, extra_len = _LOCAL.unpack(head)[9:11]
    begin = start + _LOCAL.size + name_len + extra_len
    raw = data[begin:begin + info.compress_size]
    if len(raw) < info.compress_size:
        raise ExtractError(CORRUPT, f"the file is cut short inside its member {info.filename}; download it again")
    return raw


def _inflate(raw: bytes, info: zipfile.ZipInfo) -> bytes:
    """Inflate in steps of at most ``STEP``; more output than declared is a bomb."""
    d = zlib.decompressobj(-15)
    out = bytearray()
    pending = raw
    while True:
        room = info.file_size + 1 - len(out)  # one byte more than declared is enough to know
        chunk = d.decompress(pending, min(STEP, room))
        out += chunk
        if len(out) > info.file_size:
            raise _bomb(info)
        pending = d.unconsumed_tail
        if d.eof or (not pending and not chunk):
            break
    if not d.eof:
        raise ExtractError(CORRUPT, f"the file's member {info.filename} is damaged (its compressed data ends early); "
                           "open it in Word or WPS and save it again")
    return bytes(out)


def member(data: bytes, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.flag_bits & 0x1:
        raise ExtractError(CORRUPT, f"the file's member {info.filename} is encrypted, which a Word file never is; "
                           "save the document again without a password")
    if info.compress_type == zipfile.ZIP_STORED:
        blob = _raw(data, info)[: info.file_size]
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        blob = _inflate(_raw(data, info), info)
    else:  # bzip2/lzma (Word never writes them): zipfile stops at the declared size; read in steps
        parts = []
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(STEP):
                    parts.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise ExtractError(CORRUPT, f"the file's member {info.filename} cannot be unpacked ({exc}); open it in "
                               "Word or WPS and save it again") from exc
        blob = b"".join(parts)
    if len(blob) != info.file_size or zlib.crc32(blob) != info.CRC:
        raise ExtractError(CORRUPT, f"the file's member {info.filename} is damaged (its size or checksum does not "
                           "match); open it in Word or WPS and save it again")
    return blob


def unpack(data: bytes) -> dict[str, bytes]:
    """Every member's bytes, checked (see the module's docstring)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractError(CORRUPT, f"the file looks like a ZIP/Word file but is damaged: {exc}") from exc
    check_names(infos)
    check_declared(infos, len(data))
    with zf:
        return {info.filename: member(data, zf, info) for info in infos if not info.is_dir()}


def repack(members: dict[str, bytes]) -> bytes:
    """The members as a stored package: opening it inflates nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, blob in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), blob)
    return out.getvalue()

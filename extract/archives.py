"""ZIP archives of reports: their members listed as inputs of their own, and read one by one.

People download reports in bulk as a ``.zip``. ``members`` lists what an archive holds (in the
parent, from its central directory: nothing is unpacked); each member then runs as a file of its
own, named ``folder/archive.zip/inner/name.pdf``, and a worker reads its bytes with ``read``.

Limits, each an ``errors`` row rather than silence or an exhausted machine:

- an archive that is damaged, or holds more than ``MAX_MEMBERS`` members or declares more than
  ``MAX_UNPACKED_GB`` in all, is not read (one row for the archive);
- a member larger than a report can be (``tasks.MAX_FILE_MB``), encrypted, packed with a method
  Python cannot unpack, or another archive inside this one is not read (a row for the member);
- a member that inflates past the size it declares is refused as a zip bomb while it is read
  (inflated in bounded steps, never in one call), and a damaged one (bad CRC) as corrupt.

Members the way folders are walked: hidden names (``.DS_Store``, ``__MACOSX/``) are left out,
``--include``/``--exclude`` apply to the member's path, and a second member with the same name is
not read. Names an archiver stored in the Chinese code page (Windows' GBK, which ZIP files do not
mark) are read as GBK, so ``报告.pdf`` is not shown as ``ᓿ╕µ.pdf``.
"""
from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass

from .errors import CORRUPT, ENCRYPTED, FILE_TOO_LARGE, UNKNOWN_FORMAT, UNREADABLE_FILE, ZIP_BOMB, ExtractError

MAX_MEMBERS = 20_000  # a year's reports of a whole province fit; more is not a download of reports
MAX_UNPACKED_GB = 32  # declared sizes in all
STEP = 1 << 20  # inflate at most this much per call
BOUNDED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # methods zipfile inflates in steps of the size asked
MAX_ENTRIES = 2 * MAX_MEMBERS  # entries (files and folders) an archive may list before its list is read
SEP = "\0"  # a member's task path: archive + SEP + its index (no file's path holds a NUL)
_OFFICE = ("[Content_Types].xml", "mimetype", "META-INF/manifest.xml")  # a Word/OpenDocument package, not an archive


@dataclass
class Member:
    index: int  # its place in the archive's central directory
    name: str  # its path inside the archive, with / separators
    skip: tuple[str, str] | None = None  # (code, message): not read, with an errors row


def is_archive(path: str, name: str) -> bool:
    """A file named ``*.zip`` that is a ZIP archive (not a Word or OpenDocument package saved as .zip)."""
    if not name.lower().endswith(".zip"):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head in (b"PK\x03\x04", b"PK\x05\x06")


def _declared_entries(path: str) -> int | None:
    """The count of entries the archive's end record declares, read before its list (a list of a million
    folder entries costs seconds and hundreds of MB to parse); None when it cannot be read here."""
    try:
        with open(path, "rb") as fh:
            end = zipfile._EndRecData(fh)  # the standard library's own reader of the end record
    except (OSError, AttributeError, ValueError, EOFError):
        return None
    return None if not end else int(end[zipfile._ECD_ENTRIES_TOTAL])


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its archiver meant it: UTF-8 when flagged; else the bytes (which zipfile
    read as code page 437) as UTF-8 if they are, else as GBK/GB18030 (Chinese Windows), else CP437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            raw = None
        if raw is not None:
            for codec in ("utf-8", "gb18030"):
                try:
                    name = raw.decode(codec)
                    break
                except UnicodeDecodeError:
                    continue
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts)


def members(path: str) -> list[Member] | None:
    """What the archive at ``path`` holds, each member with a reason when it is not read; None when it
    is a Word or OpenDocument file saved as .zip (read as a file). Raises :class:`ExtractError` when
    the archive as a whole cannot be read."""
    entries = _declared_entries(path)
    if entries is not None and entries > MAX_ENTRIES:
        raise ExtractError(ZIP_BOMB, f"the archive lists {entries:,} entries, over the limit of {MAX_ENTRIES:,}: not "
                           "unpacked; unpack it yourself and run on its folder")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ExtractError(CORRUPT, f"the ZIP archive is damaged and was not unpacked: {exc}") from exc
    names = {i.filename for i in infos}
    if any(n in names for n in _OFFICE):
        return None  # a Word or OpenDocument file named .zip: read as the file it is
    files = [(i, info) for i, info in enumerate(infos) if not info.is_dir()]
    if len(files) > MAX_MEMBERS:
        raise ExtractError(ZIP_BOMB, f"the archive holds {len(files):,} files, over the limit of {MAX_MEMBERS:,}: "
                           "not unpacked; unpack it yourself and run on its folder")
    declared = sum(info.file_size for _, info in files)
    if declared > MAX_UNPACKED_GB << 30:
        raise ExtractError(ZIP_BOMB, f"the archive would unpack to {declared / 2**30:,.0f} GB, over the limit of "
                           f"{MAX_UNPACKED_GB} GB: not unpacked (a possible zip bomb); unpack it yourself if it is "
                           "genuine")
    from .tasks import MAX_FILE_MB

    out: list[Member] = []
    seen: set[str] = set()
    for index, info in files:
        name = member_name(info)
        if not name or SEP in name or any(p.startswith(".") or p == "__MACOSX" for p in name.split("/")):
            continue  # hidden files, as in folders; the resource forks macOS adds
        skip = None
        if name in seen:
            skip = (CORRUPT, "the archive holds a second file with this name: only the first was read")
        elif info.flag_bits & 0x1:
            skip = (ENCRYPTED, "the file is encrypted inside the archive: unpack it with its password and run on "
                    "the folder")
        elif info.file_size > MAX_FILE_MB << 20:
            skip = (FILE_TOO_LARGE, f"the file is {info.file_size / 2**20:,.0f} MB unpacked, over the {MAX_FILE_MB} "
                    "MB limit for one report")
        elif info.compress_type not in BOUNDED:
            skip = (UNREADABLE_FILE, f"the file is packed with ZIP method {info.compress_type} (not stored or "
                    "deflated), which this tool does not unpack: Python inflates bzip2 and LZMA members in one "
                    "unbounded step; unpack the archive with 7-Zip or WinRAR and run on the folder")
        elif name.lower().endswith((".zip", ".rar", ".7z")):
            skip = (UNKNOWN_FORMAT, "an archive inside an archive is not unpacked: unpack it and run on its contents")
        seen.add(name)
        out.append(Member(index, name, skip))
    return out


def task_path(archive: str, index: int, name: str) -> str:
    return f"{archive}{SEP}{index}{SEP}{name}"


def split(path: str) -> tuple[str, int | None, str | None]:
    """``task_path`` read back: (archive, index, name); a plain file's path gives (path, None, None)."""
    parts = path.split(SEP)
    if len(parts) != 3:
        return path, None, None
    return parts[0], int(parts[1]), parts[2]


_OPEN: dict[tuple, zipfile.ZipFile] = {}  # this process's open archive: its members are read one after another


def _opened(archive: str) -> zipfile.ZipFile:
    """The archive opened and its list read once per process while it is unchanged (a 20,000-file
    archive's list takes ~75 ms to read: once per member would be 25 minutes)."""
    st = os.stat(archive)
    key = (os.getpid(), archive, st.st_size, st.st_mtime_ns, st.st_ino)  # a forked worker opens its own
    zf = _OPEN.get(key)
    if zf is None:
        for old in _OPEN.values():
            old.close()
        _OPEN.clear()
        entries = _declared_entries(archive)
        if entries is not None and entries > MAX_ENTRIES:
            raise ExtractError(ZIP_BOMB, f"the archive lists {entries:,} entries, over the limit of {MAX_ENTRIES:,}")
        zf = _OPEN[key] = zipfile.ZipFile(archive)
    return zf


def read(archive: str, index: int, limit: int, name: str | None = None) -> bytes:
    """The bytes of member ``index`` (which must be named ``name``, when given: an archive rewritten
    since it was listed could hold another file there), inflated in bounded steps: more than it declares
    is a zip bomb, more than ``limit`` bytes too large, a bad checksum damage. Raises
    :class:`ExtractError`."""
    try:
        zf = _opened(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ExtractError(CORRUPT, f"the archive holding the file could not be opened: {exc}") from exc
    infos = zf.infolist()
    if index >= len(infos) or (name is not None and member_name(infos[index]) != name):
        raise ExtractError(UNREADABLE_FILE, "the archive changed while the run read it: run again")
    info = infos[index]
    if info.compress_type not in BOUNDED:
        raise ExtractError(UNREADABLE_FILE, f"the file is packed with ZIP method {info.compress_type}, which "
                           "this tool does not unpack: unpack the archive with 7-Zip or WinRAR")
    if info.file_size > limit:
        raise ExtractError(FILE_TOO_LARGE, f"the file is {info.file_size / 2**20:,.0f} MB unpacked, over the "
                           f"limit for one report")
    parts, size, crc = [], 0, 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(STEP):
                size += len(chunk)
                if size > info.file_size:
                    raise ExtractError(ZIP_BOMB, f"the file declares {info.file_size:,} bytes in the archive but "
                                       "inflates to more: refused as a possible zip bomb")
                crc = zlib.crc32(chunk, crc)
                parts.append(chunk)
    except RuntimeError as exc:  # zipfile: a password is needed
        raise ExtractError(ENCRYPTED, f"the file is encrypted inside the archive ({exc})") from exc
    except NotImplementedError as exc:
        raise ExtractError(UNREADABLE_FILE, f"the file cannot be unpacked by Python ({exc}): unpack the archive "
                           "with 7-Zip or WinRAR and run on the folder") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise ExtractError(CORRUPT, f"the file is damaged inside the archive ({exc})") from exc
    if size != info.file_size or crc != info.CRC:
        raise ExtractError(CORRUPT, "the file is damaged inside the archive (its size or checksum does not match)")
    return b"".join(parts)


def locate(path: str) -> tuple[str, int, str] | None:
    """A path naming a file inside a ZIP archive as ``source_path`` shows it (``folder/reports.zip/2019/
    a.pdf``): (the archive, the member's index, its name); None when it names none (``extract inspect``)."""
    parts = path.replace("\\", "/").split("/")
    for cut in range(len(parts) - 1, 0, -1):
        head = "/".join(parts[:cut])
        if head.lower().endswith(".zip") and os.path.isfile(head):
            try:
                inside = members(head) or []
            except ExtractError:
                return None
            name = "/".join(p for p in parts[cut:] if p)
            return next(((head, m.index, m.name) for m in inside if m.name == name), None)
    return None

"""Look at a file before opening it: what it is, and whether it is safe to unpack.

Spreadsheets arrive from clients; some are not what their extension says, some are
password-protected (Office encrypts a workbook into an OLE compound file, so an encrypted
``.xlsx`` is not a zip at all), and a hostile one may be a decompression bomb. Everything
here reads only headers and the zip's central directory, never the compressed data.
"""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from territory_designer.core.errors import InputError

#: First bytes of an OLE2 compound file (legacy .xls, and encrypted Office files).
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
#: Refuse a workbook whose parts unpack to more than this many bytes in total.
MAX_UNCOMPRESSED = 1536 * 1024**2
#: Refuse a large part that is compressed more than this (a real sheet is 5-30x).
MAX_RATIO = 200
#: ... when it unpacks to more than this many bytes (small parts may compress well).
RATIO_MIN_SIZE = 32 * 1024**2
#: Bytes read from the start of each XML part to look for a DTD.
DTD_SCAN_BYTES = 4096
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}


def sniff_kind(path: Path) -> str:
    """What a file holds: ``"xlsx"``, ``"xls"``, ``"csv"``; raise InputError otherwise.

    Raises
    ------
    InputError
        Missing or empty file, a password-protected workbook, or a file that is no
        spreadsheet or text table (an image, a PDF, a random binary, ...).
    """
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a spreadsheet.")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        raise InputError(f"{path}: the file is empty.")
    if head.startswith(CFB_MAGIC):
        if _is_encrypted_cfb(path):
            raise InputError(
                f"{path}: the workbook is password-protected (encrypted). Open it in Excel, "
                "remove the password (File > Info > Protect Workbook) and save a copy."
            )
        return "xls"
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        check_zip(path)
        return "xlsx"
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        raise InputError(
            f"{path}: not a valid Excel workbook (the file is damaged or is another "
            "kind of file renamed). Save it again from Excel as .xlsx."
        )
    if _looks_binary(head):
        raise InputError(
            f"{path}: not a spreadsheet or a text table; use .xlsx, .xlsm, .xls, .csv or .txt."
        )
    if suffix not in _TEXT_SUFFIXES and suffix:
        # A text file with an unusual extension: read it as a table all the same.
        pass
    return "csv"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 text (Excel's "Unicode Text"): every other byte is NUL; judge the text.
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode()
    # A stray NUL inside a field is listed by the reader; a binary file is full of them.
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.05


def _is_encrypted_cfb(path: Path) -> bool:
    """An OLE file holding an ``EncryptedPackage`` stream (agile/standard encryption)."""
    with open(path, "rb") as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            if _ENCRYPTED_MARK in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTED_MARK) :]
    return False


def check_zip(path: Path) -> None:
    """Refuse damaged zips and decompression bombs, reading only the central directory.

    The declared sizes are what ``zipfile`` enforces while unpacking (it stops at the
    declared size and checks the CRC), so checking them before opening is sufficient.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            f"{path}: the workbook is damaged or truncated ({exc}); "
            "open it in Excel and save it again."
        ) from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise InputError(
            f"{path}: refused, the workbook would unpack to {total / 1024**3:.1f} GB "
            f"(limit {MAX_UNCOMPRESSED / 1024**3:.1f} GB); it may be a decompression bomb."
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
            raise InputError(
                f"{path}: refused, part {info.filename} is compressed {ratio:.0f}:1 "
                f"({info.file_size / 1024**2:.0f} MB unpacked); it looks like a "
                "decompression bomb."
            )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        if "content.xml" in names and "mimetype" in names:
            # LibreOffice's own format, often what a client's "spreadsheet" is.
            raise InputError(
                f"{path}: an OpenDocument spreadsheet (LibreOffice .ods), not an Excel "
                "workbook; save it as .xlsx (File › Save As…, Excel 2007-365) and import that."
            )
        raise InputError(f"{path}: a zip file but not an Excel workbook (no xl/workbook.xml).")
    _check_no_entities(path, infos)


def _check_no_entities(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse XML parts that declare a DTD: Office never writes one, entity bombs need one.

    A declaration must come before the root element, so the first bytes of each part
    tell; only those are unpacked.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            for info in infos:
                if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                with zf.open(info) as fh:
                    head = fh.read(DTD_SCAN_BYTES)
                if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                    head = head.decode("utf-16", errors="ignore").encode()
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise InputError(
                        f"{path}: the workbook is damaged: part {info.filename} declares XML "
                        "entities (Excel never writes them; it may be an entity-expansion "
                        "bomb). Open it in Excel and save it again."
                    )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise InputError(
            f"{path}: the workbook is damaged or truncated ({exc}); "
            "open it in Excel and save it again."
        ) from exc


def workbook_extras(path: Path) -> list[str]:
    """Notes about active content that is ignored: macros and external links."""
    notes = []
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        notes.append("The workbook contains macros; they were ignored (never run).")
    if any(n.startswith("xl/externalLinks/") for n in names):
        notes.append(
            "The workbook links to other workbooks; the values saved in this file were "
            "used (links are not followed or refreshed)."
        )
    return notes


@contextlib.contextmanager
def damaged_workbook(path: Path) -> Iterator[None]:
    """Turn what a damaged workbook raises while its parts are read into one InputError.

    Malformed XML raises ``ParseError`` (a ``SyntaxError``), a missing part ``KeyError``,
    a corrupt stream ``zlib.error`` or ``EOFError``.
    """
    try:
        yield
    except (SyntaxError, zipfile.BadZipFile, EOFError, KeyError, ValueError, zlib.error) as exc:
        raise InputError(
            f"{path.name}: the workbook is damaged ({type(exc).__name__}: {exc}). "
            "Open it in Excel and save it again."
        ) from exc

"""Read the first rows of an .xlsx sheet without loading the workbook.

``openpyxl.load_workbook`` parses the whole shared-string table up front, which takes
seconds on a million-row workbook. The wizard's preview needs twenty rows: this reader
streams the sheet XML until it has them, then streams the shared strings only up to the
highest index those rows use. Dates are recognised from the cell styles.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import posixpath
import zipfile
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

from territory_designer.core.errors import InputError
from territory_designer.io.field_names import MAX_IMPORT_COLUMNS, too_many_columns

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet names mapped to their part names, in workbook order."""
    rels = {}
    with zf.open("xl/_rels/workbook.xml.rels") as fh:
        for _, el in iterparse(fh):
            if el.tag.endswith("Relationship") and el.get("Type", "").endswith("/worksheet"):
                target = el.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                rels[el.get("Id")] = posixpath.normpath(target)
    out = {}
    with zf.open("xl/workbook.xml") as fh:
        for _, el in iterparse(fh):
            if el.tag == f"{NS}sheet":
                rid = el.get(f"{REL_NS}id")
                if rid in rels:
                    out[el.get("name", "")] = rels[rid]
    return out


def _date_styles(zf: zipfile.ZipFile) -> set[int]:
    if "xl/styles.xml" not in zf.namelist():
        return set()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    with zf.open("xl/styles.xml") as fh:
        in_xfs = False
        for ev, el in iterparse(fh, events=("start", "end")):
            if el.tag == f"{NS}cellXfs":
                in_xfs = ev == "start"
            elif ev == "end" and el.tag == f"{NS}numFmt":
                custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
            elif ev == "end" and el.tag == f"{NS}xf" and in_xfs:
                xfs.append(int(el.get("numFmtId", "0")))
    dates = set()
    for k, fmt_id in enumerate(xfs):
        fmt = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General"))
        if is_date_format(fmt):
            dates.add(k)
    return dates


def _col_index(ref: str) -> int:
    k = 0
    for ch in ref:
        if not ch.isalpha():
            break
        k = k * 26 + (ord(ch.upper()) - 64)
    return k - 1


def peek_rows(
    zf: zipfile.ZipFile, part: str, n_rows: int, where: str = ""
) -> tuple[list[list], list[int]]:
    """The first ``n_rows`` non-missing rows of a sheet part and their 1-based numbers.

    ``where`` names the file and sheet in the error refusing a sheet too wide to import.
    """
    rows: list[list] = []
    numbers: list[int] = []
    shared: list[tuple[int, int, int]] = []  # (row slot, column, string index)
    dated: list[tuple[int, int]] = []
    date_styles = _date_styles(zf)
    too_wide = 0
    with zf.open(part) as fh:
        current: list | None = None
        for _, el in iterparse(fh):
            tag = el.tag
            if tag == f"{NS}c":
                if current is None:
                    current = []
                col = _col_index(el.get("r", "")) if el.get("r") else len(current)
                t = el.get("t", "n")
                v = el.findtext(f"{NS}v")
                if t == "inlineStr":
                    value: object = "".join(x.text or "" for x in el.iter(f"{NS}t"))
                elif not v:
                    value = None
                elif t == "s":
                    shared.append((len(rows), col, int(v)))
                    value = None
                elif t in ("str", "e"):
                    value = v
                elif t == "b":
                    value = v == "1"
                else:
                    value = float(v)
                    whole = math.isfinite(value) and value == int(value)
                    if whole and "." not in v and "E" not in v.upper():
                        value = int(value)
                    if int(el.get("s", "0")) in date_styles:
                        dated.append((len(rows), col))
                if col >= MAX_IMPORT_COLUMNS and (value is not None or t == "s"):
                    too_wide = col + 1  # refused when the row ends, with its full width
                elif value is not None or t == "s":
                    current.extend([None] * (col + 1 - len(current)))
                    current[col] = value
                el.clear()
            elif tag == f"{NS}row":
                number = int(el.get("r", len(numbers) + 1))
                if too_wide:
                    raise InputError(too_many_columns(f"{where or part}, row {number}", too_wide))
                rows.append(current or [])
                numbers.append(number)
                current = None
                el.clear()
                if len(rows) >= n_rows:
                    break
    if shared:
        strings = _shared_strings(zf, max(s for _, _, s in shared))
        for r, c, s in shared:
            rows[r][c] = strings[s] if s < len(strings) else None
    for r, c in dated:
        with contextlib.suppress(ValueError, OverflowError, TypeError):
            rows[r][c] = from_excel(rows[r][c])
    return rows, numbers


def _shared_strings(zf: zipfile.ZipFile, upto: int) -> list[str]:
    out: list[str] = []
    with zf.open("xl/sharedStrings.xml") as fh:
        for _, el in iterparse(fh):
            if el.tag == f"{NS}si":
                # rich text runs (<r><t>) and phonetic hints (<rPh>) excluded
                parts = [t.text or "" for t in el.iter(f"{NS}t")]
                phon = [t.text or "" for rph in el.iter(f"{NS}rPh") for t in rph.iter(f"{NS}t")]
                out.append("".join(parts[: len(parts) - len(phon)] if phon else parts))
                el.clear()
                if len(out) > upto:
                    break
    return out


def as_datetime(v: object) -> object:
    """Dates without a time part as ``date`` for display."""
    if isinstance(v, dt.datetime) and v.time() == dt.time():
        return v.date()
    return v

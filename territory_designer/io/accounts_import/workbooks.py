"""Sheets of .xlsx/.xlsm and legacy .xls workbooks as rows of cells.

Workbooks are opened with openpyxl in read-only mode with ``data_only=True``: formula
cells give the value Excel saved with the file (never evaluated; see :mod:`.formulas`),
macros are never run and external links never followed. ``peek_xlsx`` streams only the
first rows (:mod:`.peek`) for the wizard's preview.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.io.accounts_import import peek
from territory_designer.io.accounts_import.formulas import CachedValueParser, UncachedFormula
from territory_designer.io.field_names import MAX_IMPORT_COLUMNS, too_many_columns

#: Rows searched for the header (title rows above it are common).
HEADER_SEARCH_ROWS = 30
#: Refuse sheets longer than this (Excel itself stops at 1,048,576 rows).
MAX_ROWS = 2_000_000


def choose_sheet(sheets: list[str], sheet: str | None, path: Path) -> str:
    """``sheet``, checked against the workbook's ``sheets`` (the first when None)."""
    if sheet is None:
        return sheets[0]
    if sheet not in sheets:
        raise InputError(f"{path.name}: no sheet {sheet!r}; sheets: {', '.join(sheets)}.")
    return sheet


def peek_xlsx(path: Path, sheet: str | None, n: int) -> tuple:
    """Sheet names, the sheet read (the first with data when None), its first ``n`` rows
    and their row numbers, streaming only what those rows need."""
    with zipfile.ZipFile(path) as zf:
        parts = peek.sheet_parts(zf)
        if not parts:
            raise InputError(f"{path.name}: the workbook has no worksheets.")
        sheets = list(parts)
        if sheet is None:  # the first sheet holding a table, else the first with data
            first = None
            for name in sheets:
                rows, numbers = peek.peek_rows(zf, parts[name], n, f"{path.name}, sheet {name!r}")
                filled = [sum(v not in (None, "") for v in r) for r in rows]
                if any(k >= 2 for k in filled):
                    return sheets, name, rows, numbers
                if first is None and any(filled):
                    first = (sheets, name, rows, numbers)
            # A "Read me" sheet of one-cell lines in front of the list is not a table.
            return first or (sheets, sheets[0], [], [])
        sheet = choose_sheet(sheets, sheet, path)
        rows, numbers = peek.peek_rows(zf, parts[sheet], n, f"{path.name}, sheet {sheet!r}")
        return sheets, sheet, rows, numbers


def read_xlsx(path: Path, sheet: str | None, feedback: Feedback) -> tuple:
    """Every row of a sheet: sheet names, sheet, rows, row numbers, merged ranges and the
    count of formulas without a saved value (see :mod:`.formulas`)."""
    if sheet is None:
        sheet = peek_xlsx(path, None, HEADER_SEARCH_ROWS)[1]
    wb = open_workbook(path)
    try:
        sheets = list(wb.sheetnames)
        sheet = choose_sheet(sheets, sheet, path)
        ws = wb[sheet]
        if not hasattr(ws, "_get_source"):
            raise InputError(f"{path.name}: sheet {sheet!r} is a chart, not a table.")
        total = max(int(ws.max_row or 0), 1)
        rows: list[list] = []
        numbers: list[int] = []
        uncached = 0
        with ws._get_source() as src:
            parser = CachedValueParser(
                src,
                # The sheet's own table: LibreOffice files leave wb.shared_strings empty.
                getattr(ws, "_shared_strings", None) or wb.shared_strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            for idx, cells in parser.parse():
                # Styled empty cells (formatting to column XFD) do not widen the table.
                cells = [c for c in cells if c["value"] is not None]
                uncached += sum(type(c["value"]) is UncachedFormula for c in cells)
                if cells:
                    width = cells[-1]["column"]
                    if width > MAX_IMPORT_COLUMNS:
                        where = f"{path.name}, sheet {sheet!r}, row {idx}"
                        raise InputError(too_many_columns(where, width))
                    row = [None] * width
                    for c in cells:
                        row[c["column"] - 1] = c["value"]
                    rows.append(row)
                    numbers.append(idx)
                if len(rows) % 20000 == 0 and rows:
                    feedback.check_canceled()
                    feedback.set_progress(min(60.0, 60.0 * idx / total), "Reading rows")
                if len(rows) > MAX_ROWS:
                    break
            merged = [m.ref for m in parser.merged_cells.mergeCell] if parser.merged_cells else []
    except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path.name}: the workbook is damaged ({exc}).") from exc
    finally:
        wb.close()
    return sheets, sheet, rows, numbers, merged, uncached


def open_workbook(path: Path):  # noqa: ANN202 - openpyxl Workbook
    """The workbook opened read-only with saved values; InputError when it is damaged."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        raise InputError(
            f"{path.name}: the workbook is damaged and cannot be read ({type(exc).__name__}: "
            f"{exc}). Open it in Excel and save it again."
        ) from exc


def read_xls(path: Path, sheet: str | None, n: int) -> tuple:
    """Sheet names, sheet, its first ``n`` rows and their numbers from a legacy .xls file
    (``n`` = 0 lists the sheets only)."""
    try:
        import xlrd
    except ImportError as exc:
        raise InputError(
            f"{path.name}: reading old .xls workbooks needs the 'xlrd' package; "
            "save the file as .xlsx in Excel, or install xlrd."
        ) from exc
    try:
        book = xlrd.open_workbook(path, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise InputError(f"{path.name}: the workbook is password-protected.") from exc
        raise InputError(f"{path.name}: cannot read this .xls workbook ({exc}).") from exc
    except Exception as exc:  # noqa: BLE001 - xlrd raises assorted errors on damage
        raise InputError(f"{path.name}: the .xls workbook is damaged ({exc}).") from exc
    try:
        sheets = book.sheet_names()
        if n == 0:
            return sheets, None, [], []
        sheet = choose_sheet(sheets, sheet, path)
        sh = book.sheet_by_name(sheet)
        rows, numbers = [], []
        for r in range(min(sh.nrows, n)):
            row = []
            for c, cell in enumerate(sh.row(r)):
                v = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    v = xlrd.xldate.xldate_as_datetime(v, book.datemode)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    v = None
                elif isinstance(v, float) and abs(v) < 1e15 and v == int(v):
                    v = int(v)
                del c
                row.append(v)
            rows.append(row)
            numbers.append(r + 1)
    finally:
        book.release_resources()
    return sheets, sheet, rows, numbers


def fill_merged(data: pd.DataFrame, nums: np.ndarray, refs: list[str]) -> list[str]:
    """Fill vertically merged data cells with their value (as the eye reads them)."""
    from openpyxl.utils.cell import range_boundaries

    pos = {int(r): k for k, r in enumerate(nums)}
    filled = []
    for ref in refs:
        c0, r0, c1, r1 = range_boundaries(ref)
        if r1 == r0 or r0 not in pos or c0 - 1 >= data.shape[1]:
            continue
        value = data.iat[pos[r0], c0 - 1]
        for r in range(r0 + 1, r1 + 1):
            if r in pos:
                data.iat[pos[r], c0 - 1] = value
        filled.append(ref)
    if not filled:
        return []
    shown = ", ".join(filled[:5]) + (" ..." if len(filled) > 5 else "")
    return [f"Merged cells {shown}: the value was applied to every row of the range."]

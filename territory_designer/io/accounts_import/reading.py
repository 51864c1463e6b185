"""Read a customer table from .xlsx/.xlsm, .xls, .csv or .txt into a :class:`RawTable`.

Workbooks are read by :mod:`.workbooks` (saved values only, nothing run or followed),
text tables by :mod:`.text_tables`. Cells are kept as read (numbers, text, dates); parsing
to account fields happens later (:mod:`.values`), so every problem can still name its row.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.io.accounts_import import peek
from territory_designer.io.accounts_import.formulas import (
    uncached_formula_issues,
)
from territory_designer.io.accounts_import.headers import (
    column_letter,
    contradicted_guesses,
    detect_header_row,
    guess_mapping,
    make_column_names,
    unmapping_note,
)
from territory_designer.io.accounts_import.safety import (
    damaged_workbook,
    sniff_kind,
    workbook_extras,
)
from territory_designer.io.accounts_import.text_tables import (
    read_text_frame,
    read_text_rows,
    sniff_text,
    strip_nul,
)
from territory_designer.io.accounts_import.workbooks import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    fill_merged,
    peek_xlsx,
    read_xls,
    read_xlsx,
)


@dataclass
class RawTable:
    """Cells of one sheet under its header, as read.

    Attributes
    ----------
    path : Path
        The file read.
    sheet : str or None
        Sheet name (None for text files).
    columns : list of str
        Unique header names (blank headers become ``"Column C"``).
    data : pandas.DataFrame
        One object column per header; cells hold numbers, text, dates or None.
    row_numbers : numpy.ndarray
        Row number in the file (1-based, as Excel shows it) of each data row.
    header_row : int
        Row number of the header (0 when the table has none).
    sheets : list of str
        Every sheet of the workbook.
    decimal : str
        Decimal separator suggested by the file (``","`` for ``;``-separated text).
    notes : list of str
        What was noticed and handled (encoding, delimiter, merged cells, macros, ...).
    """

    path: Path
    sheet: str | None
    columns: list[str]
    data: pd.DataFrame
    row_numbers: np.ndarray
    header_row: int
    sheets: list[str] = field(default_factory=list)
    decimal: str = "."
    notes: list[str] = field(default_factory=list)
    kind: str = "xlsx"
    #: Cells changed while reading: (row number, column, what was done).
    cell_issues: list[tuple[int, str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.data)

    def where(self, row: int | None = None, column: str | None = None) -> str:
        """``"file.xlsx, sheet 'S', row 12, column C ('Revenue')"`` for messages."""
        parts = [self.path.name]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            k = self.columns.index(column) if column in self.columns else -1
            ref = column_letter(k) if self.kind != "csv" else str(k + 1)
            parts.append(f"column {ref} ({column!r})" if k >= 0 else f"column {column!r}")
        return ", ".join(parts)


@dataclass
class Preview:
    """What the import wizard shows before anything is read in full."""

    sheets: list[str]
    sheet: str | None
    header_row: int
    columns: list[str]
    rows: list[list[object]]
    mapping: dict[str, str | None]
    notes: list[str] = field(default_factory=list)
    #: Row number in the file (as Excel shows it) of each preview row.
    row_numbers: list[int] = field(default_factory=list)


# -- public API ---------------------------------------------------------------------------
def preview(
    path: Path | str, sheet: str | None = None, rows: int = 20, header_row: int | None = None
) -> Preview:
    """The first rows under the detected header (or ``header_row``; 0 = none), fast.

    Only the rows needed are read (for .xlsx the sheet XML is streamed and the shared
    strings are read only as far as those rows need).
    """
    path = Path(path)
    kind = sniff_kind(path)
    n = HEADER_SEARCH_ROWS + rows
    notes: list[str] = []
    if kind == "xlsx":
        with damaged_workbook(path):
            sheets, sheet, top, numbers = peek_xlsx(path, sheet, n)
        notes = workbook_extras(path)
    elif kind == "xls":
        sheets, sheet, top, numbers = read_xls(path, sheet, n)
    else:
        sheets, sheet = [], None
        info = sniff_text(path)
        top = read_text_rows(path, info, max_rows=n)
        numbers = list(range(1, len(top) + 1))
        notes = info.notes()
    if header_row is None:
        k = detect_header_row(top[:HEADER_SEARCH_ROWS])
    else:
        k = _header_index(top, numbers, header_row, path.name)
    width = max((len(r) for r in top), default=0)
    if k is None:
        columns = make_column_names([], width)
        body, header_row, body_numbers = top, 0, numbers
    else:
        columns = make_column_names(top[k], width)
        body, header_row, body_numbers = top[k + 1 :], numbers[k], numbers[k + 1 :]
    body = [[peek.as_datetime(v) for v in r] + [None] * (width - len(r)) for r in body[:rows]]
    mapping = guess_mapping(columns)
    wrong = contradicted_guesses(mapping, lambda col: [r[columns.index(col)] for r in body])
    mapping.update(dict.fromkeys(wrong))
    notes += unmapping_note(wrong)
    return Preview(
        sheets, sheet, header_row, columns, body, mapping, notes, list(body_numbers[: len(body)])
    )


def list_sheets(path: Path | str) -> list[str]:
    """Names of the sheets of a workbook ([] for text files)."""
    path = Path(path)
    kind = sniff_kind(path)
    if kind == "xlsx":
        with damaged_workbook(path), zipfile.ZipFile(path) as zf:
            return list(peek.sheet_parts(zf))
    if kind == "xls":
        return read_xls(path, None, 0)[0]
    return []


def read_table(
    path: Path | str,
    sheet: str | None = None,
    header_row: int | None = None,
    feedback: Feedback | None = None,
) -> RawTable:
    """Read one sheet (or a text file) under its header row.

    Parameters
    ----------
    path : path-like
        .xlsx, .xlsm, .xls, .csv, .txt (the content decides, not the extension).
    sheet : str, optional
        Sheet name; the first sheet with data when None.
    header_row : int, optional
        1-based row of the header; detected when None; 0 means "no header" (columns
        are then named ``Column A``, ``Column B``, ...).
    feedback : Feedback, optional
        Progress and cancel.

    Raises
    ------
    InputError
        Not a spreadsheet, damaged, encrypted, a decompression bomb, unknown sheet,
        empty sheet, no header row found, or too many rows.
    """
    path = Path(path)
    feedback = feedback or Feedback()
    kind = sniff_kind(path)
    notes: list[str] = []
    decimal = "."
    if kind == "xlsx":
        with damaged_workbook(path):
            sheets, sheet, rows, numbers, merged, uncached = read_xlsx(path, sheet, feedback)
        notes += workbook_extras(path)
    elif kind == "xls":
        sheets, sheet, rows, numbers = read_xls(path, sheet, MAX_ROWS + 1)
        merged = []
    else:
        sheets, sheet, merged = [], None, []
        info = sniff_text(path)
        notes += info.notes()
        decimal = info.decimal
        fast = None if info.has_nul else _read_text_fast(path, info, header_row, feedback)
        if fast is not None:
            return RawTable(path, None, *fast, [], decimal, notes, "csv")
        rows = read_text_rows(path, info, max_rows=MAX_ROWS + 1, feedback=feedback)
        numbers = list(range(1, len(rows) + 1))
    where = f"{path.name}" + (f", sheet {sheet!r}" if sheet is not None else "")
    if len(rows) > MAX_ROWS:
        raise InputError(f"{where}: more than {MAX_ROWS:,} rows; split the file.")
    if not any(any(v not in (None, "") for v in r) for r in rows[: HEADER_SEARCH_ROWS + 1]):
        raise InputError(f"{where}: the sheet is empty.")
    k = _header_index(rows, numbers, header_row, where)
    width = max((len(r) for r in rows), default=0)
    header = rows[k] if k is not None else []
    columns = make_column_names(header, width)
    start = 0 if k is None else k + 1
    body = rows[start:]
    nums = np.asarray(numbers[start:], dtype=np.int64)
    # Rows end at their last filled cell: pad them to one width (pandas 4 refuses ragged
    # records), and a column empty on every data row (a blank "Notes" column) is narrower
    # than the header, so the width is set afterwards.
    if body and any(len(r) != width for r in body):
        body = [tuple(r) + (None,) * (width - len(r)) for r in body]
    data = pd.DataFrame.from_records(body, nrows=len(body)) if body else pd.DataFrame()
    data = data.reindex(columns=range(width)).astype(object)
    data.columns = columns
    data = data.where(data.notna(), None)
    if merged:
        notes += fill_merged(data, nums, merged)
    keep = ~data.isna().all(axis=1).to_numpy()  # fully blank lines are not data rows
    data, nums = data[keep].reset_index(drop=True), nums[keep]
    if not len(data):
        raise InputError(f"{where}: there are no data rows under the header.")
    # An XML workbook cannot hold a NUL; text files and .xls can.
    if kind != "xlsx":
        cell_issues = strip_nul(data, nums)
    else:
        cell_issues = uncached_formula_issues(data, nums) if uncached else []
    return RawTable(
        path,
        sheet,
        columns,
        data,
        nums,
        0 if k is None else numbers[k],
        sheets,
        decimal,
        notes,
        "csv" if kind == "csv" else "xlsx",
        cell_issues,
    )


# -- helpers ------------------------------------------------------------------------------
def _read_text_fast(path: Path, info, header_row: int | None, feedback: Feedback) -> tuple | None:  # noqa: ANN001
    """Large regular text tables through pandas' C parser; None to use the csv module."""
    top = read_text_rows(path, info, max_rows=2000)
    if len(top) < 2000:
        return None  # small: the general path is fast enough and handles ragged rows
    width = max(len(r) for r in top)
    df = read_text_frame(path, info, width)
    if df is None or len(df) > MAX_ROWS:
        return None
    feedback.check_canceled()
    where = path.name
    if not any(any(v not in (None, "") for v in r) for r in top[: HEADER_SEARCH_ROWS + 1]):
        raise InputError(f"{where}: the sheet is empty.")
    numbers = list(range(1, len(df) + 1))
    k = _header_index(top, numbers[: len(top)], header_row, where)
    columns = make_column_names([] if k is None else top[k], width)
    start = 0 if k is None else k + 1
    data = df.iloc[start:]
    data.columns = columns
    nonblank = np.zeros(len(data), dtype=bool)
    for c in columns:
        nonblank |= data[c].to_numpy() != ""
    data = data[nonblank].reset_index(drop=True)
    nums = np.arange(start + 1, len(df) + 1, dtype=np.int64)[nonblank]
    return columns, data, nums, 0 if k is None else k + 1


def _header_index(
    rows: list[list], numbers: list[int], header_row: int | None, where: str
) -> int | None:
    if header_row == 0:
        return None
    if header_row is not None:
        if header_row not in numbers:
            raise InputError(f"{where}: there is no row {header_row}.")
        return numbers.index(header_row)
    k = detect_header_row(rows[:HEADER_SEARCH_ROWS])
    if k is None:
        first = next((r for r in rows if any(v not in (None, "") for v in r)), [])
        shown = ", ".join(repr(v) for v in first[:4] if v not in (None, ""))
        raise InputError(
            f"{where}: no header row found in the first {HEADER_SEARCH_ROWS} rows (the first "
            f"row holds data: {shown}). Add a row naming the columns, or choose 'no header'."
        )
    return k

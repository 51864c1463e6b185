"""Writing tables into openpyxl worksheets: safe cells, number formats, widths, filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from territory_designer.reports.registry import TooManyRowsError
from territory_designer.reports.safety import safe_cell

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

#: Rows of an Excel worksheet (Excel 2007 onwards; openpyxl refuses a row beyond it).
EXCEL_MAX_ROWS = 1_048_576

FORMATS = {
    "int": "#,##0",
    "float": "#,##0.00",
    "money": "#,##0",
    "pct": "0.0%",
    "ratio": "0.000",
    "text": "@",
    "bool": "General",
}
HEADER_FILL = "1F4E78"


@dataclass
class Column:
    """One column of a sheet table: heading, values and kind (a key of FORMATS)."""

    header: str
    values: Sequence[object] | np.ndarray | pd.Series
    kind: str = "text"


def kind_of(series: pd.Series) -> str:
    """A display kind for a data column."""
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_numeric_dtype(series):
        v = series.to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        if v.size and np.allclose(v, np.round(v)):
            return "int"
        return "money" if v.size and np.abs(v).mean() >= 1000 else "float"
    return "text"


def frame_columns(df: pd.DataFrame, headers: dict[str, str] | None = None) -> list[Column]:
    """Columns of a DataFrame with kinds inferred from their dtypes."""
    headers = headers or {}
    return [Column(headers.get(c, str(c)), df[c], kind_of(df[c])) for c in df.columns]


def _py(values: Sequence[object] | np.ndarray | pd.Series, kind: str) -> list[object]:
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    arr = np.asarray(values, dtype=object)
    out = arr.tolist()
    if kind in ("int", "float", "money", "pct", "ratio"):
        return [safe_cell(v) for v in out]
    if kind == "bool":
        return [bool(v) if v is not None else None for v in out]
    return [safe_cell(v) for v in out]


def n_rows(columns: list[Column]) -> int:
    """Number of data rows of a table (its longest column)."""
    return max((len(c.values) for c in columns), default=0)


def write_table(
    ws: Worksheet,
    columns: list[Column],
    row: int = 1,
    col: int = 1,
    filter_and_freeze: bool = True,
    widths: bool = True,
    max_rows: int = EXCEL_MAX_ROWS,
) -> tuple[int, int]:
    """Write a header and rows; return (last data row, last column).

    The header is bold on a dark fill; numbers get the format of their kind; with
    ``filter_and_freeze`` the header row is frozen and gets an autofilter.

    Raises
    ------
    TooManyRowsError
        When the table would end below row ``max_rows`` (Excel's last row); nothing is
        written then. :func:`write_split_table` spreads a long table over sheets.
    """
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if row + n_rows(columns) > max_rows:
        raise TooManyRowsError(
            f"sheet {ws.title!r} would need {row + n_rows(columns):,} rows and an Excel "
            f"sheet holds {max_rows:,}."
        )
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for j, c in enumerate(columns):
        cell = ws.cell(row=row, column=col + j, value=safe_cell(c.header))
        cell.font, cell.fill = bold, fill
        numeric = c.kind in ("int", "float", "money", "pct", "ratio")
        cell.alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="right" if numeric else "left"
        )
    n = 0
    for j, c in enumerate(columns):
        values = _py(c.values, c.kind)
        n = max(n, len(values))
        fmt = FORMATS[c.kind]
        for i, v in enumerate(values):
            cell = ws.cell(row=row + 1 + i, column=col + j, value=v)
            if isinstance(v, str):
                cell.data_type = "s"  # never a formula, whatever openpyxl guesses
            elif v is not None and fmt != "General" and c.kind != "text":
                cell.number_format = fmt
        if widths:
            sample = [len(str(v)) for v in values[:500] if v is not None]
            width = max([len(str(c.header)) * 0.9, *sample, 6]) + 2
            if c.kind in ("int", "money", "float"):
                width += 3  # thousands separators
            letter = get_column_letter(col + j)
            ws.column_dimensions[letter].width = min(width, 42)
    last_row, last_col = row + n, col + len(columns) - 1
    if filter_and_freeze and columns:
        ws.freeze_panes = ws.cell(row=row + 1, column=col)
        ws.auto_filter.ref = f"{ws.cell(row=row, column=col).coordinate}:" + (
            ws.cell(row=max(last_row, row + 1), column=last_col).coordinate
        )
    return last_row, last_col


def print_setup(ws: Worksheet, header_row: int | None = None, landscape: bool = True) -> None:
    """Print every column on one page width, repeating the header row on each page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"


def _rows(values: Sequence[object] | np.ndarray | pd.Series, start: int, stop: int) -> object:
    if isinstance(values, pd.Series):
        return values.iloc[start:stop]
    return values[start:stop]


def split_titles(title: str, n_sheets: int) -> list[str]:
    """Sheet names of a table continued over ``n_sheets``: "Units", "Units (2)", …"""
    return [title] + [f"{title} ({k})" for k in range(2, n_sheets + 1)]


def write_split_table(
    wb: Workbook, title: str, columns: list[Column], max_rows: int = EXCEL_MAX_ROWS
) -> list[Worksheet]:
    """Write a table on new sheets, continuing on "Title (2)", "Title (3)", … as needed.

    Each sheet repeats the header row and holds up to ``max_rows - 1`` data rows, so a
    layer with more units than one Excel sheet holds is kept whole rather than refused.

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook; the sheets are appended.
    title : str
        Name of the first sheet.
    columns : list of Column
        The table.
    max_rows : int
        Rows per sheet, header included (Excel's limit; tests pass a small number).

    Returns
    -------
    list of Worksheet
        The sheets written, in order.
    """
    per_sheet = max_rows - 1
    total = n_rows(columns)
    n_sheets = max(1, -(-total // per_sheet))
    sheets = []
    for k, name in enumerate(split_titles(title, n_sheets)):
        start = k * per_sheet
        part = [
            Column(c.header, _rows(c.values, start, start + per_sheet), c.kind)  # type: ignore[arg-type]
            for c in columns
        ]
        ws = wb.create_sheet(name)
        write_table(ws, part, max_rows=max_rows)
        sheets.append(ws)
    return sheets

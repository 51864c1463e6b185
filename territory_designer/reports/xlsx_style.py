"""How the Excel report reads: field labels, currency formats, territory colour fills.

Money fields are recognised by name (``revenue``, ``sales_2024``, ``Potential (USD)``…)
and get a currency format; the symbol is the project setting ``currency`` (default
``$``). Territory colours are shown as cell fills, with black or white text as the
colour's lightness asks, rather than as hex codes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from territory_designer.reports.tables import field_label
from territory_designer.reports.xlsx_tables import Column, frame_columns

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

#: Words that make a numeric field an amount of money.
MONEY_WORDS = (
    "revenue",
    "sales",
    "potential",
    "profit",
    "margin",
    "amount",
    "spend",
    "budget",
    "cost",
    "price",
    "value",
    "income",
    "turnover",
    "arr",
    "mrr",
    "usd",
    "eur",
    "gbp",
)
#: Number format of money columns, by currency symbol.
DEFAULT_CURRENCY = "$"


def is_money_field(name: str) -> bool:
    """Whether numeric field ``name`` holds money (by the words of its name)."""
    words = re.split(r"[^0-9a-z]+", re.sub(r"(?<=[a-z])(?=[A-Z])", "_", str(name)).lower())
    return any(w in MONEY_WORDS for w in words)


def currency_format(symbol: str = DEFAULT_CURRENCY) -> str:
    """An Excel number format for whole amounts in ``symbol`` (negative in brackets)."""
    quoted = '"' + symbol.replace('"', "") + '"'
    return f"{quoted}#,##0;[Red]-{quoted}#,##0"


def labelled_columns(df: pd.DataFrame, headers: dict[str, str]) -> tuple[list[Column], set[int]]:
    """Columns of ``df`` headed by ``headers`` or else the field's label, and the
    positions of the money columns among them."""
    names = {c: headers.get(c, field_label(c)) for c in df.columns}
    cols = frame_columns(df, names)
    money = {
        j
        for j, (c, col) in enumerate(zip(df.columns, cols, strict=True))
        if col.kind in ("int", "float", "money") and c not in headers and is_money_field(c)
    }
    return cols, money


def apply_currency(
    ws: Worksheet, columns: list[Column], money: set[int], row: int, fmt: str, col: int = 1
) -> None:
    """Give the money columns of a table whose header is at (row, col) a currency format."""
    for j in sorted(money):
        for r in range(row + 1, ws.max_row + 1):
            cell = ws.cell(row=r, column=col + j)
            if isinstance(cell.value, int | float):
                cell.number_format = fmt


def text_colour_on(fill: str) -> str:
    """Black or white text, whichever reads better on ``#rrggbb`` (WCAG luminance)."""
    h = fill.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    lum = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2]
    return "000000" if luminance > 0.179 else "FFFFFF"


def fill_territory_cells(ws: Worksheet, column: int, first_row: int, colours: list[str]) -> None:
    """Fill the cells of ``column`` from ``first_row`` down with the territory colours."""
    from openpyxl.styles import Font, PatternFill

    for i, colour in enumerate(colours):
        if not isinstance(colour, str) or not re.fullmatch(r"#?[0-9a-fA-F]{6}", colour):
            continue
        cell = ws.cell(row=first_row + i, column=column)
        hex6 = colour.lstrip("#").upper()
        cell.fill = PatternFill("solid", fgColor=hex6)
        cell.font = Font(bold=True, color=text_colour_on(hex6))


def safe_footer(text: str) -> str:
    """``text`` for a page header or footer: ``&`` starts a code there, so it is doubled."""
    return str(text).replace("&", "&&")[:200]

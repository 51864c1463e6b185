"""Check a column mapping against the preview rows before the whole file is read.

The import wizards' mapping pages show, per mapped column, the first cell of the preview
that the import would not take as a number or a date, naming file, sheet, row and column
(the full import lists every such cell, or stops when most of a column is wrong).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from territory_designer.io.accounts_import.degrees import degrees_as_numbers
from territory_designer.io.accounts_import.headers import NUMERIC_FIELDS, column_letter
from territory_designer.io.accounts_import.reading import Preview
from territory_designer.io.accounts_import.values import parse_dates, parse_numbers

#: Fields whose cells must be numbers (coordinates may also be written in degrees).
NUMBER_FIELDS = (*NUMERIC_FIELDS, "latitude", "longitude")
DATE_FIELDS = ("order_date",)


def cell_place(pv: Preview, path: Path | str | None, row: int, column: str) -> str:
    """``"sales.xlsx, sheet 'Sales', row 6, column C ('Amount')"`` for a preview cell."""
    parts = [Path(path).name] if path else []
    if pv.sheet is not None:
        parts.append(f"sheet {pv.sheet!r}")
    parts.append(f"row {row}")
    k = pv.columns.index(column)
    ref = column_letter(k) if pv.sheets else str(k + 1)  # a text file has no sheets
    parts.append(f"column {ref} ({column!r})")
    return ", ".join(parts)


def preview_problems(
    pv: Preview, mapping: dict[str, str | None], path: Path | str | None = None
) -> dict[str, str]:
    """Field -> what is wrong with its column in the preview rows (fields without a
    problem are left out).

    Parameters
    ----------
    pv : Preview
        The first rows under the header.
    mapping : dict
        Field -> column (None: not mapped).
    path : path-like, optional
        The file, named in the messages.
    """
    problems: dict[str, str] = {}
    for f, col in mapping.items():
        if col is None or col not in pv.columns or not pv.rows:
            continue
        values = pd.Series([r[pv.columns.index(col)] for r in pv.rows], dtype=object)
        if f in NUMBER_FIELDS:
            what = "number"
            if f in ("latitude", "longitude"):
                values = degrees_as_numbers(values)
            bad = parse_numbers(values)[1]
        elif f in DATE_FIELDS:
            what = "date"
            bad = parse_dates(values)[1]
        else:
            continue
        if not bad.any():
            continue
        first = int(np.flatnonzero(bad)[0])
        numbers = pv.row_numbers or list(range(pv.header_row + 1, pv.header_row + 1 + len(values)))
        shown = values.iloc[first]
        shown = shown if isinstance(shown, str) else str(shown)
        count = int(bad.sum())
        more = f" ({count} of the {len(values)} rows shown)" if count > 1 else ""
        problems[f] = (
            f"{cell_place(pv, path, numbers[first], col)}: {shown!r} is not a {what}{more}"
        )
    return problems

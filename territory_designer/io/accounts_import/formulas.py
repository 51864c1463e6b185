"""Formula cells that carry no saved value.

Workbooks are read with the values Excel saved beside each formula (formulas are never
evaluated). A workbook written by a script (openpyxl, many exporters) or never opened in
Excel holds formulas without those values: the cell reads as blank, and the import lists
it rather than leave an amount silently missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser


@dataclass(frozen=True)
class UncachedFormula:
    """Placeholder for a formula cell without a saved value."""

    formula: str


class CachedValueParser(WorkSheetParser):
    """openpyxl's sheet parser, marking formula cells that have no saved value."""

    def parse_cell(self, element):  # noqa: ANN001, ANN201 - openpyxl's signature
        """Parse a ``<c>`` element; see :class:`UncachedFormula`."""
        cell = super().parse_cell(element)
        if cell["value"] is None and self.data_only:
            formula = element.findtext(FORMULA_TAG)
            cached = element.find(VALUE_TAG)
            # Excel saves a formula giving "" as t="str" with an empty value: that is text.
            empty_text = cached is not None and element.get("t") == "str"
            if formula is not None and not empty_text:
                cell["value"] = UncachedFormula(formula)
        return cell


def uncached_formula_issues(data: pd.DataFrame, nums: np.ndarray) -> list[tuple[int, str, str]]:
    """Blank the placeholders in ``data`` and list each cell (row number, column, text)."""
    issues = []
    for j, col in enumerate(data.columns):
        values = data[col]
        marked = values.map(lambda v: isinstance(v, UncachedFormula)).to_numpy(dtype=bool)
        for k in np.flatnonzero(marked):
            formula = values.iat[k].formula
            issues.append(
                (
                    int(nums[k]),
                    col,
                    f"formula ={formula} has no saved value (the workbook was not saved by "
                    "a spreadsheet program); left blank. Open it in Excel, save, import again",
                )
            )
            data.iat[k, j] = None
    return issues

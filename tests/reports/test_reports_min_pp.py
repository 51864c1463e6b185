"""The reports give the least compact territory next to the mean (issue 17)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from territory_designer.core.project import Project
from territory_designer.reports import export


def test_excel_summary_gives_min_polsby_popper_beside_the_mean(
    demo_project: Project, tmp_path: Path
):
    out = export("excel", demo_project, tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(out)["Summary"]
    figures = {}
    for row in ws.iter_rows():
        for cell, right in zip(row, row[1:], strict=False):
            if isinstance(cell.value, str) and "Polsby-Popper" in cell.value:
                figures[cell.value] = right.value
    mean = figures["Compactness (mean Polsby-Popper)"]
    low = figures["Compactness (min Polsby-Popper)"]
    assert 0 < low <= mean < 1

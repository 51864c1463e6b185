"""``import-accounts`` prints which cells it could not use, not only how many.

A customer list as exported from a CRM, at real North Carolina ZIP codes (the demo
project's counties), with "n/a" in a few revenue cells and a totals row at the bottom.
Before: the terminal said "13 cells with problems" and nothing more, so a consultant could
not tell which rows were blank or left out without ``--json``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from td_superstore import nc_zips

from territory_designer.cli import main


def test_import_lists_the_cells_it_could_not_use(
    demo_project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Customer ID", "Customer", "ZIP", "Revenue"])
    for i, z in enumerate(nc_zips()[:40]):
        ws.append([f"C{i:03d}", f"Shop {i}", z["zip_code"], "n/a" if i % 3 == 0 else 1000.0])
    ws.append([None, "Total", None, 27000.0])
    wb.save(tmp_path / "customers.xlsx")
    capsys.readouterr()
    assert main(["import-accounts", str(project), str(tmp_path / "customers.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "15 cells with problems" in out
    # Row 2 is C000's, the first "n/a"; the totals row is the sheet's last, row 42.
    assert "row 2, column 'Revenue'" in out and "'n/a'" in out
    assert "and 5 more" in out  # the first ten are printed, the rest counted
    assert len([line for line in out.splitlines() if line.startswith("  row ")]) == 10

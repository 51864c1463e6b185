"""A header under a band of merged group titles is found.

Report exports often put group titles over the column names: "Customer" merged over ID
and Name, "Location" over ZIP and City. Before: the band was taken for the header, no
column gave a location and the file was refused (exit 2, "no column gives a location").
Real North Carolina ZIP codes (the demo project's counties).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from td_superstore import nc_zips

from territory_designer.cli import main
from territory_designer.io.accounts_import.reading import preview
from territory_designer.io.project_file import load_project


def _banded(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Customer", None, "Location", None, "Sales 2025"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:D1")
    ws.append(["ID", "Name", "ZIP", "City", "Revenue"])
    for i, z in enumerate(nc_zips()[:30]):
        ws.append([f"C{i:03d}", f"Shop {i}", z["zip_code"], z["city"], 1000.0 + i])
    wb.save(path)
    return path


def test_the_header_under_the_band_is_used(demo_project_file: Path, tmp_path: Path) -> None:
    workbook = _banded(tmp_path / "report.xlsx")
    assert preview(workbook).header_row == 2  # what the wizard shows
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    assert main(["import-accounts", str(project), str(workbook)]) == 0
    table = load_project(project).accounts.table
    assert len(table) == 30 and (table["unit"] >= 0).all()
    assert table["revenue"].sum() == sum(1000.0 + i for i in range(30))


def test_a_text_only_list_keeps_its_own_header(tmp_path: Path) -> None:
    """Data rows of text only (ids, names, cities) are not taken for a header."""
    wb = openpyxl.Workbook()
    wb.active.append(["Customer ID", "Customer", "City", "State"])
    for i, z in enumerate(nc_zips()[:10]):
        wb.active.append([f"C{i}", f"Shop {i}", z["city"], "NC"])
    wb.save(tmp_path / "text.xlsx")
    assert preview(tmp_path / "text.xlsx").header_row == 1

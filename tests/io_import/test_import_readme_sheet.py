"""A workbook whose first sheet is a "Read me" note imports its customer sheet.

Client exports often open on a sheet of one-line notes (source, date, contact) in front of
the list. Before: without ``--sheet`` the import read the note, found no location column
and refused the file (exit 2); the wizard previewed the note. Now the first sheet that
holds a table is read. Real ZIP codes of North Carolina (the demo project's counties).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from td_superstore import nc_zips

from territory_designer.cli import main
from territory_designer.io.accounts_import.reading import preview
from territory_designer.io.project_file import load_project


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    note = wb.active
    note.title = "Read me"
    note.append(["Customer master data, exported 2026-11-30 from the ERP"])
    note.append(["Questions: sales operations"])
    note.append([])
    note.append(["The list is on sheet Customers."])
    ws = wb.create_sheet("Customers")
    ws.append(["Customer ID", "Customer", "ZIP", "Revenue"])
    for i, z in enumerate(nc_zips()[:30]):
        ws.append([f"C{i:03d}", f"Shop {i}", z["zip_code"], 100.0 + i])
    wb.save(path)
    return path


def test_the_customer_sheet_is_imported(demo_project_file: Path, tmp_path: Path) -> None:
    workbook = _workbook(tmp_path / "customers.xlsx")
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    assert main(["import-accounts", str(project), str(workbook)]) == 0
    table = load_project(project).accounts.table
    assert len(table) == 30 and (table["unit"] >= 0).all()


def test_a_named_sheet_is_still_read(tmp_path: Path) -> None:
    workbook = _workbook(tmp_path / "customers.xlsx")
    assert preview(workbook, "Read me").sheet == "Read me"  # the wizard shows what it asks
    assert preview(workbook).sheet == "Customers"  # and opens on the list

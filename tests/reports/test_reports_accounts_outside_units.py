"""The Excel report's Accounts sheet says when an account's point is outside every unit.

A national customer list imported into the North Carolina demo: the Atlanta customer has
coordinates, but no county of the project holds them. Before: its row read "How located:
coordinates" beside a blank unit and territory, as if it had been placed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from territory_designer.cli import main


def test_accounts_sheet_marks_points_outside_every_unit(
    demo_project_file: Path, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Customer ID", "Customer", "Latitude", "Longitude", "Revenue"])
    wb.active.append(["RAL", "Raleigh store", 35.7796, -78.6382, 100.0])
    wb.active.append(["ATL", "Atlanta store", 33.7490, -84.3880, 100.0])
    wb.save(tmp_path / "stores.xlsx")
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    argv = ["import-accounts", str(project), str(tmp_path / "stores.xlsx"), "--keep-removed"]
    assert main(argv) == 0
    assert main(["export", str(project), "--excel", str(tmp_path / "r.xlsx")]) == 0
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["Accounts"].iter_rows(values_only=True))
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_id["RAL"]["How located"] == "coordinates" and by_id["RAL"]["Territory"]
    assert by_id["ATL"]["How located"] == "coordinates, outside every unit"
    assert not by_id["ATL"]["Territory"]

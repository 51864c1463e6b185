"""``import-accounts --map id=COLUMN`` picks the id column, as ``--help`` says.

Before: the help listed ``id`` among the fields but the command refused it ("unknown
field 'id'", exit 2); only ``account_id`` worked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from td_superstore import nc_zips

from territory_designer.cli import main
from territory_designer.io.project_file import load_project


def test_map_id_takes_the_named_column(demo_project_file: Path, tmp_path: Path) -> None:
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    wb = openpyxl.Workbook()
    wb.active.append(["Customer ID", "ERP number", "Customer", "ZIP", "Revenue"])
    for i, z in enumerate(nc_zips()[:25]):
        wb.active.append([f"C{i:03d}", f"ERP-{9000 + i}", f"Shop {i}", z["zip_code"], 100.0])
    wb.save(tmp_path / "customers.xlsx")
    argv = ["import-accounts", str(project), str(tmp_path / "customers.xlsx")]
    assert main([*argv, "--map", "id=ERP number"]) == 0
    ids = load_project(project).accounts.table["account_id"]
    assert sorted(ids)[:2] == ["ERP-9000", "ERP-9001"] and len(ids) == 25

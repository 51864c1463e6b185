"""Rows added by Excel's Data › Subtotal are left out and listed, wherever they are.

A customer list grouped by region with a "<region> Total" row after each group and a
"Grand Total" at the bottom, at real North Carolina ZIP codes (the demo project's
counties). Before: only the "Grand Total" at the bottom was recognised; each "North
Total" became an account ("row-12", revenue = the group's sum), so the project counted 44
accounts instead of 40 and listed four phantom customers as unlocated.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from td_superstore import nc_zips

from territory_designer.cli import main
from territory_designer.io.project_file import load_project

REGIONS = ("North", "South", "East", "West")


@pytest.fixture
def subtotalled(tmp_path: Path) -> tuple[Path, float]:
    """The workbook and the sum of its account rows (what a hand pivot gives)."""
    zips = nc_zips()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Region", "Customer ID", "Customer", "ZIP", "Revenue"])
    total = 0.0
    for g, region in enumerate(REGIONS):
        group = 0.0
        for i in range(10):
            revenue = 100.0 * (g + 1) + i
            ws.append([region, f"C{g}{i}", f"Shop {g}{i}", zips[g * 10 + i]["zip_code"], revenue])
            group += revenue
        ws.append([f"{region} Total", None, None, None, group])
        total += group
    ws.append(["Grand Total", None, None, None, total])
    wb.save(tmp_path / "by_region.xlsx")
    return tmp_path / "by_region.xlsx", total


def test_subtotal_rows_are_not_accounts(
    subtotalled: tuple[Path, float],
    demo_project_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workbook, total = subtotalled
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    capsys.readouterr()
    assert main(["import-accounts", str(project), str(workbook)]) == 0
    out = capsys.readouterr().out
    table = load_project(project).accounts.table
    assert len(table) == 40 and (table["unit"] >= 0).all()
    assert table["revenue"].sum() == pytest.approx(total)
    assert not table["account_id"].str.startswith("row-").any()
    for row, region in zip((12, 23, 34, 45), REGIONS, strict=True):
        assert f"row {row}, column 'Region': '{region} Total' row is a subtotal row" in out
    assert "row 46, column 'Region': 'Grand Total' row is a totals row" in out


def test_a_customer_whose_name_ends_in_total_is_kept(
    demo_project_file: Path, tmp_path: Path
) -> None:
    """ "Golf Total" with an id and a ZIP is a customer, in the middle of the list or not."""
    zips = nc_zips()
    wb = openpyxl.Workbook()
    wb.active.append(["Customer ID", "Customer", "ZIP", "Revenue"])
    wb.active.append(["C1", "Golf Total", zips[0]["zip_code"], 10.0])
    wb.active.append(["C2", "Lakeside Count", zips[1]["zip_code"], 20.0])
    wb.active.append(["C3", "Shop", zips[2]["zip_code"], 30.0])
    wb.save(tmp_path / "names.xlsx")
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    assert main(["import-accounts", str(project), str(tmp_path / "names.xlsx")]) == 0
    assert sorted(load_project(project).accounts.table["name"]) == [
        "Golf Total",
        "Lakeside Count",
        "Shop",
    ]

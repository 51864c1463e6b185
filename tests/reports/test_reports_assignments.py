"""CRM assignment lists: one row per unit, CSV and .xlsx, formulas neutralised."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from territory_designer.core.project import Project
from territory_designer.reports import export


def test_csv_rows_and_columns(hostile_plan: Project, tmp_path: Path) -> None:
    out = export("assignments", hostile_plan, tmp_path / "crm.csv")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["unit_id", "unit_name", "territory", "territory_name", "owner"]
    assert len(rows) == 1 + len(hostile_plan.units)
    by_unit = {r[0]: r for r in rows[1:]}
    assert by_unit["0000"][2:] == ["T02", "'-2+3", "'@SUM(A1:A2)"]
    assert by_unit["0005"][2:] == ["", "", ""]  # unassigned units are listed too
    for r in rows[1:]:
        for v in r:
            assert not v.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_with_postal_codes(demo_project: Project, tmp_path: Path) -> None:
    demo_project.units.attributes["zip"] = [f"0{k:04d}" for k in range(len(demo_project.units))]
    out = export("assignments", demo_project, tmp_path / "crm.xlsx")
    ws = openpyxl.load_workbook(out).active
    head = [c.value for c in ws[1]]
    assert head == ["unit_id", "postal_code", "unit_name", "territory", "territory_name", "owner"]
    assert ws.max_row == 1 + len(demo_project.units)
    assert ws["B2"].value == "00000"  # leading zeros kept: text, not a number
    assert ws.freeze_panes == "A2"

"""The Excel report reopened with openpyxl: sheets, headers, panes, chart, figures, safety."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from report_fixtures import HOSTILE_NAME

from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export
from territory_designer.reports.excel import TABLE_ROW


def _summary_rows(ws) -> dict[str, list]:
    """Territory rows of the summary sheet keyed by territory id."""
    rows = {}
    r = TABLE_ROW + 1
    while ws.cell(row=r, column=1).value not in (None, "Total"):
        rows[ws.cell(row=r, column=1).value] = [c.value for c in ws[r]]
        r += 1
    return rows


def test_demo_workbook(demo_project: Project, tmp_path: Path) -> None:
    out = export("excel", demo_project, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Territories", "Units", "Accounts", "Changes"]
    ws = wb["Summary"]
    assert "Working draft" in ws["A1"].value
    header = [c.value for c in ws[TABLE_ROW]][:5]
    assert header == ["Territory", "Name", "Owner", "Units", "Accounts"]
    assert ws.freeze_panes == f"A{TABLE_ROW + 1}"
    assert ws.auto_filter.ref.startswith(f"A{TABLE_ROW}:")
    assert len(ws._charts) == 1 and len(ws._images) == 1
    assert ws.conditional_formatting  # deviation bands
    table = demo_project.territory_table()
    rows = _summary_rows(ws)
    heads = [c.value for c in ws[TABLE_ROW]]
    rev = heads.index("Revenue")
    dev = next(k for k, h in enumerate(heads) if h and str(h).startswith("Deviation"))
    for _, t in table.iterrows():
        row = rows[t["id"]]
        assert row[1] == t["name"] and row[2] == t["owner"]
        assert row[3] == t["units"] and row[4] == t["accounts"]
        assert row[rev] == pytest.approx(t["revenue"])
        assert row[dev] == pytest.approx(t["deviation_pct"] / 100)
    assert ws.cell(row=TABLE_ROW + 1, column=rev + 1).number_format.startswith('"$"#,##0')
    assert ws.cell(row=TABLE_ROW + 1, column=dev + 1).number_format == "0.0%"
    assert wb["Units"].max_row == len(demo_project.units) + 1
    assert wb["Accounts"].max_row == len(demo_project.accounts) + 1
    assert wb["Units"].freeze_panes == "A2"
    acc_head = [c.value for c in wb["Accounts"][1]]
    assert acc_head[:8] == [
        "Account", "Account name", "Unit", "Unit name", "Territory", "Territory name",
        "Owner", "How located",
    ]  # fmt: skip


def test_changes_sheet_and_hostile_names(hostile_plan: Project, tmp_path: Path) -> None:
    out = export("excel", hostile_plan, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(out)
    assert "Changes" in wb.sheetnames
    changes = wb["Changes"]
    texts = [c.value for row in changes.iter_rows() for c in row if c.value is not None]
    assert "Units moved" in texts and "Accounts moved" in texts
    assert "2 units" in changes["A2"].value
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, v)
                    assert not v.startswith(("=", "+", "-", "@", "\t", "\r")), (ws.title, v)
    rows = _summary_rows(wb["Summary"])
    assert rows["T01"][1] == "'" + HOSTILE_NAME
    assert rows["T02"][1] == "'-2+3" and rows["T02"][2] == "'@SUM(A1:A2)"
    assert rows["T01"][3] == hostile_plan.territory_table()["units"][0]  # numbers stay numbers


def test_choose_sheets_and_plan(grid_plan: Project, tmp_path: Path) -> None:
    opts = ExportOptions(plan="Plan 1", sheets={"summary", "units"}, include_map=False)
    out = export("excel", grid_plan, tmp_path / "p1.xlsx", opts)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Units"]
    assert wb["Summary"]._images == []
    assert grid_plan.active_plan_name == "Plan 2"  # exporting another plan changes nothing
    units = {r[0]: r[2] for r in wb["Units"].iter_rows(min_row=2, values_only=True)}
    assert units["0000"] == "T03"  # as in Plan 1, before the move to B

"""The Excel Changes sheet says why each unit moved (the change log's note or edit)."""

from __future__ import annotations

import openpyxl

from territory_designer.reports import ExportOptions, export


def test_changes_sheet_lists_the_reason_of_each_move(grid_plan, tmp_path):
    grid_plan.change_log.entries[-1].note = "Ann asked for the mill towns"
    path = export("excel", grid_plan, tmp_path / "r.xlsx", ExportOptions())
    ws = openpyxl.load_workbook(path)["Changes"]
    rows = list(ws.values)
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Unit")
    col = rows[head].index("Reason")
    reasons = [r[col] for r in rows[head + 1 : head + 3]]
    assert reasons == ["Ann asked for the mill towns"] * 2

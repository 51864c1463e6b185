"""Tables longer than an Excel sheet: continued on "Units (2)", … or refused with a hint.

Writing 1,048,576 rows takes minutes, so the splitting is tested with a lowered row limit
(the same code path), plus one check that the limit is really Excel's.
"""

from __future__ import annotations

import functools
from pathlib import Path

import openpyxl
import pytest
from openpyxl.xml.constants import MAX_ROW

from territory_designer.core.project import Project
from territory_designer.reports import ExportError, export
from territory_designer.reports.xlsx_tables import (
    EXCEL_MAX_ROWS,
    Column,
    TooManyRowsError,
    write_split_table,
    write_table,
)


def test_the_limit_is_excels() -> None:
    assert EXCEL_MAX_ROWS == MAX_ROW == 1_048_576
    ws = openpyxl.Workbook().active
    ws.cell(row=EXCEL_MAX_ROWS, column=1, value="last row")
    with pytest.raises(ValueError, match="1048576"):
        ws.cell(row=EXCEL_MAX_ROWS + 1, column=1)


def _read(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_a_long_table_continues_on_numbered_sheets(tmp_path: Path) -> None:
    ids = [f"U{k:02d}" for k in range(11)]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    write_split_table(wb, "Units", [Column("Unit", ids), Column("N", list(range(11)), "int")], 5)
    wb.save(tmp_path / "split.xlsx")
    sheets = _read(tmp_path / "split.xlsx")
    assert list(sheets) == ["Units", "Units (2)", "Units (3)"]
    assert [len(rows) for rows in sheets.values()] == [5, 5, 4]
    assert all(rows[0] == ("Unit", "N") for rows in sheets.values())
    assert [r[0] for rows in sheets.values() for r in rows[1:]] == ids


def test_a_table_that_fits_keeps_one_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = write_split_table(wb, "Units", [Column("Unit", ["a", "b", "c", "d"])], 5)
    assert [ws.title for ws in sheets] == ["Units"]


def test_write_table_refuses_rather_than_failing_half_way() -> None:
    ws = openpyxl.Workbook().active
    ws.title = "Changes"
    with pytest.raises(TooManyRowsError, match="'Changes' would need 12 rows .* holds 10"):
        write_table(ws, [Column("Unit", list(range(9)))], row=3, max_rows=10)
    assert ws.max_row == 1 and ws["A1"].value is None


def test_excel_report_splits_units_sheet(
    grid_plan: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from territory_designer.reports import excel

    monkeypatch.setattr(
        excel, "write_split_table", functools.partial(write_split_table, max_rows=10)
    )
    out = export("excel", grid_plan, tmp_path / "r.xlsx")
    sheets = _read(out)
    assert [s for s in sheets if s.startswith("Units")] == ["Units", "Units (2)", "Units (3)"]
    units = [r[0] for s in ("Units", "Units (2)", "Units (3)") for r in sheets[s][1:]]
    assert units == list(grid_plan.units.ids)
    assert [s for s in sheets if s.startswith("Accounts")] == ["Accounts", "Accounts (2)"] + [
        f"Accounts ({k})" for k in range(3, 6)
    ]


def test_crm_list_too_long_for_a_sheet_is_refused_with_a_hint(
    grid_plan: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from territory_designer.reports import assignments

    monkeypatch.setattr(assignments, "write_table", functools.partial(write_table, max_rows=10))
    target = tmp_path / "crm.xlsx"
    with pytest.raises(ExportError) as info:
        export("assignments", grid_plan, target)
    message = str(info.value)
    assert message.startswith(f"Cannot write Assignment list (CRM) to {target}: ")
    assert "would need 25 rows" in message and "Write the list as .csv instead." in message
    assert not target.exists()

"""Cell values from real workbooks: infinities, far dates, ZIPs as floats, totals, formulas."""

from __future__ import annotations

import datetime as dt

import numpy as np
from import_files import write_xlsx

from territory_designer.cli import main
from territory_designer.io.accounts_import import import_accounts
from territory_designer.io.project_file import load_project, save_project

NOT_FINITE = ["inf", "Infinity", "1e309", "NaN", "-inf"]


def _grid_rows(n: int) -> list[list[object]]:
    return [[f"a{k}", f"{k % 24:04d}", 10 + k, 2 * k] for k in range(n)]


def test_infinite_and_nan_amounts_are_listed_per_cell_and_left_blank(
    capsys, grid_project, tmp_path
):
    rows = [["id", "zip", "revenue", "units sold"], *_grid_rows(12)]
    for k, word in enumerate(NOT_FINITE):  # mapped revenue column, rows 2..6
        rows[1 + k][2] = word
    rows[8][3] = "inf"  # an unmapped measure column, row 9
    path = write_xlsx(tmp_path / "amounts.xlsx", rows)
    report = import_accounts(grid_project, path)
    listed = {(i.row, i.column) for i in report.issues}
    assert listed == {(2, "revenue"), (3, "revenue"), (4, "revenue"), (5, "revenue")} | {
        (6, "revenue"),
        (9, "units sold"),
    }
    assert all("is not a number; left blank" in i.message for i in report.issues)
    t = grid_project.accounts.table
    assert np.isnan(t["revenue"][:5]).all() and t["revenue"][5:].tolist() == list(range(15, 22))
    assert t["units sold"].dtype == float and np.isnan(t["units sold"][7])
    assert np.isfinite(grid_project.territory_table().select_dtypes(float).fillna(0)).all().all()
    project_file = save_project(grid_project, tmp_path / "p.tdproj")
    assert main(["info", str(project_file), "--json"]) == 0
    assert '"accounts": 12' in capsys.readouterr().out


def test_infinite_amounts_in_a_csv_are_listed(grid_project, tmp_path):
    path = tmp_path / "amounts.csv"
    lines = ["id,zip,revenue"] + [f"a{k},{k:04d},{k + 1}" for k in range(8)]
    lines[3] = "a2,0002,Infinity"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_accounts(grid_project, path)
    assert [(i.row, i.column) for i in report.issues] == [(4, "revenue")]
    revenue = grid_project.accounts.table["revenue"]
    assert np.isnan(revenue[2]) and np.nansum(revenue) == 36 - 3


def test_dates_after_2262_such_as_no_end_date_9999_12_31_import(grid_project, tmp_path):
    far = dt.datetime(9999, 12, 31)
    rows = [
        ["id", "customer", "zip", "order date", "amount"],
        ["o1", "c1", "0001", dt.datetime(2024, 5, 1), 10],
        ["o2", "c1", "0001", far, 5],
        ["o3", "c2", "0002", "9999-12-31", 7],
    ]
    path = write_xlsx(tmp_path / "orders.xlsx", rows)
    report = import_accounts(grid_project, path, aggregate_by="customer")
    assert not report.issues
    t = grid_project.accounts.table.set_index("account_id")
    assert t.loc["c1", "first_order"] == "2024-05-01"
    assert t.loc["c1", "last_order"] == "9999-12-31"
    assert t.loc["c2", "last_order"] == "9999-12-31"
    plain = write_xlsx(tmp_path / "plain.xlsx", [["id", "zip", "end date"], ["a", "0001", far]])
    import_accounts(grid_project, plain)
    save_project(grid_project, tmp_path / "p.tdproj")
    reopened = load_project(tmp_path / "p.tdproj").accounts.table
    assert reopened["order_date"].tolist() == ["9999-12-31"]

"""Cell values from real workbooks: infinities, far dates, ZIPs as floats, totals, formulas."""

from __future__ import annotations

import datetime as dt

import numpy as np
from import_files import write_raw_xlsx, write_xlsx

from territory_designer.cli import main
from territory_designer.io.accounts_import import import_accounts, preview
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


def test_zips_saved_as_floats_are_normalised(demo_project, tmp_path):
    rows = [["id", "zip"], ["a", "27217.0"], ["b", 27601.0], ["c", "28202.00"], ["d", "28202"]]
    path = write_xlsx(tmp_path / "zips.xlsx", rows)
    report = import_accounts(demo_project, path)
    t = demo_project.accounts.table
    assert t["postal_code"].tolist() == ["27217", "27601", "28202", "28202"]
    assert report.located["postal_code"] == 4 and (t["unit"] >= 0).all()
    csv = tmp_path / "zips.csv"
    csv.write_text("id,zip\na,27217.0\nb,27601.0\n", encoding="utf-8")
    import_accounts(demo_project, csv)
    assert demo_project.accounts.table["postal_code"].tolist() == ["27217", "27601"]


def test_a_numeric_st_column_is_not_taken_for_the_state(grid_project, tmp_path):
    rows = [["id", "zip", "st"], ["a", "0001", 3], ["b", "0002", "14"], ["c", "0003", 7]]
    path = write_xlsx(tmp_path / "stores.xlsx", rows)
    assert preview(path).mapping["state"] is None
    report = import_accounts(grid_project, path)
    assert report.mapping["state"] is None
    assert any("'st' holds numbers, not a state" in n for n in report.notes)
    t = grid_project.accounts.table
    assert t["st"].tolist() == [3.0, 14.0, 7.0] and t["state"].tolist() == ["", "", ""]
    # a state column of state codes is still a state; what the user maps is used as given
    text = write_xlsx(tmp_path / "text.xlsx", [["id", "zip", "st"], ["a", "0001", "NC"]])
    assert import_accounts(grid_project, text).mapping["state"] == "st"
    assert import_accounts(grid_project, path, mapping={"state": "st"}).mapping["state"] == "st"


def test_totals_rows_at_the_bottom_are_listed_and_left_out(grid_project, tmp_path):
    rows = [
        ["id", "name", "zip", "revenue"],
        ["c1", "Acme", "0001", 10],
        ["c2", "Total Wine & More", "0002", 20],
        ["Subtotal", None, None, 30],
        [None, "Grand Total", None, 30],
    ]
    path = write_xlsx(tmp_path / "report.xlsx", rows)
    report = import_accounts(grid_project, path)
    t = grid_project.accounts.table
    assert t["name"].tolist() == ["Acme", "Total Wine & More"] and t["revenue"].sum() == 30
    listed = [(i.row, i.column) for i in report.issues]
    assert listed == [(4, "id"), (5, "name")]
    assert all("totals row" in i.message for i in report.issues)
    orders = [["customer", "zip", "amount"], ["c1", "0001", 5], ["c1", "0001", 6], ["Sum", "", 11]]
    report = import_accounts(
        grid_project, write_xlsx(tmp_path / "o.xlsx", orders), aggregate_by="customer"
    )
    assert grid_project.accounts.table["account_id"].tolist() == ["c1"]
    assert [(i.row, i.column) for i in report.issues] == [(4, "customer")]


def test_formulas_without_a_saved_value_are_listed(grid_project, tmp_path):
    rows = [["id", "zip", "revenue"], ["a", "0001", 4], ["b", "0002", "=C2*2"], ["c", "0003", 5]]
    path = write_xlsx(tmp_path / "scripted.xlsx", rows)  # openpyxl saves no formula values
    report = import_accounts(grid_project, path)
    issue = report.issues[0]
    assert (issue.row, issue.column) == (
        3,
        "revenue",
    ) and "=C2*2 has no saved value" in issue.message
    assert np.isnan(grid_project.accounts.table["revenue"][1])
    # Excel saves a formula that gives "" as text with an empty value: not a missing value
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>zip</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>note</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>0001</t></is></c>'
        '<c r="C2" t="str"><f>IF(1,"","x")</f><v></v></c></row>'
    )
    assert not import_accounts(grid_project, write_raw_xlsx(tmp_path / "e.xlsx", sheet)).issues


def test_a_column_empty_on_every_data_row_imports(grid_project, tmp_path):
    rows = [["id", "zip", "notes"], ["a", "0001"], ["b", "0002"]]
    for path in (write_xlsx(tmp_path / "blank.xlsx", rows), tmp_path / "blank.csv"):
        if path.suffix == ".csv":
            path.write_text("id,zip,notes\na,0001\nb,0002\n", encoding="utf-8")
        import_accounts(grid_project, path)
        t = grid_project.accounts.table
        assert t["unit"].tolist() == [1, 2] and t["notes"].tolist() == ["", ""]


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_a_number_cell_beyond_float_range_is_listed_not_a_crash(grid_project, tmp_path):
    rows = "".join(
        f'<row r="{r}">{_inline(f"A{r}", i)}{_inline(f"B{r}", z)}<c r="C{r}"><v>{v}</v></c></row>'
        for r, i, z, v in [(2, "a", "0001", "5"), (3, "b", "0002", "1e309"), (4, "c", "0003", "7")]
    )
    header = (
        f'<row r="1">{_inline("A1", "id")}{_inline("B1", "zip")}{_inline("C1", "revenue")}</row>'
    )
    path = write_raw_xlsx(tmp_path / "huge.xlsx", header + rows)
    assert preview(path).rows[1][:2] == ["b", "0002"]
    report = import_accounts(grid_project, path)
    assert [(i.row, i.column) for i in report.issues] == [(3, "revenue")]
    assert np.nansum(grid_project.accounts.table["revenue"]) == 12


def test_a_header_with_a_nul_or_an_infinite_number_is_named_safely(grid_project, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"id,zip,No\x00tes\na,0001,East\n")
    import_accounts(grid_project, path)
    assert grid_project.accounts.table["Notes"].tolist() == ["East"]
    header = (
        f'<row r="1">{_inline("A1", "id")}{_inline("B1", "zip")}<c r="C1"><v>1e309</v></c></row>'
    )
    row = f'<row r="2">{_inline("A2", "a")}{_inline("B2", "0001")}{_inline("C2", "x")}</row>'
    import_accounts(grid_project, write_raw_xlsx(tmp_path / "inf.xlsx", header + row), header_row=1)
    assert grid_project.accounts.table["inf"].tolist() == ["x"]


def test_a_date_in_an_amount_column_is_listed_and_a_date_column_kept(grid_project, tmp_path):
    day = dt.datetime(2021, 1, 1)
    rows = [["id", "zip", "opened", "revenue"], ["a", "0001", day, day]]
    rows += [["b", "0002", day, 5], ["c", "0003", day, 6]]
    report = import_accounts(grid_project, write_xlsx(tmp_path / "dates.xlsx", rows))
    assert [(i.row, i.column, i.message) for i in report.issues] == [
        (2, "revenue", "'2021-01-01 00:00:00' is not a number; left blank")
    ]
    t = grid_project.accounts.table
    assert t["opened"].tolist() == ["2021-01-01 00:00:00"] * 3
    assert np.isnan(t["revenue"][0]) and t["revenue"][1:].tolist() == [5.0, 6.0]


def test_a_pivot_table_grand_total_row_is_left_out(grid_project, tmp_path):
    rows = [["Kundennummer", "PLZ", "Summe von Umsatz"], ["k1", "0001", 5], ["k2", "0002", 6]]
    rows.append(["Gesamtergebnis", None, 11])
    report = import_accounts(grid_project, write_xlsx(tmp_path / "pivot.xlsx", rows))
    assert grid_project.accounts.table["account_id"].tolist() == ["k1", "k2"]
    assert [(i.row, i.column) for i in report.issues] == [(4, "Kundennummer")]

"""The mapping pages' per-column check of the preview rows (Qt-free): the first cell that
is not a number or a date where one belongs, named by file, sheet, row and column."""

from __future__ import annotations

import datetime as dt

from import_files import write_xlsx

from territory_designer.io.accounts_import import preview
from territory_designer.io.accounts_import.preview_checks import preview_problems


def test_a_workbook_cell_is_named_by_sheet_row_and_letter(tmp_path):
    rows = [
        ["Orders 2024"],
        [],
        ["Customer", "Order Date", "Amount", "Visits"],
        ["A1", dt.datetime(2024, 1, 5), 10, 4],
        ["A2", "someday", "n/a", 6],
        ["A3", dt.datetime(2024, 3, 5), "12.5", "often"],
    ]
    pv = preview(write_xlsx(tmp_path / "orders.xlsx", rows))
    assert pv.header_row == 3 and pv.row_numbers == [4, 5, 6]
    mapping = {"account_id": "Customer", "order_date": "Order Date", "revenue": "Amount"}
    mapping["visits_per_year"] = "Visits"
    problems = preview_problems(pv, mapping, tmp_path / "orders.xlsx")
    at = "orders.xlsx, sheet 'Sheet1', row"
    assert problems == {
        "order_date": f"{at} 5, column B ('Order Date'): 'someday' is not a date",
        "revenue": f"{at} 5, column C ('Amount'): 'n/a' is not a number",
        "visits_per_year": f"{at} 6, column D ('Visits'): 'often' is not a number",
    }


def test_a_text_file_names_the_column_by_number_and_counts_bad_cells(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("id,zip,revenue\nA,27601,lots\nB,27513,some\nC,27511,5\n", encoding="utf-8")
    pv = preview(path)
    problems = preview_problems(pv, {"account_id": "id", "revenue": "revenue"}, path)
    assert problems == {
        "revenue": "list.csv, row 2, column 3 ('revenue'): 'lots' is not a number "
        "(2 of the 3 rows shown)"
    }
    assert preview_problems(pv, {"account_id": "id", "revenue": None}) == {}

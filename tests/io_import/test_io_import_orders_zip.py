"""Order-level workbooks rolled up into accounts, and ZIP+4 codes Excel stored as numbers.

Both are real .xlsx files written by openpyxl, read by the importer as a user's would be.
"""

from __future__ import annotations

import math
from pathlib import Path

import zipcodes
from import_files import write_xlsx

from territory_designer.io.accounts_import import import_accounts

HEADER = ["Customer", "Company", "ZIP", "Segment", "Revenue"]


def _accounts(project, tmp_path: Path, rows: list[list[object]]):  # noqa: ANN001, ANN202
    path = write_xlsx(tmp_path / "orders.xlsx", [HEADER, *rows])
    import_accounts(project, path, aggregate_by="Customer")
    return project.accounts.table.set_index("account_id")


def test_zip_plus_4_stored_as_an_eight_digit_number_keeps_its_leading_zero(
    grid_project, tmp_path: Path
) -> None:
    """02134-1234 typed into Excel without the dash is the number 21341234 (eight digits)."""
    assert zipcodes.matching("02134")  # Allston, MA: a real ZIP with a leading zero
    t = _accounts(
        grid_project,
        tmp_path,
        [
            ["K1", "Allston Pharmacy", 21341234, "Retail", 10],
            ["K2", "Allston Books", "02134-1234", "Retail", 20],
            ["K3", "Agawam Feed", 10011234, "Farm", 30],  # 01001-1234, Agawam MA
        ],
    )
    assert t.loc["K1", "postal_code"] == "02134"
    assert t.loc["K3", "postal_code"] == "01001"
    # Located at the same ZIP centroid as the code typed with its dash.
    assert (t.loc["K1", "x"], t.loc["K1", "y"]) == (t.loc["K2", "x"], t.loc["K2", "y"])
    assert t.loc["K1", "located_by"] == "postal_code"


def test_orders_roll_up_keeping_the_first_text_and_blank_sums(grid_project, tmp_path: Path) -> None:
    t = _accounts(
        grid_project,
        tmp_path,
        [
            ["K1", "Acme", "02134", "Retail", 100],
            ["K2", "Bolt", "02134", None, None],
            ["K1", "Acme", "02134", "Wholesale", 25.5],
            ["K3", "Crane", "01001", None, 7],
            ["K2", "Bolt", "02134", "Pharma", None],
            ["K3", "Crane", "01001", "Farm", 3],
        ],
    )
    assert list(t.index) == ["K1", "K2", "K3"]  # order of first appearance
    assert t.loc["K1", "segment"] == "Retail"  # the first order's segment, not the last
    assert t.loc["K2", "segment"] == "Pharma"  # the first non-blank one
    assert t.loc["K3", "segment"] == "Farm"
    assert t.loc["K1", "revenue"] == 125.5 and t.loc["K3", "revenue"] == 10
    # No revenue on any order is "unknown", not a customer with zero revenue.
    assert math.isnan(t.loc["K2", "revenue"])
    assert t["orders"].tolist() == [2, 2, 2]

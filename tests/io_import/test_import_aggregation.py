"""Order-line workbooks rolled up into accounts: figures equal a pivot table of the file.

The workbook is shaped like the BI "Superstore" sample (see ``td_superstore``); the
expected figures are computed here independently with pandas from the same file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
import zipcodes
from import_files import write_xlsx
from pyproj import Transformer
from td_superstore import read_back, write_superstore

from territory_designer.cli import main
from territory_designer.io.accounts_import import column_kind, import_accounts, prepare_import
from territory_designer.io.project_file import load_project, save_project


@pytest.fixture
def superstore(tmp_path: Path) -> Path:
    return write_superstore(tmp_path / "superstore.xlsx")


def unit_of_zip(project, zip_code: str) -> int:  # noqa: ANN001
    """The unit holding a ZIP's centroid (or nearest to a coastal one), without the importer."""
    z = zipcodes.matching(zip_code)[0]
    tf = Transformer.from_crs("EPSG:4326", project.units.crs, always_xy=True)
    x, y = tf.transform(float(z["long"]), float(z["lat"]))
    return int(np.argmin(shapely.distance(project.units.geometry, shapely.Point(x, y))))


def pivot_by(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sales, Profit, Quantity summed and Discount weighted by Sales, as a hand pivot."""
    g = df.assign(_ds=df["Discount"] * df["Sales"]).groupby(keys)
    out = g[["Sales", "Profit", "Quantity"]].sum()
    out["Discount"] = g["_ds"].sum() / g["Sales"].sum()
    return out


def test_superstore_figures_equal_a_pivot_table(demo_project, superstore):
    report = import_accounts(demo_project, superstore, aggregate_by="Customer ID")
    df = read_back(superstore)
    expected = pivot_by(df, ["Customer ID"])
    t = demo_project.accounts.table.set_index("account_id").loc[expected.index]
    assert report.accounts == len(expected) == 14
    np.testing.assert_allclose(t["revenue"], expected["Sales"], rtol=1e-9)
    np.testing.assert_allclose(t["Profit"], expected["Profit"], rtol=1e-9)
    np.testing.assert_allclose(t["Quantity"], expected["Quantity"], rtol=1e-9)
    np.testing.assert_allclose(t["Discount"], expected["Discount"], rtol=1e-9)
    assert t["Discount"].between(0, 0.8).all()
    orders = df.groupby("Customer ID")["Order ID"].nunique()  # an order has several lines
    assert t["orders"].tolist() == orders.loc[expected.index].tolist()
    # Ids and codes are neither summed nor offered as balance metrics.
    fields = demo_project.weight_fields
    assert {"revenue", "Profit", "Quantity"} <= set(fields)
    assert not {"Row ID", "Order ID", "Postal Code", "postal_code"} & set(fields)
    assert "Row ID" not in t.columns and "Order ID" not in t.columns
    # A discount rate is kept per account but not summed into a territory metric.
    assert "Discount" not in fields and "Discount" in t.columns
    assert report.aggregation["Row ID"] == report.aggregation["Ship Date"] == "ignore"
    assert report.aggregation["Discount"] == "mean"
    text = "\n".join(report.summary_lines())
    assert "summed: Sales, Quantity, Profit" in text
    assert "averaged (weighted by revenue): Discount" in text and "Row ID" in text


def test_rates_stay_out_of_the_metrics_through_save_and_undo(demo_project, superstore, tmp_path):
    before = list(demo_project.weight_fields)
    op = prepare_import(demo_project, superstore, aggregate_by="Customer ID").operation()
    demo_project.apply(op)
    assert "Discount" not in demo_project.weight_fields
    save_project(demo_project, tmp_path / "p.tdproj")
    reopened = load_project(tmp_path / "p.tdproj")
    assert "Profit" in reopened.weight_fields and "Discount" not in reopened.weight_fields
    op.undo(demo_project)
    assert demo_project.weight_fields == before
    assert "averaged_account_fields" not in demo_project.settings


def test_customer_is_placed_at_its_largest_revenue_location(demo_project, superstore):
    report = import_accounts(demo_project, superstore, aggregate_by="Customer ID")
    df = read_back(superstore)
    by_site = df.groupby(["Customer ID", "Postal Code"], sort=False)["Sales"].sum()
    n_sites = df.groupby("Customer ID")["Postal Code"].nunique()
    spread = n_sites[n_sites > 1].index
    assert len(spread) >= 4
    t = demo_project.accounts.table.set_index("account_id")
    for cust in spread:
        best_zip = by_site.loc[cust].idxmax()
        assert t.loc[cust, "postal_code"] == best_zip
        assert t.loc[cust, "unit"] == unit_of_zip(demo_project, best_zip)
    assert report.multi_location == len(spread) and report.customers == 14
    note = f"{len(spread)} of 14 customers span several locations"
    assert any(note in line for line in report.summary_lines())


def test_sites_give_one_account_per_customer_and_postal_code(demo_project, superstore):
    report = import_accounts(demo_project, superstore, aggregate_by="Customer ID", sites=True)
    df = read_back(superstore)
    expected = pivot_by(df, ["Customer ID", "Postal Code"])
    t = demo_project.accounts.table
    assert report.accounts == len(t) == len(expected)
    got = t.set_index(["customer_id", "postal_code"]).loc[expected.index]
    np.testing.assert_allclose(got["revenue"], expected["Sales"], rtol=1e-9)
    np.testing.assert_allclose(got["Profit"], expected["Profit"], rtol=1e-9)
    np.testing.assert_allclose(got["Discount"], expected["Discount"], rtol=1e-9)
    for (_cust, zip_code), unit in got["unit"].items():
        assert unit == unit_of_zip(demo_project, zip_code)
    # Revenue lands where it ships: per unit, the sites' revenue equals the pivot's.
    zip_units = {z: unit_of_zip(demo_project, z) for z in df["Postal Code"].unique()}
    want = df.groupby(df["Postal Code"].map(zip_units))["Sales"].sum()
    have = t.groupby("unit")["revenue"].sum()
    np.testing.assert_allclose(have.loc[want.index], want, rtol=1e-9)
    assert report.sites and "one account per customer and location" in report.location_note()
    # Each order line points at its site's account.
    assert set(report.transactions["account_id"]) == set(t["account_id"])
    line = report.transactions.iloc[0]
    assert line["account_id"] == f"{line['customer_id']} @ {line['postal_code']}"


def test_a_location_beats_rows_without_one_whatever_their_revenue(demo_project, tmp_path):
    path = write_xlsx(
        tmp_path / "orders.xlsx",
        [["Customer", "ZIP", "Sales"],
         ["K1", None, 900], ["K1", 27601, 10], ["K1", 28202, 40], ["K2", None, 5]],
    )  # fmt: skip
    report = import_accounts(demo_project, path, aggregate_by="Customer")
    t = demo_project.accounts.table.set_index("account_id")
    assert t.loc["K1", "postal_code"] == "28202" and t.loc["K1", "revenue"] == 950
    assert t.loc["K1", "unit"] == unit_of_zip(demo_project, "28202")
    assert t.loc["K2", "unit"] == -1 and report.multi_location == 1


def test_agg_overrides_change_how_columns_combine(capsys, demo_project_file, superstore, tmp_path):
    target = tmp_path / "p.tdproj"
    target.write_bytes(Path(demo_project_file).read_bytes())
    code = main(
        ["import-accounts", str(target), str(superstore), "--aggregate-by", "Customer ID",
         "--agg", "Discount=sum", "--agg", "Row ID=first", "--agg", "Profit=ignore",
         "--agg", "Order ID=ignore", "--agg", "Sales=mean", "--json"]
    )  # fmt: skip
    out, _ = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["aggregation"]["Discount"] == "sum"
    df = read_back(superstore)
    t = load_project(target).accounts.table.set_index("account_id")
    g = df.groupby("Customer ID")
    np.testing.assert_allclose(t.loc[g.size().index, "Discount"], g["Discount"].sum())
    np.testing.assert_allclose(t.loc[g.size().index, "revenue"], g["Sales"].mean())
    assert "Profit" not in t.columns
    assert t.loc["AB-10000", "Row ID"] == "1"  # the customer's first line, as text


def test_agg_on_text_or_unknown_column_is_one_clear_error(
    capsys, demo_project_file, superstore, tmp_path
):
    target = tmp_path / "p.tdproj"
    target.write_bytes(Path(demo_project_file).read_bytes())
    before = target.read_bytes()
    for pair, words in (
        ("Segment=sum", ["'Segment'", "is not a number"]),
        ("Colour=mean", ["no column 'Colour'"]),
        ("Discount=median", ["not one of sum, mean, first, ignore"]),
        ("Postal Code=sum", ["'Postal Code'", "location"]),
    ):
        code = main(
            ["import-accounts", str(target), str(superstore), "--aggregate-by", "Customer ID",
             "--agg", pair]
        )  # fmt: skip
        _, err = capsys.readouterr()
        assert code == 2, pair
        assert err.count("\n") == 1 and all(w in err for w in words), err
    assert target.read_bytes() == before


def test_repeated_ids_without_aggregation_name_the_flag_on_the_command_line(
    capsys, demo_project_file, superstore, tmp_path
):
    target = tmp_path / "p.tdproj"
    target.write_bytes(Path(demo_project_file).read_bytes())
    code = main(["import-accounts", str(target), str(superstore)])
    _, err = capsys.readouterr()
    assert code == 2 and '--aggregate-by "Customer ID"' in err


def test_repeated_ids_error_itself_names_no_flag(demo_project, superstore):
    from territory_designer.io.accounts_import import RepeatedIdsError

    with pytest.raises(RepeatedIdsError) as info:
        prepare_import(demo_project, superstore)
    assert info.value.column == "Customer ID" and "--" not in str(info.value)


@pytest.mark.parametrize(
    ("header", "kind"),
    [("Row ID", "identifier"), ("Order ID", "identifier"), ("Postal Code", "identifier"),
     ("Order Year", "year"), ("Sales", "amount"), ("Profit", "amount"), ("Quantity", "amount"),
     ("Discount", "rate"), ("Margin %", "rate"), ("Sales Order No", "identifier"),
     ("Sales Year", "year"), ("Visits per year", "amount"), ("Ship Date", "date"),
     ("Segment", "other")],
)  # fmt: skip
def test_column_kinds_from_headers(header, kind):
    assert column_kind(header) == kind


def test_agg_and_sites_without_aggregate_by_are_refused(capsys, demo_project_file, tmp_path):
    target = tmp_path / "p.tdproj"
    target.write_bytes(Path(demo_project_file).read_bytes())
    book = write_superstore(tmp_path / "s.xlsx")
    for extra in (["--sites"], ["--agg", "Discount=sum"]):
        code = main(["import-accounts", str(target), str(book), *extra])
        _, err = capsys.readouterr()
        assert code == 2 and "needs --aggregate-by COLUMN" in err

"""Importing customer lists into a project: locating, joining, aggregating, merging."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from import_files import grid_latlon, write_xlsx

from territory_designer.core.errors import CanceledError
from territory_designer.core.feedback import Feedback
from territory_designer.io.accounts_import import (
    export_unlocated,
    import_accounts,
    prepare_import,
    preview,
)
from territory_designer.io.project_file import load_project, save_project


def test_lat_lon_workbook_with_title_rows_lands_in_the_right_units(grid_project, tmp_path):
    lat, lon = grid_latlon(grid_project, [0, 7, 23])
    path = write_xlsx(
        tmp_path / "clients.xlsx",
        [
            ["Client list", None, None],
            ["exported 2026-01-01"],
            [],
            ["Account #", "Company", "Latitude", "Longitude", "Sales ($)", "Tier"],
            ["A1", "Acme", lat[0], lon[0], "$1,234.50", "Gold"],
            ["A2", "Beta", str(lat[1]), str(lon[1]), 2000, "Silver"],
            ["A3", "Gamma", lat[2], lon[2], "12%", "Gold"],
        ],
    )
    events = []
    grid_project.events.connect("accounts_changed", lambda **kw: events.append(kw))
    report = import_accounts(grid_project, path)
    t = grid_project.accounts.table
    assert t["unit"].tolist() == [0, 7, 23]
    assert t["located_by"].tolist() == ["coordinates"] * 3
    assert t["revenue"].tolist() == pytest.approx([1234.5, 2000.0, 0.12])
    assert t["segment"].tolist() == ["Gold", "Silver", "Gold"]
    assert report.to_dict()["located"] == {
        "total": 3, "coordinates": 3, "unit_code": 0, "postal_code": 0, "city": 0,
    }  # fmt: skip
    assert events == [{}]
    assert "revenue (accounts)" in grid_project.weight_fields
    assert grid_project.metrics is not None


def test_swapped_coordinate_columns_are_detected(grid_project, tmp_path):
    lat, lon = grid_latlon(grid_project, [3, 4])
    path = write_xlsx(
        tmp_path / "swapped.xlsx",
        [["id", "lat", "lon"], ["a", lon[0], lat[0]], ["b", lon[1], lat[1]]],
    )
    report = import_accounts(grid_project, path)
    assert grid_project.accounts.table["unit"].tolist() == [3, 4]
    assert any("swapped" in n for n in report.notes)


def test_postal_codes_csv_locates_by_gazetteer_city_and_reports_the_rest(demo_project, tmp_path):
    path = tmp_path / "zips.csv"
    path.write_text(
        "Customer ID;Name;ZIP;City;State;Revenue\n"
        "C1;Acme;27601;Raleigh;NC;1.234,50\n"
        "C2;Beta;28202-1234;;;2.000\n"
        "C3;Gamma;;Durham;North Carolina;300\n"
        "C4;Delta;99999;;;5\n"
        "C5;Eps;;;;7\n"
        "C6;Far;1040;Holyoke;MA;1\n",
        encoding="utf-8-sig",
    )
    report = import_accounts(demo_project, path)
    d = report.to_dict()
    assert d["rows"] == 6 and d["accounts"] == 6
    assert d["located"]["postal_code"] == 2 and d["located"]["city"] == 1
    assert d["unlocated"]["unknown_postal_code"] == 1
    assert d["unlocated"]["no_location"] == 1
    assert d["unlocated"]["outside_units"] == 1  # Holyoke, MA is not in North Carolina
    assert d["located"]["total"] + d["unlocated"]["total"] == d["rows"]
    t = demo_project.accounts.table.set_index("account_id")
    assert t.loc["C1", "revenue"] == pytest.approx(1234.5)
    assert t.loc["C6", "postal_code"] == "01040"
    assert demo_project.units.names[t.loc["C1", "unit"]] == "Wake"
    assert demo_project.units.names[t.loc["C3", "unit"]] == "Durham"
    rows = report.unlocated_rows.set_index("account_id")
    assert rows.loc["C4", "row"] == "5" and rows.loc["C4", "file"] == "zips.csv"
    json.dumps(d)  # the CLI prints it


def test_units_that_are_postal_areas_locate_by_their_own_code(grid_project, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("id,name,zip\n1,One,0005\n2,Two,0017\n3,Three,9999\n", encoding="utf-8")
    report = import_accounts(grid_project, path)
    t = grid_project.accounts.table
    assert t["unit"].tolist() == [5, 17, -1]
    assert report.located["unit_code"] == 2
    assert t["unlocated_reason"].tolist()[2] == "unknown_postal_code"


def test_order_level_sheet_is_aggregated_and_transactions_kept(grid_project, tmp_path):
    lat, lon = grid_latlon(grid_project, [1, 2])
    path = write_xlsx(
        tmp_path / "orders.xlsx",
        [
            ["Order", "Customer", "Order date", "Amount", "Lat", "Lon"],
            [1, "K1", "2024-01-05", 100, lat[0], lon[0]],
            [2, "K2", 45300, 50, lat[1], lon[1]],
            [3, "K1", "2024-03-01", 25.5, lat[0], lon[0]],
        ],
    )
    report = import_accounts(grid_project, path, aggregate_by="Customer")
    t = grid_project.accounts.table.set_index("account_id")
    assert report.rows == 3 and report.accounts == 2
    assert t.loc["K1", "revenue"] == pytest.approx(125.5)
    assert t.loc["K1", "orders"] == 2
    assert (t.loc["K1", "first_order"], t.loc["K1", "last_order"]) == ("2024-01-05", "2024-03-01")
    assert t.loc["K2", "unit"] == 2
    assert len(report.transactions) == 3
    assert grid_project.transactions is report.transactions


def test_reimport_merges_by_id_and_reports_new_changed_removed(grid_project, tmp_path):
    lat, lon = grid_latlon(grid_project, [0, 1, 2, 3])
    first = write_xlsx(
        tmp_path / "v1.xlsx",
        [["id", "name", "lat", "lon", "revenue"]]
        + [[f"A{k}", f"N{k}", lat[k], lon[k], 10 * k] for k in range(3)],
    )
    import_accounts(grid_project, first)
    second = write_xlsx(
        tmp_path / "v2.xlsx",
        [["id", "name", "lat", "lon", "revenue"],
         ["A0", "N0", lat[0], lon[0], 0],
         ["A1", "N1 renamed", lat[1], lon[1], 10],
         ["A3", "N3", lat[3], lon[3], 30]],
    )  # fmt: skip
    report = import_accounts(grid_project, second)
    assert (report.new, report.changed, report.removed) == (["A3"], ["A1"], ["A2"])
    assert sorted(grid_project.accounts.table["account_id"]) == ["A0", "A1", "A3"]


def test_unlocated_accounts_survive_save_and_export_to_excel(grid_project, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('id,name,zip\n1,=HYPERLINK("x"),ABCDE\n', encoding="utf-8")
    report = import_accounts(grid_project, path)
    assert report.unlocated_total == 1
    out = export_unlocated(report, tmp_path / "unlocated.xlsx")
    ws = openpyxl.load_workbook(out).active
    values = list(ws.values)
    assert values[0][:6] == ("file", "sheet", "row", "account_id", "name", "reason")
    assert values[1][4] == '=HYPERLINK("x")'  # stored as text, not a formula
    assert ws.cell(2, 5).data_type == "s"
    save_project(grid_project, tmp_path / "p.tdproj")
    again = load_project(tmp_path / "p.tdproj")
    assert again.accounts.table["unit"].tolist() == [-1]
    export_unlocated(again, tmp_path / "from_project.xlsx")


def test_cancel_leaves_the_project_as_it_was(demo_project, tmp_path):
    path = tmp_path / "z.csv"
    path.write_text("id,zip\n" + "".join(f"{k},27601\n" for k in range(50)), encoding="utf-8")
    before = demo_project.accounts.table.copy()
    fb = Feedback()
    fb.cancel()
    with pytest.raises(CanceledError):
        import_accounts(demo_project, path, feedback=fb)
    assert demo_project.accounts.table.equals(before)


def test_prepare_does_not_touch_the_project_until_applied(demo_project, tmp_path):
    path = tmp_path / "z.csv"
    path.write_text("id,zip\n1,27601\n", encoding="utf-8")
    rev = demo_project.revision
    prepared = prepare_import(demo_project, path)
    assert demo_project.revision == rev and len(demo_project.accounts) > 1
    prepared.apply(demo_project)
    assert len(demo_project.accounts) == 1 and demo_project.revision > rev


def test_user_mapping_overrides_the_guess(grid_project, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Code,Label,Where\nX1,Alpha,0004\n", encoding="utf-8")
    report = import_accounts(
        grid_project, path, mapping={"account_id": "Code", "name": "Label", "postal_code": "Where"}
    )
    assert grid_project.accounts.table["unit"].tolist() == [4]
    assert report.mapping["postal_code"] == "Where"


def test_preview_shows_header_columns_and_first_rows(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [["Report"], [], ["ID", "Name", "ZIP"]] + [[f"A{k}", f"N{k}", 1000 + k] for k in range(50)],
    )
    pv = preview(path, rows=5)
    assert pv.header_row == 3 and pv.columns == ["ID", "Name", "ZIP"]
    assert pv.rows[0] == ["A0", "N0", 1000] and len(pv.rows) == 5
    assert pv.mapping["postal_code"] == "ZIP" and pv.sheets == ["Sheet1"]


def test_cp1252_tab_separated_text_file(grid_project, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("id\tname\tzip\n1\tCaf\xe9 Mu\xf1oz\t0003\n".encode("cp1252"))
    import_accounts(grid_project, path)
    assert grid_project.accounts.table["name"].tolist() == ["Café Muñoz"]
    assert np.array_equal(grid_project.accounts.table["unit"], [3])


def test_a_single_row_with_latitude_and_longitude_swapped_is_corrected(demo_project, tmp_path):
    """One mistyped row (lon in the lat column) lands in Wake County, with a note."""
    path = write_xlsx(
        tmp_path / "one_swapped.xlsx",
        [
            ["id", "name", "lat", "lon"],
            ["a", "Raleigh", 35.7796, -78.6382],
            ["b", "Charlotte", 35.2271, -80.8431],
            ["c", "Raleigh typo", -78.6382, 35.7796],
            ["d", "Asheville", 35.5951, -82.5515],
            ["e", "Greensboro", 36.0726, -79.7920],
        ],
    )
    report = import_accounts(demo_project, path)
    table = demo_project.accounts.table
    units = demo_project.units
    names = dict(zip(table["name"], units.names[table["unit"].to_numpy()], strict=True))
    assert names["Raleigh typo"] == names["Raleigh"] == "Wake"
    assert report.to_dict()["unlocated"]["total"] == 0
    assert any("swapped on 1 row" in n and "(4)" in n for n in report.notes)


def test_a_workbook_saved_by_libreoffice_imports(demo_project):
    # Saved by LibreOffice Calc 7 from an openpyxl list: its strings table is one that
    # openpyxl's read-only workbook leaves empty, so the sheet's own table must be used.
    path = Path(__file__).parent / "data" / "libreoffice_saved.xlsx"
    report = import_accounts(demo_project, path)
    d = report.to_dict()
    assert d["accounts"] == 2 and d["located"]["total"] == 2
    t = demo_project.accounts.table.set_index("account_id")
    assert t.loc["C1", "name"] == "Raleigh Supply"
    assert t.loc["C2", "revenue"] == pytest.approx(990)
    assert demo_project.units.names[t.loc["C1", "unit"]] == "Wake"
    assert demo_project.units.names[t.loc["C2", "unit"]] == "Mecklenburg"

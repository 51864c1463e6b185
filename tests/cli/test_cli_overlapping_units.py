"""Units that overlap within one layer: a region drawn over its own counties.

Real boundaries (libpysal's North Carolina counties) with a "Triangle" polygon — the
union of Wake and Durham counties — drawn over them, as a city layer holding the city
and its boroughs; accounts at the real ZIP centroids of the ``zipcodes`` package.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
import zipcodes
from libpysal import examples

from territory_designer.cli import main
from territory_designer.io.project_file import load_project

WAKE, DURHAM = "37183", "37063"


def nc_counties() -> gpd.GeoDataFrame:
    """The 100 North Carolina counties, lon/lat."""
    gdf = gpd.read_file(examples.get_path("sids2.shp")).set_crs("EPSG:4267")
    return gdf[["FIPS", "NAME", "geometry"]].to_crs("EPSG:4326")


def zip_accounts(path: Path, counties: tuple[str, ...]) -> pd.DataFrame:
    """An account workbook: one account at each active standard ZIP of the counties."""
    rows = [
        z
        for z in zipcodes.filter_by(state="NC", active=True, zip_code_type="STANDARD")
        if z["county"] in counties
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Account", "Name", "Latitude", "Longitude"])
    for z in rows:
        ws.append([f"A{z['zip_code']}", z["city"], float(z["lat"]), float(z["long"])])
    wb.save(path)
    return pd.DataFrame(rows)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def city_over_counties(tmp_path: Path) -> Path:
    gdf = nc_counties()
    triangle = shapely.union_all(gdf.geometry[gdf.FIPS.isin([WAKE, DURHAM])].values)
    extra = gpd.GeoDataFrame({"FIPS": ["TRI"], "NAME": ["Triangle"]}, geometry=[triangle])
    path = tmp_path / "nc_with_triangle.gpkg"
    pyogrio.write_dataframe(pd.concat([gdf, extra.set_crs(gdf.crs)], ignore_index=True), path)
    return path


def test_a_region_over_its_own_counties_is_refused_naming_the_overlaps(
    capsys, tmp_path, city_over_counties
):
    out = tmp_path / "p.tdproj"
    code, _, err = _run(
        capsys, "new", "--units", str(city_over_counties), "--id-field", "FIPS", "--out", str(out)
    )
    assert code == 2 and not out.exists()
    line = err.strip()
    assert "\n" not in line and str(city_over_counties) in line
    assert "2 pairs of units overlap" in line
    assert f"{WAKE}/TRI" in line and f"{DURHAM}/TRI" in line
    km2 = float(line.split("(")[1].split(" km²")[0].replace(",", ""))
    assert 2800 < km2 < 3300  # Wake (~2,200 km²) and Durham (~770 km²) in all
    assert "--allow-overlaps" in line


def test_accepted_overlaps_put_each_account_in_one_unit_the_smaller(
    capsys, tmp_path, city_over_counties
):
    out = tmp_path / "p.tdproj"
    code, stdout, err = _run(
        capsys,
        "new",
        "--units",
        str(city_over_counties),
        "--id-field",
        "FIPS",
        "--allow-overlaps",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert "Accepted overlapping units: 2 pairs" in stdout
    code, stdout, _ = _run(capsys, "info", str(out))
    assert "overlapping units (accepted): 2 pairs of units overlap" in stdout
    book = tmp_path / "accounts.xlsx"
    zips = zip_accounts(book, ("Wake County", "Durham County", "Orange County"))
    code, stdout, err = _run(capsys, "import-accounts", str(out), str(book))
    assert code == 0, err
    project = load_project(out)
    table = project.accounts.table
    located = table[table["unit"] >= 0]
    assert len(located) >= len(zips) - 2
    unit_ids = project.units.ids[located["unit"].to_numpy()]
    assert "TRI" not in set(unit_ids)  # the counties, not the region drawn over them
    assert project.accounts.per_unit(len(project.units), [])[:, 0].sum() == len(located)
    in_wake_durham = int(pd.Series(unit_ids).isin([WAKE, DURHAM]).sum())
    assert in_wake_durham > 20
    assert f"{in_wake_durham:,} accounts lie where units overlap" in stdout


def test_digitising_slivers_between_neighbours_are_not_overlaps(capsys, tmp_path):
    gdf = nc_counties().to_crs("EPSG:32617")
    gdf["geometry"] = gdf.buffer(10)  # every county 10 m too large: thin strips overlap
    path = tmp_path / "slivers.gpkg"
    pyogrio.write_dataframe(gdf, path)
    out = tmp_path / "s.tdproj"
    code, stdout, err = _run(
        capsys, "new", "--units", str(path), "--id-field", "FIPS", "--out", str(out)
    )
    assert code == 0, err
    assert "Accepted overlapping" not in stdout

"""New projects from polygon files GDAL reads: GeoPackage, shapefile, GeoJSON."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from territory_designer.core.errors import InputError
from territory_designer.io.geography import new_project_from_file

IDS = ["00501", "01001", "02134", "10001", "90210", "99501"]


def _frame(crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    """A 2 x 3 grid of 0.1 degree squares near Raleigh, ids with leading zeros."""
    boxes = [
        shapely.box(-78.7 + c * 0.1, 35.7 + r * 0.1, -78.6 + c * 0.1, 35.8 + r * 0.1)
        for r in range(2)
        for c in range(3)
    ]
    return gpd.GeoDataFrame(
        {
            "zip": IDS,
            "label": [f"Area {k}" for k in range(6)],
            "households": [120, 340, 560, 780, 900, 1100],
            "income": [51.5, 62.0, 48.25, 70.0, 55.5, 66.0],
        },
        geometry=boxes,
        crs=crs,
    )


WRITERS = {
    "gpkg": ("units.gpkg", "GPKG"),
    "shapefile": ("units.shp", "ESRI Shapefile"),
    "geojson": ("units.geojson", "GeoJSON"),
}


@pytest.mark.parametrize(("filename", "driver"), WRITERS.values(), ids=WRITERS.keys())
def test_new_project_from_each_format(tmp_path: Path, filename: str, driver: str) -> None:
    path = tmp_path / filename
    pyogrio.write_dataframe(_frame(), path, driver=driver)
    project = new_project_from_file(path, "zip", "label")
    units = project.units
    assert list(units.ids) == IDS  # leading zeros kept: ids are text
    assert list(units.names) == [f"Area {k}" for k in range(6)]
    assert units.crs.is_projected  # lon/lat is reprojected to metres
    assert set(units.numeric_fields()) >= {"households", "income"}
    assert units.area == pytest.approx(np.full(6, units.area.mean()), rel=0.01)
    assert 8e7 < units.area.mean() < 1.2e8  # 0.1 degree squares at 35.7N: ~100 km2
    assert int(project.adjacency.rook_mask().sum()) == 7
    assert list(project.plans) == ["Plan 1"]
    assert project.summary().unassigned_units == 6
    assert "households" in project.weight_fields


def test_numeric_ids_become_text(tmp_path: Path) -> None:
    gdf = _frame().assign(code=np.arange(1, 7))
    path = tmp_path / "numeric.gpkg"
    pyogrio.write_dataframe(gdf, path)
    project = new_project_from_file(path, "code")
    assert list(project.units.ids) == ["1", "2", "3", "4", "5", "6"]
    assert list(project.units.names) == list(project.units.ids)  # no name field: the id


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_layer_without_crs_asks_for_crs(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.shp"
    pyogrio.write_dataframe(_frame(crs=None), path)
    with pytest.raises(InputError, match="--crs") as info:
        new_project_from_file(path, "zip")
    assert str(path) in str(info.value)
    project = new_project_from_file(path, "zip", crs="EPSG:4326")
    assert project.units.crs.is_projected


def test_duplicate_ids_are_listed(tmp_path: Path) -> None:
    gdf = _frame()
    gdf.loc[3, "zip"] = "00501"
    gdf.loc[5, "zip"] = "01001"
    path = tmp_path / "dups.gpkg"
    pyogrio.write_dataframe(gdf, path)
    with pytest.raises(InputError, match="duplicate unit ids: 00501, 01001") as info:
        new_project_from_file(path, "zip")
    assert str(path) in str(info.value)


def test_missing_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "units.gpkg"
    pyogrio.write_dataframe(_frame(), path)
    with pytest.raises(InputError, match="no field 'ZIPCODE'") as info:
        new_project_from_file(path, "ZIPCODE")
    assert "zip" in str(info.value)  # the available fields are listed
    with pytest.raises(InputError, match="no field 'NAME'"):
        new_project_from_file(path, "zip", "NAME")


def test_unusable_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        new_project_from_file(tmp_path / "missing.gpkg", "zip")
    junk = tmp_path / "junk.geojson"
    junk.write_text("not json at all")
    with pytest.raises(InputError, match="cannot read") as info:
        new_project_from_file(junk, "zip")
    assert str(junk) in str(info.value)
    points = tmp_path / "points.gpkg"
    pts = gpd.GeoDataFrame({"zip": ["1"]}, geometry=[shapely.Point(0, 0)], crs="EPSG:4326")
    pyogrio.write_dataframe(pts, points)
    with pytest.raises(InputError, match="expected polygons, found Point"):
        new_project_from_file(points, "zip")

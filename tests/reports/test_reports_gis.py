"""GIS files reread with pyogrio: one feature per territory and per unit, right CRS."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import pytest

from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export


def test_geopackage_layers(demo_project: Project, tmp_path: Path) -> None:
    out = export("gpkg", demo_project, tmp_path / "plan.gpkg")
    assert sorted(pyogrio.list_layers(out)[:, 0]) == ["accounts", "territories", "units"]
    terr = pyogrio.read_dataframe(out, layer="territories")
    table = demo_project.territory_table()
    assert len(terr) == len(table)
    assert list(terr["territory"]) == list(table["id"])
    assert np.allclose(terr["revenue"], table["revenue"])
    # Dissolved polygons cover the units: same total area as the layer.
    assert terr.geometry.area.sum() == pytest.approx(demo_project.units.area.sum(), rel=1e-6)
    units = pyogrio.read_dataframe(out, layer="units")
    assert len(units) == len(demo_project.units)
    assert list(units["unit_id"]) == list(demo_project.units.ids)
    assert units.crs.equals(demo_project.units.crs, ignore_axis_order=True) or (
        units.crs.to_proj4() == demo_project.units.crs.to_proj4()
    )


def test_geojson_is_wgs84(grid_plan: Project, tmp_path: Path) -> None:
    out = export("geojson", grid_plan, tmp_path / "plan.geojson")
    terr = pyogrio.read_dataframe(out)
    assert terr.crs.to_epsg() == 4326
    assert sorted(terr["territory"]) == ["T01", "T02", "T03"]
    units = pyogrio.read_dataframe(tmp_path / "plan_units.geojson")
    assert len(units) == 24 and units.crs.to_epsg() == 4326
    assert units.loc[units["unit_id"] == "0000", "territory"].item() == "T02"  # moved in Plan 2
    lon, lat = terr.geometry.union_all().centroid.coords[0]
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_shapefile_folder(grid_plan: Project, tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    export("shp", grid_plan, folder, ExportOptions(layers=("territories",)))
    assert sorted(p.name for p in folder.iterdir()) == [
        f"territories{s}" for s in (".cpg", ".dbf", ".prj", ".shp", ".shx", "_fields.csv")
    ]
    terr = pyogrio.read_dataframe(folder / "territories.shp")
    assert len(terr) == 3 and "territory" in terr.columns
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # staging removed

"""Adding units from a second layer (mixed unit levels)."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pytest
import shapely

from territory_designer.core.errors import InputError
from territory_designer.io.units_import import add_units


def _layer(x0: float, ids: list[str], crs: str = "EPSG:3857") -> gpd.GeoDataFrame:
    geoms = [
        shapely.box(x0 + k * 1000, 200_000, x0 + (k + 1) * 1000, 201_000) for k in range(len(ids))
    ]
    return gpd.GeoDataFrame(
        {"code": ids, "label": [f"New {i}" for i in ids]}, geometry=geoms, crs=crs
    )


def test_units_from_a_zipped_shapefile_extend_every_plan(make_grid_project, tmp_path):
    project = make_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."], plans=2)
    gdf = _layer(106_000, ["N1", "N2"]).to_crs("EPSG:4326")  # reprojected back on import
    gdf.to_file(tmp_path / "extra.shp")
    with zipfile.ZipFile(tmp_path / "extra.zip", "w") as zf:
        for part in tmp_path.glob("extra.*"):
            if part.suffix != ".zip":
                zf.write(part, part.name)
    before = project.plan.assignment.copy()
    new, report = add_units(project, tmp_path / "extra.zip", "code", "label")
    assert report.added == 2 and len(new.units) == 26
    assert list(new.units.ids[-2:]) == ["N1", "N2"]
    for plan in new.plans.values():
        assert plan.assignment[-2:].tolist() == [-1, -1]
        assert np.array_equal(plan.assignment[:24], before)
    # N1 touches the grid's right edge (cells 5, 11 of the bottom rows): adjacency recomputed
    n1 = 24
    neighbours = set(new.adjacency.ej[new.adjacency.ei == n1]) | set(
        new.adjacency.ei[new.adjacency.ej == n1]
    )
    assert 5 in neighbours
    assert len(new.units.lod[0]) == 26
    assert len(project.units) == 24  # the original is untouched


def test_colliding_duplicate_and_empty_ids_are_reported(grid_project, tmp_path):
    _layer(106_000, ["0003", "N2"]).to_file(tmp_path / "c.gpkg", layer="units")
    with pytest.raises(InputError, match="already exist in the project: 0003"):
        add_units(grid_project, tmp_path / "c.gpkg", "code")
    _layer(106_000, ["D", "D"]).to_file(tmp_path / "d.geojson")
    with pytest.raises(InputError, match="duplicate unit ids: D"):
        add_units(grid_project, tmp_path / "d.geojson", "code")
    g = _layer(106_000, ["E1", "E2"])
    g.loc[1, "geometry"] = None
    g.to_file(tmp_path / "e.gpkg", layer="units")
    with pytest.raises(InputError, match="units with no geometry: E2"):
        add_units(grid_project, tmp_path / "e.gpkg", "code")
    new, report = add_units(grid_project, tmp_path / "e.gpkg", "code", skip_empty=True)
    assert report.skipped_empty == ["E2"] and len(new.units) == 25


def test_invalid_geometry_is_repaired_and_counted(grid_project, tmp_path):
    bowtie = shapely.Polygon(
        [(106_000, 200_000), (107_000, 201_000), (107_000, 200_000), (106_000, 201_000)]
    )
    gdf = gpd.GeoDataFrame({"code": ["B"]}, geometry=[bowtie], crs="EPSG:3857")
    gdf.to_file(tmp_path / "b.gpkg", layer="units")
    new, report = add_units(grid_project, tmp_path / "b.gpkg", "code")
    assert report.repaired == 1 and shapely.is_valid(new.units.geometry[-1])


def test_layer_choice_and_missing_crs(grid_project, tmp_path):
    path = tmp_path / "two.gpkg"
    _layer(106_000, ["L1"]).to_file(path, layer="a")
    _layer(106_000, ["L2"]).to_file(path, layer="b")
    with pytest.raises(InputError, match="several layers"):
        add_units(grid_project, path, "code")
    new, _ = add_units(grid_project, path, "code", layer="b")
    assert new.units.ids[-1] == "L2"
    nocrs = _layer(106_000, ["Z"]).set_crs(None, allow_override=True)
    with pytest.warns(UserWarning, match="crs"):
        nocrs.to_file(tmp_path / "nocrs.shp")
    with pytest.raises(InputError, match="--crs"):
        add_units(grid_project, tmp_path / "nocrs.shp", "code")


def test_a_layer_from_another_source_joins_across_a_small_seam_gap(make_grid_project, tmp_path):
    """Real layers from two sources leave slivers along the seam; neighbours stay neighbours."""
    project = make_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."])
    gap = 0.5  # metres between the grid's right edge and the new unit
    gdf = _layer(106_000 + gap, ["N1"])
    gdf.to_file(tmp_path / "seam.gpkg", driver="GPKG")
    plain = _layer(106_000 + 50, ["N1"])  # 50 m away: not a neighbour
    plain.to_file(tmp_path / "far.gpkg", driver="GPKG")
    new, _ = add_units(project, tmp_path / "seam.gpkg", "code")
    rook = new.adjacency.rook_mask()
    touching = set(new.adjacency.ei[rook & (new.adjacency.ej == 24)].tolist())
    assert touching, "the new unit should border the grid across the 0.5 m seam"
    far, _ = add_units(project, tmp_path / "far.gpkg", "code")
    assert not (far.adjacency.rook_mask() & (far.adjacency.ej == 24)).any()

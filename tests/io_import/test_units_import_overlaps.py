"""Overlaps between a project's units and a new layer, and inside one layer (library level)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from territory_designer.core.accounts import AccountTable, locate_points
from territory_designer.core.errors import CoveredUnitsError, LockedError, OverlapError
from territory_designer.core.overlaps import SLIVER_FRACTION, covered_parts, find_overlaps
from territory_designer.io.units_import import add_units


def _write(path, boxes: dict[str, tuple[float, float, float, float]]):  # noqa: ANN001, ANN202
    gpd.GeoDataFrame(
        {"code": list(boxes)}, geometry=[shapely.box(*b) for b in boxes.values()], crs="EPSG:3857"
    ).to_file(path)
    return path


def test_sliver_tolerance_is_relative_to_the_smaller_unit():
    a = shapely.box(0, 0, 1000, 1000)
    thin = shapely.box(995, 0, 2000, 1000)  # 5 m x 1 km strip: 0.5% of either unit
    wide = shapely.box(980, 0, 2000, 1000)  # 20 m strip: 2%
    assert len(find_overlaps(np.array([a, thin], dtype=object))) == 0
    found = find_overlaps(np.array([a, wide], dtype=object))
    assert len(found) == 1 and found.area[0] == pytest.approx(20_000)
    assert 0.005 < SLIVER_FRACTION < 0.02
    # A small unit inside a large one overlaps entirely, however small it is.
    tiny = shapely.box(10, 10, 20, 20)
    assert len(find_overlaps(np.array([a, tiny], dtype=object))) == 1


def test_covered_units_are_removed_and_partly_covered_ones_cut_back():
    old = np.array([shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)], dtype=object)
    new = np.array([shapely.box(0, 0, 1300, 1000)], dtype=object)
    removed, trimmed = covered_parts(old, new)
    assert removed.tolist() == [True, False]
    assert trimmed[0] is None and shapely.area(trimmed[1]) == pytest.approx(700_000)


def test_a_point_in_two_units_goes_to_the_smaller():
    city = shapely.box(0, 0, 2000, 1000)
    east = shapely.box(1000, 0, 2000, 1000)
    unit = locate_points(np.array([[1500.0, 500.0], [500.0, 500.0]]), np.array([city, east]))
    assert unit.tolist() == [1, 0]


def test_replacing_a_unit_of_a_locked_territory_is_refused(make_grid_project, tmp_path):
    project = make_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."])
    code = int(project.plan.assignment[0])
    project.plan.territories[code] = dataclasses.replace(
        project.plan.territories[code], locked=True
    )
    path = _write(tmp_path / "z.gpkg", {"Z1": (100_000, 200_000, 101_000, 201_000)})
    with pytest.raises(CoveredUnitsError, match="1 new unit overlaps 1 unit already"):
        add_units(project, path, "code")
    with pytest.raises(LockedError, match="locked territory"):
        add_units(project, path, "code", replace_covered=True)
    assert len(project.units) == 24 and project.units.ids[0] == "0000"


def test_replaced_unit_accounts_move_to_the_new_units(make_grid_project, tmp_path):
    project = make_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."])
    table = pd.DataFrame(
        {
            "account_id": ["a", "b", "c"],
            "name": ["A", "B", "C"],
            "x": [100_250.0, 100_750.0, 103_500.0],
            "y": [200_500.0, 200_500.0, 200_500.0],
            "unit": [0, 0, 3],
            "located_by": ["coordinates"] * 3,
        }
    )
    project.replace_accounts(AccountTable(table))
    halves = {
        "W": (100_000, 200_000, 100_500, 201_000),
        "E": (100_500, 200_000, 101_000, 201_000),
    }
    new, report = add_units(
        project, _write(tmp_path / "h.gpkg", halves), "code", replace_covered=True
    )
    assert report.replaced == ["0000"] and report.trimmed == [] and report.accounts_moved == 2
    units = new.accounts.table["unit"].to_numpy()
    assert list(new.units.ids[units]) == ["W", "E", "0003"]
    counts = new.accounts.per_unit(len(new.units), [])[:, 0]
    assert counts.sum() == 3  # each account once


def test_overlapping_units_inside_a_new_layer_are_refused_unless_allowed(grid_project, tmp_path):
    path = _write(
        tmp_path / "o.gpkg",
        {"P": (106_000, 200_000, 108_000, 201_000), "Q": (107_000, 200_000, 108_000, 201_000)},
    )
    with pytest.raises(OverlapError, match="1 pair of units overlaps .* P/Q"):
        add_units(grid_project, path, "code")
    new, _ = add_units(grid_project, path, "code", allow_overlaps=True)
    assert "P/Q" in new.settings["overlapping_units"]


def test_a_unit_covered_but_for_a_fringe_is_replaced_and_its_fringe_accounts_kept(
    make_grid_project, tmp_path
):
    """Two sources rarely agree on an outline: 95% covered is covered, not a 5% unit."""
    project = make_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."])
    table = pd.DataFrame(
        {
            "account_id": ["inside", "fringe"],
            "name": ["In", "Fringe"],
            "x": [100_400.0, 100_020.0],  # the fringe: the cell's westmost 50 m
            "y": [200_500.0, 200_500.0],
            "unit": [0, 0],
            "located_by": ["coordinates"] * 2,
        }
    )
    project.replace_accounts(AccountTable(table))
    path = _write(tmp_path / "f.gpkg", {"F": (100_050, 200_000, 101_000, 201_000)})
    new, report = add_units(project, path, "code", replace_covered=True)
    assert report.replaced == ["0000"] and report.trimmed == []
    units = new.accounts.table["unit"].to_numpy()
    assert list(new.units.ids[units]) == ["F", "F"]  # none lost to the fringe
    removed, trimmed = covered_parts(
        project.units.geometry, np.array([shapely.box(100_000, 200_000, 100_800, 201_000)])
    )
    assert not removed[0] and shapely.area(trimmed[0]) == pytest.approx(200_000)

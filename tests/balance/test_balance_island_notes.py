"""A separate part of the layer joins the nearest territory, and the report says so."""

from __future__ import annotations

import numpy as np
import shapely
from td_factories import CELL, ORIGIN, grid_units

from territory_designer.balance.island_notes import island_notes
from territory_designer.balance.project_api import build_plan
from territory_designer.core.adjacency import compute_adjacency
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer


def _grid_with_island() -> Project:
    """A 6 x 10 grid and one island 3 km off its top-right corner."""
    grid = grid_units(6, 10)
    x0, y0 = ORIGIN
    island = shapely.box(x0 + 12 * CELL, y0 + 8 * CELL, x0 + 13 * CELL, y0 + 9 * CELL)
    attrs = grid.attributes.copy()
    attrs.loc[len(attrs)] = attrs.iloc[0]
    units = UnitLayer(
        [*grid.ids, "ISLE"],
        [*grid.names, "Far Isle"],
        np.array([*grid.geometry, island], dtype=object),
        grid.crs,
        attrs,
    )
    return Project(units, compute_adjacency(units.geometry))


def test_build_gives_the_island_to_the_nearest_territory_with_a_note():
    project = _grid_with_island()
    plan, report = build_plan(project, k=4, balance_on="population", tolerance=0.1)
    labels = plan.assignment
    isle = len(project.units.ids) - 1
    xy = project.units.centroid
    mainland = np.arange(isle)
    nearest = mainland[np.argmin(np.hypot(*(xy[mainland] - xy[isle]).T))]
    assert labels[isle] == labels[nearest]
    note = next(n for n in report.notes if "separate part" in n)
    assert "Far Isle" in note and "nearest" in note and "km from" in note


def test_a_part_kept_from_the_nearest_territory_is_named_with_both_distances():
    xy = np.array([[0.0, 0.0], [1000.0, 0.0], [50_000.0, 0.0], [2000.0, 0.0]])
    components = np.array([0, 0, 0, 1])  # unit 3 is an island next to unit 1
    labels = np.array([0, 1, 0, 0])  # ... yet it joined territory 0, not 1
    names = np.array(["A", "B", "C", "Isle"], dtype=object)
    (note,) = island_notes(xy, components, labels, names)
    assert "Isle" in note and "2.0 km away" in note and "territory of B is 1.0 km away" in note

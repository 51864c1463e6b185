"""Locked units (reps' home units) through the build's neighbourhood rebuilds."""

from __future__ import annotations

import numpy as np

from territory_designer.balance.build import build_partition, graph_of
from territory_designer.balance.recom import iterated_search, plan_key
from tests.balance.conftest import grid_problem


def _stripes(nx: int, ny: int, k: int) -> np.ndarray:
    return (np.repeat(np.arange(nx), ny) * k // nx).astype(np.int64)


def _locked_quadrant_centres() -> np.ndarray:
    """On a 12 x 12 grid in 4 stripes: a cell of each stripe locked to it, near the centre
    of a different quadrant (so compact territories are quadrants, not stripes)."""
    locked = np.full(144, -1, dtype=np.int64)
    for t, (x, y) in enumerate([(1, 3), (4, 9), (7, 3), (10, 9)]):
        locked[x * 12 + y] = t
    return locked


def test_neighbourhood_rebuilds_reshape_territories_and_keep_locked_units_home():
    nx, ny, k = 12, 12, 4
    locked = _locked_quadrant_centres()
    problem = grid_problem(nx, ny, k, tolerance=0.05, locked=locked)
    graph = graph_of(problem)
    start = _stripes(nx, ny, k)
    out = iterated_search(problem, graph, start, 30, seed=3)
    assert plan_key(problem, graph, out) < plan_key(problem, graph, start)  # rebuilds ran
    held = locked >= 0
    assert (out[held] == locked[held]).all()


def test_a_build_keeps_every_locked_unit_in_its_territory():
    nx, ny, k = 16, 12, 6
    rng = np.random.default_rng(5)
    locked = np.full(nx * ny, -1, dtype=np.int64)
    locked[rng.choice(nx * ny, size=k, replace=False)] = np.arange(k)
    problem = grid_problem(nx, ny, k, tolerance=0.05, locked=locked.copy())
    labels = build_partition(problem).labels
    held = locked >= 0
    assert (labels[held] == locked[held]).all()
    sizes = np.bincount(labels, minlength=k)
    assert (np.abs(sizes / sizes.mean() - 1) <= 0.05 + 1e-9).all()


def test_a_heavy_unit_stays_with_the_nearest_home_when_every_territory_holds_one():
    """Every territory holds a rep's locked home, so no territory is free for a unit
    heavier than a target: it joins the territory whose home is nearest, which keeps
    little else, and the other territories are balanced around it (issue 17)."""
    from territory_designer.balance.quality import quality_report

    weight = np.ones(100)
    weight[44] = 60.0  # 1.9 x the target of 5 territories
    locked = np.full(100, -1, dtype=np.int64)
    homes = [11, 18, 81, 88, 55]  # territory 4's home is nearest unit 44
    locked[homes] = np.arange(5)
    problem = grid_problem(10, 10, 5, weight, tolerance=0.05, locked=locked.copy())
    result = build_partition(problem)
    assert result.heavy_units == [44] and result.labels[44] == 4
    assert (result.labels[homes] == np.arange(5)).all()
    graph = graph_of(problem)
    report = quality_report(problem, graph, result.labels, lb=result.lower_bound)
    assert report.contiguous
    # The rest share what unit 44, the home and the unit linking them leave: 97 / 4.
    loads = np.bincount(result.labels, weights=problem.weight, minlength=5)
    assert loads[4] <= 60 + 1 + 1 + 1
    assert report.rest_max_abs_deviation_pct is not None
    assert report.rest_max_abs_deviation_pct <= 5.0
    assert any("every territory holds a locked unit" in n for n in report.notes)

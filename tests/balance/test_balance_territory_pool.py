"""Recombination: the best plan made of territories pooled from several plans."""

from __future__ import annotations

import numpy as np

from territory_designer.balance.build import graph_of
from territory_designer.balance.territory_pool import TerritoryPool, applies
from territory_designer.balance.thorough import PlanFigures
from tests.balance.conftest import grid_problem


def _labels(blocks: dict[int, list[tuple[int, int]]], nx: int = 8, ny: int = 4) -> np.ndarray:
    """Labels of an ``nx`` x ``ny`` grid from the cells ``(x, y)`` of each territory."""
    lab = np.full(nx * ny, -1)
    for t, cells in blocks.items():
        for x, y in cells:
            lab[x * ny + y] = t
    assert (lab >= 0).all()
    return lab


def _rect(xs: range, ys: range) -> list[tuple[int, int]]:
    return [(x, y) for x in xs for y in ys]


def _ragged(x0: int, step: int) -> dict[str, list[tuple[int, int]]]:
    """An L-shaped and a notched territory of eight cells filling columns x0..x0+3 (step:
    +1 or -1)."""
    c = [x0 + step * i for i in range(4)]
    first = _rect(range(c[0], c[0] + 1), range(4)) + [(c[1], 0), (c[2], 0), (c[3], 0), (c[3], 1)]
    second = [(x, y) for x in c[1:3] for y in range(1, 4)] + [(c[3], 2), (c[3], 3)]
    return {"first": first, "second": second}


def _two_plans() -> tuple[np.ndarray, np.ndarray]:
    """Plan A: compact left half, ragged right half; plan B: the other way round."""
    left_compact = {0: _rect(range(4), range(2)), 1: _rect(range(4), range(2, 4))}
    right_compact = {2: _rect(range(4, 8), range(2)), 3: _rect(range(4, 8), range(2, 4))}
    right = _ragged(4, 1)
    left = _ragged(3, -1)
    a = _labels({**left_compact, 2: right["first"], 3: right["second"]})
    b = _labels({0: left["first"], 1: left["second"], **right_compact})
    return a, b


def test_the_best_cover_joins_the_compact_halves_of_two_plans():
    problem = grid_problem(8, 4, 4, tolerance=0.0)
    graph = graph_of(problem)
    a, b = _two_plans()
    pool = TerritoryPool(problem, 1e-9, 0.0, graph)
    pool.add(a)
    pool.add(b)
    assert len(pool) == 8
    cover = pool.best_cover(5.0)
    assert cover is not None and np.bincount(cover).tolist() == [8, 8, 8, 8]
    best = PlanFigures.of(problem, graph, cover)
    for plan in (a, b):
        assert best.mean_pp > PlanFigures.of(problem, graph, plan).mean_pp + 0.01
    # Every territory is a 4 x 2 rectangle: Polsby-Popper 4 pi 8 / 12^2.
    assert np.isclose(best.min_pp, 4 * np.pi * 8 / 144)


def test_the_pool_keeps_only_territories_inside_the_band_and_compact_enough():
    problem = grid_problem(8, 4, 4, tolerance=0.0)
    graph = graph_of(problem)
    a, b = _two_plans()
    rectangle = 4 * np.pi * 8 / 144
    only_rectangles = TerritoryPool(problem, 1e-9, rectangle, graph)
    only_rectangles.add(a)
    only_rectangles.add(b)
    # The L-shaped territories (perimeter 14 for 8 cells) are left out.
    assert 4 <= len(only_rectangles) < 8
    assert min(only_rectangles.pp) >= rectangle - 1e-9
    uneven = a.copy()
    uneven[0] = 1  # territory 0 loses a unit: 7 and 9 units, outside a zero band
    strict = TerritoryPool(problem, 1e-9, 0.0, graph)
    strict.add(uneven)
    assert len(strict) == 2


def test_the_pool_applies_only_where_territories_are_interchangeable():
    assert applies(grid_problem(8, 4, 4))
    locked = np.full(32, -1)
    locked[0] = 2
    assert not applies(grid_problem(8, 4, 4, locked=locked))
    assert not applies(grid_problem(8, 4, 4, shares=np.array([1.0, 1.0, 1.0, 2.0])))

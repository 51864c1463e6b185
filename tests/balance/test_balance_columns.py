"""Column generation for thorough mode: priced territories and the restricted exact cover."""

from __future__ import annotations

import numpy as np

from territory_designer.balance.build import graph_of
from territory_designer.balance.columns import ColumnGeneration, priced
from territory_designer.balance.territory_pool import TerritoryPool
from territory_designer.balance.thorough import PlanFigures
from tests.balance.conftest import grid_problem

#: Polsby-Popper of a 2 x 4 block of unit cells (area 8, perimeter 12).
BLOCK = 4 * np.pi * 8 / 144


def _stripes() -> np.ndarray:
    """An 8 x 4 grid cut into four horizontal stripes of 8 x 1 cells (PP 4 pi 8 / 18^2)."""
    x, y = np.meshgrid(np.arange(8), np.arange(4), indexing="ij")
    return y.ravel().astype(np.int64)


def test_pricing_finds_the_compact_blocks_the_pool_lacks():
    problem = grid_problem(8, 4, 4, tolerance=0.0)
    graph = graph_of(problem)
    stripes = _stripes()
    pool = TerritoryPool(problem, 1e-9, 0.0, graph)
    pool.add(stripes)
    assert len(pool) == 4
    columns = ColumnGeneration(pool, graph, lambda: None)
    before = columns.solve_lp()
    assert np.isclose(before, PlanFigures.of(problem, graph, stripes).mean_pp)
    after = columns.generate(rounds=20)
    assert len(pool) > 4 and pool.planned == [0, 1, 2, 3]
    # The LP can reach blocks of 2 x 4 cells (or better, fractionally).
    assert after >= BLOCK - 1e-6
    cover = columns.restricted_cover(pool.columns_of(stripes), 5.0)
    assert cover is not None and np.bincount(cover).tolist() == [8, 8, 8, 8]
    figures = PlanFigures.of(problem, graph, cover)
    assert figures.min_pp >= BLOCK - 1e-9
    assert figures.max_dev == 0.0


def test_priced_territories_are_inside_the_band_and_one_piece():
    rng = np.random.default_rng(5)
    problem = grid_problem(6, 6, 4, weight=rng.uniform(1.0, 2.0, 36), tolerance=0.05)
    graph = graph_of(problem)
    pool = TerritoryPool(problem, 0.05, 0.2, graph)
    columns = ColumnGeneration(pool, graph, lambda: None)
    assert columns.solve_lp() is None  # no column yet: zero duals, priced by shape alone
    assert columns.price() > 0
    target = problem.weight.sum() / 4
    check = TerritoryPool(problem, 0.05, 0.2, graph)
    for units, pp in zip(pool.units, pool.pp, strict=True):
        assert 0.95 * target - 1e-9 <= problem.weight[units].sum() <= 1.05 * target + 1e-9
        assert pp >= 0.2 - 1e-9
        labels = np.zeros(36, dtype=np.int64)
        labels[units] = 1
        check.add(labels, [1])  # re-scored from scratch: one piece, same score
        assert np.isclose(check.pp[-1], pp)


def test_column_generation_is_used_on_small_coarse_layers_only():
    assert priced(grid_problem(10, 10, 10))  # 10 units a territory
    assert not priced(grid_problem(10, 10, 5))  # 20 a territory
    assert not priced(grid_problem(30, 30, 90))  # 900 units

"""Minimal-disruption rebalance on a grid."""

from __future__ import annotations

import numpy as np

from territory_designer.balance.build import graph_of
from territory_designer.balance.graph import extra_pieces
from territory_designer.balance.rebalance import MoveBudget, rebalance, tradeoff_curve
from tests.balance.conftest import grid_problem


def _skewed_start() -> np.ndarray:
    # 10x10 grid in 4 vertical strips of 30, 20, 25, 25 columns-units: +20 % / -20 %.
    col = np.arange(100) // 10
    return np.select([col < 3, col < 5, col < 7], [0, 1, 2], 3)


def test_rebalance_reaches_tolerance_and_stays_contiguous():
    prob = grid_problem(10, 10, 4, tolerance=0.05)
    start = _skewed_start()
    acc = np.full(100, 2.0)
    res = rebalance(prob, graph_of(prob), start, acc, acc * 10)
    assert res.reached
    w = np.bincount(res.labels, minlength=4)
    assert np.abs(w / 25 - 1).max() <= 0.05
    assert (extra_pieces(graph_of(prob), res.labels) == 0).all()
    assert len(res.moves) == int((res.labels != start).sum())
    assert all(m.reason for m in res.moves)


def test_rebalance_respects_the_move_cap():
    prob = grid_problem(10, 10, 4, tolerance=0.0)
    start = _skewed_start()
    res = rebalance(prob, graph_of(prob), start, max_moves=2)
    assert int((res.labels != start).sum()) <= 2
    assert len(res.moves) <= 2


def test_locked_units_never_move_in_rebalance():
    start = _skewed_start()
    locked = np.where(start == 0, 0, -1)
    prob = grid_problem(10, 10, 4, tolerance=0.05, locked=locked)
    res = rebalance(prob, graph_of(prob), start)
    assert (res.labels[start == 0] == 0).all()


def test_tradeoff_curve_is_monotone():
    prob = grid_problem(10, 10, 4, tolerance=0.05)
    res = rebalance(prob, graph_of(prob), _skewed_start(), stop_at_tolerance=False)
    curve = tradeoff_curve(res, [0, 2, 5, 100], by="units")
    devs = [p.max_abs_deviation_pct for _, p in curve]
    assert devs == sorted(devs, reverse=True)
    assert devs[0] > 15 and devs[-1] < 5


def test_move_budget_counts_units_accounts_and_revenue_against_their_caps():
    budget = MoveBudget(max_units=2, max_accounts=10.0)
    assert budget.allows(np.array([4.0, 10.0, 11.0]), np.zeros(3)).tolist() == [True, True, False]
    budget.spend(4.0, 500.0)
    assert budget.allows(np.array([6.0, 7.0]), np.array([1e9, 0.0])).tolist() == [True, False]
    budget.spend(6.0, 0.0)
    assert not budget.allows(0.0, 0.0)  # two units moved: the cap on moves is reached
    point = budget.point(3.5)
    assert (point.moves, point.accounts_moved, point.revenue_moved) == (2, 10.0, 500.0)

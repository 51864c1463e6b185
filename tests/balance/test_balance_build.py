"""Building territories from scratch on synthetic grids."""

from __future__ import annotations

import numpy as np
import pytest

from territory_designer.balance.build import TerritoryBuilder, build_partition, graph_of
from territory_designer.balance.graph import extra_pieces
from territory_designer.balance.quality import quality_report
from territory_designer.core.errors import CanceledError
from territory_designer.core.feedback import Feedback
from tests.balance.conftest import grid_arrays, grid_problem


def test_uniform_grid_splits_into_equal_contiguous_territories(grid8):
    res = build_partition(grid8)
    counts = np.bincount(res.labels, minlength=4)
    assert counts.tolist() == [16, 16, 16, 16]
    assert (extra_pieces(graph_of(grid8), res.labels) == 0).all()
    rep = quality_report(grid8, graph_of(grid8), res.labels)
    assert rep.max_abs_deviation_pct == 0.0
    assert rep.contiguous and rep.unassigned == 0
    # Four 4x4 squares are the most compact answer: PP = pi/4.
    assert rep.pp_mean > 0.6


def test_same_seed_gives_the_same_plan():
    a = build_partition(grid_problem(12, 10, 5, seed=3)).labels
    b = build_partition(grid_problem(12, 10, 5, seed=3)).labels
    assert np.array_equal(a, b)


def test_locked_units_keep_their_territory():
    locked = np.full(100, -1)
    locked[[0, 1, 99]] = [2, 2, 0]
    prob = grid_problem(10, 10, 4, locked=locked.copy(), tolerance=0.05)
    labels = build_partition(prob).labels
    assert labels[0] == 2 and labels[1] == 2 and labels[99] == 0


def test_within_groups_are_never_crossed():
    groups = (np.arange(120) // 10 >= 6).astype(int)  # left / right halves of a 12x10 grid
    prob = grid_problem(12, 10, 6, groups=groups, tolerance=0.05)
    labels = build_partition(prob).labels
    for t in range(6):
        assert np.unique(groups[labels == t]).size == 1
    assert (extra_pieces(graph_of(prob), labels) == 0).all()


def test_unequal_shares_give_unequal_territories():
    prob = grid_problem(10, 10, 3, shares=np.array([1.0, 1.0, 0.5]), tolerance=0.05)
    labels = build_partition(prob).labels
    counts = np.bincount(labels, minlength=3)
    assert abs(counts[2] - 20) <= 1 and abs(counts[0] - 40) <= 2


def test_heavy_unit_gets_its_own_territory_and_is_reported():
    w = np.ones(64)
    w[27] = 40.0  # target is (63 + 40) / 4 ~ 26: the unit alone is 1.55 x target
    prob = grid_problem(8, 8, 4, weight=w, tolerance=0.05)
    res = build_partition(prob)
    own = res.labels[27]
    assert np.count_nonzero(res.labels == own) == 1
    rep = quality_report(prob, graph_of(prob), res.labels, lb=res.lower_bound)
    assert not rep.within_tolerance
    assert rep.lower_bound_pct > 50
    assert "holds a territory with little else" in rep.infeasible_reason
    assert rep.rest_max_abs_deviation_pct < 5.0


def test_island_unit_attaches_to_a_territory():
    a = grid_arrays(6, 6)
    # Unit 35 loses its edges: an island, which must still be assigned.
    keep = (a["ei"] != 35) & (a["ej"] != 35)
    prob = grid_problem(6, 6, 3, tolerance=0.1)
    prob.ei, prob.ej, prob.elen = a["ei"][keep], a["ej"][keep], a["elen"][keep]
    labels = build_partition(prob).labels
    assert (labels >= 0).all()
    assert (extra_pieces(graph_of(prob), labels) == 0).all()


def test_cancel_raises_and_leaves_inputs_unchanged():
    prob = grid_problem(8, 8, 4)
    before = prob.weight.copy(), prob.locked.copy()
    fb = Feedback()
    fb.cancel()
    with pytest.raises(CanceledError):
        build_partition(prob, fb)
    assert np.array_equal(before[0], prob.weight)


def test_estimator_wrapper():
    a = grid_arrays(8, 8)
    b = TerritoryBuilder(k=4, tolerance=0.02).fit(
        np.ones(64), a["xy"], a["area"], a["perimeter"], a["ei"], a["ej"], a["elen"]
    )
    assert b.labels_.shape == (64,)
    assert b.report_.contiguous and b.report_.within_tolerance

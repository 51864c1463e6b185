"""Move types of the engine: tree cuts, merge-split, neighbourhood rebuilds, annealing."""

from __future__ import annotations

import numpy as np

from territory_designer.balance.anneal import AnnealSchedule, anneal, shape_energy
from territory_designer.balance.build import build_partition, effort_for, graph_of
from territory_designer.balance.graph import Graph, extra_pieces, pieces, repair_contiguity
from territory_designer.balance.quality import quality_report
from territory_designer.balance.recom import (
    iterated_search,
    merge_split,
    plan_key,
    repair_balance,
)
from territory_designer.balance.treecut import best_split, tree_partition
from tests.balance.conftest import grid_problem


def stripes(nx: int, ny: int, k: int) -> np.ndarray:
    """Vertical stripes (contiguous, balanced, not compact) on an nx x ny grid."""
    ix = np.repeat(np.arange(nx), ny)
    return (ix * k // nx).astype(np.int64)


def contiguous(problem, labels) -> bool:
    return bool((extra_pieces(graph_of(problem), labels) <= 0).all())


def test_best_split_gives_two_connected_balanced_sides():
    prob = grid_problem(6, 6, 2, tolerance=0.0)
    graph = graph_of(prob)
    units = np.arange(36)
    none = np.zeros(36, dtype=bool)
    rng = np.random.default_rng(0)
    (excess, neg_pp), in_a, side = best_split(prob, graph, units, 18.0, 18.0, none, none, 32, rng)
    assert excess == 0 and in_a.sum() == 18
    labels = in_a.astype(np.int64)
    assert contiguous(prob, labels)
    assert side[:, 0].tolist() == [18.0, 18.0]
    # The reported perimeters are those of the dissolved sides.
    assert np.isclose(-neg_pp, 4 * np.pi * (side[:, 1] / side[:, 2] ** 2).sum())


def test_best_split_respects_forbidden_sides():
    prob = grid_problem(6, 6, 2, tolerance=0.2)
    graph = graph_of(prob)
    not_a = np.zeros(36, dtype=bool)
    not_a[:6] = True  # the first column may not join side a
    rng = np.random.default_rng(1)
    _, in_a, _ = best_split(
        prob, graph, np.arange(36), 18.0, 18.0, not_a, np.zeros(36, dtype=bool), 16, rng
    )
    assert not in_a[:6].any()


def test_tree_partition_is_contiguous_and_balanced():
    prob = grid_problem(12, 10, 6, tolerance=0.02)
    graph = graph_of(prob)
    rng = np.random.default_rng(2)
    part = tree_partition(prob, graph, np.arange(120), np.arange(6), prob.targets, rng)
    assert part is not None
    assert np.bincount(part, minlength=6).tolist() == [20] * 6
    assert contiguous(prob, part)


def test_merge_split_improves_shapes_and_keeps_contiguity_and_balance():
    prob = grid_problem(12, 12, 4, tolerance=0.0)
    graph = graph_of(prob)
    start = stripes(12, 12, 4)
    out = merge_split(prob, graph, start, 2000, seed=0)
    assert plan_key(prob, graph, out) < plan_key(prob, graph, start)
    assert np.bincount(out, minlength=4).tolist() == [36] * 4
    assert contiguous(prob, out)


def test_merge_split_never_moves_locked_units():
    locked = np.full(144, -1)
    locked[[0, 143]] = [0, 3]
    prob = grid_problem(12, 12, 4, tolerance=0.05, locked=locked)
    graph = graph_of(prob)
    out = merge_split(prob, graph, stripes(12, 12, 4), 2000, seed=1)
    assert out[0] == 0 and out[143] == 3


def test_repair_balance_brings_territories_into_the_band():
    prob = grid_problem(12, 12, 4, tolerance=0.03)
    graph = graph_of(prob)
    start = np.where(np.repeat(np.arange(12), 12) < 6, 0, 1)  # two halves
    start[(start == 1) & (np.tile(np.arange(12), 12) >= 9)] = 2
    start[(start == 0) & (np.tile(np.arange(12), 12) >= 10)] = 3
    assert plan_key(prob, graph, start)[0] > 0
    out = repair_balance(prob, graph, start, attempts=20, seed=0)
    assert plan_key(prob, graph, out)[0] == 0
    assert contiguous(prob, out)


def test_iterated_search_is_never_worse():
    prob = grid_problem(12, 12, 6, tolerance=0.02)
    graph = graph_of(prob)
    start = stripes(12, 12, 6)
    out = iterated_search(prob, graph, start, 10, seed=0)
    assert plan_key(prob, graph, out) <= plan_key(prob, graph, start)
    assert contiguous(prob, out)


def test_swaps_keep_both_territories_contiguous():
    # Swap-only annealing keeps every territory's unit count; it irons out two bumps.
    prob = grid_problem(8, 8, 4, tolerance=0.0)
    graph = graph_of(prob)
    start = stripes(8, 8, 4)
    start[2 * 8 + 3], start[1 * 8 + 5] = 0, 1  # unit (2, 3) joins 0, (1, 5) joins 1
    assert contiguous(prob, start)
    sched = AnnealSchedule(20000, t_start=0.05, t_end=0.001, swap_share=1.0)
    out = anneal(prob, graph, start, sched, seed=3)
    assert not np.array_equal(out, start)
    assert np.bincount(out, minlength=4).tolist() == [16] * 4
    assert contiguous(prob, out)
    assert shape_energy(prob, graph, out)[1] > shape_energy(prob, graph, start)[1]


def test_every_swap_step_keeps_contiguity():
    # Short runs from many seeds: each returned plan must be contiguous (a single bad swap
    # would show as an extra piece).
    prob = grid_problem(6, 6, 3, weight=np.arange(36) % 3 + 1.0, tolerance=0.3)
    graph = graph_of(prob)
    start = stripes(6, 6, 3)
    for seed in range(20):
        sched = AnnealSchedule(300, t_start=1.0, t_end=0.5, swap_share=1.0)
        out = anneal(prob, graph, start, sched, seed=seed)
        piece = pieces(graph, out)
        assert all(np.unique(piece[out == t]).size == 1 for t in range(3))


def test_anneal_stays_inside_the_band():
    prob = grid_problem(10, 10, 4, weight=np.linspace(1, 2, 100), tolerance=0.05)
    graph = graph_of(prob)
    start = stripes(10, 10, 4)
    dev0 = shape_energy(prob, graph, start)[0]
    out = anneal(prob, graph, start, AnnealSchedule(20000), seed=0, band=max(dev0, 0.04))
    dev, pp = shape_energy(prob, graph, out)
    assert dev <= max(dev0, 0.04) + 1e-12
    assert pp >= shape_energy(prob, graph, start)[1]
    assert contiguous(prob, out)


def test_effort_shrinks_with_layer_size():
    small, large = effort_for(100, 10), effort_for(30000, 200)
    assert small.restarts >= large.restarts
    assert small.kicks > 0 and large.kicks == 0
    assert large.anneal_steps <= 1_000_000


def test_small_layer_with_many_units_per_territory_gets_many_short_starts():
    from territory_designer.balance.build import MANY_STARTS

    many = effort_for(100, 5)  # NC counties, 20 units per territory
    assert many.restarts == MANY_STARTS and not many.polish
    long = effort_for(100, 5, many_starts=False)  # thorough mode's runs search long
    assert long.restarts == 2 and long.kicks > many.kicks and long.trees > many.trees
    for n, k in ((100, 10), (159, 8), (195, 6), (48, 6)):  # few units per territory, larger
        usual = effort_for(n, k)
        assert usual.restarts <= 2 and usual.polish
        assert usual == effort_for(n, k, many_starts=False)


def test_build_keeps_home_base_distance_limit():
    home = np.array([[2000, 2000], [10000, 2000], [2000, 10000], [10000, 10000]], float)
    prob = grid_problem(12, 12, 4, tolerance=0.05, home=home, max_distance=9000.0)
    labels = build_partition(prob).labels
    assert np.hypot(*(prob.xy - home[labels]).T).max() <= 9000.0
    assert contiguous(prob, labels)
    assert np.abs(np.bincount(labels, minlength=4) / 36 - 1).max() <= 0.05


def test_units_out_of_reach_of_every_home_base_join_a_neighbour_and_are_named():
    home = np.array([[2000, 2000], [2000, 10000]], float)
    prob = grid_problem(12, 12, 2, tolerance=0.05, home=home, max_distance=8000.0)
    far = np.flatnonzero(prob.out_of_range)
    assert far.size > 0  # the east edge is beyond 8 km of both reps
    labels = build_partition(prob).labels
    assert contiguous(prob, labels) and (labels >= 0).all()
    names = np.array([f"cell{i}" for i in range(prob.n)])
    report = quality_report(prob, graph_of(prob), labels, unit_names=names)
    assert report.contiguous
    note = next(n for n in report.notes if "every home base" in n)
    assert f"{far.size} unit(s) lie farther than 8 km" in note and f"cell{far[0]}" in note
    in_reach = ~prob.out_of_range
    assert np.hypot(*(prob.xy[in_reach] - home[labels[in_reach]]).T).max() <= 8000.0


def test_contiguity_repair_lets_a_cut_off_piece_cross_the_distance_limit_last():
    # Path 0-1-2-3-4: unit 4 is a stray piece of territory 0 whose only neighbour,
    # territory 1, is beyond the distance limit for it.
    graph = Graph(5, np.arange(4), np.arange(1, 5), np.ones(4))

    def allowed(units, terr, distance=True):
        return ~((units == 4) & (terr == 1)) if distance else np.ones(units.size, bool)

    out = repair_contiguity(graph, np.array([0, 0, 1, 1, 0]), np.ones(5, bool), np.ones(5), allowed)
    assert out.tolist() == [0, 0, 1, 1, 1]


def test_paired_start_follows_the_territories_whatever_their_numbers():
    from territory_designer.balance.quality import pair_territories, paired_start

    old = np.array([5, 5, 5, 7, 7, 9, -1])
    new = np.array([1, 1, 0, 0, 0, 0, 1])  # 9 has no partner left; unit 2 left 5 for 7
    assert pair_territories(old, new, np.ones(7), {}) == {5: 1, 7: 0}
    start = paired_start(old, pair_territories(old, new, np.ones(7), {}))
    assert start.tolist() == [1, 1, 1, 0, 0, -1, -1]
    assert int((start != new).sum()) == 3  # unit 2, the old 9 unit, the unassigned unit
    # Given 9 -> 1, territory 0 is left for 7 (two units shared) rather than 5 (one).
    fixed = paired_start(old, pair_territories(old, new, np.ones(7), {9: 1}))
    assert fixed.tolist() == [-1, -1, -1, 0, 0, 1, -1]

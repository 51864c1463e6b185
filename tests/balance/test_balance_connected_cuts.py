"""Straight-cut bisection with connected parts (the start of layers over 100,000 units).

A comb-shaped layer (long teeth separated by empty bays) makes the plain straight cuts of
:func:`~territory_designer.balance.seeding.bisect` leave stray pieces; the connected
version settles every cut so that each part is one piece and near its target.
"""

from __future__ import annotations

import numpy as np

from territory_designer.balance.connected_cuts import connected_bisect
from territory_designer.balance.graph import Graph, piece_counts, repair_contiguity
from territory_designer.balance.seeding import bisect
from tests.balance.conftest import grid_arrays


def _comb(nx: int = 90, ny: int = 60, tooth: int = 6, gap: int = 3):
    """Grid cells of a comb: a spine along the bottom and teeth of ``tooth`` columns
    separated by bays of ``gap`` empty columns. Returns centroids, weights and edges."""
    a = grid_arrays(nx, ny)
    col = np.arange(nx * ny) // ny  # grid_arrays numbers cells column by column
    row = np.arange(nx * ny) % ny
    keep = (row < 8) | (col % (tooth + gap) < tooth)
    index = np.full(nx * ny, -1)
    index[keep] = np.arange(int(keep.sum()))
    both = keep[a["ei"]] & keep[a["ej"]]
    ei, ej = index[a["ei"][both]], index[a["ej"][both]]
    w = np.random.default_rng(4).lognormal(0, 0.6, int(keep.sum()))
    return a["xy"][keep], w, ei, ej, a["elen"][both]


def _pieces_per_part(labels: np.ndarray, ei: np.ndarray, ej: np.ndarray, elen) -> np.ndarray:
    n_pieces, _ = piece_counts(Graph(labels.size, ei, ej, elen), labels)
    return n_pieces


def _repaired_excess(labels, w, targets, ei, ej, elen) -> float:
    """Summed deviation of the parts once stray pieces join a neighbour."""
    graph = Graph(labels.size, ei, ej, elen)
    allowed = lambda u, v, distance=True: np.ones(u.size, dtype=bool)  # noqa: E731
    labels = repair_contiguity(graph, labels, np.ones(labels.size, dtype=bool), w, allowed)
    return float(np.abs(np.bincount(labels, weights=w) / targets - 1).sum())


def test_parts_are_connected_and_near_their_targets_where_plain_cuts_stray():
    xy, w, ei, ej, elen = _comb(tooth=20, gap=4)
    for k in (5, 12, 31):
        targets = np.full(k, w.sum() / k)
        plain = bisect(xy, w, targets, ei, ej, elen, np.random.default_rng(k))
        got = connected_bisect(xy, w, targets, ei, ej, elen, np.random.default_rng(k))
        assert (_pieces_per_part(plain, ei, ej, elen) > 1).any()  # the layer is hard
        assert (_pieces_per_part(got, ei, ej, elen) == 1).all()
        dev = np.bincount(got, weights=w, minlength=k) / targets - 1
        assert np.abs(dev).max() < 0.01, (k, dev)


def test_cuts_across_narrow_teeth_are_no_worse_than_plain_cuts():
    # Teeth of 6 columns: a straight cut across them cannot be settled near its goal and
    # is kept as it was; the parts once repaired are no further from their targets.
    for tooth, gap in ((6, 3), (12, 2)):
        xy, w, ei, ej, elen = _comb(tooth=tooth, gap=gap)
        for k in (5, 12, 31):
            targets = np.full(k, w.sum() / k)
            args = (xy, w, targets, ei, ej, elen)
            plain = bisect(*args, np.random.default_rng(k))
            got = connected_bisect(*args, np.random.default_rng(k))
            edges = (ei, ej, elen)
            assert _repaired_excess(got, w, targets, *edges) <= _repaired_excess(
                plain, w, targets, *edges
            )


def test_same_inputs_give_the_same_parts():
    xy, w, ei, ej, elen = _comb()
    targets = np.random.default_rng(1).uniform(0.5, 1.5, 9)
    targets *= w.sum() / targets.sum()
    a = connected_bisect(xy, w, targets, ei, ej, elen, np.random.default_rng(2))
    b = connected_bisect(xy, w, targets, ei, ej, elen, np.random.default_rng(2))
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a).tolist()) == set(range(9))


def test_batch_rounds_keep_exact_sums_and_connected_territories(monkeypatch):
    # Several moves per territory per round (layers over 100,000 units), tried on a grid.
    from territory_designer.balance import local_search
    from territory_designer.balance.build import graph_of
    from territory_designer.balance.graph import extra_pieces
    from territory_designer.balance.local_search import SearchState, Weights, optimise
    from tests.balance.conftest import grid_problem

    monkeypatch.setattr(local_search, "BATCH_MOVES_UNITS", 0)
    weight = np.random.default_rng(2).lognormal(0, 0.5, 3600)
    problem = grid_problem(60, 60, 6, weight, tolerance=0.05)
    graph = graph_of(problem)
    # Bands of 8 to 12 columns: up to 24 % off their targets.
    column = np.arange(problem.n) // 60
    labels = np.searchsorted(np.array([8, 18, 28, 38, 50]), column, side="right")
    state = SearchState(problem, graph, labels)
    flow, penalty = Weights(flow=True, lam=0.001), Weights(big=400.0, tol=0.02, lam=0.001)
    rounds = [optimise(state, obj, 400) for obj in (flow, penalty)]
    assert np.abs(state.dev()).max() < 0.005
    assert (extra_pieces(graph, state.lab) == 0).all()
    fresh = SearchState(problem, graph, state.lab)
    for got, want in ((state.W, fresh.W), (state.A, fresh.A), (state.P, fresh.P)):
        np.testing.assert_allclose(got, want, rtol=1e-9)
    # One move per territory per round needs many more rounds.
    monkeypatch.setattr(local_search, "BATCH_MOVES_UNITS", 10**9)
    single = SearchState(problem, graph, labels)
    assert sum(rounds) < sum(optimise(single, obj, 400) for obj in (flow, penalty))


def test_a_layer_in_several_parts_is_cut_without_stray_pieces():
    # Two combs with no edge between them and a lone unit: each part is one piece in
    # every part of the layer it touches, none is empty, all near their targets.
    xy, w, ei, ej, elen = _comb(tooth=20, gap=4)
    n = w.size
    xy2 = np.r_[xy, xy + [200_000.0, 0.0], [[500_000.0, 0.0]]]
    w2 = np.r_[w, w, 3.0]
    ei2, ej2, el2 = np.r_[ei, ei + n], np.r_[ej, ej + n], np.r_[elen, elen]
    graph = Graph(w2.size, ei2, ej2, el2)
    for k in (2, 7, 20):
        targets = np.full(k, w2.sum() / k)
        got = connected_bisect(xy2, w2, targets, ei2, ej2, el2, np.random.default_rng(k))
        n_pieces, n_comps = piece_counts(graph, got)
        assert (n_pieces == n_comps).all() and n_pieces.size == k
        assert np.abs(np.bincount(got, weights=w2, minlength=k) / targets - 1).max() < 0.01

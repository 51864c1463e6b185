"""The engine's large-layer paths give exactly what the plain whole-graph code gave.

A million-unit layer cannot afford a pass over every edge per local-search round, a
Python list per unit, or a scan of the whole graph per merged pair: the engine reads only
the edges of boundary units (kept up to date move by move), makes neighbour lists on first
use and gathers a region's edges from its units. These tests hold each fast path to the
straightforward computation it replaced, on irregular weights and plans, bit for bit (the
golden plans of ``test_balance_golden.py`` then cannot move).
"""

from __future__ import annotations

import numpy as np

from territory_designer.balance.build import graph_of
from territory_designer.balance.local_search import SearchState, Weights, candidates, optimise
from territory_designer.balance.treecut import _region_edges
from tests.balance.conftest import grid_problem


def _plain_candidates(state: SearchState) -> tuple[np.ndarray, ...]:
    """The whole-graph computation of :func:`candidates` before the boundary fast path."""
    g, lab, p = state.g, state.lab, state.p
    la, lb = lab[g.du], lab[g.dv]
    same = la == lb
    s_own = np.bincount(g.du[same], weights=g.dl[same], minlength=p.n)
    cross = ~same & state.movable[g.du]
    key = g.du[cross] * p.k + lb[cross]
    uk, inv = np.unique(key, return_inverse=True)
    s_to = np.bincount(inv, weights=g.dl[cross], minlength=uk.size)
    u, b = uk // p.k, uk % p.k
    a = lab[u]
    ok = (state.cnt[a] > 1) & p.allowed(u, b) & ~p.closed[a]
    ok &= state.blocked[u] != state.version[a]
    ok &= state.tabu_until[u] <= state.round
    return u[ok], b[ok], s_own[u[ok]], s_to[ok]


def _irregular_problem(k: int = 5):
    """A 14 x 11 grid with random weights and random shared lengths (not all equal)."""
    rng = np.random.default_rng(3)
    problem = grid_problem(14, 11, k, rng.lognormal(0, 0.7, 154), tolerance=0.05)
    problem.elen = problem.elen * rng.uniform(0.3, 1.7, problem.elen.size)
    return problem


def _assert_same(got: tuple[np.ndarray, ...], want: tuple[np.ndarray, ...]) -> None:
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


def test_boundary_candidates_equal_the_whole_graph_scan_through_a_search():
    problem = _irregular_problem()
    graph = graph_of(problem)
    labels = (np.arange(problem.n) * problem.k // problem.n).astype(np.int64)
    state = SearchState(problem, graph, labels)
    problem.locked[7] = int(labels[7])  # a locked unit never moves
    state.movable = problem.locked < 0
    _assert_same(candidates(state), _plain_candidates(state))
    # After moves, tabu steps and a reset, the kept boundary still matches a fresh count.
    optimise(state, Weights(alpha=1.0, big=400.0, tol=0.02, lam=0.5), 60, kicks=5)
    _assert_same(candidates(state), _plain_candidates(state))
    cross = state.lab[graph.du] != state.lab[graph.dv]
    np.testing.assert_array_equal(state.n_cross, np.bincount(graph.du[cross], minlength=problem.n))


def test_moves_keep_the_boundary_counts_of_the_unit_and_its_neighbours():
    problem = _irregular_problem()
    graph = graph_of(problem)
    state = SearchState(problem, graph, np.repeat(np.arange(5), [31, 31, 31, 31, 30]))
    for _ in range(25):
        u, b, s_own, s_to = candidates(state)
        i = int(np.argmax(s_to - s_own))
        state.move(int(u[i]), int(b[i]), float(s_own[i]), float(s_to[i]))
        cross = state.lab[graph.du] != state.lab[graph.dv]
        np.testing.assert_array_equal(
            state.n_cross, np.bincount(graph.du[cross], minlength=problem.n)
        )


def test_region_edges_equal_the_whole_graph_mask_in_edge_order():
    problem = _irregular_problem()
    graph = graph_of(problem)
    rng = np.random.default_rng(1)
    for size in (2, 17, 90, problem.n):
        units = np.sort(rng.choice(problem.n, size, replace=False))
        local = np.full(problem.n, -1)
        local[units] = np.arange(units.size)
        li, lj = local[graph.ei], local[graph.ej]
        inside = (li >= 0) & (lj >= 0)
        got = _region_edges(problem, graph, units)
        if np.count_nonzero(inside) < units.size - 1:
            assert got is None
            continue
        _assert_same(got, (li[inside], lj[inside], graph.elen[inside]))
    # The scratch array is clean between calls (a second call sees no stale units).
    assert (graph._local == -1).all()


def test_neighbour_lists_are_made_on_first_use_only():
    problem = grid_problem(30, 30, 4)
    graph = graph_of(problem)
    assert len(dict(graph.nb)) == 0  # nothing per unit up front
    assert sorted(graph.nb[31]) == [1, 30, 32, 61]
    assert graph.nb[0] == graph.csr.indices[graph.csr.indptr[0] : graph.csr.indptr[1]].tolist()
    assert len(dict(graph.nb)) == 2
    order, start = graph.out_edges
    assert order.dtype == np.int64 and start.dtype == np.int64 and start[-1] == graph.du.size


def test_a_local_search_lists_only_units_near_boundaries():
    problem = grid_problem(60, 60, 4, np.random.default_rng(5).lognormal(0, 0.5, 3600))
    graph = graph_of(problem)
    labels = (np.arange(problem.n) // 900).astype(np.int64)  # four bands of 15 columns
    state = SearchState(problem, graph, labels)
    optimise(state, Weights(alpha=1.0, big=400.0, tol=0.02, lam=0.5), 200, kicks=5)
    assert 0 < len(dict(graph.nb)) < problem.n // 2

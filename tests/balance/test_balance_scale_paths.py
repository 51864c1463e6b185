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

from territory_designer.balance import local_search
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


def test_moves_keep_the_rows_of_the_unit_and_its_neighbours():
    problem = _irregular_problem()
    graph = graph_of(problem)
    state = SearchState(problem, graph, np.repeat(np.arange(5), [31, 31, 31, 31, 30]))
    candidates(state)
    for step in range(25):
        u, b, s_own, s_to = _plain_candidates(state)
        i = int(np.argmax(s_to - s_own))
        state.move(int(u[i]), int(b[i]), float(s_own[i]), float(s_to[i]))
        if step % 4 == 0:  # rows made again after one move, or after several
            _assert_same(candidates(state), _plain_candidates(state))
    _assert_same(candidates(state), _plain_candidates(state))


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


def _plain_bisect(xy, w, targets, ei, ej, elen, rng):
    """:func:`bisect` as it was: the edges of each group found by a pass over all edges."""
    from territory_designer.balance.seeding import N_DIRECTIONS, _best_cut

    out = np.zeros(xy.shape[0], dtype=np.int64)
    stack = [(np.arange(xy.shape[0]), np.arange(targets.size))]
    local = np.full(xy.shape[0], -1, dtype=np.int64)
    while stack:
        idx, parts = stack.pop()
        if parts.size == 1 or idx.size <= 1:
            out[idx] = parts[0]
            continue
        h = parts.size // 2
        share = targets[parts[:h]].sum() / targets[parts].sum()
        local[idx] = np.arange(idx.size)
        inside = (local[ei] >= 0) & (local[ej] >= 0)
        first = _best_cut(
            xy[idx],
            w[idx] + 1e-12,
            share,
            local[ei[inside]],
            local[ej[inside]],
            elen[inside],
            float(rng.uniform(0, np.pi / N_DIRECTIONS)),
        )
        local[idx] = -1
        stack.append((idx[first], parts[:h]))
        stack.append((idx[~first], parts[h:]))
    return out


def test_straight_cut_bisection_equals_the_whole_graph_version():
    from territory_designer.balance.seeding import bisect

    problem = _irregular_problem()
    for k in (2, 7, 23):
        targets = np.random.default_rng(k).uniform(0.5, 1.5, k)
        args = (problem.xy, problem.weight, targets, problem.ei, problem.ej, problem.elen)
        got = bisect(*args, np.random.default_rng(k))
        np.testing.assert_array_equal(got, _plain_bisect(*args, np.random.default_rng(k)))


def _plain_can_leave(graph, labels, u):
    """:func:`can_leave` as it was: one breadth-first search from one neighbour."""
    from collections import deque

    lab = labels[u]
    ring = [v for v in graph.nb[u] if labels[v] == lab]
    if len(ring) <= 1:
        return True
    want, seen, queue = set(ring[1:]), {u, ring[0]}, deque([ring[0]])
    while queue:
        for y in graph.nb[queue.popleft()]:
            if y in seen or labels[y] != lab:
                continue
            if y in want:
                want.discard(y)
                if not want:
                    return True
            seen.add(y)
            queue.append(y)
    return False


def test_connectivity_check_agrees_with_a_single_search_on_ragged_territories():
    from territory_designer.balance.graph import can_leave

    problem = _irregular_problem(k=3)
    graph = graph_of(problem)
    rng = np.random.default_rng(11)
    answers = set()
    strips = np.arange(problem.n) * 3 // problem.n
    for trial in range(40):
        # Three strips with some units flipped: necks, holes, pieces, corridors.
        flip = rng.random(problem.n) < 0.05 + trial / 80
        labels = np.where(flip, rng.integers(0, 3, problem.n), strips)
        for u in range(problem.n):
            got = can_leave(graph, labels, u)
            assert got == _plain_can_leave(graph, labels, u)
            answers.add(got)
    assert answers == {True, False}


def _consume(chunks, a, b, used, accept):
    """Rows looked at (not skipped for a used territory), as :func:`_best_moves` does."""
    seen = []
    for chunk in chunks:
        for i in chunk.tolist():
            if used[a[i]] or used[b[i]]:
                continue
            seen.append(i)
            if accept[i]:
                used[a[i]] = used[b[i]] = True
    return seen


def test_best_first_order_equals_one_stable_sort_of_all_improving_moves():
    from territory_designer.balance.local_search import _best_first

    rng = np.random.default_rng(2)
    for size in (50, 9000, 40000):
        values = -rng.integers(0, 60, size).astype(float)  # many ties
        a, b = rng.integers(0, 300, size), rng.integers(0, 300, size)
        accept = rng.random(size) < 0.3
        rows = np.arange(size)
        want = _consume([np.argsort(values, kind="stable")], a, b, np.zeros(300, bool), accept)
        used = np.zeros(300, bool)
        got = _consume(_best_first(rows, values, a, b, used), a, b, used, accept)
        assert got == want


def test_merge_split_effort_is_bounded_on_huge_layers_only():
    from territory_designer.balance.build import effort_for

    for n, k in ((100, 10), (2600, 20), (29_380, 200), (66_000, 50)):
        e = effort_for(n, k)
        assert e.trees == (int(np.clip(40 * k, 200, 2000)) if n <= 10_000 else 8 * k)
    assert effort_for(1_000_000, 800).trees == 1000  # 6,400 before: minutes at this size
    assert effort_for(1_000_000, 800).trees * 2 * 1_000_000 / 800 <= 2_500_000


def test_flows_from_distinct_pairs_equal_flows_from_every_move():
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    from territory_designer.balance.local_search import flows

    problem = _irregular_problem(k=9)
    graph = graph_of(problem)
    state = SearchState(problem, graph, np.arange(problem.n) * 9 // problem.n)
    u, b, _, _ = candidates(state)
    a = state.lab[u]
    k = problem.k
    adj = sparse.coo_matrix(
        (np.ones(a.size), (np.minimum(a, b), np.maximum(a, b))), shape=(k, k)
    ).tocsr()
    adj.data[:] = 1.0
    adj = adj + adj.T
    lap = sparse.diags(np.asarray(adj.sum(axis=1)).ravel() + 1e-9) - adj
    mean = problem.targets.mean()
    x = spsolve(lap.tocsc(), (state.W - problem.targets) / mean) * mean
    np.testing.assert_array_equal(flows(state, a, b), x[a] - x[b])


def test_straight_cut_without_a_full_sort_takes_the_same_prefix():
    from territory_designer.balance.seeding import _prefix_length, weighted_prefix

    rng = np.random.default_rng(4)
    for n in (50, 5000, 120_000):
        proj = rng.normal(size=n) * 1000
        w = rng.lognormal(0, 0.8, n)
        for share in (0.0001, 0.3, 0.5, 0.77, 0.9999):
            goal = share * w.sum()
            order = np.argsort(proj, kind="stable")
            want = np.zeros(n, dtype=bool)
            want[order[: _prefix_length(np.cumsum(w[order]), goal) + 1]] = True
            got = weighted_prefix(proj, w, goal)
            assert 1 <= got.sum() <= n - 1
            # The same units, but for a tie of sums that differ in the last bits.
            assert np.count_nonzero(got != want) <= 1
            assert abs(w[got].sum() - goal) <= abs(w[want].sum() - goal) + 1e-9 * w.sum()


def test_units_remembered_as_stuck_still_cannot_leave():
    from territory_designer.balance.graph import can_leave

    # Territory 0 is a comb (a spine and teeth), heavy, so it must give units away; the
    # heaviest, the best to give, sit at the roots of its teeth and cannot leave.
    ix, iy = np.meshgrid(np.arange(20), np.arange(20), indexing="ij")
    comb = ((ix == 0) | ((iy % 2 == 0) & (ix < 15))).ravel()
    root = ((ix == 1) & (iy % 2 == 0)).ravel()
    weight = np.where(root, 8.0, np.where(comb, 3.0, 1.0))
    problem = grid_problem(20, 20, 4, weight, tolerance=0.02)
    graph = graph_of(problem)
    state = SearchState(problem, graph, np.where(comb, 0, 1 + (iy.ravel() > 6) + (iy.ravel() > 13)))
    remembered = 0
    for obj in (Weights(flow=True, lam=0.001), Weights(alpha=1.0, big=400.0, tol=0.01, lam=0.5)):
        for _ in range(30):
            local_search.run_round(state, obj)
            for u in np.flatnonzero(state.stuck_at >= 0).tolist():
                if state.cannot_leave(u, int(state.lab[u])):
                    remembered += 1
                    assert not can_leave(graph, state.lab, u)
    assert remembered > 0


def test_restricted_problems_still_filter_their_moves():
    problem = _irregular_problem(k=4)
    problem.closed[3] = True
    state = SearchState(problem, graph_of(problem), np.arange(problem.n) * 4 // problem.n)
    assert not state.unrestricted
    u, b, _, _ = candidates(state)
    assert not np.isin(b, [3]).any() and not np.isin(state.lab[u], [3]).any()
    _assert_same(candidates(state), _plain_candidates(state))
    assert SearchState(_irregular_problem(k=4), graph_of(problem), state.lab).unrestricted

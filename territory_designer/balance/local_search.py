"""Local search over boundary units: balance first, then compactness within the tolerance.

Every unit on a territory boundary is a candidate to join each neighbouring territory. A
round scores all candidates at once (numpy): the change of a balance penalty
``alpha * d^2 + M * max(0, |d| - tol)^2`` over the two territories' relative deviations
``d``, minus ``lam`` times the change of their Polsby-Popper scores ``4 pi A / P^2``
(Polsby & Popper 1991), whose areas and dissolved perimeters update from the unit's area,
perimeter and the boundary it shares with each side. The best improving moves are applied,
at most one per territory per round so their scores stay exact, each after the donor's
connectivity check of :func:`territory_designer.balance.graph.can_leave`. This is the
boundary-move local search of districting heuristics (Ricca & Simeone 2008; Bozkaya,
Erkut & Laporte 2003, "A tabu search heuristic and adaptive memory procedure for political
districting", EJOR 144), with a short tabu list (a unit that just moved may not move back for
a few rounds) in place of random restarts, so runs are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve

from territory_designer.balance.graph import Graph, can_leave
from territory_designer.balance.problem import BalanceProblem

#: Candidate moves as :func:`candidates` returns them: units, destination territories, and
#: the boundary each unit shares with its own and with the destination territory.
Moves = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

FOUR_PI = 4.0 * np.pi
#: Layers of more units balance with several moves per territory per round
#: (:mod:`territory_designer.balance.batch_moves`) in the phases without hard bounds; no
#: bench instance, nor any layer up to this size, is affected.
BATCH_MOVES_UNITS = 100_000


@dataclass
class Weights:
    """Objective of one phase (see the module docstring)."""

    alpha: float = 1.0
    big: float = 100.0
    tol: float = 0.0
    lam: float = 0.0
    hard: bool = False  # forbid moves that push a territory outside +/- tol
    flow: bool = False  # follow the diffusion flows between territories (see flows())


class SearchState:
    """Labels and per-territory running sums (weight, area, dissolved perimeter, count)."""

    def __init__(self, problem: BalanceProblem, graph: Graph, labels: np.ndarray) -> None:
        self.p = problem
        self.g = graph
        k = problem.k
        self.movable = problem.locked < 0
        self.version = np.zeros(k, dtype=np.int64)
        self.blocked = np.full(problem.n, -1, dtype=np.int64)
        self.tabu_until = np.zeros(problem.n, dtype=np.int64)
        self.round = 0
        self.journal: list[tuple[int, int]] = []  # (unit, territory it left) per move
        self.row_flows: np.ndarray | None = None  # see score_moves
        # Every unit may join every territory (one group, none closed, no distance limit
        # or rule): candidates skip problem.allowed, a few passes over every move a round.
        groups = np.r_[problem.groups, problem.territory_group]
        self.unrestricted = bool(
            not problem.closed.any()
            and problem.forbidden is None
            and (problem.home is None or problem.max_distance is None)
            and (groups.size == 0 or groups.min() == groups.max())
        )
        self.reset(labels)

    def reset(self, labels: np.ndarray) -> None:
        """Set the labels and recompute every per-territory sum."""
        problem, graph, k = self.p, self.g, self.p.k
        self.lab = labels.astype(np.int64).copy()
        self.W = np.bincount(self.lab, weights=problem.weight, minlength=k)
        self.A = np.bincount(self.lab, weights=problem.area, minlength=k)
        self.cnt = np.bincount(self.lab, minlength=k)
        per = np.bincount(self.lab, weights=problem.perimeter, minlength=k)
        same = self.lab[graph.ei] == self.lab[graph.ej]
        inner = np.bincount(self.lab[graph.ei[same]], weights=graph.elen[same], minlength=k)
        self.P = per - 2 * inner
        self.version += 1
        self._rows: tuple[np.ndarray, ...] | None = None
        self.gained = np.zeros(k, dtype=np.int64)  # units each territory gained
        self.stuck_at = np.full(problem.n, -1, dtype=np.int64)  # see cannot_leave
        self._touched: np.ndarray | None = None  # scratch of boundary_rows, all False
        self._moved: list[int] = []

    def dev(self) -> np.ndarray:
        """Relative deviation of each territory from its target."""
        return (self.W - self.p.targets) / self.p.targets

    def pp(self) -> np.ndarray:
        """Polsby-Popper of each territory."""
        return FOUR_PI * self.A / np.maximum(self.P, 1e-9) ** 2

    def move(self, u: int, b: int, s_own: float, s_to: float) -> None:
        """Move unit ``u`` to territory ``b`` given its shared boundary with both sides."""
        p = self.p
        a = int(self.lab[u])
        w = p.weight[u]
        self.W[a] -= w
        self.W[b] += w
        self.A[a] -= p.area[u]
        self.A[b] += p.area[u]
        self.P[a] += -p.perimeter[u] + 2 * s_own
        self.P[b] += p.perimeter[u] - 2 * s_to
        self.cnt[a] -= 1
        self.cnt[b] += 1
        self.lab[u] = b
        self.version[a] += 1
        self.version[b] += 1
        self._moved.append(u)
        self.journal.append((u, a))
        self.gained[b] += 1
        self.stuck_at[u] = -1
        self.stuck_at[self.g.nb[u]] = -1

    def cannot_leave(self, u: int, a: int) -> bool:
        """Whether unit ``u`` (of territory ``a``) still may not leave, as last checked.

        :func:`can_leave` said no when ``u`` was last checked, and since then ``a`` has
        gained no unit and no neighbour of ``u`` has moved: taking units away from the
        rest of ``a`` never reconnects it, so the answer is still no (exact, not a guess).
        """
        return self.stuck_at[u] == self.gained[a]

    def mark_stuck(self, u: int, a: int) -> None:
        """Record that :func:`can_leave` said no for ``u`` in territory ``a``."""
        self.stuck_at[u] = self.gained[a]

    def boundary_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every boundary move ``(unit, territory, shared with the territory, shared with
        its own)``, sorted by unit then territory, before any filter.

        Kept from round to round: only the rows of the units moved since the last call
        and of their neighbours are made again, so a round costs the moves, not the
        layer (a million-unit layer has six million directed edges).
        """
        g = self.g
        if self._rows is None:
            cross = self.lab[g.du] != self.lab[g.dv]
            self._rows = _rows_of(self, np.unique(g.du[cross]))
            self._moved = []
        elif self._moved:
            moved = np.unique(np.asarray(self._moved, dtype=np.int64))
            self._moved = []
            touched = np.union1d(moved, g.dv[g.out_edges_of(moved)])
            if self._touched is None:
                self._touched = np.zeros(self.p.n, dtype=bool)
            self._touched[touched] = True
            keep = ~self._touched[self._rows[0]]
            self._touched[touched] = False
            kept = [col[keep] for col in self._rows]
            new = _rows_of(self, touched)
            # No kept row is of a touched unit: the new rows go before the next unit's.
            at = np.searchsorted(kept[0], new[0])
            self._rows = tuple(np.insert(a, at, b) for a, b in zip(kept, new, strict=True))
        return self._rows


def _rows_of(state: SearchState, units: np.ndarray) -> tuple[np.ndarray, ...]:
    """Boundary rows (see :meth:`SearchState.boundary_rows`) of ``units`` (sorted, unique).

    A unit's edges are taken in their original order, so every sum adds the same numbers
    in the same order as a pass over all edges would (plans stay the same to the bit).
    """
    g, lab, k = state.g, state.lab, state.p.k
    e = g.out_edges_of(units)
    du, dl = g.du[e], g.dl[e]
    lb = lab[g.dv[e]]
    same = lab[du] == lb
    order, start = g.out_edges
    local = np.repeat(np.arange(units.size), start[units + 1] - start[units])
    s_own = np.bincount(local[same], weights=dl[same], minlength=units.size)
    cross = ~same
    key = du[cross] * k + lb[cross]
    uk, inv = np.unique(key, return_inverse=True)
    s_to = np.bincount(inv, weights=dl[cross], minlength=uk.size)
    u = uk // k
    return u, uk % k, s_to, s_own[np.searchsorted(units, u)]


def candidates(state: SearchState) -> tuple[np.ndarray, ...]:
    """Boundary moves ``(unit, to, shared with own, shared with target)`` allowed now."""
    lab, p = state.lab, state.p
    u, b, s_to, own = state.boundary_rows()
    a = lab[u]
    ok = state.movable[u] & (state.cnt[a] > 1)
    if not state.unrestricted:
        ok &= p.allowed(u, b) & ~p.closed[a]
    ok &= state.blocked[u] != state.version[a]
    ok &= state.tabu_until[u] <= state.round
    return u[ok], b[ok], own[ok], s_to[ok]


def _penalty(d: np.ndarray, obj: Weights) -> np.ndarray:
    over = np.maximum(np.abs(d) - obj.tol, 0.0)
    return obj.alpha * d * d + obj.big * over * over


def flows(state: SearchState, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Weight that should pass from territory ``a`` to ``b`` to balance all (per pair).

    Diffusion load balancing (Cybenko 1989; Hu & Blake 1999, "An improved diffusion
    algorithm for dynamic load balancing", Parallel Computing 25): with ``L`` the Laplacian
    of the graph of territories that may exchange units and ``e`` their excess over target,
    ``L x = e`` gives the flow of least squared size, ``x_a - x_b`` from ``a`` to ``b``.
    Disconnected parts of that graph only shift ``x`` by a constant, so a small ridge keeps
    the solve regular.
    """
    k = state.p.k
    # One link per pair of territories (a large layer has a hundred thousand moves).
    key = np.minimum(a, b) * k + np.maximum(a, b)
    pairs = np.flatnonzero(np.bincount(key, minlength=k * k)) if k <= 2000 else np.unique(key)
    pa, pb = pairs // k, pairs % k
    adj = sparse.coo_matrix((np.ones(pa.size), (pa, pb)), shape=(k, k)).tocsr()
    adj.data[:] = 1.0  # duplicates summed: one link per pair
    adj = adj + adj.T
    lap = sparse.diags(np.asarray(adj.sum(axis=1)).ravel() + 1e-9) - adj
    excess = (state.W - state.p.targets) / state.p.targets.mean()
    # Sparse LU (SuperLU): no multi-threaded BLAS, which is slow for small systems on
    # busy machines.
    x = spsolve(lap.tocsc(), excess) * state.p.targets.mean()
    return x[a] - x[b]


def score_moves(
    state: SearchState,
    u: np.ndarray,
    b: np.ndarray,
    s_own: np.ndarray,
    s_to: np.ndarray,
    obj: Weights,
) -> np.ndarray:
    """Change of the objective for each candidate move (negative = better).

    Moves ruled out (infinite change: no flow to follow, or a hard bound broken) get no
    shape term, which only a few of the moves of a large layer need.
    """
    p = state.p
    a = state.lab[u]
    w = p.weight[u]
    ta = p.targets[a]
    if obj.flow:
        f = flows(state, a, b)
        state.row_flows = f  # the flow wanted between each row's pair
        gain = (f - np.abs(f - w)) / ta
        delta = np.where(gain > 1e-9, -gain, np.inf)
    if not obj.flow or obj.hard:
        tb = p.targets[b]
        da0 = (state.W[a] - ta) / ta
        db0 = (state.W[b] - tb) / tb
        da1 = da0 - w / ta
        db1 = db0 + w / tb
        if not obj.flow:
            delta = (
                _penalty(da1, obj) + _penalty(db1, obj) - _penalty(da0, obj) - _penalty(db0, obj)
            )
        if obj.hard:
            bad = ((np.abs(da1) > obj.tol) & (np.abs(da1) > np.abs(da0))) | (
                (np.abs(db1) > obj.tol) & (np.abs(db1) > np.abs(db0))
            )
            delta = np.where(bad, np.inf, delta)
    if obj.lam > 0:
        live = np.flatnonzero(np.isfinite(delta))
        uu, al, bl = u[live], a[live], b[live]
        pp = state.pp()
        aa1 = state.A[al] - p.area[uu]
        pa1 = np.maximum(state.P[al] - p.perimeter[uu] + 2 * s_own[live], 1e-9)
        ab1 = state.A[bl] + p.area[uu]
        pb1 = np.maximum(state.P[bl] + p.perimeter[uu] - 2 * s_to[live], 1e-9)
        dpp = FOUR_PI * (aa1 / pa1**2 + ab1 / pb1**2) - pp[al] - pp[bl]
        delta[live] = delta[live] - obj.lam * dpp
    return delta


def objective(state: SearchState, obj: Weights) -> float:
    """Value of the objective (lower is better)."""
    val = float(_penalty(state.dev(), obj).sum())
    if obj.lam > 0:
        val -= obj.lam * float(state.pp().sum())
    return val


def run_round(
    state: SearchState, obj: Weights, tabu: int = 3, eps: float = 1e-12, force: bool = False
) -> int:
    """Apply the best non-conflicting improving moves; return how many were applied.

    With ``force`` (a tabu step out of a local optimum) the single best allowed move is
    applied even if it makes the objective worse, and the unit stays put for longer.
    """
    state.round += 1
    u, b, s_own, s_to = candidates(state)
    if u.size == 0:
        return 0
    delta = score_moves(state, u, b, s_own, s_to, obj)
    moves = (u, b, s_own, s_to)
    if force:
        return _kick(state, moves, delta, tabu)
    if state.p.n > BATCH_MOVES_UNITS and not obj.hard:
        from territory_designer.balance.batch_moves import batch_moves

        return batch_moves(state, moves, delta, obj, tabu, eps)
    return _best_moves(state, moves, delta, tabu, eps)


def _kick(state: SearchState, moves: Moves, delta: np.ndarray, tabu: int) -> int:
    """Make the best allowed move even if it is worse; the unit stays put for longer."""
    u, b, s_own, s_to = moves
    good = np.flatnonzero(np.isfinite(delta))
    good = good[np.argsort(delta[good], kind="stable")][:50]
    for i in good.tolist():
        uu = int(u[i])
        if can_leave(state.g, state.lab, uu):
            state.move(uu, int(b[i]), float(s_own[i]), float(s_to[i]))
            state.tabu_until[uu] = state.round + 4 * tabu + 3
            return 1
    return 0


def _best_moves(state: SearchState, moves: Moves, delta: np.ndarray, tabu: int, eps: float) -> int:
    """Make the improving moves best first, at most one per territory; how many."""
    u, b, s_own, s_to = moves
    good = np.flatnonzero(delta < -eps)
    if good.size == 0:
        return 0
    a = state.lab[u]
    used = np.zeros(state.p.k, dtype=bool)
    lab = state.lab
    moved = 0
    free = state.p.k
    for chunk in _best_first(good, delta[good], a, b, used):
        for i in chunk.tolist():
            uu, bb = int(u[i]), int(b[i])
            aa = int(lab[uu])
            if used[aa] or used[bb]:
                continue
            if state.cannot_leave(uu, aa) or not can_leave(state.g, lab, uu):
                state.mark_stuck(uu, aa)
                state.blocked[uu] = state.version[aa]
                continue
            state.move(uu, bb, float(s_own[i]), float(s_to[i]))
            state.tabu_until[uu] = state.round + tabu
            used[aa] = used[bb] = True
            moved += 1
            free -= 2
            if free < 2:
                return moved
    return moved


def _best_first(
    rows: np.ndarray, values: np.ndarray, a: np.ndarray, b: np.ndarray, used: np.ndarray
):
    """``rows`` in increasing ``values`` (ties in row order), as chunks, less rows that
    the caller would skip anyway (a territory of theirs already ``used``, checked when a
    chunk is made: ``used`` only grows).

    Sorting every improving move of a million-unit layer each round, and looking at each
    in Python, cost more than the moves: the best few thousand are sorted first, and the
    rest only once the territories used by then are filtered out.
    """
    head = 4096
    if rows.size <= 2 * head:
        yield rows[np.argsort(values, kind="stable")]
        return
    cut = np.partition(values, head - 1)[head - 1]
    first = values <= cut  # every row tied with the cut too, so no tie is split
    yield rows[first][np.argsort(values[first], kind="stable")]
    rest, vals = rows[~first], values[~first]
    keep = ~(used[a[rest]] | used[b[rest]])
    yield rest[keep][np.argsort(vals[keep], kind="stable")]


def optimise(
    state: SearchState, obj: Weights, max_rounds: int, check: object = None, kicks: int = 0
) -> int:
    """Run rounds until none improves (after ``kicks`` tabu steps) or ``max_rounds``.

    The best labelling met is restored at the end. Returns the rounds used.
    """
    best_val = objective(state, obj)
    # The best labelling is the current one less the moves made since: a journal, not a
    # copy of every label per improving round (a million units are 8 MB a copy).
    state.journal = []
    best_at = 0
    improved_since = True
    for r in range(max_rounds):
        if check is not None and r % 10 == 0:
            check()
        moved = run_round(state, obj)
        if moved == 0:
            if kicks <= 0 or run_round(state, obj, force=True) == 0:
                break
            kicks -= 1
        val = objective(state, obj)
        if val < best_val - 1e-12:
            best_val, best_at, improved_since = val, len(state.journal), True
    else:
        r = max_rounds - 1
    if improved_since and len(state.journal) > best_at:
        best_lab = state.lab.copy()
        for u, a in reversed(state.journal[best_at:]):
            best_lab[u] = a
        if not np.array_equal(best_lab, state.lab):
            state.reset(best_lab)
    state.journal = []
    return r + 1

"""Several boundary moves per territory per round, for very large layers.

A round of :func:`territory_designer.balance.local_search.run_round` makes at most one move
per territory, so every move's score stays exact; a territory far off its target on a
million-unit layer then needs hundreds of rounds, each scoring every boundary move of the
layer. Here the improving moves are taken best first as well, but a territory may make up
to :data:`PER_TERRITORY` of them: a move of a territory that has already moved this round
is scored again on the sums as they now are (weights, areas, perimeters and, in a flow
phase, the flow still wanted between the pair) and made only if it still improves. A unit
whose neighbour has moved is left for the next round, as its shared boundaries changed.
Every move is one the objective scores as an improvement when it is made, so the search
stays a descent; only which improving moves are made differs.
"""

from __future__ import annotations

import numpy as np

from territory_designer.balance.graph import can_leave
from territory_designer.balance.local_search import FOUR_PI, SearchState, Weights

#: Most moves per territory per round.
PER_TERRITORY = 8
#: Most improving moves looked at per round, best first.
HEAD = 30_000


def batch_moves(
    state: SearchState,
    moves: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    delta: np.ndarray,
    obj: Weights,
    tabu: int,
    eps: float,
) -> int:
    """Make improving moves best first, several per territory (see the module doc);
    returns how many were made.

    Parameters
    ----------
    state : SearchState
        Search state (changed in place).
    moves : tuple of numpy.ndarray
        Candidate ``(unit, to, shared with own, shared with target)`` rows.
    delta : numpy.ndarray
        Their scores at the start of the round (:func:`~territory_designer.balance.
        local_search.score_moves`).
    obj : Weights
        The objective.
    tabu : int
        Rounds a moved unit stays put.
    eps : float
        Least improvement that counts.
    """
    u, b, s_own, s_to = moves
    good = np.flatnonzero(delta < -eps)
    if good.size == 0:
        return 0
    if good.size > HEAD:
        cut = np.partition(delta[good], HEAD - 1)[HEAD - 1]
        good = good[delta[good] <= cut]
    good = good[np.argsort(delta[good], kind="stable")]
    lab, nb, k = state.lab, state.g.nb, state.p.k
    made = np.zeros(k, dtype=np.int64)
    dirty: set[int] = set()
    rest = _Rest(state, obj)
    moved = 0
    for i in good.tolist():
        uu = int(u[i])
        if uu in dirty:
            continue
        aa, bb = int(lab[uu]), int(b[i])
        if made[aa] >= PER_TERRITORY or made[bb] >= PER_TERRITORY or state.cnt[aa] <= 1:
            continue
        so, st = float(s_own[i]), float(s_to[i])
        if (made[aa] or made[bb]) and rest.delta(i, uu, aa, bb, so, st) >= -eps:
            continue
        if state.cannot_leave(uu, aa) or not can_leave(state.g, lab, uu):
            state.mark_stuck(uu, aa)
            state.blocked[uu] = state.version[aa]
            continue
        rest.moved(i, uu, aa, bb)
        state.move(uu, bb, so, st)
        state.tabu_until[uu] = state.round + tabu
        made[aa] += 1
        made[bb] += 1
        moved += 1
        dirty.add(uu)
        dirty.update(nb[uu])
    return moved


class _Rest:
    """Scores of single moves on the current sums, and the flow each pair still wants."""

    def __init__(self, state: SearchState, obj: Weights) -> None:
        self.state, self.obj = state, obj
        self.row_flows = state.row_flows if obj.flow else None
        self.flow: dict[tuple[int, int], float] = {}

    def _flow(self, i: int, a: int, b: int) -> float:
        return self.flow.get((a, b), float(self.row_flows[i]))

    def moved(self, i: int, u: int, a: int, b: int) -> None:
        """Record the move of ``u`` (row ``i``) from ``a`` to ``b`` in the pair's flow."""
        if self.row_flows is not None:
            left = self._flow(i, a, b) - float(self.state.p.weight[u])
            self.flow[(a, b)], self.flow[(b, a)] = left, -left

    def delta(self, i: int, u: int, a: int, b: int, s_own: float, s_to: float) -> float:
        """Change of the objective if ``u`` (row ``i``) moved from ``a`` to ``b`` now:
        :func:`~territory_designer.balance.local_search.score_moves` for one move."""
        state, obj, p = self.state, self.obj, self.state.p
        w = float(p.weight[u])
        ta, tb = float(p.targets[a]), float(p.targets[b])
        if obj.flow:
            f = self._flow(i, a, b)
            gain = (f - abs(f - w)) / ta
            d = -gain if gain > 1e-9 else np.inf
        if not obj.flow or obj.hard:
            da0 = (float(state.W[a]) - ta) / ta
            db0 = (float(state.W[b]) - tb) / tb
            da1, db1 = da0 - w / ta, db0 + w / tb
            if not obj.flow:
                d = _pen(da1, obj) + _pen(db1, obj) - _pen(da0, obj) - _pen(db0, obj)
            if obj.hard and (
                (abs(da1) > obj.tol and abs(da1) > abs(da0))
                or (abs(db1) > obj.tol and abs(db1) > abs(db0))
            ):
                d = np.inf
        if obj.lam > 0 and np.isfinite(d):
            area, per = state.A, state.P
            pa0 = FOUR_PI * area[a] / max(per[a], 1e-9) ** 2
            pb0 = FOUR_PI * area[b] / max(per[b], 1e-9) ** 2
            pa1 = max(per[a] - p.perimeter[u] + 2 * s_own, 1e-9)
            pb1 = max(per[b] + p.perimeter[u] - 2 * s_to, 1e-9)
            dpp = FOUR_PI * ((area[a] - p.area[u]) / pa1**2 + (area[b] + p.area[u]) / pb1**2)
            d -= obj.lam * float(dpp - pa0 - pb0)
        return float(d)


def _pen(d: float, obj: Weights) -> float:
    over = max(abs(d) - obj.tol, 0.0)
    return obj.alpha * d * d + obj.big * over * over

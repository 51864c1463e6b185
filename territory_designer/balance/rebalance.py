"""Minimal-disruption rebalance: fix the imbalance of a plan by moving few boundary units.

Greedy descent on the balance penalty of :mod:`territory_designer.balance.local_search`
with each move scored by its improvement per unit of disruption (accounts, revenue or units
moved), the ratio rule of greedy knapsack heuristics; each unit moves at most once, every
move keeps the donor connected, and the run stops at the tolerance or the disruption cap.
Moving only what the cap allows and stopping as soon as the plan is within tolerance is the
"minimal perturbation" re-districting of e.g. Bozkaya, Erkut, Haight & Laporte (2011,
"Designing new electoral districts for the city of Edmonton", Interfaces 41).

The whole trajectory is kept, so one run also gives the trade-off curve: the balance reached
under each disruption cap (:func:`tradeoff_curve`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from territory_designer.balance.graph import Graph, can_leave
from territory_designer.balance.heavy_units import isolate_heavy_in_plan
from territory_designer.balance.local_search import SearchState, Weights, candidates, score_moves
from territory_designer.balance.problem import BalanceProblem, compute_targets
from territory_designer.balance.quality import rest_deviation
from territory_designer.balance.zero_weight import (
    bridged_candidates,
    split_off,
    zero_weight_units,
)
from territory_designer.core.feedback import Feedback

COSTS = ("accounts", "revenue", "units")


@dataclass
class Move:
    """One unit moved by a rebalance, and why."""

    unit: int
    from_territory: int
    to_territory: int
    weight: float
    accounts: float
    revenue: float
    reason: str
    #: A unit of zero weight moved along with a weighted one (not counted as a move).
    carried: bool = False


@dataclass
class CurvePoint:
    """Balance reached after a number of moves."""

    moves: int
    accounts_moved: float
    revenue_moved: float
    max_abs_deviation_pct: float
    #: Max deviation of the territories without a heavy unit (None: no heavy unit).
    rest_max_abs_deviation_pct: float | None = None


@dataclass
class RebalanceResult:
    """Labels after a rebalance, the moves and the balance-versus-disruption trajectory."""

    labels: np.ndarray
    moves: list[Move] = field(default_factory=list)
    trajectory: list[CurvePoint] = field(default_factory=list)
    reached: bool = False
    stopped_by: str = ""
    runtime_s: float = 0.0
    heavy_units: list[int] = field(default_factory=list)


def fill_unassigned(graph: Graph, labels: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Give unassigned units the territory of a neighbour (or of the nearest unit)."""
    labels = labels.copy()
    while (labels < 0).any():
        todo = labels < 0
        e = todo[graph.du] & ~todo[graph.dv]
        if not e.any():
            break
        labels[graph.du[e][::-1]] = labels[graph.dv[e][::-1]]
    todo = np.flatnonzero(labels < 0)
    done = np.flatnonzero(labels >= 0)
    if todo.size and done.size:
        from scipy.spatial import cKDTree

        _, near = cKDTree(xy[done]).query(xy[todo])
        labels[todo] = labels[done[near]]
    return labels


@dataclass
class MoveBudget:
    """Caps on what a rebalance may move (None: no cap) and what it has moved so far."""

    max_units: int | None = None
    max_accounts: float | None = None
    max_revenue: float | None = None
    units: int = 0
    accounts: float = 0.0
    revenue: float = 0.0

    def allows(self, accounts: np.ndarray | float, revenue: np.ndarray | float) -> np.ndarray:
        """Whether one more unit with these accounts and revenue stays within every cap.

        Element-wise when ``accounts`` and ``revenue`` are arrays (one candidate each).
        """
        ok = np.ones(np.shape(accounts), dtype=bool)
        for cap, have, more in (
            (self.max_units, self.units, 1),
            (self.max_accounts, self.accounts, accounts),
            (self.max_revenue, self.revenue, revenue),
        ):
            if cap is not None:
                ok &= have + more <= cap + 1e-9
        return ok

    def spend(self, accounts: float, revenue: float, units: int = 1) -> None:
        """Count ``units`` units moved (0 for zero-weight units carried along) with their
        accounts and revenue."""
        self.units += units
        self.accounts += accounts
        self.revenue += revenue

    def point(self, max_abs_deviation_pct: float) -> CurvePoint:
        """The trajectory point for what has moved so far."""
        return CurvePoint(self.units, self.accounts, self.revenue, max_abs_deviation_pct)


def rebalance(
    problem: BalanceProblem,
    graph: Graph,
    start: np.ndarray,
    accounts: np.ndarray | None = None,
    revenue: np.ndarray | None = None,
    max_moves: int | None = None,
    max_accounts: float | None = None,
    max_revenue: float | None = None,
    cost: str = "accounts",
    stop_at_tolerance: bool = True,
    feedback: Feedback | None = None,
) -> RebalanceResult:
    """Move boundary units to bring every territory within the tolerance, disrupting little.

    Parameters
    ----------
    problem : BalanceProblem
        Weights, targets, tolerance, locks and groups.
    graph : Graph
        Unit graph.
    start : numpy.ndarray
        Territory index of every unit in the plan in force (all assigned).
    accounts, revenue : numpy.ndarray, optional
        Per-unit accounts and revenue (what a move disrupts).
    max_moves, max_accounts, max_revenue : optional
        Caps on the units, accounts and revenue moved.
    cost : {"accounts", "revenue", "units"}
        Disruption measure the moves are ranked by.
    stop_at_tolerance : bool
        Stop once within tolerance (False: keep improving, for the trade-off curve).
    feedback : Feedback, optional
        Progress and cancel.

    Returns
    -------
    RebalanceResult
    """
    feedback = feedback or Feedback()
    t0 = time.perf_counter()
    heavy = isolate_heavy_in_plan(problem, start)
    run = _Descent(
        problem,
        graph,
        start,
        accounts,
        revenue,
        MoveBudget(max_moves, max_accounts, max_revenue),
        cost,
        stop_at_tolerance,
    )
    step = 0
    while not run.result.stopped_by:
        step += 1
        if step % 20 == 0:
            feedback.check_canceled()
            feedback.set_progress(min(95.0, step / 5), "Moving boundary units")
        run.step()
    run.result.labels = run.state.lab.copy()
    run.result.heavy_units = heavy
    run.result.runtime_s = time.perf_counter() - t0
    return run.result


class _Descent:
    """The state of one rebalance run: the plan, what has moved, the moves made."""

    def __init__(
        self,
        problem: BalanceProblem,
        graph: Graph,
        start: np.ndarray,
        accounts: np.ndarray | None,
        revenue: np.ndarray | None,
        budget: MoveBudget,
        cost: str,
        stop_at_tolerance: bool,
    ) -> None:
        n = problem.n
        self.problem, self.graph, self.budget = problem, graph, budget
        self.acc = np.zeros(n) if accounts is None else np.asarray(accounts, dtype=float)
        self.rev = np.zeros(n) if revenue is None else np.asarray(revenue, dtype=float)
        unit_cost = {"accounts": self.acc, "revenue": self.rev, "units": np.ones(n)}[cost]
        # A small floor, so moving units without accounts is not free.
        self.unit_cost = unit_cost + 0.02 * max(float(unit_cost.mean()), 1e-9)
        self.stop_at_tolerance = stop_at_tolerance
        self.state = SearchState(problem, graph, start)
        self.zero = zero_weight_units(problem)
        self.free = problem.locked < 0  # may move at all (zero-weight units: carried only)
        self.state.movable &= ~self.zero
        # Shared boundary lengths, for the perimeters of units moved in a chain.
        self.shared = sparse.csr_matrix((graph.dl, (graph.du, graph.dv)), shape=(n, n))
        self.chain_cost = 0.02 * max(float(unit_cost.mean()), 1e-9)
        self.bridge_blocked: dict[tuple[int, int], int] = {}
        self.plain_targets = compute_targets(
            problem.weight, problem.groups, problem.territory_group, problem.shares
        )
        self.rest = np.ones(problem.k, dtype=bool)
        self.rest[np.unique(np.asarray(start)[problem.heavy_units])] = False
        self.objective = Weights(
            alpha=1.0,
            big=100.0,
            tol=0.0 if not stop_at_tolerance else 0.5 * problem.tolerance,
            lam=0.0002 * problem.compactness,
        )
        self.batch = max(1, problem.k // 4)  # moves per round, each between other territories
        self.result = RebalanceResult(labels=start)
        self.result.trajectory.append(self._point())

    def _point(self) -> CurvePoint:
        """The trajectory point now: deviation from the plain targets (what a user reads),
        and of the territories without a heavy unit when there are such units."""
        loads = self.state.W
        plain = float(np.abs(loads / self.plain_targets - 1.0).max() * 100)
        point = self.budget.point(plain)
        if self.problem.heavy_units:
            point.rest_max_abs_deviation_pct = rest_deviation(self.problem, loads, self.rest)
        return point

    def step(self) -> None:
        """One round: rank the improving moves that fit the budget and make the best few.

        Sets ``result.stopped_by`` when the run is over.
        """
        res, state = self.result, self.state
        dev = state.dev()
        if self.stop_at_tolerance and np.abs(dev).max() <= self.problem.tolerance:
            res.reached, res.stopped_by = True, "tolerance reached"
            return
        state.round = 0  # a moved unit stays tabu for good: each unit moves at most once
        u, b, s_own, s_to, chains = self._candidates()
        if u.size == 0:
            res.stopped_by = "no move left"
            return
        delta = score_moves(state, u, b, s_own, s_to, self.objective)
        extra = [(self.acc[c].sum(), self.rev[c].sum(), len(c)) for c in chains]
        c_acc, c_rev, c_len = (np.array(x, dtype=float) for x in zip(*extra, strict=True))
        fits = self.budget.allows(self.acc[u] + c_acc, self.rev[u] + c_rev)
        good = np.flatnonzero((delta < -1e-12) & fits)
        if good.size == 0:
            capped = ((delta < -1e-12) & ~fits).any()
            res.stopped_by = "cap reached" if capped else "no improving move"
            return
        # Balance gained per unit of disruption, best first (the greedy knapsack ratio);
        # a chain of zero-weight units taken along costs a little, so direct moves come first.
        cost = self.unit_cost[u[good]] + self.chain_cost * c_len[good]
        good = good[np.argsort(delta[good] / cost, kind="stable")]
        if self._apply_best(good, u, b, chains, dev) == 0:
            res.stopped_by = "no improving move"

    def _candidates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list]:
        """Boundary moves of weighted units, then bridged ones (through zero-weight units of
        their own territory, :func:`~territory_designer.balance.zero_weight.
        bridged_candidates`); with the chain each bridged move takes along."""
        state, p = self.state, self.problem
        u, b, s_own, s_to = candidates(state)
        chains: list[list[int]] = [[] for _ in range(u.size)]
        if not self.zero.any():
            return u, b, s_own, s_to, chains
        not_tabu = state.tabu_until <= state.round
        bu, bb, bchains = bridged_candidates(
            p, self.graph, state.lab, self.zero, self.free & not_tabu
        )
        a = state.lab[bu]
        keep = (state.movable & not_tabu)[bu] & (state.cnt[a] > 1) & ~p.closed[a]
        for i in np.flatnonzero(keep).tolist():
            key = (int(bu[i]), int(bb[i]))
            keep[i] = self.bridge_blocked.get(key, -1) != state.version[a[i]]
        idx = np.flatnonzero(keep)
        g = self.graph
        same = state.lab[g.du] == state.lab[g.dv]
        own = np.bincount(g.du[same], weights=g.dl[same], minlength=p.n)[bu[idx]]
        return (
            np.r_[u, bu[idx]],
            np.r_[b, bb[idx]],
            np.r_[s_own, own],
            np.r_[s_to, np.zeros(idx.size)],
            chains + [bchains[i] for i in idx.tolist()],
        )

    def _shares(self, unit: int, to: int) -> tuple[float, float]:
        """Boundary ``unit`` shares with its own territory and with territory ``to``."""
        sh, lab = self.shared, self.state.lab
        lo, hi = sh.indptr[unit], sh.indptr[unit + 1]
        nbr, length = sh.indices[lo:hi], sh.data[lo:hi]
        return float(length[lab[nbr] == lab[unit]].sum()), float(length[lab[nbr] == to].sum())

    def _apply_best(
        self,
        ranked: np.ndarray,
        u: np.ndarray,
        b: np.ndarray,
        chains: list[list[int]],
        dev: np.ndarray,
    ) -> int:
        """Make up to ``batch`` of the ranked moves, at most one per territory; how many."""
        state = self.state
        busy = np.zeros(self.problem.k, dtype=bool)
        applied = 0
        for i in ranked.tolist():
            uu, bb = int(u[i]), int(b[i])
            aa = int(state.lab[uu])
            if busy[aa] or busy[bb]:
                continue
            carried = self._taken_along(uu, bb, chains[i])
            if carried is None:
                continue
            acc = self.acc[uu] + self.acc[carried].sum()
            rev = self.rev[uu] + self.rev[carried].sum()
            if not self.budget.allows(acc, rev):
                continue
            reason = (
                f"territory {aa} was {dev[aa] * 100:+.1f}% from target, "
                f"territory {bb} {dev[bb] * 100:+.1f}%"
            )
            for x in [*carried, uu]:  # chain first, from the destination outwards
                state.move(x, bb, *self._shares(x, bb))
                state.tabu_until[x] = np.iinfo(np.int64).max
            self._record(uu, aa, bb, reason, carried)
            busy[aa] = busy[bb] = True
            applied += 1
            if applied >= self.batch:
                break
        return applied

    def _taken_along(self, unit: int, to: int, chain: list[int]) -> list[int] | None:
        """The zero-weight units that move with ``unit`` to ``to``: its ``chain``, and any
        piece of zero-weight units the move would cut off (None: the move would split its
        territory's weighted units, or take along a unit barred from ``to``)."""
        state, p = self.state, self.problem
        was = int(state.lab[unit])
        if not chain and can_leave(self.graph, state.lab, unit):
            return []
        cut = split_off(self.graph, state.lab, [*chain, unit], self.zero, self.free)
        if cut is not None and cut:
            ok = p.allowed(np.asarray(cut), np.full(len(cut), to))
            cut = cut if ok.all() else None
        if cut is None:
            if chain:
                self.bridge_blocked[(unit, to)] = int(state.version[was])
            else:
                state.blocked[unit] = state.version[was]
            return None
        return [*chain, *cut]

    def _record(
        self, unit: int, was: int, to: int, reason: str, carried: list[int] | None = None
    ) -> None:
        carried = carried or []
        acc, rev = self.acc[unit], self.rev[unit]
        self.budget.spend(acc, rev)
        weight = float(self.problem.weight[unit])
        self.result.moves.append(Move(unit, was, to, weight, float(acc), float(rev), reason))
        for x in carried:
            self.budget.spend(float(self.acc[x]), float(self.rev[x]), units=0)
            self.result.moves.append(
                Move(
                    x,
                    was,
                    to,
                    0.0,
                    float(self.acc[x]),
                    float(self.rev[x]),
                    f"zero weight: carried along from territory {was} to territory {to} with "
                    "a weighted unit, to keep both territories connected",
                    carried=True,
                )
            )
        self.result.trajectory.append(self._point())


def tradeoff_curve(
    result: RebalanceResult, caps: list[float], by: str = "accounts"
) -> list[tuple[float, CurvePoint]]:
    """Balance reached under each disruption cap, read off a rebalance trajectory.

    Parameters
    ----------
    result : RebalanceResult
        A run made with ``stop_at_tolerance=False`` (or any run: its prefix).
    caps : list of float
        Caps on the moves (``by="units"``) or accounts moved (``by="accounts"``).
    by : {"accounts", "units", "revenue"}
        What the caps limit.

    Returns
    -------
    list of (cap, CurvePoint)
        For each cap, the last point of the trajectory within it: where a run with that
        cap stops, since every move improves the balance as a whole (the spread, even when
        the largest deviation stays put).
    """
    key = {
        "accounts": lambda p: p.accounts_moved,
        "units": lambda p: p.moves,
        "revenue": lambda p: p.revenue_moved,
    }[by]
    out = []
    for cap in caps:
        within = [p for p in result.trajectory if key(p) <= cap + 1e-9]
        out.append((cap, within[-1]))
    return out

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

from territory_designer.balance.graph import Graph, can_leave
from territory_designer.balance.local_search import SearchState, Weights, candidates, score_moves
from territory_designer.balance.problem import ZERO_WEIGHT_FLOOR, BalanceProblem, compute_targets
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


def isolate_heavy_in_plan(problem: BalanceProblem, labels: np.ndarray) -> list[int]:
    """Keep each unit too heavy for the tolerance in its territory and balance the rest.

    A unit heavier than ``(1 + tolerance)`` times its territory's target (Los Angeles
    county under revenue, say) cannot be balanced, and left as it is its deviation is the
    plan's maximum whatever else moves. As a build does
    (:func:`~territory_designer.balance.problem.isolate_heavy_units`), but without moving
    it: the unit is locked in the territory holding it, that territory's target becomes
    the unit's weight (plus what else is locked there), so its other units are pushed out,
    and the other territories of its group are re-targeted to share what is left.
    Heaviest first, re-targeting after each.

    Returns
    -------
    list of int
        The heavy units (also stored in ``problem.heavy_units``).
    """
    heavy: list[int] = []
    heavy_t = np.zeros(problem.k, dtype=bool)
    is_heavy = np.zeros(problem.n, dtype=bool)
    plain = problem.targets.copy()
    lab = np.asarray(labels, dtype=np.int64)
    ok = lab >= 0
    t_of = np.where(ok, lab, 0)
    while True:
        # A second heavy unit in a territory already holding one is judged against the
        # plain target (that territory's own target is now the first unit's weight).
        limit = np.where(heavy_t[t_of], plain[t_of], problem.targets[t_of])
        over = ok & ~is_heavy & (problem.weight > limit * (1 + problem.tolerance))
        if not over.any():
            break
        cand = np.flatnonzero(over)
        u = int(cand[np.argmax(problem.weight[cand])])
        t, g = int(lab[u]), problem.groups[u]
        rest = (problem.territory_group == g) & ~heavy_t
        rest[t] = False
        if not rest.any():
            break
        problem.locked[u] = t
        heavy_t[t] = is_heavy[u] = True
        heavy.append(u)
        kept = problem.locked == t
        problem.targets[t] = max(float(problem.weight[kept].sum()), 1e-12)
        in_g = problem.territory_group == g
        remaining = (
            problem.weight[problem.groups == g].sum() - problem.targets[in_g & heavy_t].sum()
        )
        problem.targets[rest] = np.maximum(
            remaining * problem.shares[rest] / problem.shares[rest].sum(), 1e-12
        )
    problem.heavy_units = heavy
    return heavy


def zero_weight_units(problem: BalanceProblem) -> np.ndarray:
    """Units that carry no weight (only the floor every unit is given): moving them
    changes no territory's balance, so a rebalance never spends a move on them."""
    floor = ZERO_WEIGHT_FLOOR * float(problem.weight.sum()) / max(problem.n, 1)
    return problem.weight <= floor * (1 + 1e-6)


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

    def spend(self, accounts: float, revenue: float) -> None:
        """Count one unit moved with its accounts and revenue."""
        self.units += 1
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
        self.state.movable &= ~zero_weight_units(problem)
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
            dev = np.abs(loads / self.problem.targets - 1.0)[self.rest]
            point.rest_max_abs_deviation_pct = float(dev.max() * 100) if dev.size else 0.0
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
        u, b, s_own, s_to = candidates(state)
        if u.size == 0:
            res.stopped_by = "no move left"
            return
        delta = score_moves(state, u, b, s_own, s_to, self.objective)
        fits = self.budget.allows(self.acc[u], self.rev[u])
        good = np.flatnonzero((delta < -1e-12) & fits)
        if good.size == 0:
            capped = ((delta < -1e-12) & ~fits).any()
            res.stopped_by = "cap reached" if capped else "no improving move"
            return
        # Balance gained per unit of disruption, best first (the greedy knapsack ratio).
        good = good[np.argsort(delta[good] / self.unit_cost[u[good]], kind="stable")]
        if self._apply_best(good, u, b, s_own, s_to, dev) == 0:
            res.stopped_by = "no improving move"

    def _apply_best(
        self,
        ranked: np.ndarray,
        u: np.ndarray,
        b: np.ndarray,
        s_own: np.ndarray,
        s_to: np.ndarray,
        dev: np.ndarray,
    ) -> int:
        """Make up to ``batch`` of the ranked moves, at most one per territory; how many."""
        state = self.state
        busy = np.zeros(self.problem.k, dtype=bool)
        applied = 0
        for i in ranked.tolist():
            uu, bb = int(u[i]), int(b[i])
            aa = int(state.lab[uu])
            if busy[aa] or busy[bb] or not self.budget.allows(self.acc[uu], self.rev[uu]):
                continue
            if not can_leave(self.graph, state.lab, uu):
                state.blocked[uu] = state.version[aa]
                continue
            reason = (
                f"territory {aa} was {dev[aa] * 100:+.1f}% from target, "
                f"territory {bb} {dev[bb] * 100:+.1f}%"
            )
            state.move(uu, bb, float(s_own[i]), float(s_to[i]))
            state.tabu_until[uu] = np.iinfo(np.int64).max
            self._record(uu, aa, bb, reason)
            busy[aa] = busy[bb] = True
            applied += 1
            if applied >= self.batch:
                break
        return applied

    def _record(self, unit: int, was: int, to: int, reason: str) -> None:
        acc, rev = self.acc[unit], self.rev[unit]
        self.budget.spend(acc, rev)
        weight = float(self.problem.weight[unit])
        self.result.moves.append(Move(unit, was, to, weight, float(acc), float(rev), reason))
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

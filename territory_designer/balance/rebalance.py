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
from territory_designer.balance.problem import BalanceProblem
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


@dataclass
class RebalanceResult:
    """Labels after a rebalance, the moves and the balance-versus-disruption trajectory."""

    labels: np.ndarray
    moves: list[Move] = field(default_factory=list)
    trajectory: list[CurvePoint] = field(default_factory=list)
    reached: bool = False
    stopped_by: str = ""
    runtime_s: float = 0.0


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
    n = problem.n
    acc = np.zeros(n) if accounts is None else np.asarray(accounts, dtype=float)
    rev = np.zeros(n) if revenue is None else np.asarray(revenue, dtype=float)
    unit_cost = {"accounts": acc, "revenue": rev, "units": np.ones(n)}[cost]
    unit_cost = unit_cost + 0.02 * max(float(unit_cost.mean()), 1e-9)
    state = SearchState(problem, graph, start)
    tol = problem.tolerance
    obj = Weights(
        alpha=1.0,
        big=100.0,
        tol=0.0 if not stop_at_tolerance else 0.5 * tol,
        lam=0.0002 * problem.compactness,
    )
    res = RebalanceResult(labels=start)
    used = [0, 0.0, 0.0]
    caps = [max_moves, max_accounts, max_revenue]
    dev0 = float(np.abs(state.dev()).max() * 100)
    res.trajectory.append(CurvePoint(0, 0.0, 0.0, dev0))
    batch = max(1, problem.k // 4)
    step = 0
    while True:
        step += 1
        if step % 20 == 0:
            feedback.check_canceled()
            feedback.set_progress(min(95.0, step / 5), "Moving boundary units")
        d = state.dev()
        if stop_at_tolerance and np.abs(d).max() <= tol:
            res.reached, res.stopped_by = True, "tolerance reached"
            break
        state.round = 0  # a moved unit stays tabu for good: each unit moves at most once
        u, b, s_own, s_to = candidates(state)
        if u.size == 0:
            res.stopped_by = "no move left"
            break
        delta = score_moves(state, u, b, s_own, s_to, obj)
        fits = np.ones(u.size, dtype=bool)
        for cap, have, per in zip(caps, used, (np.ones(n), acc, rev), strict=True):
            if cap is not None:
                fits &= have + per[u] <= cap + 1e-9
        good = np.flatnonzero((delta < -1e-12) & fits)
        if good.size == 0:
            res.stopped_by = (
                "cap reached" if ((delta < -1e-12) & ~fits).any() else "no improving move"
            )
            break
        good = good[np.argsort(delta[good] / unit_cost[u[good]], kind="stable")]
        busy = np.zeros(problem.k, dtype=bool)
        applied = 0
        for i in good.tolist():
            uu, bb = int(u[i]), int(b[i])
            aa = int(state.lab[uu])
            if busy[aa] or busy[bb]:
                continue
            if any(
                cap is not None and have + per > cap + 1e-9
                for cap, have, per in zip(caps, used, (1.0, acc[uu], rev[uu]), strict=True)
            ):
                continue
            if not can_leave(graph, state.lab, uu):
                state.blocked[uu] = state.version[aa]
                continue
            da, db = d[aa] * 100, d[bb] * 100
            state.move(uu, bb, float(s_own[i]), float(s_to[i]))
            state.tabu_until[uu] = np.iinfo(np.int64).max
            used[0] += 1
            used[1] += acc[uu]
            used[2] += rev[uu]
            res.moves.append(
                Move(
                    uu,
                    aa,
                    bb,
                    float(problem.weight[uu]),
                    float(acc[uu]),
                    float(rev[uu]),
                    f"territory {aa} was {da:+.1f}% from target, territory {bb} {db:+.1f}%",
                )
            )
            res.trajectory.append(
                CurvePoint(used[0], used[1], used[2], float(np.abs(state.dev()).max() * 100))
            )
            busy[aa] = busy[bb] = True
            applied += 1
            if applied >= batch:
                break
        if applied == 0:
            res.stopped_by = "no improving move"
            break
    res.labels = state.lab.copy()
    res.runtime_s = time.perf_counter() - t0
    return res


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

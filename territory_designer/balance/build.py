"""Build territories from scratch: power-diagram start, contiguity repair, local search.

1. Units too heavy for the tolerance get a territory of their own
   (:func:`territory_designer.balance.problem.isolate_heavy_units`).
2. A capacity-constrained power diagram of the centroids gives balanced, convex cells
   (:mod:`territory_designer.balance.seeding`; Balzer et al. 2009, Hess et al. 1965).
3. Stray pieces of a cell merge into a neighbour; islands stay with the territory whose
   cell covers them, i.e. the nearest one (:func:`~territory_designer.balance.graph.
   repair_contiguity`).
4. Boundary moves with connectivity checks restore the balance, then improve Polsby-Popper
   inside the tolerance band (:mod:`territory_designer.balance.local_search`; Ricca &
   Simeone 2008, Bozkaya et al. 2003).

Deterministic: the seed only drives the k-means++ draw of the starting centres.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from territory_designer.balance.graph import Graph, repair_contiguity
from territory_designer.balance.local_search import SearchState, Weights, optimise
from territory_designer.balance.problem import BalanceProblem, isolate_heavy_units
from territory_designer.balance.quality import lower_bound
from territory_designer.balance.recom import merge_split, plan_key, repair_balance
from territory_designer.balance.seeding import initial_partition
from territory_designer.core.feedback import Feedback


@dataclass
class BuildResult:
    """Labels of a build and how they were reached."""

    labels: np.ndarray
    heavy_units: list[int] = field(default_factory=list)
    rounds: int = 0
    runtime_s: float = 0.0
    lower_bound: float = 0.0


def graph_of(problem: BalanceProblem) -> Graph:
    """The engine's graph for a problem."""
    return Graph(problem.n, problem.ei, problem.ej, problem.elen)


def improve(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    feedback: Feedback,
    progress: tuple[float, float] = (40.0, 100.0),
    kicks: int = 50,
    shape: bool = True,
) -> tuple[np.ndarray, int]:
    """Local search from ``labels``: balance, then compactness inside the tolerance.

    Parameters
    ----------
    problem : BalanceProblem
        Inputs (targets, tolerance, compactness).
    graph : Graph
        Unit graph.
    labels : numpy.ndarray
        Contiguous starting labels.
    feedback : Feedback
        Progress and cancel.
    progress : tuple of float
        Percent range this step reports in.
    kicks : int
        Tabu steps allowed out of local optima per phase.
    shape : bool
        Run the compactness and final balance phases (False: balance only).

    Returns
    -------
    (labels, rounds)
    """
    state = SearchState(problem, graph, labels)
    tol = float(problem.tolerance)
    c = float(np.clip(problem.compactness, 0.0, 1.0))
    lo, hi = progress
    budget = 40 * int(np.sqrt(problem.n)) + 200
    rounds = 0
    phases = [
        ("Balancing territories", Weights(flow=True, lam=0.002 * c)),
        ("Balancing territories", Weights(alpha=1.0, big=400.0, tol=0.4 * tol, lam=0.002 * c)),
    ]
    if shape and c > 0:
        phases.append(
            ("Improving compactness", Weights(alpha=0.05, big=1e4, tol=0.9 * tol, lam=c, hard=True))
        )
    if shape:
        phases.append(
            (
                "Final balance",
                Weights(alpha=1.0, big=400.0, tol=0.4 * tol, lam=0.0005 * c, hard=True),
            )
        )
    for i, (msg, obj) in enumerate(phases):
        feedback.set_progress(lo + (hi - lo) * i / len(phases), msg)
        rounds += optimise(state, obj, budget, feedback.check_canceled, kicks)
    return state.lab, rounds


@dataclass
class Effort:
    """How much search a build may spend (counted in work, never in seconds).

    ``restarts`` independent starts; per start, ``trees`` random spanning trees for the
    merge-split moves and ``rebuilds`` neighbourhood rebuilds for the balance repair. The
    amounts shrink with the number of units so small layers get many restarts and large
    ones stay fast (about 0.5 s for 100 counties, a few seconds for 30,000 ZIP codes).
    """

    restarts: int
    trees: int
    rebuilds: int


def effort_for(n: int, k: int) -> Effort:
    """Search effort for ``n`` units and ``k`` territories (see :class:`Effort`)."""
    restarts = int(np.clip(1200 // max(n, 1), 1, 8))
    trees = int(np.clip(300_000 // max(n, 1), 0, 3000)) + 40 * k
    if n > 10_000:
        trees = 8 * k
    rebuilds = int(np.clip(2 * k, 4, 40))
    return Effort(restarts, trees, rebuilds)


def _rank(problem: BalanceProblem, graph: Graph, labels: np.ndarray) -> tuple[float, float]:
    """Sort key of a candidate plan: excess over the tolerance, then lower mean PP."""
    state = SearchState(problem, graph, labels)
    over = max(float(np.abs(state.dev()).max()) - problem.tolerance, 0.0)
    return (round(over, 4), -float(state.pp().mean()))


def _one_start(
    problem: BalanceProblem,
    graph: Graph,
    feedback: Feedback,
    r: int,
    effort: Effort,
    progress: tuple[float, float],
) -> np.ndarray:
    """One start: initial partition, balance, merge-split shaping, boundary polish."""
    check = feedback.check_canceled
    lo, hi = progress
    labels = initial_partition(problem, graph, feedback, r)
    labels = repair_contiguity(graph, labels, problem.locked < 0, problem.weight, problem.allowed)
    kicks = max(10, 100000 // (problem.n * effort.restarts))
    key = plan_key(problem, graph, labels)
    if key[0] > 0:
        feedback.set_progress(lo, "Balancing territories")
        labels, _ = improve(problem, graph, labels, feedback, (lo, lo), kicks, shape=False)
    if plan_key(problem, graph, labels)[0] > 0:
        labels = repair_balance(
            problem, graph, labels, effort.rebuilds, seed=(problem.seed, r, 1), check=check
        )
    c = float(np.clip(problem.compactness, 0.0, 1.0))
    if c > 0:
        feedback.set_progress(lo + 0.3 * (hi - lo), "Improving compactness")
        labels = merge_split(
            problem,
            graph,
            labels,
            int(effort.trees * min(1.0, 2 * c)),
            seed=(problem.seed, r, 2),
            check=check,
        )
    feedback.set_progress(lo + 0.8 * (hi - lo), "Polishing boundaries")
    polished, _ = improve(problem, graph, labels, feedback, (lo, lo), kicks)
    if plan_key(problem, graph, polished) <= plan_key(problem, graph, labels):
        labels = polished
    return labels


def build_partition(problem: BalanceProblem, feedback: Feedback | None = None) -> BuildResult:
    """Partition the units into ``problem.k`` balanced, contiguous, compact territories.

    Parameters
    ----------
    problem : BalanceProblem
        Inputs; heavy units are isolated in place (``problem.locked``, ``targets``).
    feedback : Feedback, optional
        Progress and cancel; a cancelled run raises ``CanceledError``.

    Returns
    -------
    BuildResult
        Territory index ``0..k-1`` of every unit.
    """
    feedback = feedback or Feedback()
    t0 = time.perf_counter()
    feedback.set_progress(0, "Preparing")
    lb = lower_bound(problem)
    heavy = isolate_heavy_units(problem)
    graph = graph_of(problem)
    effort = effort_for(problem.n, problem.k)
    best, best_key = None, None
    for r in range(effort.restarts):
        feedback.check_canceled()
        lo = 5 + 90 * r / effort.restarts
        feedback.set_progress(lo, "Placing territories")
        labels = _one_start(problem, graph, feedback, r, effort, (lo, lo + 90 / effort.restarts))
        key = _rank(problem, graph, labels)
        if best_key is None or key < best_key:
            best, best_key = labels, key
    feedback.set_progress(100, "Done")
    return BuildResult(best, heavy, effort.restarts, time.perf_counter() - t0, lb)


class TerritoryBuilder:
    """Estimator-style wrapper of :func:`build_partition`.

    Parameters
    ----------
    k : int
        Number of territories.
    tolerance, compactness : float
        See :class:`~territory_designer.balance.problem.BalanceProblem`.
    seed : int
        Random seed.

    Examples
    --------
    >>> builder = TerritoryBuilder(k=4).fit(weight, xy, area, perimeter, ei, ej, elen)
    >>> builder.labels_, builder.report_.max_abs_deviation_pct
    """

    def __init__(self, k: int, tolerance: float = 0.05, compactness: float = 0.5, seed: int = 0):
        self.k, self.tolerance, self.compactness, self.seed = k, tolerance, compactness, seed

    def fit(
        self,
        weight: np.ndarray,
        xy: np.ndarray,
        area: np.ndarray,
        perimeter: np.ndarray,
        ei: np.ndarray,
        ej: np.ndarray,
        elen: np.ndarray,
        feedback: Feedback | None = None,
        **constraints: object,
    ) -> TerritoryBuilder:
        """Build territories; ``constraints`` go to :class:`BalanceProblem` (locks, ...)."""
        from territory_designer.balance.quality import quality_report

        shares = constraints.pop("shares", np.ones(self.k))
        self.problem_ = BalanceProblem(
            weight,
            xy,
            area,
            perimeter,
            ei,
            ej,
            elen,
            self.k,
            shares,
            tolerance=self.tolerance,
            compactness=self.compactness,
            seed=self.seed,
            **constraints,
        )
        result = build_partition(self.problem_, feedback)
        self.labels_ = result.labels
        self.report_ = quality_report(
            self.problem_,
            graph_of(self.problem_),
            result.labels,
            runtime_s=result.runtime_s,
            lb=result.lower_bound,
        )
        return self

"""Thorough mode: keep searching after the usual build and keep the best plan found.

Where units are coarse next to a territory (about ten counties each), a tight balance band
leaves few plans that fit it, and the local moves of a start (merge-split of pairs,
neighbourhood rebuilds, boundary moves) stop at the first plan none of them improves; more
random starts then mostly find plans of the same quality. Thorough mode therefore makes
*continuation runs* (Allgower & Georg 1990, numerical continuation; in districting, the
relaxed-then-tightened population constraint of King, Jacobson & Sewell 2015): a start is
built and annealed in a band several times wider than the tolerance, where compact plans
are easy to reach, and the band is then narrowed step by step down to the tolerance. At each
step pairs of territories out of the narrower band are re-split for the least excess and
the best shapes (:func:`territory_designer.balance.recom.tighten`), then merge-split
descent and iterated local search reshape them inside it. Runs alternate with the usual
fresh starts, each annealed longer, which suit fine units (ZIP codes) better.

A candidate replaces the plan in hand only when it ranks better (excess over the
tolerance, then mean Polsby-Popper) and is no worse than the usual build's plan on its
largest deviation and its least compact territory, so thorough mode never hands back a plan
worse than the usual build on any of the three.

The search stops at a deadline (a :func:`time.perf_counter` value: the plan then depends on
the machine's speed) or after a fixed number of runs (deterministic, for tests).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from territory_designer.balance.graph import Graph, territory_sums
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.recom import (
    iterated_search,
    merge_split,
    plan_key,
    repair_balance,
    tighten,
)
from territory_designer.core.errors import CanceledError
from territory_designer.core.feedback import Feedback

#: Band widths a continuation run passes through, as multiples of the tolerance.
CONTINUATION = (2.5, 1.75, 1.25, 1.0)
#: Iterated-local-search iterations per band step of a continuation run (small layers).
STEP_KICKS = 20


@dataclass(frozen=True)
class PlanFigures:
    """What thorough mode compares plans by."""

    excess: float  # largest excess of a territory over the tolerance
    max_dev: float  # largest |relative deviation|
    mean_pp: float
    min_pp: float

    @classmethod
    def of(cls, problem: BalanceProblem, graph: Graph, labels: np.ndarray) -> PlanFigures:
        """Figures of a labelling."""
        w, a, p = territory_sums(
            problem.weight, problem.area, problem.perimeter, graph, labels, problem.k
        )
        pp = 4.0 * np.pi * a / np.maximum(p, 1e-9) ** 2
        dev = float(np.abs(w / problem.targets - 1.0).max())
        return cls(
            round(max(dev - problem.tolerance, 0.0), 4), dev, float(pp.mean()), float(pp.min())
        )

    def rank(self) -> tuple[float, float]:
        """Sort key: excess over the tolerance, then higher mean PP."""
        return (self.excess, -self.mean_pp)

    def not_worse_than(self, usual: PlanFigures) -> bool:
        """No larger deviation (beyond the tolerance's rounding) and no less compact worst
        territory than ``usual``."""
        return self.max_dev <= max(usual.max_dev, 0.0) + 1e-9 and self.min_pp >= usual.min_pp


@dataclass
class ThoroughResult:
    """Outcome of :func:`thorough_search`."""

    labels: np.ndarray
    runs: int
    note: str
    stopped: bool = False  # cancelled by the user (the best plan so far is kept)


Start = Callable[[BalanceProblem, int], np.ndarray]
Smooth = Callable[[BalanceProblem, np.ndarray, int, tuple[int, ...]], np.ndarray]


def thorough_search(
    problem: BalanceProblem,
    graph: Graph,
    feedback: Feedback,
    best: np.ndarray,
    start: Start,
    smooth: Smooth,
    anneal_steps: int,
    kicks: int,
    deadline: float | None = None,
    runs: int | None = None,
) -> ThoroughResult:
    """Search on from the usual build's plan ``best`` until ``deadline`` or ``runs`` runs.

    Parameters
    ----------
    problem, graph : BalanceProblem, Graph
        The run (heavy units already isolated) and its unit graph.
    feedback : Feedback
        Progress and cancel: a cancel stops the search, which returns the best plan
        found so far (the usual plan at least) and says so in its note.
    best : numpy.ndarray
        The usual build's plan: the reference no result may be worse than.
    start : callable
        ``start(problem, index)`` makes one start on ``problem`` (a wider band allowed).
    smooth : callable
        ``smooth(problem, labels, steps, seed)`` anneals a plan inside ``problem``'s band.
    anneal_steps : int
        The usual build's annealing proposals (fresh starts anneal twice as long).
    kicks : int
        Iterated-local-search iterations per band step of a continuation run.
    deadline : float, optional
        :func:`time.perf_counter` value to stop at; a run is only begun while the time
        left looks enough for one, judged by the slowest run so far.
    runs : int, optional
        Stop after this many runs (a fixed amount of work: deterministic).

    Returns
    -------
    ThoroughResult
    """
    search = ThoroughSearch(problem, graph, best)
    # Runs aim at the usual plan's deviation when it is inside the tolerance, so their
    # plans are never less balanced than it.
    usual_dev = search.usual.max_dev
    target = with_tolerance(problem, min(float(problem.tolerance), usual_dev + 1e-9))
    t_begin = time.perf_counter()
    slowest, stopped = 0.0, False
    while runs is None or search.runs < runs:
        now = time.perf_counter()
        if deadline is not None and now + slowest > deadline:
            break
        if deadline is None and runs is None:
            break
        if feedback.is_canceled():
            stopped = True
            break
        done = search.runs / runs if runs else (now - t_begin) / max(deadline - t_begin, 1e-9)
        feedback.set_progress(96 + 3 * min(done, 1.0), "Searching further (thorough mode)")
        try:
            search.offer(
                _run(
                    target,
                    graph,
                    search.runs,
                    start,
                    smooth,
                    anneal_steps,
                    kicks,
                    feedback.check_canceled,
                )
            )
        except CanceledError:
            stopped = True
            break
        slowest = max(slowest, time.perf_counter() - now)
    note = search.note(time.perf_counter() - t_begin)
    if stopped:
        note += " Stopped by the user: the best plan found so far is kept."
    return ThoroughResult(search.best, search.runs, note, stopped)


def _run(
    problem: BalanceProblem,
    graph: Graph,
    index: int,
    start: Start,
    smooth: Smooth,
    anneal_steps: int,
    kicks: int,
    check: Callable[[], None],
) -> np.ndarray:
    """Run ``index`` of a thorough search: a continuation run or a fresh annealed start."""
    r = 1000 + index
    if index % 2 == 0:
        return continuation(problem, graph, r, start, smooth, anneal_steps, kicks, check)
    return smooth(problem, start(problem, r), 2 * anneal_steps, (problem.seed, r))


class ThoroughSearch:
    """The plan in hand and the usual build's figures it must not fall below."""

    def __init__(self, problem: BalanceProblem, graph: Graph, usual: np.ndarray) -> None:
        self.problem, self.graph = problem, graph
        self.usual = PlanFigures.of(problem, graph, usual)
        self.best, self.best_figures = usual, self.usual
        self.runs = 0
        self.improved = 0

    def offer(self, labels: np.ndarray) -> bool:
        """Count a run's plan and keep it when it is better (see the module docstring)."""
        self.runs += 1
        figures = PlanFigures.of(self.problem, self.graph, labels)
        if figures.rank() < self.best_figures.rank() and figures.not_worse_than(self.usual):
            self.best, self.best_figures = labels, figures
            self.improved += 1
            return True
        return False

    def note(self, spent: float) -> str:
        """What the extra time bought, as a sentence."""
        first, last = self.usual, self.best_figures
        return (
            f"Thorough mode searched {spent:.1f} s more ({self.runs} more starts, half of them "
            f"narrowing a wider band): mean Polsby-Popper {first.mean_pp:.3f} -> "
            f"{last.mean_pp:.3f}, least compact territory {first.min_pp:.3f} -> "
            f"{last.min_pp:.3f}"
            + (", excess over the tolerance removed" if first.excess > 0 == last.excess else "")
            + ("." if self.improved else " (no better plan found).")
        )


def with_tolerance(problem: BalanceProblem, tolerance: float) -> BalanceProblem:
    """A shallow copy of ``problem`` with another tolerance (arrays shared, not copied)."""
    wider = copy.copy(problem)
    wider.tolerance = float(tolerance)
    return wider


def continuation(
    problem: BalanceProblem,
    graph: Graph,
    r: int,
    start: Start,
    smooth: Smooth,
    anneal_steps: int,
    kicks: int,
    check: object = None,
) -> np.ndarray:
    """One continuation run (see the module docstring): start ``r`` built and annealed in
    the widest band of :data:`CONTINUATION`, then the band narrowed step by step."""
    tol = float(problem.tolerance)
    seed = problem.seed
    wide = with_tolerance(problem, CONTINUATION[0] * tol)
    lab = smooth(wide, start(wide, r), anneal_steps, (seed, r, 0))
    for step, factor in enumerate(CONTINUATION[1:], start=1):
        band = with_tolerance(problem, factor * tol)
        lab = tighten(band, graph, lab, seed=(seed, r, step, 1), check=check)
        if plan_key(band, graph, lab)[0] > 0:
            lab = repair_balance(band, graph, lab, 20, seed=(seed, r, step, 2), check=check)
        lab = merge_split(band, graph, lab, 2000, seed=(seed, r, step, 3), check=check)
        if kicks:
            lab = iterated_search(band, graph, lab, kicks, seed=(seed, r, step, 4), check=check)
    return lab

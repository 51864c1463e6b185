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
descent and iterated local search reshape them inside it. Every fourth run is a fresh
start annealed longer, as fine units (ZIP codes) like.

Every territory the runs meet inside the band is pooled, and after each run the best plan
made of pooled territories is solved for exactly
(:mod:`territory_designer.balance.territory_pool`): it joins territories of different
runs that fit together. When it is the best plan so far, iterated local search runs around
it. Time too short for one more run is spent the same way around the best plan.

On small layers of coarse units (:func:`territory_designer.balance.columns.priced`: at
most 400 units, 15 per territory, such as counties) the pool is first filled by *column
generation* (:mod:`territory_designer.balance.columns`): compact territories of positive
reduced cost against the set-partitioning LP, found by beam search. They fit together
badly on their own, so the runs there are *seeded starts*
(:mod:`territory_designer.balance.seeded`: disjoint territories of high LP value kept, the
rest cut and brought into the band), whose territories fill the gaps; after each one the
best cover by the priced territories of least reduced cost and all the runs' territories
is solved exactly. NC counties k = 10: the LP estimate is about 0.43; in 10 s the bench's
problem reaches 0.4248 (the best plan known), other seeds 0.38-0.425 (0.408 on average),
depending on which seeded starts reach the band.

A candidate replaces the plan in hand only when it ranks better (excess over the
tolerance, then mean Polsby-Popper), is no less balanced than the usual build's plan
(runs aim at its largest deviation, and the pool only takes territories inside it; where
territories are priced, the tolerance instead), and
keeps every territory at least :data:`WORST_SHARE` (60 %) of the usual plan's least
compact score. Thorough mode thus trades the least compact territory, within that rule,
for the mean: on NC counties k = 10 the best mean is about 0.41 (LP estimate) if the worst
territory must stay at the usual build's 0.090, about 0.436 at 60 % of it (the same as
with no floor at all), and 0.431 at two thirds. The build's note says what the least
compact territory became.

The search stops at a deadline (a :func:`time.perf_counter` value: the plan then depends on
the machine's speed; a run still going then is dropped) or after a fixed number of runs
(deterministic, for tests). A cancel stops it with the best plan found so far.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from territory_designer.balance.columns import ColumnGeneration, priced
from territory_designer.balance.graph import Graph, territory_sums
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.recom import (
    Visit,
    iterated_search,
    merge_split,
    plan_key,
    repair_balance,
    tighten,
)
from territory_designer.balance.seeded import NOISE, SEEDED, seeded_start
from territory_designer.balance.territory_pool import TerritoryPool, applies
from territory_designer.core.errors import CanceledError
from territory_designer.core.feedback import Feedback

#: Band widths a continuation run passes through, as multiples of the tolerance.
CONTINUATION = (2.5, 1.75, 1.25, 1.0)
#: Every this many runs one is a fresh annealed start instead of a continuation run.
FRESH_EVERY = 4
#: Longest exact cover of pooled territories (seconds; HiGHS stops there).
RECOMBINE_SECONDS = 2.0
#: Seconds before the deadline after which no more polishing is begun.
POLISH_MARGIN = 0.3
#: Thorough mode keeps every territory at least this share of the usual plan's least
#: compact score (Polsby-Popper; see the module docstring).
WORST_SHARE = 0.6
#: Most rounds of column generation (LP and pricing) before the first run.
COLUMN_ROUNDS = 30
#: A seeded start's merge-split descent draws the runs' trees divided by this.
SEEDED_TREES_SHARE = 10
#: Every this many seeded starts one also keeps :data:`KEEP` territories of the best plan
#: found, picked at random (NC counties k = 10, seeds 0-4, 5.7 s of CPU: mean 0.408-0.412
#: with noise 0.6-1.0 on the LP values, 0.407-0.408 with noise 0.3; 0.402 without).
INTENSIFY = 2
#: Territories of the best plan a start seeded around it keeps.
KEEP = 3
#: Share of the time left that column generation may take before the first run.
COLUMN_SHARE = 0.35


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

    def not_worse_than(self, usual: PlanFigures, tolerance: float = 0.0) -> bool:
        """No larger deviation than ``usual``'s or the ``tolerance`` (whichever is
        larger, beyond rounding) and no territory less compact than :data:`WORST_SHARE`
        of ``usual``'s least compact."""
        return (
            self.max_dev <= max(usual.max_dev, tolerance) + 1e-9
            and self.min_pp >= WORST_SHARE * usual.min_pp - 1e-9
        )


@dataclass
class ThoroughResult:
    """Outcome of :func:`thorough_search`."""

    labels: np.ndarray
    runs: int
    note: str
    stopped: bool = False  # cancelled by the user (the best plan so far is kept)
    band: float = 0.0  # deviation plans may reach beyond the usual one's (ThoroughSearch)


@dataclass(frozen=True)
class RunEffort:
    """Work per run, counted in operations (see :class:`territory_designer.balance.build.
    Effort`): annealing proposals, iterated-local-search iterations per band step and the
    spanning trees of the merge-split descent per band step."""

    anneal_steps: int
    kicks: int
    trees: int


#: ``start(problem, index, visit)``: one start on ``problem`` (whose band may be wider),
#: the plans its shaping meets told to ``visit`` (when not None).
Start = Callable[[BalanceProblem, int, Visit | None], np.ndarray]
#: ``smooth(problem, labels, steps, seed)``: a plan annealed inside ``problem``'s band.
Smooth = Callable[[BalanceProblem, np.ndarray, int, tuple[int, ...]], np.ndarray]


@dataclass
class Moves:
    """What a run is made of: the start and annealing of the usual build, the work per
    run, cancel and the pool's ``visit`` (None when there is no pool)."""

    start: Start
    smooth: Smooth
    effort: RunEffort
    check: Callable[[], None]
    visit: Visit | None = None
    #: No merge-split move or iterated-search step takes a territory below this score
    #: (the usual plan's least compact one) unless it was lower already.
    floor: float | None = None
    #: ``finish(labels)``: the usual build's last step (its max-min pass), applied to
    #: each run's plan before it is compared.
    finish: Callable[[np.ndarray], np.ndarray] | None = None


def thorough_search(
    problem: BalanceProblem,
    graph: Graph,
    feedback: Feedback,
    best: np.ndarray,
    moves: Moves,
    deadline: float | None = None,
    runs: int | None = None,
    first_estimate: float = 0.0,
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
    moves : Moves
        The start, annealing and work per run; their cancel checks should raise
        :class:`OutOfTimeError` after ``deadline`` (:class:`RunFeedback`). ``visit`` and
        ``floor`` are set here.
    deadline : float, optional
        :func:`time.perf_counter` value to stop at; a run is only begun while the time
        left looks enough for one, judged by the slowest run so far.
    runs : int, optional
        Stop after this many runs (a fixed amount of work: deterministic).
    first_estimate : float
        Seconds the first run is expected to take: no run is begun that would likely end
        after ``deadline``.

    Returns
    -------
    ThoroughResult
    """
    whole = applies(problem) and priced(problem)
    search = ThoroughSearch(problem, graph, best, whole)
    # Runs aim at the usual plan's deviation when it is inside the tolerance, so their
    # plans are never less balanced than it; on small layers of coarse units (priced
    # territories) they may use the whole tolerance (NC counties k = 10, seed 1: the LP
    # estimate is 0.433 inside 2 %, 0.426 inside the usual plan's 1.82 %).
    usual_dev = max(search.usual.max_dev, search.band)
    target = with_tolerance(problem, min(float(problem.tolerance), usual_dev + 1e-9))
    pool = None
    if applies(problem):
        pool = TerritoryPool(target, usual_dev + 1e-9, WORST_SHARE * search.usual.min_pp, graph)
        pool.add(best)
    moves.visit = None if pool is None else pool.add
    moves.floor = WORST_SHARE * search.usual.min_pp
    t_begin = time.perf_counter()
    slowest, stopped = first_estimate, False
    columns = None
    if pool is not None and priced(problem):
        columns = ColumnGeneration(pool, graph, moves.check)
        until = None
        if deadline is not None:
            until = t_begin + COLUMN_SHARE * max(deadline - t_begin, 0.0)
        try:
            feedback.set_progress(96, "Searching further (thorough mode): pricing territories")
            columns.generate(COLUMN_ROUNDS, until)
            search.priced = len(pool) - len(pool.planned)
            # The best cover by the priced territories and the usual plan's (0.1 s).
            _recombine(search, pool, target, graph, moves, deadline, columns)
        except CanceledError:
            stopped = True
        except OutOfTimeError:
            pass
        # Seeded starts are short: the first one tells how long they take.
        slowest = 0.0
    tried = 0
    while not stopped and (runs is None or tried < runs):
        now = time.perf_counter()
        if deadline is None and runs is None:
            break
        if deadline is not None and now + slowest > deadline:
            break
        if feedback.is_canceled():
            stopped = True
            break
        done = tried / runs if runs else (now - t_begin) / max(deadline - t_begin, 1e-9)
        feedback.set_progress(96 + 3 * min(done, 1.0), "Searching further (thorough mode)")
        tried += 1
        try:
            if columns is None:
                found = _run(target, graph, search.runs, moves)
            else:  # a start seeded from the LP: territories that fit with the priced ones
                rng = np.random.default_rng((problem.seed, 7, tried))
                keep: list[int] = []
                if INTENSIFY and tried % INTENSIFY == 0:
                    own = pool.columns_of(search.best)
                    keep = rng.permutation(own)[: min(KEEP, len(own))].tolist()
                chosen = columns.packing(rng, SEEDED, NOISE, keep)
                found = seeded_start(
                    target,
                    graph,
                    pool,
                    chosen,
                    moves.effort.trees // SEEDED_TREES_SHARE,
                    (problem.seed, 7, tried),
                    moves.check,
                    moves.visit,
                    moves.floor,
                )
                if found is None:  # a start all the same (the runs count starts)
                    search.runs += 1
                    search.failed += 1
                    slowest = max(slowest, time.perf_counter() - now)
                    continue
            if moves.finish is not None and columns is None:
                found = moves.finish(found)
            search.offer(found)
            if pool is not None:
                pool.add(found)
                _recombine(search, pool, target, graph, moves, deadline, columns)
        except CanceledError:
            stopped = True
            break
        except OutOfTimeError:
            break
        slowest = max(slowest, time.perf_counter() - now)
    if deadline is not None and not stopped and moves.effort.kicks:
        stopped = _polish_best(search, target, graph, moves, deadline)
    note = search.note(time.perf_counter() - t_begin)
    if stopped:
        note += " Stopped by the user: the best plan found so far is kept."
    return ThoroughResult(search.best, search.runs, note, stopped, search.band)


class OutOfTimeError(Exception):
    """The deadline passed during a run: the run is dropped, the best plan kept."""


class RunFeedback(Feedback):
    """What a run reports to: the build's cancel, and a stop at ``deadline`` (a
    :func:`time.perf_counter` value, or None); its progress stays the search's own."""

    def __init__(self, build: Feedback, deadline: float | None) -> None:
        super().__init__()
        self.build, self.deadline = build, deadline

    def set_progress(self, percent: float, message: str | None = None) -> None:
        """Ignored: :func:`thorough_search` reports the progress of the runs."""

    def cancel(self) -> None:
        """Cancel the build."""
        self.build.cancel()

    def is_canceled(self) -> bool:
        """Whether the build was cancelled."""
        return self.build.is_canceled()

    def check_canceled(self) -> None:
        """Raise ``CanceledError`` after a cancel, :class:`OutOfTimeError` after the deadline."""
        self.build.check_canceled()
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise OutOfTimeError


def _run(problem: BalanceProblem, graph: Graph, index: int, moves: Moves) -> np.ndarray:
    """Run ``index`` of a thorough search: a continuation run or a fresh annealed start."""
    r = 1000 + index
    if index % FRESH_EVERY != FRESH_EVERY - 1:
        return continuation(problem, graph, r, moves)
    started = moves.start(problem, r, None)
    return moves.smooth(problem, started, 2 * moves.effort.anneal_steps, (problem.seed, r))


def _recombine(
    search: ThoroughSearch,
    pool: TerritoryPool,
    problem: BalanceProblem,
    graph: Graph,
    moves: Moves,
    deadline: float | None,
    columns: ColumnGeneration | None = None,
) -> None:
    """Offer the best plan made of pooled territories (with ``columns``: of the pooled
    territories of least reduced cost and the plan in hand); when it is the best so far,
    search around it (iterated local search, its territories pooled too) and offer that."""
    seconds = RECOMBINE_SECONDS
    if deadline is not None:
        seconds = min(seconds, deadline - time.perf_counter())
    if seconds <= 0:
        return
    if columns is None:
        cover = pool.best_cover(seconds)
    else:
        columns.solve_lp()
        cover = columns.restricted_cover(pool.columns_of(search.best), seconds)
    if cover is None or not search.offer(cover, recombined=True):
        return
    if moves.effort.kicks and columns is None:  # priced: the next start is worth more
        around = iterated_search(
            problem,
            graph,
            cover,
            moves.effort.kicks,
            seed=(problem.seed, search.runs, 5),
            check=moves.check,
            visit=moves.visit,
            floor=moves.floor,
        )
        search.offer(around, recombined=True)


def _polish_best(
    search: ThoroughSearch,
    problem: BalanceProblem,
    graph: Graph,
    moves: Moves,
    deadline: float,
) -> bool:
    """Spend the time too short for one more run on iterated local search around the
    best plan, a few iterations at a time; returns whether the user cancelled."""
    chunk = max(moves.effort.kicks // 4, 1)
    rounds = 0
    while time.perf_counter() < deadline - POLISH_MARGIN:
        try:
            around = iterated_search(
                problem,
                graph,
                search.best,
                chunk,
                seed=(problem.seed, search.runs, 6, rounds),
                check=moves.check,
                visit=moves.visit,
                floor=moves.floor,
            )
        except CanceledError:
            return True
        except OutOfTimeError:
            return False
        search.offer(around, recombined=True)
        rounds += 1
    return False


class ThoroughSearch:
    """The plan in hand and the usual build's figures it must not fall below."""

    def __init__(
        self, problem: BalanceProblem, graph: Graph, usual: np.ndarray, whole: bool = False
    ) -> None:
        self.problem, self.graph = problem, graph
        #: Deviation a plan may reach even beyond the usual plan's: the tolerance when
        #: ``whole`` (the whole band may be used), else none.
        self.band = float(problem.tolerance) if whole else 0.0
        self.usual = PlanFigures.of(problem, graph, usual)
        self.best, self.best_figures = usual, self.usual
        self.runs = 0
        self.improved = 0
        self.recombined = 0  # improvements by recombination
        self.priced = 0  # territories priced by column generation (0: none)
        self.failed = 0  # seeded starts whose rest could not be brought into the band

    def offer(self, labels: np.ndarray, recombined: bool = False) -> bool:
        """Count a run's plan (not a ``recombined`` one) and keep it when it is better
        (see the module docstring)."""
        self.runs += not recombined
        figures = PlanFigures.of(self.problem, self.graph, labels)
        better = figures.rank() < self.best_figures.rank()
        if better and figures.not_worse_than(self.usual, self.band):
            self.best, self.best_figures = labels, figures
            self.improved += 1
            self.recombined += recombined
            return True
        return False

    def note(self, spent: float) -> str:
        """What the extra time bought, as a sentence."""
        first, last = self.usual, self.best_figures
        runs = (
            f"seeded from the LP over {self.priced:,} priced territories"
            + (f", {self.failed} not brought into the band" if self.failed else "")
            if self.priced
            else "most of them narrowing a wider band"
        )
        worst = ""
        if last.min_pp < first.min_pp - 5e-4:
            worst = (
                f" (thorough mode lets it fall to {WORST_SHARE:.0%} of the usual build's, "
                f"{WORST_SHARE * first.min_pp:.3f}, for a higher mean)"
            )
        return (
            f"Thorough mode searched {spent:.1f} s more ({self.runs} more starts, {runs}"
            + (f"; {self.recombined} better plans recombined" if self.recombined else "")
            + f"): mean Polsby-Popper {first.mean_pp:.3f} -> "
            f"{last.mean_pp:.3f}, least compact territory {first.min_pp:.3f} -> "
            f"{last.min_pp:.3f}{worst}"
            + (", excess over the tolerance removed" if first.excess > 0 == last.excess else "")
            + ("." if self.improved else " (no better plan found).")
        )


def with_tolerance(problem: BalanceProblem, tolerance: float) -> BalanceProblem:
    """A shallow copy of ``problem`` with another tolerance (arrays shared, not copied)."""
    wider = copy.copy(problem)
    wider.tolerance = float(tolerance)
    return wider


def continuation(problem: BalanceProblem, graph: Graph, r: int, moves: Moves) -> np.ndarray:
    """One continuation run (see the module docstring): start ``r`` built and annealed in
    the widest band of :data:`CONTINUATION`, then the band narrowed step by step; the
    plans and moves met are told to ``moves.visit``."""
    tol, seed, effort = float(problem.tolerance), problem.seed, moves.effort
    check, visit = moves.check, moves.visit
    wide = with_tolerance(problem, CONTINUATION[0] * tol)
    lab = moves.smooth(wide, moves.start(wide, r, None), effort.anneal_steps, (seed, r, 0))
    for step, factor in enumerate(CONTINUATION[1:], start=1):
        band = with_tolerance(problem, factor * tol)
        lab = tighten(band, graph, lab, seed=(seed, r, step, 1), check=check, floor=moves.floor)
        if plan_key(band, graph, lab)[0] > 0:
            lab = repair_balance(band, graph, lab, 20, seed=(seed, r, step, 2), check=check)
        lab = merge_split(
            band,
            graph,
            lab,
            effort.trees,
            seed=(seed, r, step, 3),
            check=check,
            visit=visit,
            floor=moves.floor,
        )
        if effort.kicks:
            lab = iterated_search(
                band,
                graph,
                lab,
                effort.kicks,
                seed=(seed, r, step, 4),
                check=check,
                visit=visit,
                floor=moves.floor,
            )
        if visit is not None:
            visit(lab, range(problem.k))
    return moves.smooth(problem, lab, effort.anneal_steps, (seed, r, len(CONTINUATION)))

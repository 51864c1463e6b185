"""Build territories from scratch: tree-cut start, balance repair, shape search, annealing.

Each of several starts (:class:`Effort` decides how many, by layer size) runs:

1. Units too heavy for the tolerance get a territory of their own
   (:func:`territory_designer.balance.problem.isolate_heavy_units`).
2. A start partition: recursive bisection along the best spanning-tree cuts on layers up
   to a few thousand units (balanced even for coarse units such as counties), alternating
   with capacitated k-means cells, straight cuts on larger layers, graph Voronoi cells
   around reps' home bases
   (:mod:`territory_designer.balance.seeding`, :mod:`territory_designer.balance.treecut`;
   Berger & Bokhari 1987, DeFord, Duchin & Solomon 2021, Hess et al. 1965).
3. Stray pieces merge into a neighbour; islands stay with the nearest territory
   (:func:`~territory_designer.balance.graph.repair_contiguity`).
4. Balance: diffusion-flow boundary moves (:mod:`~territory_designer.balance.
   local_search`; Cybenko 1989), then, while a territory is still out of the band,
   rebuilds of its neighbourhood (:func:`~territory_designer.balance.recom.repair_balance`).
5. Shape: merge-split descent over pairs of neighbouring territories and iterated local
   search with neighbourhood rebuilds as kicks (:mod:`territory_designer.balance.recom`;
   Cannon et al. 2022, Lourenco et al. 2003), then boundary moves with Polsby-Popper
   inside the band (Ricca & Simeone 2008; Bozkaya, Erkut & Laporte 2003).

Every start then has its least compact territories raised by max-min merge-splits
(:mod:`territory_designer.balance.worst_territory`); the best start by (excess over the
tolerance, mean plus least Polsby-Popper score) is annealed with single boundary
moves and swaps inside 95 % of the tolerance, no territory falling below the raised
worst score (:mod:`territory_designer.balance.anneal`; Kirkpatrick, Gelatt & Vecchi 1983);
a last, short max-min pass follows.

Deterministic: every random choice comes from generators seeded by ``problem.seed`` and the
start index, and every budget is a count of operations, never a clock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from territory_designer.balance.anneal import anneal, auto_schedule
from territory_designer.balance.graph import Graph, repair_contiguity
from territory_designer.balance.local_search import SearchState, Weights, optimise
from territory_designer.balance.problem import BalanceProblem, isolate_heavy_units
from territory_designer.balance.quality import lower_bound
from territory_designer.balance.recom import (
    Visit,
    iterated_search,
    merge_split,
    plan_key,
    repair_balance,
)
from territory_designer.balance.seeding import initial_partition
from territory_designer.balance.thorough import (
    Moves,
    OutOfTimeError,
    PlanFigures,
    RunEffort,
    RunFeedback,
    ThoroughResult,
    thorough_search,
)
from territory_designer.balance.worst_territory import lift_worst
from territory_designer.core.feedback import Feedback

ANNEAL_BAND = 0.95  # annealing keeps every territory within 95 % of the tolerance
THOROUGH_KICKS = 20  # most iterated-search iterations per band step in thorough mode
#: Units the merge-split descent's spanning trees may span in all (trees x pair size):
#: bounds it on huge layers (1,000 trees at a million units and k = 800, instead of 6,400;
#: no layer below about 156,000 units is affected).
MERGE_SPLIT_UNITS = 2_500_000
#: Most units per territory of a "coarse" layer, whose max-min pass may use the
#: annealing's band (:func:`_lift_band`).
COARSE_UNITS = 30
#: Layers of at most MANY_STARTS_UNITS units with at least MANY_STARTS_SHARE units per
#: territory get :data:`MANY_STARTS` short starts (:func:`effort_for`; measured: on
#: 159 Georgia counties and 195 Albuquerque tracts they lose 6-8 % of the mean score).
MANY_STARTS_UNITS = 120
MANY_STARTS_SHARE = 15
MANY_STARTS = 6


@dataclass
class BuildResult:
    """Labels of a build and how they were reached."""

    labels: np.ndarray
    heavy_units: list[int] = field(default_factory=list)
    rounds: int = 0  # starts made
    runtime_s: float = 0.0
    lower_bound: float = 0.0
    #: Thorough mode (a time limit): what the extra time bought, as a sentence.
    thorough_note: str = ""
    #: Thorough mode was cancelled: the search stopped and kept the best plan so far.
    stopped_by_user: bool = False


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
    lo, hi = progress
    budget = 40 * int(np.sqrt(problem.n)) + 200
    rounds = 0
    phases = _phases(problem, shape)
    for i, (msg, obj) in enumerate(phases):
        feedback.set_progress(lo + (hi - lo) * i / len(phases), msg)
        rounds += optimise(state, obj, budget, feedback.check_canceled, kicks)
    return state.lab, rounds


def _phases(problem: BalanceProblem, shape: bool) -> list[tuple[str, Weights]]:
    """The objectives :func:`improve` descends on in turn, with their progress messages:
    flow and penalty balancing, then (``shape``) compactness inside the band and a final
    balance."""
    tol = float(problem.tolerance)
    c = float(np.clip(problem.compactness, 0.0, 1.0))
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
    return phases


@dataclass
class Effort:
    """How much search a build may spend (counted in work, never in seconds).

    ``restarts`` independent starts; per start, ``trees`` random spanning trees for the
    merge-split descent, ``rebuilds`` neighbourhood rebuilds for the balance repair and
    ``kicks`` iterations of the iterated local search; then ``anneal_steps`` proposals of
    simulated annealing on the best plan. The amounts shrink with the number
    of units so small layers get many restarts and large ones stay fast (about 0.6 s for
    100 counties, under a second for 2,600 ZIP codes, a few seconds for 30,000).
    """

    restarts: int
    trees: int
    rebuilds: int
    kicks: int
    anneal_steps: int
    #: End each start with boundary moves (:func:`improve`); a small layer of many
    #: starts skips them (they improved 2 of 42 starts on NC counties).
    polish: bool = True


def effort_for(n: int, k: int, many_starts: bool = True) -> Effort:
    """Search effort for ``n`` units and ``k`` territories (see :class:`Effort`).

    A small layer with many units per territory (at most :data:`MANY_STARTS_UNITS`
    units, at least :data:`MANY_STARTS_SHARE` per territory) gets :data:`MANY_STARTS`
    short starts instead of two long ones: its starts end in few distinct plans, which
    one is found matters more than a long search around it (NC counties k = 5: least
    compact territory 0.0935 -> 0.0965, mean 0.408 -> 0.414, 1.1 -> 0.6 s of CPU; over
    seeds 0-9 the mean as before, the least compact territory 0.0914 -> 0.0936).
    ``many_starts=False`` gives the two long starts (thorough mode's runs keep them)."""
    restarts = int(np.clip(200 // max(n, 1), 1, 2))
    trees = int(np.clip(40 * k, 200, 2000)) if n <= 10_000 else 8 * k
    if n > 10_000:  # each tree spans a merged pair, about 2 n / k units
        trees = min(trees, max(8, int(MERGE_SPLIT_UNITS * k / (2 * n))))
    rebuilds = int(np.clip(2 * k, 4, 40))
    kicks = int(np.clip(8_000 // max(n, 1), 0, 80)) // restarts
    anneal_steps = int(np.clip(40 * n, 20_000, 1_000_000))
    if many_starts and MANY_STARTS_SHARE * k <= n <= MANY_STARTS_UNITS:
        return Effort(MANY_STARTS, trees // 2, rebuilds, 3, anneal_steps, polish=False)
    return Effort(restarts, trees, rebuilds, kicks, anneal_steps)


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
    visit: Visit | None = None,
) -> np.ndarray:
    """One start: initial partition, balance, merge-split shaping, boundary polish (the
    plans and moves of the shaping told to ``visit``)."""
    check = feedback.check_canceled
    lo, hi = progress
    labels = initial_partition(problem, graph, feedback, r)
    labels = repair_contiguity(graph, labels, problem.locked < 0, problem.weight, problem.allowed)
    kicks = int(np.clip(100000 // (problem.n * effort.restarts), 10, 50))
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
            visit=visit,
        )
        if effort.kicks:
            feedback.set_progress(lo + 0.5 * (hi - lo), "Improving compactness")
            labels = iterated_search(
                problem,
                graph,
                labels,
                effort.kicks,
                seed=(problem.seed, r, 3),
                check=check,
                visit=visit,
            )
    if not effort.polish:
        return labels
    feedback.set_progress(lo + 0.8 * (hi - lo), "Polishing boundaries")
    polished, _ = improve(problem, graph, labels, feedback, (lo, lo), kicks)
    if plan_key(problem, graph, polished) <= plan_key(problem, graph, labels):
        labels = polished
    return labels


def build_partition(
    problem: BalanceProblem,
    feedback: Feedback | None = None,
    time_limit: float | None = None,
    thorough_runs: int | None = None,
) -> BuildResult:
    """Partition the units into ``problem.k`` balanced, contiguous, compact territories.

    Parameters
    ----------
    problem : BalanceProblem
        Inputs; heavy units are isolated in place (``problem.locked``, ``targets``).
    feedback : Feedback, optional
        Progress and cancel; a cancelled run raises ``CanceledError``.
    time_limit : float, optional
        Thorough mode: after the usual search, keep searching (:mod:`territory_designer.
        balance.thorough`) until this many seconds have passed since the call, and return
        the best plan found: never worse than the usual one on mean Polsby-Popper or
        largest deviation, with every territory at least
        :data:`~territory_designer.balance.thorough.WORST_SHARE` (60 %) of the usual
        plan's least compact score (the least compact territory is traded for the mean
        within that rule, and the note says what it became). The result then depends on
        the machine's speed.
    thorough_runs : int, optional
        Thorough mode for a fixed amount of work: this many runs (deterministic; with
        ``time_limit`` too, whichever ends first).

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
    c = float(np.clip(problem.compactness, 0.0, 1.0))
    best, best_key, starts, floor = _best_start(problem, graph, feedback, effort, lift=c > 0)
    if c > 0 and effort.anneal_steps:
        feedback.set_progress(96, "Smoothing boundaries")
        steps = int(effort.anneal_steps * min(1.0, 2 * c))
        annealed = _smooth(problem, graph, best, steps, feedback, floor=floor)
        if _rank(problem, graph, annealed) <= best_key:
            best = annealed
    note, stopped = "", False
    deadline = None if time_limit is None else t0 + time_limit
    if c > 0:  # the annealing may leave room to raise the worst territory again
        best = _lift_again(problem, graph, best, feedback)
    if thorough_runs or (deadline is not None and time.perf_counter() < deadline):
        usual = best  # what the usual build returns: the reference of thorough mode
        found = _thorough(
            problem,
            graph,
            feedback,
            effort,
            best,
            (deadline, time.perf_counter() - t0),
            thorough_runs,
        )
        best, note, stopped = found.labels, found.note, found.stopped
        starts += found.runs
        if c > 0 and not stopped and best is not usual:
            # The max-min pass again, kept only when it costs no mean compactness; it
            # stops at the deadline too (the plan in hand is then kept).
            try:
                lifted = _lift_again(problem, graph, best, RunFeedback(feedback, deadline))
            except OutOfTimeError:
                lifted = best
            after = PlanFigures.of(problem, graph, lifted)
            if after.rank() <= PlanFigures.of(problem, graph, best).rank() and (
                after.not_worse_than(PlanFigures.of(problem, graph, usual), found.band)
            ):
                best = lifted
    elif deadline is not None:
        note = (
            f"Thorough mode: the usual build took {time.perf_counter() - t0:.1f} s of the "
            f"{time_limit:g} s limit, which left no time to search further."
        )
    feedback.set_progress(100, "Done")
    return BuildResult(best, heavy, starts, time.perf_counter() - t0, lb, note, stopped)


def _lift_again(
    problem: BalanceProblem, graph: Graph, labels: np.ndarray, feedback: Feedback
) -> np.ndarray:
    """The build's last step: one more max-min pass on the least compact territory."""
    check = feedback.check_canceled
    lifted, _ = lift_worst(problem, graph, labels, (problem.seed, 96), check, tries=1, slack=0.02)
    return lifted


def _thorough(
    problem: BalanceProblem,
    graph: Graph,
    feedback: Feedback,
    effort: Effort,
    best: np.ndarray,
    deadline: tuple[float | None, float],
    runs: int | None = None,
) -> ThoroughResult:
    """Keep searching until ``deadline[0]`` (a :func:`time.perf_counter` value) or for
    ``runs`` runs (:func:`territory_designer.balance.thorough.thorough_search`);
    ``deadline[1]`` is the usual build's time, from which a run's length is guessed.
    Runs search long (two long starts' effort) even where the build made many short ones."""
    if effort.restarts > 2:
        effort = effort_for(problem.n, problem.k, many_starts=False)
    runs_feedback = RunFeedback(feedback, deadline[0])  # a run still going stops there

    def start(p: BalanceProblem, r: int, visit: Visit | None = None) -> np.ndarray:
        return _one_start(p, graph, runs_feedback, r, effort, (96.0, 96.0), visit)

    def smooth(p: BalanceProblem, labels: np.ndarray, steps: int, seed: tuple) -> np.ndarray:
        # The annealing keeps the floor the search sets (the usual plan's worst score).
        return _smooth(p, graph, labels, steps, runs_feedback, seed=seed, floor=moves.floor)

    # Per band step: the iterated search of a start (capped), and on small layers five
    # times a start's merge-split trees (no more than 2,000).
    kicks = min(effort.kicks, THOROUGH_KICKS)
    trees = min(5 * effort.trees, 2000) if problem.n <= 1000 else effort.trees
    moves = Moves(
        start, smooth, RunEffort(effort.anneal_steps, kicks, trees), runs_feedback.check_canceled
    )
    if problem.compactness > 0:
        moves.finish = lambda labels: _lift_again(problem, graph, labels, runs_feedback)
    return thorough_search(
        problem, graph, feedback, best, moves, deadline[0], runs, first_estimate=1.5 * deadline[1]
    )


def _best_start(
    problem: BalanceProblem, graph: Graph, feedback: Feedback, effort: Effort, lift: bool = False
) -> tuple[np.ndarray, tuple[float, float], int, float | None]:
    """The best of ``effort.restarts`` starts (up to three times as many while none is
    within the tolerance): its labels, its :func:`_rank`, the number of starts made and
    the Polsby-Popper floor later searches keep (None without ``lift``).

    With ``lift``, every start has its least compact territories raised first
    (:func:`~territory_designer.balance.worst_territory.lift_worst`, in the band of
    :func:`_lift_band`) and the starts are ranked by
    :func:`_rank_with_worst`: which start lets the worst territory rise most cheaply
    differs from seed to seed (NC counties k = 10: 0.086 or 0.092 for seed 2)."""
    best, best_key, floor = None, None, None
    r, most = 0, 3 * effort.restarts
    while r < effort.restarts or (r < most and best_key[0] > 0):
        feedback.check_canceled()
        lo = 5 + 90 * min(r / effort.restarts, 0.99)
        span = 90 / effort.restarts if r < effort.restarts else 0.0
        feedback.set_progress(lo, "Placing territories")
        labels = _one_start(problem, graph, feedback, r, effort, (lo, lo + span))
        raised = None
        if lift:
            feedback.set_progress(lo + 0.9 * span, "Raising the least compact territory")
            labels, raised = lift_worst(
                problem,
                graph,
                labels,
                (problem.seed, 98),
                feedback.check_canceled,
                band=_lift_band(problem, graph, labels),
            )
        key = _rank_with_worst(problem, graph, labels) if lift else _rank(problem, graph, labels)
        if best_key is None or key < best_key:
            best, best_key, floor = labels, key, raised
        r += 1
    return best, _rank(problem, graph, best), r, floor


def _lift_band(problem: BalanceProblem, graph: Graph, labels: np.ndarray) -> float | None:
    """Deviation band of the build's max-min pass: on coarse layers (at most
    :data:`COARSE_UNITS` units per territory, such as counties) the plan's own largest
    deviation or the annealing's band (:data:`ANNEAL_BAND` of the tolerance), whichever is
    wider — a county is a large share of a territory, and a tight band leaves the pass few
    cuts (NC counties k = 10, seed 1: worst 0.063 -> 0.099). Finer layers keep the plan's
    own band (None; measured: a wider one lowers the raised worst territory on ZIP codes)."""
    if problem.n > COARSE_UNITS * problem.k:
        return None
    dev = np.abs(SearchState(problem, graph, labels).dev())
    free = ~np.asarray(problem.closed, dtype=bool)
    kept = float(dev[free].max()) if free.any() else 0.0
    return min(float(problem.tolerance), max(kept, ANNEAL_BAND * float(problem.tolerance)))


def _rank_with_worst(
    problem: BalanceProblem, graph: Graph, labels: np.ndarray
) -> tuple[float, float]:
    """Sort key of a raised start: excess over the tolerance, then lower mean plus
    least Polsby-Popper score (a worst territory 0.01 higher is worth a mean 0.01 lower)."""
    state = SearchState(problem, graph, labels)
    over = max(float(np.abs(state.dev()).max()) - problem.tolerance, 0.0)
    pp = state.pp()
    free = ~np.asarray(problem.closed, dtype=bool)
    worst = float(pp[free].min()) if free.any() else float(pp.min())
    return (round(over, 4), -(float(pp.mean()) + worst))


def _smooth(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    steps: int,
    feedback: Feedback,
    seed: tuple[int, ...] | None = None,
    floor: float | None = None,
) -> np.ndarray:
    """Anneal ``labels`` for ``steps`` proposals inside :data:`ANNEAL_BAND` of the band
    (no territory pushed below Polsby-Popper ``floor``)."""
    schedule = auto_schedule(
        problem, graph, labels, steps, hot=0.3, price=(20.0, 500.0), swap_share=0.3
    )
    return anneal(
        problem,
        graph,
        labels,
        schedule,
        seed=(problem.seed, 99) if seed is None else seed,
        check=feedback.check_canceled,
        band=ANNEAL_BAND * problem.tolerance,
        floor=floor,
    )


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

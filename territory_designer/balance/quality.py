"""Quality report of a labelling: balance, contiguity, compactness, disruption.

The figures follow ``shared/bench/score_plan.py``: deviation ``|W_t - target| / target``
(target = the territory's share of its group, i.e. the mean when all capacities are equal),
coefficient of variation ``std / mean`` of load over target, island-aware contiguity
(extra pieces beyond one per graph component a territory touches), Polsby-Popper
``4 pi A / P^2`` of each dissolved territory with ``P = sum of unit perimeters - 2 *
shared internal boundary`` (as :mod:`territory_designer.core.metrics`), and cut edges.
When the tolerance cannot be met the report says why: the heaviest unit over its target
gives a lower bound on the deviation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from territory_designer.balance.graph import Graph, piece_counts
from territory_designer.balance.problem import ZERO_WEIGHT_FLOOR, BalanceProblem
from territory_designer.core.metrics import describe_contiguity


@dataclass
class QualityReport:
    """Figures of one engine run (all percentages in %)."""

    territories: int
    max_abs_deviation_pct: float
    min_deviation_pct: float
    max_deviation_pct: float
    cv: float
    contiguous: bool
    noncontiguous: int
    extra_pieces: int
    unassigned: int
    pp_mean: float
    pp_min: float
    cut_edges: int
    tolerance_pct: float
    within_tolerance: bool
    lower_bound_pct: float
    rest_max_abs_deviation_pct: float | None = None
    moved_against: str = ""  # the plan units/accounts/revenue moved are counted against
    units_moved: int = 0
    accounts_moved: float = 0.0
    revenue_moved: float = 0.0
    runtime_s: float = 0.0
    beyond_max_distance: int = 0
    infeasible_reason: str = ""
    notes: list[str] = field(default_factory=list)
    #: Territories in more than one piece, and pieces on islands no plan could join
    #: (``extra_pieces`` are the avoidable ones).
    territories_in_pieces: int = 0
    island_pieces: int = 0

    def contiguity(self) -> str:
        """The plan's contiguity as reports state it."""
        return describe_contiguity(
            self.contiguous, self.territories_in_pieces, self.island_pieces, self.extra_pieces
        )

    def to_dict(self) -> dict:
        """Plain dict (JSON-ready)."""
        return asdict(self)


def pair_territories(
    old: np.ndarray, new: np.ndarray, weight: np.ndarray, fixed: dict[int, int]
) -> dict[int, int]:
    """Which new territory continues which old one.

    A build makes new territories, so "moved" needs to know which new territory
    continues which old one: those in ``fixed`` are given (carried territories, reps
    seeded from their home bases); the others are paired one to one so that the paired
    territories share as much ``weight`` as possible (an assignment problem, Kuhn 1955,
    solved by :func:`scipy.optimize.linear_sum_assignment`). Territories sharing nothing
    stay unpaired.

    Parameters
    ----------
    old : numpy.ndarray
        Territory code per unit in the old plan (-1 unassigned).
    new : numpy.ndarray
        Territory index per unit in the new plan (-1 unassigned).
    weight : numpy.ndarray
        What a pairing should keep together (accounts, say), per unit.
    fixed : dict of int to int
        Old code -> new index pairs decided beforehand.

    Returns
    -------
    dict of int to int
        Old code -> new index.
    """
    old = np.asarray(old, dtype=np.int64)
    new = np.asarray(new, dtype=np.int64)
    pairs = dict(fixed)
    free_old = sorted(set(np.unique(old[old >= 0]).tolist()) - set(pairs))
    free_new = sorted(set(np.unique(new[new >= 0]).tolist()) - set(pairs.values()))
    if free_old and free_new:
        row = {c: i for i, c in enumerate(free_old)}
        col = {c: j for j, c in enumerate(free_new)}
        shared = np.zeros((len(free_old), len(free_new)))
        for o, n_, w in zip(old.tolist(), new.tolist(), weight.tolist(), strict=True):
            if o in row and n_ in col:
                shared[row[o], col[n_]] += w
        for i, j in zip(*linear_sum_assignment(shared, maximize=True), strict=True):
            if shared[i, j] > 0:
                pairs[free_old[i]] = free_new[j]
    return pairs


NOT_REACHED = (
    "Tolerance not reached: units are coarse compared with the target, or the constraints "
    "(locks, groups, distance) leave too few moves."
)


def paired_start(old: np.ndarray, pairs: dict[int, int]) -> np.ndarray:
    """The old labels renumbered by ``pairs`` (old code -> new index), for "moved".

    Units of unpaired old territories, and units the old plan left unassigned, map to -1:
    they count as moved.
    """
    old = np.asarray(old, dtype=np.int64)
    lookup = np.full(max(old.max(initial=-1), max(pairs, default=-1)) + 2, -1, dtype=np.int64)
    for o, n_ in pairs.items():
        lookup[o] = n_
    return np.where(old >= 0, lookup[old], -1)


def lower_bound(problem: BalanceProblem) -> float:
    """Least possible max deviation from granularity: heaviest unit over its best target."""
    free = problem.locked < 0
    if not free.any():
        return 0.0
    worst = 0.0
    for g in np.unique(problem.groups[free]):
        in_g = problem.territory_group == g
        w = problem.weight[free & (problem.groups == g)].max()
        target = (
            problem.weight[problem.groups == g].sum()
            / max(problem.shares[in_g].sum(), 1e-12)
            * problem.shares[in_g].max()
        )
        worst = max(worst, w / max(target, 1e-12) - 1.0)
    return max(worst, 0.0)


def quality_report(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    start: np.ndarray | None = None,
    accounts: np.ndarray | None = None,
    revenue: np.ndarray | None = None,
    runtime_s: float = 0.0,
    pp_edges: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    lb: float | None = None,
    unit_names: np.ndarray | None = None,
) -> QualityReport:
    """Compute the :class:`QualityReport` of ``labels``.

    Parameters
    ----------
    problem : BalanceProblem
        Inputs (weights, shares, groups, tolerance, heavy units).
    graph : Graph
        Contiguity graph.
    labels : numpy.ndarray
        Territory index per unit (-1 unassigned).
    start : numpy.ndarray, optional
        Labels of the plan the run started from (for units/accounts moved).
    accounts, revenue : numpy.ndarray, optional
        Per-unit account counts and revenue (for the amounts moved).
    runtime_s : float
        Engine wall time.
    pp_edges : tuple, optional
        ``(ei, ej, length)`` of all shared boundaries for the perimeters (default: graph).
    lb : float, optional
        Lower bound on the deviation computed before heavy units were isolated.
    unit_names : numpy.ndarray, optional
        Names of the units, for the notes (default: their indices).
    """
    k = problem.k
    ok = labels >= 0
    lab = np.where(ok, labels, 0)
    w = np.where(ok, problem.weight, 0.0)
    totals = np.bincount(lab, weights=w, minlength=k)
    base = compute_plain_targets(problem)
    dev = (totals - base) / base
    # CV of each territory's load relative to its own target, so unequal capacities
    # (a part-time rep) or separate groups do not read as imbalance.
    ratio = totals / base
    mean = ratio.mean()
    edges = pp_edges if pp_edges is not None else (graph.ei, graph.ej, graph.elen)
    pp = _polsby_popper(problem, labels, edges)
    n_pieces, n_comps = piece_counts(graph, labels)
    extra = n_pieces - n_comps
    cut = ok[graph.ei] & ok[graph.ej] & (labels[graph.ei] != labels[graph.ej])
    lbv = lower_bound(problem) if lb is None else lb
    tol = problem.tolerance
    max_abs = float(np.abs(dev).max() * 100) if k else 0.0
    report = QualityReport(
        territories=k,
        max_abs_deviation_pct=max_abs,
        min_deviation_pct=float(dev.min() * 100),
        max_deviation_pct=float(dev.max() * 100),
        cv=float(ratio.std() / mean) if mean > 0 else 0.0,
        contiguous=bool((n_pieces <= 1).all()),
        noncontiguous=int((extra > 0).sum()),
        extra_pieces=int(np.clip(extra, 0, None).sum()),
        unassigned=int((~ok).sum()),
        pp_mean=float(pp.mean()) if pp.size else 0.0,
        pp_min=float(pp.min()) if pp.size else 0.0,
        cut_edges=int(cut.sum()),
        tolerance_pct=tol * 100,
        within_tolerance=max_abs <= tol * 100 + 1e-9,
        lower_bound_pct=lbv * 100,
        runtime_s=runtime_s,
        territories_in_pieces=int((n_pieces > 1).sum()),
        island_pieces=int(np.clip(n_comps - 1, 0, None).sum()),
    )
    _feasibility_notes(problem, labels, totals, lbv, report, unit_names)
    if problem.home is not None and problem.max_distance is not None:
        _distance_notes(problem, labels, report, unit_names)
    if start is not None:
        moved = ok & (start != labels)
        report.units_moved = int(moved.sum())
        if accounts is not None:
            report.accounts_moved = float(accounts[moved].sum())
        if revenue is not None:
            report.revenue_moved = float(revenue[moved].sum())
    return report


def _polsby_popper(
    problem: BalanceProblem,
    labels: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """Polsby-Popper score of every territory holding units; ``edges`` are the shared
    boundaries ``(ei, ej, length)`` taken off the summed unit perimeters."""
    k = problem.k
    ok = labels >= 0
    lab = np.where(ok, labels, 0)
    ei, ej, el = edges
    area = np.bincount(lab, weights=np.where(ok, problem.area, 0), minlength=k)
    perim = np.bincount(lab, weights=np.where(ok, problem.perimeter, 0), minlength=k)
    same = ok[ei] & ok[ej] & (labels[ei] == labels[ej])
    perim -= 2 * np.bincount(lab[ei[same]], weights=el[same], minlength=k)
    used = np.bincount(lab[ok], minlength=k) > 0
    return 4 * np.pi * area[used] / np.maximum(perim[used], 1e-9) ** 2


def _feasibility_notes(
    problem: BalanceProblem,
    labels: np.ndarray,
    totals: np.ndarray,
    lbv: float,
    report: QualityReport,
    unit_names: np.ndarray | None = None,
) -> None:
    """Say why the tolerance is not met: units heavier than a territory may be, or not
    reached (the balance of the rest when heavy units stand alone)."""
    k, tol = problem.k, problem.tolerance
    if problem.heavy_units:
        heavy_t = np.unique(labels[problem.heavy_units])
        rest = np.setdiff1d(np.arange(k), heavy_t)
        report.rest_max_abs_deviation_pct = rest_deviation(problem, totals, rest)
        report.infeasible_reason = (
            f"{len(problem.heavy_units)} unit(s) weigh more than {1 + tol:.2f} x the target "
            f"(the heaviest is {1 + lbv:.2f} x): the tolerance cannot be met. Each holds a "
            "territory with little else (alone, or with the units locked there and those "
            "linking them) and the other territories were balanced to share the rest "
            f"(max deviation {report.rest_max_abs_deviation_pct:.2f} %)."
        )
        if problem.heavy_shared:  # heavy units beside reps' homes
            others = problem.targets[rest].mean() if rest.size else 1.0
            listed = ", ".join(
                f"{unit_names[u] if unit_names is not None else f'unit {u}'} "
                f"{problem.weight[u] / others:.2f} x"
                for u in problem.heavy_shared
            )
            report.notes.append(
                f"{len(problem.heavy_shared)} unit(s) weigh more than the other territories' "
                f"target ({listed}), but every territory holds a locked unit (a rep's home): "
                "each stays with the territory whose locked units are in it or nearest to it, "
                "which keeps little else; the other territories are balanced around them."
            )
        for u, cut in problem.cut_off.items():  # pieces a heavy unit's territory walls in
            names = [str(unit_names[x]) if unit_names is not None else f"unit {x}" for x in cut]
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            heavy = str(unit_names[u]) if unit_names is not None else f"unit {u}"
            report.notes.append(
                f"{shown} ({len(cut)} unit(s)) touch no territory but that of {heavy}, which "
                "holds a unit heavier than a target: they joined it rather than a territory "
                "they do not touch."
            )
        if rest.size and totals[rest].sum() <= ZERO_WEIGHT_FLOOR * totals.sum() * 1.01:
            # Only the floor every unit carries is left: nothing real to share out.
            report.infeasible_reason = (
                f"Only {len(problem.heavy_units)} unit(s) hold any of the weight, fewer than "
                f"the {k} territories: each was given its own territory and the other "
                f"{rest.size} territories hold none (they were split by number of units)."
            )
    elif not report.within_tolerance and lbv > tol:
        report.infeasible_reason = (
            f"The heaviest unit is {1 + lbv:.2f} x the target, so no plan is within "
            f"{tol:.0%} (lower bound {lbv:.1%})."
        )
    elif not report.within_tolerance:
        report.notes.append(NOT_REACHED)


def _distance_notes(
    problem: BalanceProblem,
    labels: np.ndarray,
    report: QualityReport,
    unit_names: np.ndarray | None,
) -> None:
    """Count and name the units beyond the distance limit from their territory's home base."""
    ok = labels >= 0
    own = problem.home_distance()[np.flatnonzero(ok), labels[ok]]
    beyond = np.zeros(problem.n, dtype=bool)
    beyond[ok] = own > problem.max_distance * (1 + 1e-9)
    beyond &= problem.locked < 0  # locked units stay where the planner put them
    report.beyond_max_distance = int(beyond.sum())
    limit = f"{problem.max_distance / 1000:,.4g} km"

    def named(units: np.ndarray) -> str:
        names = [str(unit_names[u]) if unit_names is not None else str(u) for u in units[:5]]
        return ", ".join(names) + (f" and {units.size - 5} more" if units.size > 5 else "")

    far = np.flatnonzero(problem.out_of_range & (problem.locked < 0))
    if far.size:
        report.notes.append(
            f"{far.size} unit(s) lie farther than {limit} from every home base ({named(far)}); "
            "the distance limit was waived for them and each joined a neighbouring territory."
        )
    cut_off = np.flatnonzero(beyond & ~problem.out_of_range)
    if cut_off.size:
        report.notes.append(
            f"{cut_off.size} unit(s) are beyond {limit} from their territory's home base "
            f"({named(cut_off)}): no territory within reach touches them, so contiguity won."
        )


def rest_deviation(problem: BalanceProblem, totals: np.ndarray, rest: np.ndarray) -> float:
    """Max deviation (%) of the territories ``rest`` (indices or mask) from their targets:
    each one's share of what the heavy units' territories leave (``problem.targets`` once
    the heavy units are isolated)."""
    dev = np.abs(totals / problem.targets - 1.0)[rest]
    return float(dev.max() * 100) if dev.size else 0.0


def compute_plain_targets(problem: BalanceProblem) -> np.ndarray:
    """Targets before heavy units were isolated: each territory's share of its group."""
    from territory_designer.balance.problem import compute_targets

    return compute_targets(problem.weight, problem.groups, problem.territory_group, problem.shares)

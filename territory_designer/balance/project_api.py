"""Run the engine on a project: each run returns a NEW plan (a scenario) and its report.

The project is never changed: the caller adds the returned plan (for example with
:class:`territory_designer.core.operations.AddGeneratedPlan`, one undo step). Locked
territories of the active plan are carried over unchanged, and locked units keep their
territory; a rebalance also leaves each rep's home-base unit in the rep's territory.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from territory_designer.balance.build import BuildResult, build_partition, graph_of
from territory_designer.balance.identities import (
    home_units,
    new_territories,
    pair_with_active,
    pairing_note,
    rep_notes,
)
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.project_inputs import (
    carried_territories,
    engine_problem,
    project_quality_report,
    unit_field,
)
from territory_designer.balance.quality import (
    NOT_REACHED,
    QualityReport,
    lower_bound,
    paired_start,
)
from territory_designer.balance.rebalance import RebalanceResult, fill_unassigned, rebalance
from territory_designer.balance.rules_repair import (
    build_groups,
    group_by_parents,
    keep_rules,
    place_built_territories,
    plan_forbidden,
    rule_inputs,
)
from territory_designer.balance.zero_weight import carried_note
from territory_designer.core.accounts import locate_points
from territory_designer.core.criterion import BalanceCriterion
from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.core.plan import Plan, Territory

if TYPE_CHECKING:
    from territory_designer.core.project import Project

__all__ = ["build_plan", "home_units", "rebalance_plan"]


def _unique_name(project: Project, name: str | None, default: str) -> str:
    base = name or default
    out, i = base, 2
    while out in project.plans:
        out, i = f"{base} ({i})", i + 1
    return out


def build_plan(
    project: Project,
    k: int | None = None,
    home_bases: list[tuple[float, float]] | None = None,
    balance_on: str | dict[str, float] | None = None,
    tolerance: float = 0.05,
    within: str | None = None,
    seed: int = 0,
    name: str | None = None,
    compactness: float = 0.5,
    shares: list[float] | None = None,
    max_distance: float | None = None,
    continues: list[int] | None = None,
    keep_identities: bool = False,
    feedback: Feedback | None = None,
    time_limit: float | None = None,
) -> tuple[Plan, QualityReport]:
    """Build a new plan of ``k`` balanced, contiguous, compact territories.

    Parameters
    ----------
    project : Project
        Read only.
    k : int, optional
        Number of territories (default: one per home base).
    home_bases : list of (x, y), optional
        Reps' home bases in the project CRS; each seeds one territory.
    balance_on : str or dict, optional
        A weight field, or ``{field: coefficient}`` (default: the project's balance field).
    tolerance : float
        Allowed deviation from target (0.05 = +/-5 %).
    within : str, optional
        Unit attribute no territory may cross (state, region).
    seed : int
        Random seed; the same inputs and seed give the same plan.
    name : str, optional
        Name of the new plan.
    compactness : float
        0..1, balance-vs-compactness slider.
    shares : list of float, optional
        Relative capacity per territory (0.5 for a part-time rep).
    max_distance : float, optional
        Maximum distance (project units) of a unit from its territory's home base.
    continues : list of int, optional
        Codes of the active plan's territories that the new territories continue, in
        order (the reps whose ``home_bases`` seed them). The report counts units and
        accounts moved against the active plan; without ``continues`` each new territory
        is paired with the active one it shares most accounts with
        (:func:`~territory_designer.balance.quality.pair_territories`).
    keep_identities : bool
        Each new territory takes the id, name, owner, colour, home base and parent of the
        active territory it is paired with, so scenarios stay comparable territory by
        territory (not with ``home_bases``, whose caller knows the reps, nor with
        ``shares``, which are given per new territory).
    feedback : Feedback, optional
        Progress and cancel (``CanceledError``; the project is untouched either way).
    time_limit : float, optional
        Thorough mode: keep searching until this many seconds have passed and keep the
        best plan found (the report's notes say what the extra time bought).

    Returns
    -------
    (Plan, QualityReport)
    """
    t0 = time.perf_counter()
    feedback = feedback or Feedback()
    active = project.plan
    carried, editable = carried_territories(active)
    k = _territory_count(k, home_bases, carried)
    locked, closed, home = _fixed_parts(project, k, carried, editable, home_bases)
    within, max_distance, forbidden = rule_inputs(
        project, within, max_distance if home is not None else None, carried, continues, k
    )
    problem = engine_problem(
        project,
        balance_on,
        k,
        np.ones(k) if shares is None else np.asarray(shares, dtype=float),
        tolerance=tolerance,
        locked=locked,
        closed=closed,
        groups=build_groups(project, within),
        home=home,
        max_distance=max_distance,
        compactness=compactness,
        seed=seed,
        forbidden=forbidden,
    )
    if home is not None:
        _pin_home_units(project, problem, len(carried))
    result = build_partition(problem, feedback, time_limit)
    if not result.stopped_by_user:  # a cancelled thorough search keeps its best plan
        feedback.check_canceled()
    pairs = pair_with_active(project, carried, continues or [], result.labels)
    inherit = {}
    if keep_identities and shares is None and not home_bases:
        inherit = {i: active.territories[c] for c, i in pairs.items() if i >= len(carried)}
    plan = _new_plan(
        project,
        problem,
        result.labels,
        (carried, pairs, inherit),
        home,
        _unique_name(project, name, f"Balanced k={k}"),
        BalanceCriterion.of(balance_on or project.balance_field, tolerance),
        set_targets=shares is not None and isinstance(balance_on, str),
    )
    place_built_territories(project, plan, result.labels)
    rule_notes = keep_rules(project, plan, problem, result)
    runtime_s = time.perf_counter() - t0
    report = _build_report(project, problem, result, pairs, runtime_s, bool(continues), inherit)
    report.notes += rule_notes
    if inherit:
        report.notes += rep_notes(project, plan, inherit)
    if keep_identities and shares is not None and not home_bases:
        report.notes.append(
            "The new territories have new names: capacities are set per new territory."
        )
    return plan, report


def _new_plan(
    project: object,
    problem: BalanceProblem,
    labels: np.ndarray,
    identities: tuple[list[int], dict[int, int], dict[int, Territory]],
    home: np.ndarray | None,
    name: str,
    criterion: BalanceCriterion,
    set_targets: bool,
) -> Plan:
    """The plan a build makes of ``labels``.

    ``identities`` are the carried territory codes, the pairing with the active plan and
    the inherited territories (:func:`build_plan`); ``set_targets`` writes each territory's
    target weight (capacities on a field).
    """
    carried, pairs, inherit = identities
    k = problem.k
    territories = new_territories(project, k, carried, labels, inherit, home)
    if set_targets:
        for i in range(k):
            territories[i].target = float(problem.targets[i])
    codes, territories = _in_plan_order(territories, pairs if inherit else {})
    return Plan(
        name,
        dict(sorted(territories.items())),
        np.where(labels >= 0, codes[np.maximum(labels, 0)], -1).astype(np.int32),
        project.plan.locked_units.copy(),
        criterion=criterion,
    )


def _territory_count(
    k: int | None, home_bases: list[tuple[float, float]] | None, carried: list[int]
) -> int:
    """The number of territories a build makes (carried ones included).

    Raises
    ------
    InputError
        Neither ``k`` nor home bases, or locked territories that leave nothing to build.
    """
    if k is None:
        k = len(home_bases) + len(carried) if home_bases else None
    if k is None:
        raise InputError("Give the number of territories or the reps' home bases.")
    if k <= len(carried):
        raise InputError(f"{len(carried)} locked territories leave nothing to build for k={k}.")
    return k


def _build_report(
    project: object,
    problem: BalanceProblem,
    result: BuildResult,
    pairs: dict[int, int],
    runtime_s: float,
    reps: bool,
    inherit: dict[int, Territory],
) -> QualityReport:
    """The build's quality report, with units and accounts moved counted against the
    active plan (through ``pairs``) when it assigns anything, and a note saying how."""
    active = project.plan
    compared = bool((active.assignment >= 0).any())
    start = paired_start(active.assignment, pairs) if compared else None
    report = project_quality_report(
        project, problem, result.labels, start, runtime_s, result.lower_bound
    )
    if compared:
        report.moved_against = active.name
        report.notes.append(pairing_note(active.name, reps, bool(inherit)))
    if result.thorough_note:
        report.notes.append(result.thorough_note)
    return report


def _in_plan_order(
    territories: dict[int, Territory], pairs: dict[int, int]
) -> tuple[np.ndarray, dict[int, Territory]]:
    """Plan code of each new territory, and the territories by code: in the order of the
    active plan's territories they continue (``pairs``), new ones last."""
    k = len(territories)
    codes = np.arange(k)
    if pairs:
        was = {i: c for c, i in pairs.items()}
        order = sorted(range(k), key=lambda i: (i not in was, was.get(i, 0), i))
        codes[order] = np.arange(k)
        territories = {int(codes[i]): t for i, t in territories.items()}
    return codes, territories


def _fixed_parts(
    project: Project,
    k: int,
    carried: list[int],
    editable: np.ndarray,
    home_bases: list[tuple[float, float]] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """What a build starts from: the locked units' territory index (carried territories
    come first), which territories are closed, and the home bases (carried ones at the
    centre of their units)."""
    active = project.plan
    locked = np.full(len(project.units), -1, dtype=np.int64)
    for i, code in enumerate(carried):
        locked[(active.assignment == code) & ~editable] = i
    closed = np.zeros(k, dtype=bool)
    closed[: len(carried)] = [active.territories[c].locked for c in carried]
    if not home_bases:
        return locked, closed, None
    if len(home_bases) != k - len(carried):
        raise InputError(f"Give one home base per new territory ({k - len(carried)}).")
    carried_xy = [project.units.centroid[locked == i].mean(axis=0) for i in range(len(carried))]
    home = np.array(carried_xy + [tuple(h) for h in home_bases], dtype=float).reshape(k, 2)
    return locked, closed, home


def _pin_home_units(project: Project, problem: BalanceProblem, first: int) -> None:
    """Lock the unit holding each new territory's home base (the nearest unit when none
    does) to that territory, so every phase of the build keeps each rep's home in their
    own territory. A unit already locked or holding an earlier home keeps that lock; one
    outside the territory's "within" group or barred from it by a rule stays free."""
    homes = problem.home[first:]
    units = locate_points(homes, project.units.geometry)
    for j, (unit, xy) in enumerate(zip(units.tolist(), homes, strict=True)):
        t = first + j
        if unit < 0:
            unit = int(np.argmin(np.hypot(*(project.units.centroid - xy).T)))
        if problem.locked[unit] < 0 and problem.allowed(np.array([unit]), np.array([t]))[0]:
            problem.locked[unit] = t


def _rebalance_problem(
    project: object,
    codes: list[int],
    tolerance: float,
    balance_on: str | dict[str, float] | None,
) -> tuple[np.ndarray, BalanceProblem]:
    """The active plan as territory indices in ``codes`` order (-1: unassigned), and the
    engine's problem for rebalancing it.

    Locked units, units of locked territories and each rep's home unit (when in the rep's
    territory) stay put; territories keep their targets as shares when all have one.
    """
    active = project.plan
    index = np.full(max(codes) + 2, -1, dtype=np.int64)
    index[np.asarray(codes)] = np.arange(len(codes))
    start = np.where(active.assignment >= 0, index[active.assignment], -1)
    k = len(codes)
    locked = np.where(active.editable_mask(), -1, start)
    for code, unit in home_units(project, active).items():
        if active.assignment[unit] == code:  # a rep's home stays in their territory
            locked[unit] = index[code]
    targets = [active.territories[c].target for c in codes]
    shares = np.array([t if t else 0.0 for t in targets], dtype=float)
    shares = np.ones(k) if not np.all(shares > 0) else shares
    problem = engine_problem(
        project,
        balance_on,
        k,
        shares,
        tolerance=tolerance,
        locked=np.where(start >= 0, locked, -1),
        closed=np.array([active.territories[c].locked for c in codes]),
        forbidden=plan_forbidden(project, active, codes),
    )
    group_by_parents(project, problem, codes, start)
    return start, problem


def rebalance_plan(
    project: Project,
    max_moves: int | None = None,
    max_accounts_moved: float | None = None,
    max_revenue_moved: float | None = None,
    tolerance: float = 0.05,
    balance_on: str | dict[str, float] | None = None,
    cost: str = "accounts",
    name: str | None = None,
    feedback: Feedback | None = None,
) -> tuple[Plan, QualityReport, RebalanceResult]:
    """Rebalance the active plan with few moves; return a NEW plan, its report and the moves.

    Parameters
    ----------
    project : Project
        Read only; its active plan is the starting point.
    max_moves, max_accounts_moved, max_revenue_moved : optional
        Disruption caps.
    tolerance : float
        Stop once every territory is within this deviation.
    balance_on : str or dict, optional
        As in :func:`build_plan`.
    cost : {"accounts", "revenue", "units"}
        Disruption the moves are ranked by.
    name : str, optional
        Name of the new plan.
    feedback : Feedback, optional
        Progress and cancel.

    Returns
    -------
    (Plan, QualityReport, RebalanceResult)
        Moves and trajectory use territory indices in the order of ``plan.territories``.
    """
    t0 = time.perf_counter()
    feedback = feedback or Feedback()
    active = project.plan
    codes = sorted(active.territories)
    if not codes:
        raise InputError("The active plan has no territory to rebalance.")
    if cost != "units" and unit_field(project, cost) is None:
        raise InputError(f"No {cost} in this project to rank moves by; rank them by units.")
    start, problem = _rebalance_problem(project, codes, tolerance, balance_on)
    graph = graph_of(problem)
    filled = fill_unassigned(graph, start, problem.xy)
    lb = lower_bound(problem)  # before heavy units are locked where they are
    result = rebalance(
        problem,
        graph,
        filled,
        unit_field(project, "accounts"),
        unit_field(project, "revenue"),
        max_moves,
        max_accounts_moved,
        max_revenue_moved,
        cost,
        True,
        feedback,
    )
    feedback.check_canceled()
    plan = active.copy(_unique_name(project, name, f"{active.name} rebalanced"))
    plan.assignment = np.asarray(codes, dtype=np.int32)[result.labels]
    plan.criterion = BalanceCriterion.of(balance_on or project.balance_field, tolerance)
    rule_notes = keep_rules(project, plan, problem, result)
    report = project_quality_report(
        project, problem, result.labels, start, time.perf_counter() - t0, lb
    )
    report.moved_against = active.name
    report.notes += rule_notes
    carried = sum(m.carried for m in result.moves)
    if carried:
        report.notes.append(carried_note(carried, len(result.moves) - carried))
    if NOT_REACHED in report.notes and result.stopped_by == "cap reached":
        report.notes[report.notes.index(NOT_REACHED)] = (
            "Tolerance not reached within the cap on what may move: a higher cap balances "
            "further (see the balance-versus-moves curve)."
        )
    return plan, report, result

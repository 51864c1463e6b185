"""Run the engine on a project: each run returns a NEW plan (a scenario) and its report.

The project is never changed: the caller adds the returned plan (for example with
:class:`territory_designer.core.operations.AddGeneratedPlan`, one undo step). Locked
territories of the active plan are carried over unchanged, and locked units keep their
territory; a rebalance also leaves each rep's home-base unit in the rep's territory.
"""

from __future__ import annotations

import copy
import time
from dataclasses import replace

import numpy as np
import pandas as pd

from territory_designer.balance.build import build_partition, graph_of
from territory_designer.balance.graph import ISLAND_LINK_M, Graph, island_links
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.quality import (
    NOT_REACHED,
    QualityReport,
    pair_territories,
    paired_start,
    quality_report,
)
from territory_designer.balance.rebalance import RebalanceResult, fill_unassigned, rebalance
from territory_designer.core.accounts import locate_points
from territory_designer.core.colors import neighbour_distinct_colors
from territory_designer.core.criterion import BalanceCriterion
from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.core.plan import Plan, Territory


def combined_weight(project: object, balance_on: str | dict[str, float] | None) -> np.ndarray:
    """Per-unit weight: one field, or a weighted sum of fields each taken as a share.

    ``{"workload": 0.6, "revenue": 0.4}`` gives ``0.6 * workload / total workload +
    0.4 * revenue / total revenue``, so fields of different scales mix as intended.
    """
    fields = project.weight_fields
    if balance_on is None:
        balance_on = project.balance_field
    if isinstance(balance_on, str):
        balance_on = BalanceCriterion.of(balance_on, None).weights
    out = np.zeros(len(project.units))
    for name, coef in balance_on.items():
        if name not in fields:
            raise InputError(f"Unknown balancing field {name!r}; choose one of {fields}.")
        col = np.clip(np.nan_to_num(project.weights[:, fields.index(name)]), 0, None)
        total = col.sum()
        if total <= 0:
            raise InputError(
                f"No unit has any {name}: there is nothing to balance on it; choose another field."
            )
        out += coef * (col / total if len(balance_on) > 1 and total > 0 else col)
    return out


def _unit_field(project: object, name: str) -> np.ndarray | None:
    fields = project.weight_fields
    return project.weights[:, fields.index(name)] if name in fields else None


def _problem(
    project: object,
    balance_on: str | dict[str, float] | None,
    k: int,
    shares: np.ndarray,
    **constraints: object,
) -> BalanceProblem:
    """The engine's input for a project: weights, geometry figures and the unit graph.

    The graph is the project's neighbours plus one link from every island to the nearest
    unit of the mainland (:func:`~territory_designer.balance.graph.island_links`).
    """
    ei, ej, el = project.adjacency.contact_edges()
    units = project.units
    li, lj = island_links(units.centroid, ei, ej, constraints.get("groups"))
    if li.size:
        ei, ej, el = np.r_[ei, li], np.r_[ej, lj], np.r_[el, np.full(li.size, ISLAND_LINK_M)]
    return BalanceProblem(
        combined_weight(project, balance_on),
        units.centroid,
        units.area,
        units.perimeter,
        ei,
        ej,
        el,
        k,
        shares,
        **constraints,
    )


def _groups(project: object, within: str | None) -> np.ndarray | None:
    if within is None:
        return None
    attrs = project.units.attributes
    if within not in attrs.columns:
        names = ", ".join(map(str, attrs.columns)) or "none"
        raise InputError(f"No unit attribute {within!r} to stay within (the units have: {names}).")
    codes, _ = pd.factorize(attrs[within].astype(str), sort=True)
    return codes.astype(np.int64)


def _carried(plan: Plan) -> tuple[list[int], np.ndarray]:
    """Codes of territories carried into a new build (locked, or holding locked units)."""
    codes = [c for c, t in plan.territories.items() if t.locked]
    held = np.unique(plan.assignment[plan.locked_units & (plan.assignment >= 0)])
    codes += [int(c) for c in held if int(c) not in codes]
    return sorted(codes), plan.editable_mask()


def _unique_name(project: object, name: str | None, default: str) -> str:
    base = name or default
    out, i = base, 2
    while out in project.plans:
        out, i = f"{base} ({i})", i + 1
    return out


def build_plan(
    project: object,
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

    Returns
    -------
    (Plan, QualityReport)
    """
    t0 = time.perf_counter()
    feedback = feedback or Feedback()
    active = project.plan
    carried, editable = _carried(active)
    if k is None:
        k = len(home_bases) + len(carried) if home_bases else None
    if k is None:
        raise InputError("Give the number of territories or the reps' home bases.")
    if k <= len(carried):
        raise InputError(f"{len(carried)} locked territories leave nothing to build for k={k}.")
    n = len(project.units)
    locked = np.full(n, -1, dtype=np.int64)
    for i, code in enumerate(carried):
        locked[(active.assignment == code) & ~editable] = i
    closed = np.zeros(k, dtype=bool)
    closed[: len(carried)] = [active.territories[c].locked for c in carried]
    home = None
    if home_bases:
        if len(home_bases) != k - len(carried):
            raise InputError(f"Give one home base per new territory ({k - len(carried)}).")
        carried_xy = [project.units.centroid[locked == i].mean(axis=0) for i in range(len(carried))]
        home = np.array(carried_xy + [tuple(h) for h in home_bases], dtype=float).reshape(k, 2)
    problem = _problem(
        project,
        balance_on,
        k,
        np.ones(k) if shares is None else np.asarray(shares, dtype=float),
        tolerance=tolerance,
        locked=locked,
        closed=closed,
        groups=_groups(project, within),
        home=home,
        max_distance=max_distance,
        compactness=compactness,
        seed=seed,
    )
    result = build_partition(problem, feedback)
    feedback.check_canceled()
    pairs = _pairs(project, carried, continues or [], result.labels)
    inherit = {}
    if keep_identities and shares is None and not home_bases:
        inherit = {i: active.territories[c] for c, i in pairs.items() if i >= len(carried)}
    territories = _new_territories(project, k, carried, result.labels, inherit, home)
    if shares is not None and isinstance(balance_on, str):
        for i in range(k):
            territories[i].target = float(problem.targets[i])
    codes = np.arange(k)
    if inherit:  # list the territories in the order of the plan they continue, new ones last
        was = {i: c for c, i in pairs.items()}
        order = sorted(range(k), key=lambda i: (i not in was, was.get(i, 0), i))
        codes[order] = np.arange(k)
        territories = {int(codes[i]): t for i, t in territories.items()}
    plan = Plan(
        _unique_name(project, name, f"Balanced k={k}"),
        dict(sorted(territories.items())),
        np.where(result.labels >= 0, codes[np.maximum(result.labels, 0)], -1).astype(np.int32),
        active.locked_units.copy(),
        criterion=BalanceCriterion.of(balance_on or project.balance_field, tolerance),
    )
    compared = bool((active.assignment >= 0).any())
    start = paired_start(active.assignment, pairs) if compared else None
    report = _report(
        project, problem, result.labels, start, time.perf_counter() - t0, result.lower_bound
    )
    if compared:
        report.moved_against = active.name
        report.notes.append(_pairing_note(active.name, bool(continues), bool(inherit)))
    if inherit:
        report.notes += _rep_notes(project, plan, inherit)
    if keep_identities and shares is not None and not home_bases:
        report.notes.append(
            "The new territories have new names: capacities are set per new territory."
        )
    return plan, report


def _pairing_note(plan_name: str, reps: bool, inherited: bool) -> str:
    if reps:
        how = "each rep's new territory compared with their territory there"
    elif inherited:
        how = (
            "each new territory taking the name, rep and colour of the territory whose rep's "
            "home it holds, or else that it shares most accounts with"
        )
    else:
        how = "each new territory paired with the territory it shares most accounts with"
    return f"Units and accounts moved are counted against the plan '{plan_name}', {how}."


def _pairs(
    project: object, carried: list[int], continues: list[int], labels: np.ndarray
) -> dict[int, int]:
    """Active plan's territory code -> the new territory index continuing it.

    Pairs share as many accounts as possible, and a rep's home base counts for more than
    all of them: the new territory around a rep's home goes to that rep when it can.
    """
    fixed = {c: i for i, c in enumerate(carried)}
    fixed.update({c: len(carried) + j for j, c in enumerate(continues)})
    accounts = _unit_field(project, "accounts")
    kept = np.ones(len(labels)) * 1e-3  # units break ties, and pair account-less layers
    if accounts is not None:
        kept = kept + accounts
    old = project.plan.assignment
    homes = home_units(project, project.plan)
    if homes:  # one extra "unit" per rep: their old territory, their home's new territory
        codes, units = np.array(list(homes)), np.array(list(homes.values()))
        old = np.r_[old, codes]
        labels = np.r_[labels, labels[units]]
        kept = np.r_[kept, np.full(len(units), kept.sum() + 1.0)]
    return pair_territories(old, labels, kept, fixed)


def home_units(project: object, plan: Plan) -> dict[int, int]:
    """Territory code -> the unit holding its home base (the nearest unit when none does)."""
    codes = [c for c, t in sorted(plan.territories.items()) if t.home_base]
    if not codes:
        return {}
    xy = np.array([plan.territories[c].home_base for c in codes], dtype=float)
    units = locate_points(xy, project.units.geometry)
    for i in np.flatnonzero(units < 0):
        units[i] = int(np.argmin(np.hypot(*(project.units.centroid - xy[i]).T)))
    return dict(zip(codes, units.tolist(), strict=True))


def _rep_notes(project: object, plan: Plan, inherit: dict[int, Territory]) -> list[str]:
    """Reps of the active plan left without a territory, or whose home is outside theirs."""
    active = project.plan
    kept = {id(t) for t in inherit.values()}
    dropped = [t for t in active.territories.values() if t.owner and id(t) not in kept]
    notes = []
    if dropped:
        notes.append(
            "Without a territory in the new plan: "
            + ", ".join(f"{t.name} ({t.owner})" for t in dropped)
            + "."
        )
    homes = home_units(project, plan)
    away = [
        f"{t.name} ({t.owner or t.id})"
        for c, t in sorted(plan.territories.items())
        if c in homes and plan.assignment[homes[c]] != c
    ]
    if away:
        notes.append(f"Home base outside its territory: {', '.join(away)}.")
    return notes


def _new_territories(
    project: object,
    k: int,
    carried: list[int],
    labels: np.ndarray,
    inherit: dict[int, Territory],
    home: np.ndarray | None,
) -> dict[int, Territory]:
    """Territories of a build: carried ones as they were, inherited identities, new ones.

    Colours stay where they can (carried, then inherited, unless two neighbours would
    share one); the rest are picked to differ from their neighbours. New territories are
    numbered ``T01``... by position, or, next to inherited ones, with the lowest free
    numbers.
    """
    active = project.plan
    adj = project.adjacency
    colors = neighbour_distinct_colors(
        labels,
        adj.ei,
        adj.ej,
        k,
        fixed={i: active.territories[c].color for i, c in enumerate(carried)},
        preferred={i: t.color for i, t in inherit.items()},
    )
    territories: dict[int, Territory] = {}
    used = {t.id for t in active.territories.values()}  # a new T04 must not pose as the old
    free_numbers = (n for n in range(1, 10_000) if f"T{n:02d}" not in used)
    for i in range(k):
        if i < len(carried):
            territories[i] = copy.deepcopy(active.territories[carried[i]])
        elif i in inherit:
            t = copy.deepcopy(inherit[i])
            territories[i] = replace(t, locked=False, target=None, color=colors[i])
        else:
            number = next(free_numbers) if inherit else i + 1
            territories[i] = Territory(
                id=f"T{number:02d}", name=f"Territory {number:02d}", color=colors[i]
            )
            if home is not None:
                territories[i].home_base = (float(home[i, 0]), float(home[i, 1]))
    _dedupe_ids(territories)
    return territories


def _dedupe_ids(territories: dict[int, Territory]) -> None:
    used: set[str] = set()
    for t in territories.values():
        base, i = t.id, 2
        while t.id in used:
            t.id, i = f"{base}-{i}", i + 1
        used.add(t.id)


def _report(
    project: object,
    problem: BalanceProblem,
    labels: np.ndarray,
    start: np.ndarray | None,
    runtime: float,
    lb: float | None,
) -> QualityReport:
    adj = project.adjacency
    shared = adj.rook_mask()
    # Contiguity as the metrics and reports count it: neighbours only, islands apart.
    contact = Graph(problem.n, *adj.contact_edges())
    return quality_report(
        problem,
        contact,
        labels,
        start,
        _unit_field(project, "accounts"),
        _unit_field(project, "revenue"),
        runtime,
        (adj.ei[shared], adj.ej[shared], adj.length[shared]),
        lb,
        project.units.names,
    )


def rebalance_plan(
    project: object,
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
    if cost != "units" and _unit_field(project, cost) is None:
        raise InputError(f"No {cost} in this project to rank moves by; rank them by units.")
    index = np.full(max(codes) + 2, -1, dtype=np.int64)
    index[np.asarray(codes)] = np.arange(len(codes))
    start = np.where(active.assignment >= 0, index[active.assignment], -1)
    k = len(codes)
    editable = active.editable_mask()
    locked = np.where(editable, -1, start)
    for code, unit in home_units(project, active).items():
        if active.assignment[unit] == code:  # a rep's home stays in their territory
            locked[unit] = index[code]
    closed = np.array([active.territories[c].locked for c in codes])
    targets = [active.territories[c].target for c in codes]
    shares = np.array([t if t else 0.0 for t in targets], dtype=float)
    shares = np.ones(k) if not np.all(shares > 0) else shares
    problem = _problem(
        project,
        balance_on,
        k,
        shares,
        tolerance=tolerance,
        locked=np.where(start >= 0, locked, -1),
        closed=closed,
    )
    graph = graph_of(problem)
    filled = fill_unassigned(graph, start, problem.xy)
    result = rebalance(
        problem,
        graph,
        filled,
        _unit_field(project, "accounts"),
        _unit_field(project, "revenue"),
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
    report = _report(project, problem, result.labels, start, time.perf_counter() - t0, None)
    report.moved_against = active.name
    if NOT_REACHED in report.notes and result.stopped_by == "cap reached":
        report.notes[report.notes.index(NOT_REACHED)] = (
            "Tolerance not reached within the cap on what may move: a higher cap balances "
            "further (see the balance-versus-moves curve)."
        )
    return plan, report, result

"""What a front end needs around the engine: requests, reps' identities, readable moves.

Shared by the command line (``build``/``rebalance``) and the Balance dialog so both give the
same plan for the same choices. Nothing here changes the project: each function returns a
new plan, and the caller adds it (``AddGeneratedPlan``, one undo step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from territory_designer.balance.identities import numbered_slots
from territory_designer.balance.project_api import build_plan, rebalance_plan
from territory_designer.balance.project_inputs import carried_territories
from territory_designer.balance.quality import QualityReport
from territory_designer.balance.rebalance import RebalanceResult, tradeoff_curve
from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.core.plan import Plan, Territory

if TYPE_CHECKING:
    from territory_designer.core.project import Project

BalanceOn = str | dict[str, float] | None
#: Relative capacities: one per territory in build order, or ``{territory id: share}``.
Capacities = list[float] | dict[str, float] | None


@dataclass
class BuildRequest:
    """Choices of a build run (see :func:`territory_designer.balance.project_api.build_plan`).

    ``from_home_bases`` builds one territory per territory of the active plan that has a
    home base, keeping its id, name, owner and colour; otherwise ``k`` territories.
    ``shares`` are relative capacities (0.5 for a part-time rep), as a list in the order of
    :func:`build_slots` or ``{territory id: share}`` (others 1); ``max_distance`` is in
    project units (metres) from the home base, with ``from_home_bases`` only.
    ``keep_identities``: with ``k`` and no capacities, each new territory takes the id,
    name, rep and colour of the active territory whose rep's home it holds, or else that it
    shares most accounts with.
    """

    k: int | None = None
    from_home_bases: bool = False
    balance_on: BalanceOn = None
    tolerance: float = 0.05
    within: str | None = None
    seed: int = 0
    name: str | None = None
    compactness: float = 0.5
    max_distance: float | None = None
    shares: Capacities = None
    keep_identities: bool = True
    #: Thorough mode: seconds to keep searching for a better plan (None: the usual search).
    time_limit: float | None = None


@dataclass
class RebalanceRequest:
    """Choices of a rebalance run (caps None = no cap on that quantity).

    ``rank_by`` is the disruption the moves are ranked by: ``"accounts"``, ``"revenue"`` or
    ``"units"`` (balance gained per account, per unit of revenue or per unit moved).
    """

    max_moves: int | None = None
    max_accounts_moved: float | None = None
    max_revenue_moved: float | None = None
    tolerance: float = 0.05
    balance_on: BalanceOn = None
    name: str | None = None
    rank_by: str = "accounts"


@dataclass
class MoveRow:
    """One rebalance move in the words of the plan (ids and names, not indices)."""

    unit_index: int
    unit_id: str
    unit_name: str
    from_id: str
    from_name: str
    to_id: str
    to_name: str
    accounts: float
    revenue: float
    reason: str
    #: A unit of zero weight carried along with a weighted move (not counted as a move).
    carried: bool = False


@dataclass
class RebalanceOutcome:
    """Everything a rebalance run returns, with the moves made readable."""

    plan: Plan
    report: QualityReport
    result: RebalanceResult
    moves: list[MoveRow]

    def unchanged(self, project: Project) -> bool:
        """True when the run changed nothing: no move and no unassigned unit filled."""
        start = project.plan.assignment  # type: ignore[attr-defined]
        return not self.moves and bool(np.array_equal(self.plan.assignment, start))

    def nothing_done(self, plan_name: str) -> str:
        """Why an :meth:`unchanged` run added no plan, in the planner's words."""
        r = self.report
        if r.within_tolerance:
            return (
                f"Nothing to rebalance: plan '{plan_name}' is already within "
                f"±{r.tolerance_pct:.1f}% (max deviation {r.max_abs_deviation_pct:.2f}%); "
                "no plan was added."
            )
        why = (
            "the caps on what may move allow no move"
            if self.result.stopped_by == "cap reached"
            else "no boundary move improves it without splitting a territory or moving a "
            "locked unit or a rep's home"
        )
        return (
            f"Nothing moved: plan '{plan_name}' is {r.max_abs_deviation_pct:.2f}% from target "
            f"(tolerance ±{r.tolerance_pct:.1f}%), but {why}; no plan was added."
        )


def parse_weights(text: str) -> dict[str, float]:
    """``"workload=0.6,revenue=0.4"`` -> ``{"workload": 0.6, "revenue": 0.4}``."""
    weights: dict[str, float] = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"Weights: {part!r} is not FIELD=NUMBER.") from None
    return weights


def parse_capacities(text: str) -> list[float] | dict[str, float]:
    """``"1,1,0.5"`` -> ``[1.0, 1.0, 0.5]``; ``"T01=0.5,T04=0.75"`` -> ``{"T01": 0.5, ...}``.

    Raises
    ------
    InputError
        A value that is not a number, or ``ID=SHARE`` mixed with bare numbers.
    """
    parts = [part.strip() for part in text.split(",")]
    named = ["=" in part for part in parts]
    if any(named) and not all(named):
        raise InputError("Capacities: give either one number per territory or ID=SHARE pairs.")
    values: dict[str, float] = {}
    for i, part in enumerate(parts):
        key, _, value = part.rpartition("=")
        try:
            values[key.strip() if named[i] else str(i)] = float(value)
        except ValueError:
            raise InputError(f"Capacities: {part!r} is not a number.") from None
    return values if all(named) else list(values.values())


def build_slots(project: Project, request: BuildRequest) -> list[tuple[str, str]]:
    """``(id, name)`` of the territories ``request`` builds, in the engine's order.

    Locked territories of the active plan (carried over unchanged) come first, then the
    reps' territories (``from_home_bases``) or ``T..`` up to ``k``.
    """
    plan = project.plan
    carried, _ = carried_territories(plan)
    k = len(carried) if request.from_home_bases else max(request.k or 0, len(carried))
    fixed = {i: plan.territories[c].id for i, c in enumerate(carried)}
    slots = [
        (tid, plan.territories[carried[i]].name if i in fixed else name)
        for i, (tid, name) in enumerate(numbered_slots(k, fixed))
    ]
    if request.from_home_bases:
        slots += [(t.id, t.name) for t in home_base_reps(plan)]
    return slots


def resolve_shares(project: Project, request: BuildRequest) -> list[float] | None:
    """The request's capacities as one positive share per territory (None: all equal).

    Raises
    ------
    InputError
        Wrong count, unknown territory id, or a value that is not a positive number.
    """
    shares = request.shares
    if shares is None:
        return None
    slots = build_slots(project, request)
    ids = [tid for tid, _ in slots]
    if isinstance(shares, dict):
        unknown = [key for key in shares if key not in ids]
        if unknown:
            raise InputError(
                f"Capacities: no territory {unknown[0]!r} in this build"
                f" (territories: {', '.join(ids)})."
            )
        values = [float(shares.get(tid, 1.0)) for tid in ids]
    else:
        values = [float(v) for v in shares]
        if len(values) != len(ids):
            raise InputError(f"Capacities: give one per territory ({len(ids)}), not {len(values)}.")
    for tid, value in zip(ids, values, strict=True):
        if not (np.isfinite(value) and value > 0):
            raise InputError(f"Capacities: {tid} has {value:g}; each must be above 0.")
    return values


def home_base_reps(plan: Plan) -> list[Territory]:
    """Territories of ``plan`` with a home base, in code order (one rep each).

    Territories a build carries over unchanged (locked, or holding locked units) are left
    out: they keep their units and are not rebuilt from their home base.
    """
    carried, _ = carried_territories(plan)
    return [t for c, t in sorted(plan.territories.items()) if t.home_base and c not in carried]


def _code_of(plan: Plan, territory: Territory) -> int:
    return next(c for c, t in plan.territories.items() if t is territory)


def adopt_reps(plan: Plan, reps: list[Territory]) -> None:
    """Give the last ``len(reps)`` territories of a built ``plan`` the reps' identities.

    The engine numbers new territories ``T01``...; when they were seeded from reps' home
    bases they should keep each rep's id, name, owner and colour (unlocked).
    """
    if not reps:
        return
    for code, rep in zip(sorted(plan.territories)[-len(reps) :], reps, strict=True):
        plan.territories[code] = replace(rep, locked=False, target=plan.territories[code].target)


def build_scenario(
    project: Project, request: BuildRequest, feedback: Feedback | None = None
) -> tuple[Plan, QualityReport]:
    """Run a build for ``request``; the project is not changed.

    Raises
    ------
    InputError
        No territory count, ``from_home_bases`` with no home base in the active plan, or
        capacities that do not fit (see :func:`resolve_shares`).
    """
    reps: list[Territory] = []
    home_bases = None
    if request.from_home_bases:
        reps = home_base_reps(project.plan)
        if not reps:
            raise InputError("No territory of the active plan has a home base.")
        home_bases = [t.home_base for t in reps]
    elif not request.k:
        raise InputError("Give the number of territories or build from the reps' home bases.")
    shares = resolve_shares(project, request)
    balance_on = project.balance_field if request.balance_on is None else request.balance_on
    plan, report = build_plan(
        project,
        k=None if request.from_home_bases else request.k,
        home_bases=home_bases,
        balance_on=balance_on,  # a field name, so capacities also set Territory.target
        tolerance=request.tolerance,
        within=request.within,
        seed=request.seed,
        name=request.name,
        compactness=request.compactness,
        shares=shares,
        max_distance=request.max_distance,
        continues=[_code_of(project.plan, t) for t in reps],
        keep_identities=request.keep_identities,
        feedback=feedback,
        time_limit=request.time_limit,
    )
    adopt_reps(plan, reps)
    return plan, report


def rebalance_scenario(
    project: Project, request: RebalanceRequest, feedback: Feedback | None = None
) -> RebalanceOutcome:
    """Rebalance the active plan for ``request``; the project is not changed."""
    if (
        request.max_moves is None
        and request.max_accounts_moved is None
        and request.max_revenue_moved is None
    ):
        raise InputError("Give a cap on the units, accounts or revenue moved.")
    start = project.plan
    plan, report, result = rebalance_plan(
        project,
        max_moves=request.max_moves,
        max_accounts_moved=request.max_accounts_moved,
        max_revenue_moved=request.max_revenue_moved,
        tolerance=request.tolerance,
        balance_on=request.balance_on,
        cost=request.rank_by,
        name=request.name,
        feedback=feedback,
    )
    return RebalanceOutcome(plan, report, result, describe_moves(project, start, result))


_TERRITORY_REF = re.compile(r"\bterritory (\d+)\b")


def describe_moves(project: Project, start: Plan, result: RebalanceResult) -> list[MoveRow]:
    """The moves of ``result`` with unit ids/names and territory ids/names of ``start``.

    Moves index territories in ``sorted(start.territories)``; the engine's reasons say
    "territory 3", which is rewritten to the territory's name.
    """
    codes = sorted(start.territories)
    terr = [start.territories[c] for c in codes]
    ids, names = project.units.ids, project.units.names

    def name_of(match: re.Match) -> str:
        i = int(match.group(1))
        return terr[i].name if 0 <= i < len(terr) else match.group(0)

    return [
        MoveRow(
            unit_index=int(m.unit),
            unit_id=str(ids[m.unit]),
            unit_name=str(names[m.unit]),
            from_id=terr[m.from_territory].id,
            from_name=terr[m.from_territory].name,
            to_id=terr[m.to_territory].id,
            to_name=terr[m.to_territory].name,
            accounts=float(m.accounts),
            revenue=float(m.revenue),
            reason=_TERRITORY_REF.sub(name_of, m.reason),
            carried=m.carried,
        )
        for m in result.moves
    ]


def balance_curve(
    result: RebalanceResult, fractions: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 1.0)
) -> list[dict[str, float]]:
    """Balance reached for several caps on the units moved (fractions of the run's moves).

    Returns
    -------
    list of dict
        ``max_moves``, ``moves``, ``accounts_moved``, ``revenue_moved`` and
        ``max_abs_deviation_pct`` per cap, fewest moves first.
    """
    if not result.trajectory:
        return []
    total = max(p.moves for p in result.trajectory)
    caps = sorted({max(1, round(total * f)) for f in fractions})
    return [
        {
            "max_moves": cap,
            "moves": p.moves,
            "accounts_moved": float(p.accounts_moved),
            "revenue_moved": float(p.revenue_moved),
            "max_abs_deviation_pct": float(p.max_abs_deviation_pct),
            "rest_max_abs_deviation_pct": p.rest_max_abs_deviation_pct,
        }
        for cap, p in tradeoff_curve(result, caps, by="units")
    ]


def within_candidates(project: Project, max_groups: int = 200) -> list[str]:
    """Text unit attributes fit for "stay within" (2 to ``max_groups`` distinct values)."""
    attrs: pd.DataFrame = project.units.attributes
    out = []
    for col in attrs.columns:
        s = attrs[col]
        text = isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s)
        if text and 2 <= s.nunique(dropna=True) <= min(max_groups, max(2, len(s) // 2)):
            out.append(str(col))
    return out


def trajectory_arrays(result: RebalanceResult) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(moves, accounts moved, max deviation %) along the run, for a chart."""
    t = result.trajectory
    return (
        np.array([p.moves for p in t], dtype=float),
        np.array([float(p.accounts_moved) for p in t], dtype=float),
        np.array([float(p.max_abs_deviation_pct) for p in t], dtype=float),
    )

"""Field workload: hours a year each account and each territory asks of its rep.

Per account (the model of the issue, as field-force sizing books state it)::

    hours = visits per year x (minutes per visit + travel minutes) / 60

Visits and minutes come from the account's own columns when it has them, else from the
template's tables by decile or segment, else from the template's defaults. Travel is
estimated offline: the straight-line distance from the rep's home base to the account,
times a circuity factor (roads are longer than the crow flies; 1.3 by default), at an
average speed (60 km/h by default). It is counted one way per visit: a rep who drives
out to a cluster of accounts pays the way back once for the whole day.

Per territory the routing between accounts is added with the Beardwood-Halton-Hammersley
approximation of the shortest tour through ``n`` points spread over an area ``A``::

    tour length ~ 0.7124 x sqrt(n x A)

(Beardwood, Halton and Hammersley 1959; 0.7124 is the constant estimated by Applegate et
al. for uniformly scattered points). The tour is driven once per visiting cycle (total
visits / accounts, the mean visits per account), times the circuity, at the average speed.
The sum is shown in hours and as a share of a full-time selling year (1,200 hours by
default). The engine balances the per-account part, stored as the account field
``workload_hours`` (:func:`workload_table`, travel from the nearest home base): the
routing term grows with the square root of a territory's accounts and is not a sum over
units.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from territory_designer.core.account_territories import account_codes
from territory_designer.core.operation_base import Operation

if TYPE_CHECKING:
    from territory_designer.core.accounts import AccountTable
    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project

#: Beardwood-Halton-Hammersley constant for a tour through uniformly scattered points.
BHH_CONSTANT = 0.7124
#: Account field the engine balances workload on.
WORKLOAD_FIELD = "workload_hours"
#: Project setting holding the workload parameters (a dict of :class:`WorkloadParameters`).
WORKLOAD_SETTING = "workload"
APPROXIMATION_NOTE = (
    "Travel: straight line from the home base x circuity at the average speed, one way per "
    "visit. Routing: Beardwood-Halton-Hammersley tour 0.7124 x sqrt(accounts x area km2), "
    "x circuity, once per visiting cycle."
)


@dataclass
class WorkloadParameters:
    """How visits, minutes and travel are found.

    Attributes
    ----------
    visits_field, minutes_field : str, optional
        Account columns giving visits per year and minutes per visit (used where a row
        has a number).
    decile_field, segment_field : str, optional
        Account columns whose value picks a row of the tables below.
    visits_by_decile, minutes_by_decile, visits_by_segment, minutes_by_segment : dict
        Visits per year or minutes per visit by decile (``"10"``) or segment (any case).
    default_visits, default_minutes : float
        Used when neither a column nor a table gives a value.
    circuity : float
        Road distance over straight-line distance.
    speed_kmh : float
        Average driving speed.
    full_time_hours : float
        Selling hours of a full-time rep in a year.
    routing : bool
        Add the routing between accounts (Beardwood-Halton-Hammersley) per territory.
    """

    visits_field: str | None = "visits_per_year"
    minutes_field: str | None = "minutes_per_visit"
    decile_field: str | None = "decile"
    segment_field: str | None = "segment"
    visits_by_decile: dict[str, float] = field(default_factory=dict)
    minutes_by_decile: dict[str, float] = field(default_factory=dict)
    visits_by_segment: dict[str, float] = field(default_factory=dict)
    minutes_by_segment: dict[str, float] = field(default_factory=dict)
    default_visits: float = 12.0
    default_minutes: float = 30.0
    circuity: float = 1.3
    speed_kmh: float = 60.0
    full_time_hours: float = 1200.0
    routing: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the project settings."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> WorkloadParameters:
        """Parameters from settings or a template table (unknown keys ignored)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in dict(data or {}).items() if k in known}
        for key in ("visits_by_decile", "minutes_by_decile"):
            if key in values:
                values[key] = {table_key(k): float(v) for k, v in values[key].items()}
        for key in ("visits_by_segment", "minutes_by_segment"):
            if key in values:
                values[key] = {str(k).strip().lower(): float(v) for k, v in values[key].items()}
        return cls(**values)

    def check(self) -> list[str]:
        """Problems with the numbers (empty when usable)."""
        problems = []
        for name in ("circuity", "speed_kmh", "full_time_hours"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                problems.append(f"{name} must be a positive number, not {value!r}")
        for name in ("default_visits", "default_minutes"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                problems.append(f"{name} must be zero or more, not {value!r}")
        return problems


def table_key(value: object) -> str:
    """Key of a decile (``10``, ``10.0``, ``"10"`` -> ``"10"``) or segment cell."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if math.isfinite(value) and float(value) == int(value):
            return str(int(value))
        return str(value)
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text.lower()
    return str(int(number)) if math.isfinite(number) and number == int(number) else text


def workload_parameters(project: Project, **overrides: Any) -> WorkloadParameters:
    """The project's parameters (from its template) with ``overrides`` (None ignored)."""
    data = dict(project.settings.get(WORKLOAD_SETTING) or {})
    data.update({k: v for k, v in overrides.items() if v is not None})
    params = WorkloadParameters.from_dict(data)
    # Accounts imported before the template was applied keep the client's headers
    # ("Rx Decile"): a template field's synonyms find them.
    synonyms = {
        str(f.get("name")): [str(s) for s in f.get("synonyms") or []]
        for f in project.settings.get("template_fields") or []
        if isinstance(f, dict)
    }
    table = project.accounts.table
    for key in ("visits_field", "minutes_field", "decile_field", "segment_field"):
        name = getattr(params, key)
        if name and find_column(table, name) is None:
            found = (find_column(table, s) for s in synonyms.get(name, []))
            setattr(params, key, next((c for c in found if c), name))
    return params


def _squashed(name: object) -> str:
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def find_column(table: pd.DataFrame, name: str | None) -> str | None:
    """The column called ``name``, or written so that case, spaces and punctuation aside
    it is the same (``"Minutes per visit"`` for ``minutes_per_visit``); None if none."""
    if not name:
        return None
    if name in table.columns:
        return name
    wanted = _squashed(name)
    return next((c for c in table.columns if _squashed(c) == wanted), None)


def _numbers(table: pd.DataFrame, column: str | None) -> np.ndarray:
    column = find_column(table, column)
    if column is None:
        return np.full(len(table), np.nan)
    return pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float, copy=True)


def _looked_up(table: pd.DataFrame, column: str | None, lookup: dict[str, float]) -> np.ndarray:
    column = find_column(table, column)
    if column is None or not lookup:
        return np.full(len(table), np.nan)
    # Keyed once per distinct value (ten deciles, a few segments), not once per account.
    codes, uniques = pd.factorize(table[column], use_na_sentinel=True)
    values = np.array([lookup.get(table_key(v), np.nan) for v in uniques], dtype=float)
    out = np.full(len(table), np.nan)
    known = codes >= 0
    out[known] = values[codes[known]]
    return out


def visits_and_minutes(
    table: pd.DataFrame, params: WorkloadParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Visits per year and minutes per visit of each account row.

    A row's own number wins, then the decile table, then the segment table, then the
    default.
    """
    visits = _numbers(table, params.visits_field)
    minutes = _numbers(table, params.minutes_field)
    for column, lookup, target in (
        (params.decile_field, params.visits_by_decile, visits),
        (params.segment_field, params.visits_by_segment, visits),
        (params.decile_field, params.minutes_by_decile, minutes),
        (params.segment_field, params.minutes_by_segment, minutes),
    ):
        missing = ~np.isfinite(target)
        if missing.any():
            target[missing] = _looked_up(table, column, lookup)[missing]
    visits[~np.isfinite(visits)] = params.default_visits
    minutes[~np.isfinite(minutes)] = params.default_minutes
    return np.clip(visits, 0, None), np.clip(minutes, 0, None)


def travel_minutes(distance_m: np.ndarray, params: WorkloadParameters) -> np.ndarray:
    """Driving minutes for straight-line distances in metres (circuity, average speed)."""
    km = np.asarray(distance_m, dtype=float) / 1000.0 * params.circuity
    return km / params.speed_kmh * 60.0


def bhh_tour_km(n: int, area_km2: float) -> float:
    """Beardwood-Halton-Hammersley tour length through ``n`` points over ``area_km2``.

    ``0.7124 * sqrt(n * A)``; zero for fewer than two points.
    """
    if n < 2 or not area_km2 > 0:
        return 0.0
    return BHH_CONSTANT * math.sqrt(n * area_km2)


def _home_distances(
    project: Project, plan: Plan, codes: np.ndarray, nearest_only: bool = False
) -> np.ndarray:
    """Metres from each account to its territory's home base, else (or with
    ``nearest_only``) to the nearest home base of the plan; NaN where the plan has no
    home base or the account no point."""
    xy = project.accounts.xy
    out = np.full(len(xy), np.nan)
    homes = {c: t.home_base for c, t in plan.territories.items() if t.home_base is not None}
    if not homes or not len(xy):
        return out
    bases = np.array(list(homes.values()), dtype=float)
    need = np.ones(len(xy), dtype=bool)
    if not nearest_only:
        home_of = np.full(max(plan.territories, default=-1) + 2, -1)  # slot = code + 1
        for k, code in enumerate(homes):
            home_of[code + 1] = k
        which = home_of[codes + 1]
        own = which >= 0
        out[own] = np.hypot(*(xy[own] - bases[which[own]]).T)
        need = ~own
    # The rest: the nearest home, in blocks of rows (accounts x homes squared distances).
    rows = np.flatnonzero(need)
    for start in range(0, len(rows), 20_000):
        block = xy[rows[start : start + 20_000]]
        d2 = (block[:, 0, None] - bases[None, :, 0]) ** 2
        d2 += (block[:, 1, None] - bases[None, :, 1]) ** 2
        out[rows[start : start + 20_000]] = np.sqrt(d2.min(axis=1))
    return out


def account_workload(
    project: Project,
    plan: Plan | None = None,
    params: WorkloadParameters | None = None,
    nearest_home: bool = False,
) -> pd.DataFrame:
    """Hours a year of each account in ``plan`` (the active plan by default).

    Travel is from the home base of the account's territory, else from the nearest home
    base of the plan; with ``nearest_home`` always from the nearest one.

    Returns
    -------
    pandas.DataFrame
        ``account_id``, ``name``, ``code`` (territory code, -1 unassigned), ``visits``,
        ``minutes``, ``travel_km`` (road estimate, 0 without a home base),
        ``travel_minutes`` and ``hours``.
    """
    plan = plan or project.plan
    params = params or workload_parameters(project)
    table = project.accounts.table
    figures = _account_figures(project, plan, params, nearest_home)
    return pd.DataFrame(
        {
            "account_id": table["account_id"].astype(str).to_numpy(),
            "name": table["name"].astype(str).to_numpy(),
            **figures,
        }
    )


def _account_figures(
    project: Project, plan: Plan, params: WorkloadParameters, nearest_home: bool
) -> dict[str, np.ndarray]:
    """The numeric columns of :func:`account_workload`, as arrays."""
    visits, minutes = visits_and_minutes(project.accounts.table, params)
    codes = account_codes(project, plan)
    distance = np.nan_to_num(_home_distances(project, plan, codes, nearest_home), nan=0.0)
    travel = travel_minutes(distance, params)
    return {
        "code": codes,
        "visits": visits,
        "minutes": minutes,
        "travel_km": distance / 1000.0 * params.circuity,
        "travel_minutes": travel,
        "hours": visits * (minutes + travel) / 60.0,
    }


def territory_workload(
    project: Project, plan: Plan | None = None, params: WorkloadParameters | None = None
) -> pd.DataFrame:
    """Hours a year of each territory of ``plan``, and its share of a full-time year.

    Returns
    -------
    pandas.DataFrame
        One row per territory: ``code``, ``id``, ``name``, ``owner``, ``home_base`` (bool),
        ``accounts``, ``visits``, ``visit_hours``, ``travel_hours``, ``area_km2``,
        ``routing_km`` (one tour), ``routing_hours`` (a year), ``hours`` and ``fte``
        (hours / full-time hours).
    """
    plan = plan or project.plan
    params = params or workload_parameters(project)
    a = _account_figures(project, plan, params, nearest_home=False)
    slots = max(plan.territories, default=-1) + 2  # slot = code + 1; slot 0 unassigned

    def per_territory(weights: np.ndarray | None, index: np.ndarray) -> np.ndarray:
        return np.bincount(index + 1, weights=weights, minlength=slots)

    count = per_territory(None, a["code"])
    visit_sum = per_territory(a["visits"], a["code"])
    visit_h = per_territory(a["visits"] * a["minutes"] / 60.0, a["code"])
    travel_h = per_territory(a["visits"] * a["travel_minutes"] / 60.0, a["code"])
    area = per_territory(np.asarray(project.units.area, dtype=float), plan.assignment) / 1e6
    rows = []
    for code, t in plan.territories.items():
        s = code + 1
        n = int(count[s])
        visits = float(visit_sum[s])
        visit_hours = float(visit_h[s])
        travel_hours = float(travel_h[s])
        area_km2 = float(area[s])
        tour = bhh_tour_km(n, area_km2) * params.circuity if params.routing else 0.0
        cycles = visits / n if n else 0.0
        routing_hours = tour / params.speed_kmh * cycles
        hours = visit_hours + travel_hours + routing_hours
        rows.append(
            {
                "code": code,
                "id": t.id,
                "name": t.name,
                "owner": t.owner,
                "home_base": t.home_base is not None,
                "accounts": n,
                "visits": visits,
                "visit_hours": visit_hours,
                "travel_hours": travel_hours,
                "area_km2": area_km2,
                "routing_km": tour,
                "routing_hours": routing_hours,
                "hours": hours,
                "fte": hours / params.full_time_hours,
            }
        )
    return pd.DataFrame(rows)


def workload_table(
    project: Project, params: WorkloadParameters | None = None, plan: Plan | None = None
) -> AccountTable:
    """The project's accounts with a ``workload_hours`` column: visits, minutes and travel
    per account, travel counted from the nearest home base of ``plan`` (the engine moves
    accounts between reps, so the rep an account will have is not known beforehand, and
    a balanced plan gives most accounts to a near rep). A metric the engine balances like
    any account field."""
    from territory_designer.core.accounts import AccountTable

    plan = plan or project.plan
    params = params or workload_parameters(project)
    hours = _account_figures(project, plan, params, nearest_home=True)["hours"]
    table = project.accounts.table.copy()
    table[WORKLOAD_FIELD] = np.round(hours, 4)
    return AccountTable(table)


class StoreWorkload(Operation):
    """Save workload parameters and each account's hours as ``workload_hours`` (one undo
    step): the field the engine balances workload on."""

    def __init__(self, params: WorkloadParameters, text: str = "Store workload") -> None:
        self.params = params
        self.text = text
        self.old_params: Any = None
        self.replace: Any = None

    def apply(self, project: Project) -> None:
        """Set the parameters, then swap in the accounts with their hours."""
        from territory_designer.core.account_operations import ReplaceAccounts

        self.old_params = project.settings.get(WORKLOAD_SETTING)
        project.settings[WORKLOAD_SETTING] = self.params.to_dict()
        table = workload_table(project, self.params)
        self.replace = ReplaceAccounts(table, project.transactions, self.text)
        self.replace.apply(project)

    def undo(self, project: Project) -> None:
        """Restore the accounts and the parameters."""
        self.replace.undo(project)
        if self.old_params is None:
            project.settings.pop(WORKLOAD_SETTING, None)
        else:
            project.settings[WORKLOAD_SETTING] = self.old_params
        project.events.emit("settings_changed", key=WORKLOAD_SETTING)

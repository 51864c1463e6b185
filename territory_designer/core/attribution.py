"""Which territory (rep, region) each order line counts for.

Two bases, stated with every figure:

* ``"active"``: every line under the active plan, so history reads as if today's plan had
  always been in force (what a re-alignment is judged on);
* ``"in-force"``: each line under the plan in force in its month. Plans get a start date
  with :func:`set_plan_start` (project setting ``plan_start_dates``); a plan takes effect
  from the first day of its start month, lines before the earliest start count under the
  earliest dated plan.

An account's territory is its unit's territory, or its named-account override.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError
from territory_designer.core.history_operations import SetSetting
from territory_designer.core.sales_history import SalesHistory, month_of_date

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan, Territory
    from territory_designer.core.project import Project

#: Project setting: ``{plan name: "YYYY-MM-DD"}``, the day each plan came into force.
PLAN_START_KEY = "plan_start_dates"
BASES = ("active", "in-force")
NO_REP = "(no rep)"


def level_key(level: str) -> str:
    """What a group is called in rows of ``level``: ``territory_id``, ``rep`` or the level's
    own name (``district``, ``region``)."""
    return "territory_id" if level == "territory" else level


def levels_of(project: Project) -> list[str]:
    """Levels figures can be grouped by: territory, rep, then the hierarchy's levels above
    the territories (:func:`territory_designer.core.hierarchy.hierarchy_levels`)."""
    from territory_designer.core.hierarchy import hierarchy_levels

    return ["territory", "rep", *hierarchy_levels(project)[1:]]


@dataclass
class Group:
    """One row key of the figures: a territory, a rep or a region."""

    id: str
    name: str
    reps: int
    #: Territory ids the group holds (under the plans used).
    territories: tuple[str, ...]


@dataclass
class Attribution:
    """Group code per order line (-1: in no territory) and the groups."""

    line_group: np.ndarray
    groups: list[Group]
    level: str
    basis: str
    statement: str
    #: Group code per project account under the active plan (-1: none).
    account_group: np.ndarray


def plan_start_edit(project: Project, plan: str, day: str) -> SetSetting:
    """The edit recording that ``plan`` came into force on ``day`` (ISO date)."""
    if plan not in project.plans:
        raise InputError(f"No plan named {plan!r} (plans: {', '.join(project.plans)}).")
    month_of_date(day)
    dates = dict(project.settings.get(PLAN_START_KEY, {}) or {})
    dates[plan] = day
    return SetSetting(PLAN_START_KEY, dates, f"Start of plan {plan!r}")


def dated_plans(project: Project) -> list[tuple[int, str]]:
    """(start month index, plan name) of plans with a start date, earliest first."""
    dates = project.settings.get(PLAN_START_KEY, {}) or {}
    out = [(month_of_date(d), name) for name, d in dates.items() if name in project.plans]
    return sorted(out)


def _key_of(project: Project, t: Territory, level: str) -> tuple[str, str]:
    from territory_designer.core.hierarchy import chain, hierarchy_levels, node_name

    if level == "territory":
        return t.id, t.name
    if level == "rep":
        owner = (t.owner or "").strip()
        return (owner or NO_REP), (owner or NO_REP)
    node = chain(project, t)[hierarchy_levels(project).index(level) - 1]
    return (node, node_name(project, node)) if node else (f"(no {level})", f"(no {level})")


class _Groups:
    """Group codes handed out as plans are read, with what each group holds."""

    def __init__(self, project: Project, level: str) -> None:
        self.project = project
        self.level = level
        self.code: dict[str, int] = {}
        self.names: list[str] = []
        self.reps: list[set[str]] = []
        self.territories: list[set[str]] = []

    def of_plan(self, plan: Plan) -> dict[int, int]:
        """Plan territory code -> group code."""
        out = {}
        for c, t in plan.territories.items():
            key, name = _key_of(self.project, t, self.level)
            if key not in self.code:
                self.code[key] = len(self.names)
                self.names.append(name)
                self.reps.append(set())
                self.territories.append(set())
            g = self.code[key]
            if (t.owner or "").strip():
                self.reps[g].add(t.owner.strip())
            self.territories[g].add(t.id)
            out[c] = g
        return out

    def finished(self) -> list[Group]:
        keys = sorted(self.code, key=self.code.get)  # type: ignore[arg-type]
        return [
            Group(k, self.names[i], len(self.reps[i]), tuple(sorted(self.territories[i])))
            for i, k in enumerate(keys)
        ]


def account_codes(project: Project, plan: Plan, to_group: dict[int, int]) -> np.ndarray:
    """Group code per project account under ``plan`` (-1: unlocated or unassigned)."""
    table = project.accounts.table
    unit = table["unit"].to_numpy(dtype=np.int64)
    lookup = np.full(max(plan.next_code, 1) + 1, -1, dtype=np.int32)
    for c, g in to_group.items():
        lookup[c] = g
    code = np.full(len(table), -1, dtype=np.int32)
    located = unit >= 0
    terr = plan.assignment[unit[located]]
    code[located] = np.where(terr >= 0, lookup[np.maximum(terr, 0)], -1)
    if plan.account_overrides:
        index = pd.Index(table["account_id"].astype(str))
        for acct, c in plan.account_overrides.items():
            i = index.get_indexer([acct])[0]
            if i >= 0:
                code[i] = to_group.get(int(c), -1)
    return code


def attribute(
    project: Project,
    history: SalesHistory,
    level: str = "territory",
    basis: str = "active",
    plan: Plan | None = None,
) -> Attribution:
    """Group code per order line on ``level`` under ``basis`` (see the module notes);
    ``plan`` stands in for the active plan (a report of another plan)."""
    plan = plan or project.plan
    if level not in levels_of(project):
        raise InputError(f"Level {level!r}: choose one of {', '.join(levels_of(project))}.")
    if basis not in BASES:
        raise InputError(f"Basis {basis!r}: choose one of {', '.join(BASES)}.")
    groups = _Groups(project, level)
    active_codes = account_codes(project, plan, groups.of_plan(plan))
    # History account -> project account row (-1: the account is not in the project).
    row = pd.Index(project.accounts.table["account_id"].astype(str)).get_indexer(
        history.account_ids
    )
    known = row >= 0
    dated = dated_plans(project) if basis == "in-force" else []
    if basis == "in-force" and not dated:
        raise InputError(
            "No plan has a start date, so the plan in force at the time is unknown: give "
            "plans a start date (`plan-start P PLAN YYYY-MM-DD`) or use the active plan."
        )
    if not dated:
        per_account = np.where(known, active_codes[np.maximum(row, 0)], -1)
        line_group = per_account[history.account]
        which_plan = "the active plan" if plan is project.plan else "plan"
        statement = f"all periods under {which_plan} {plan.name!r}"
    else:
        line_group = np.full(len(history), -1, dtype=np.int32)
        starts = np.array([m for m, _ in dated])
        which = np.maximum(np.searchsorted(starts, history.month, side="right") - 1, 0)
        for k, (_, name) in enumerate(dated):
            dated_plan = project.plans[name]
            codes = account_codes(project, dated_plan, groups.of_plan(dated_plan))
            per_account = np.where(known, codes[np.maximum(row, 0)], -1)
            on = which == k
            line_group[on] = per_account[history.account[on]]
        statement = (
            "each period under the plan in force at the time ("
            + ", ".join(
                f"{name!r} from {project.settings[PLAN_START_KEY][name]}" for _, name in dated
            )
            + ")"
        )
    return Attribution(
        line_group.astype(np.int32),
        groups.finished(),
        level,
        basis,
        statement,
        active_codes,
    )

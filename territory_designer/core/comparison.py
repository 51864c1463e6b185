"""What changes from one plan to another: units and accounts moved, per-territory figures
before and after, and the disruption for customers (accounts and revenue changing rep).

Territories are matched across plans by their id (``T03`` in both plans is the same
territory), as in every report. A move's reason comes from the project's change log
(the note of the last edit that moved the unit into the second plan's territory, or the
engine's reason), else it says how the account moved (its unit moved, or a pin).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from territory_designer.core.account_territories import account_codes, territory_attribute
from territory_designer.core.criterion import parse_mix
from territory_designer.core.errors import EditError
from territory_designer.core.plan import Plan

if TYPE_CHECKING:
    from territory_designer.core.project import Project

#: Columns of a customer id in an account table (several accounts of one customer).
CUSTOMER_COLUMNS = ("customer_id", "customer")


def value_field_for(project: Project, wanted: str | None = None) -> str:
    """The money figure moves are weighed in: ``wanted``, else revenue, else the balanced
    metric (a weighted mix counts in its first part), else the account count."""
    fields = project.weight_fields
    if wanted:
        if wanted not in fields:
            raise EditError(f"Unknown figure {wanted!r}; choose one of {', '.join(fields)}.")
        return wanted
    if "revenue" in fields:
        return "revenue"
    balance = project.balance_field
    if balance in fields:
        return balance
    mix = parse_mix(balance) or {}
    first = next((f for f in mix if f in fields), None)
    return first or ("accounts" if "accounts" in fields else fields[0])


@dataclass
class PlanComparison:
    """Everything that differs from ``plan_a`` (before) to ``plan_b`` (after).

    Attributes
    ----------
    units : DataFrame
        One row per unit whose territory changed: ``unit_id``, ``unit_name``,
        ``from_territory``, ``from_name``, ``to_territory``, ``to_name``, ``accounts``,
        the value field, ``reason``.
    accounts : DataFrame
        One row per account whose territory changed: ``account_id``, ``account_name``,
        ``from_territory``, ``from_name``, ``from_owner``, ``to_territory``, ``to_name``,
        ``to_owner``, the value field, ``rep_changed``, ``reason``.
    territories : DataFrame
        One row per territory id in either plan: ``territory``, ``name``, and
        ``units``, ``accounts`` and the value field ``_before``, ``_after``, ``_change``.
    disruption : dict
        Counts and percentages: units moved, accounts moved, value moved, accounts,
        customers and value changing rep.
    """

    plan_a: str
    plan_b: str
    value_field: str
    units: pd.DataFrame
    accounts: pd.DataFrame
    territories: pd.DataFrame
    disruption: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (NaN becomes None)."""

        def records(df: pd.DataFrame) -> list[dict]:
            return [{k: _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]

        return {
            "plan_a": self.plan_a,
            "plan_b": self.plan_b,
            "value_field": self.value_field,
            "disruption": {k: _plain(v) for k, v in self.disruption.items()},
            "territories": records(self.territories),
            "units_moved": records(self.units),
            "accounts_moved": records(self.accounts),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _pct(part: float, whole: float) -> float:
    return float(part) / float(whole) * 100 if whole else 0.0


def compare_plans(
    project: Project,
    plan_a: str,
    plan_b: str,
    value_field: str | None = None,
    reasons: dict[str, str] | None = None,
) -> PlanComparison:
    """Compare plan ``plan_a`` (before) with ``plan_b`` (after).

    Parameters
    ----------
    project : Project
        Holds both plans.
    plan_a, plan_b : str
        Plan names.
    value_field : str, optional
        Weight field that moves are weighed in (default: :func:`value_field_for`).
    reasons : dict, optional
        Reason per unit id for its move; default: from the project's change log.

    Raises
    ------
    EditError
        When a plan or the field is unknown.
    """
    for name in (plan_a, plan_b):
        if name not in project.plans:
            raise EditError(f"No plan named {name!r} (plans: {', '.join(project.plans)}).")
    a, b = project.plans[plan_a], project.plans[plan_b]
    vf = value_field_for(project, value_field)
    k = project.weight_fields.index(vf)
    if reasons is None:
        from territory_designer.core.change_log import move_reasons

        reasons = move_reasons(project, plan_b)
    units = project.units
    ids_a, ids_b = a.territory_ids(), b.territory_ids()
    moved = np.flatnonzero(ids_a != ids_b)
    acc_col = project.weight_fields.index("accounts")
    other = reasons.get("*", "reassigned")
    unit_reason = {i: reasons.get(str(units.ids[i]), other) for i in moved.tolist()}
    u = pd.DataFrame(
        {
            "unit_id": units.ids[moved],
            "unit_name": units.names[moved],
            "from_territory": ids_a[moved],
            "from_name": territory_attribute(a, a.assignment[moved], "name"),
            "to_territory": ids_b[moved],
            "to_name": territory_attribute(b, b.assignment[moved], "name"),
            "accounts": project.weights[moved, acc_col],
            vf: project.weights[moved, k],
            "reason": [unit_reason[i] for i in moved.tolist()],
        }
    )
    accounts = _account_moves(project, a, b, vf, k, unit_reason)
    territories = _territory_figures(project, a, b, vf)
    disruption = _disruption(project, a, b, vf, k, u, accounts)
    return PlanComparison(plan_a, plan_b, vf, u, accounts, territories, disruption)


def _account_moves(
    project: Project, a: Plan, b: Plan, vf: str, k: int, unit_reason: dict[int, str]
) -> pd.DataFrame:
    table = project.accounts.table
    ca, cb = account_codes(project, a), account_codes(project, b)
    ida, idb = territory_attribute(a, ca, "id"), territory_attribute(b, cb, "id")
    am = np.flatnonzero(ida != idb)
    owner_a, owner_b = (
        territory_attribute(a, ca[am], "owner"),
        territory_attribute(b, cb[am], "owner"),
    )
    # A territory without an owner stands for its own rep.
    rep_a = np.where(owner_a == "", ida[am], owner_a)
    rep_b = np.where(owner_b == "", idb[am], owner_b)
    unit = table["unit"].to_numpy(dtype=np.int64)[am] if len(table) else np.zeros(0, int)
    account_ids = table["account_id"].astype(str).to_numpy()[am] if len(table) else []
    reasons = []
    for aid, ui in zip(account_ids, unit, strict=True):
        pin_a, pin_b = a.account_overrides.get(aid), b.account_overrides.get(aid)
        if pin_b is not None and pin_b != pin_a:
            reasons.append(
                f"pinned to {b.territories[pin_b].name}" if pin_b in b.territories else "pinned"
            )
        elif pin_a is not None and pin_b is None:
            reasons.append("pin removed")
        elif int(ui) in unit_reason:
            reasons.append(unit_reason[int(ui)])
        else:
            reasons.append("reassigned")
    return pd.DataFrame(
        {
            "account_id": account_ids,
            "account_name": table["name"].astype(str).to_numpy()[am] if len(table) else [],
            "from_territory": ida[am],
            "from_name": territory_attribute(a, ca[am], "name"),
            "from_owner": owner_a,
            "to_territory": idb[am],
            "to_name": territory_attribute(b, cb[am], "name"),
            "to_owner": owner_b,
            vf: project.account_weights[am, k] if len(table) else np.zeros(0),
            "rep_changed": rep_a != rep_b,
            "reason": reasons,
        }
    )


def _territory_figures(project: Project, a: Plan, b: Plan, vf: str) -> pd.DataFrame:
    """Units, accounts and the value field per territory id, before and after."""
    wanted = ["units", "accounts", vf] if vf not in ("units", "accounts") else ["units", "accounts"]
    cols = [project.weight_fields.index(f) for f in wanted]

    def per_id(plan: Plan) -> dict[str, tuple[str, np.ndarray]]:
        totals = project.metrics_for(plan).totals()
        return {t.id: (t.name, totals[code + 1, cols]) for code, t in plan.territories.items()}

    before, after = per_id(a), per_id(b)
    order = list(before) + [t for t in after if t not in before]
    rows = []
    zero = np.zeros(len(cols))
    for tid in order:
        name = (after.get(tid) or before[tid])[0]
        vb = before.get(tid, ("", zero))[1]
        va = after.get(tid, ("", zero))[1]
        row: dict[str, Any] = {"territory": tid, "name": name}
        for f, x, y in zip(wanted, vb, va, strict=True):
            row[f"{f}_before"] = float(x)
            row[f"{f}_after"] = float(y)
            row[f"{f}_change"] = float(y - x)
        row["in_plan_a"], row["in_plan_b"] = tid in before, tid in after
        rows.append(row)
    columns = ["territory", "name"]
    for f in wanted:
        columns += [f"{f}_before", f"{f}_after", f"{f}_change"]
    return pd.DataFrame(rows, columns=[*columns, "in_plan_a", "in_plan_b"])


def _customers(project: Project) -> np.ndarray:
    table = project.accounts.table
    for col in CUSTOMER_COLUMNS:
        if col in table.columns:
            return table[col].astype(str).to_numpy()
    return table["account_id"].astype(str).to_numpy() if len(table) else np.zeros(0, object)


def _ids(plan: Plan) -> set[str]:
    return {t.id for t in plan.territories.values()}


def _disruption(
    project: Project,
    a: Plan,
    b: Plan,
    vf: str,
    k: int,
    units: pd.DataFrame,
    accounts: pd.DataFrame,
) -> dict[str, Any]:
    n_units = len(project.units)
    table = project.accounts.table
    n_accounts = len(table)
    if len(table):
        total_value = float(project.account_weights[:, k].sum())
        moved_value = float(accounts[vf].sum())
        rep_value = float(accounts.loc[accounts["rep_changed"], vf].sum())
    else:  # no account list: weigh moves in the units' own figures
        total_value = float(project.weights[:, k].sum())
        moved_value = float(units[vf].sum())
        rep_value = moved_value
    if total_value == 0 and len(table):  # a unit field: the units carry it
        total_value = float(project.weights[:, k].sum())
        moved_value = rep_value = float(units[vf].sum())
    customers = _customers(project)
    index = project.account_index
    changing = {customers[index[x]] for x in accounts.loc[accounts["rep_changed"], "account_id"]}
    n_customers = len(set(customers.tolist())) if len(table) else 0
    rep_accounts = int(accounts["rep_changed"].sum())
    return {
        "units_moved": len(units),
        "units_moved_pct": _pct(len(units), n_units),
        "accounts_moved": len(accounts),
        "accounts_moved_pct": _pct(len(accounts), n_accounts),
        "value_moved": moved_value,
        "value_moved_pct": _pct(moved_value, total_value),
        "accounts_changing_rep": rep_accounts,
        "accounts_changing_rep_pct": _pct(rep_accounts, n_accounts),
        "customers_changing_rep": len(changing),
        "customers_changing_rep_pct": _pct(len(changing), n_customers),
        "value_changing_rep": rep_value,
        "value_changing_rep_pct": _pct(rep_value, total_value),
        "territories_added": len(_ids(b) - _ids(a)),
        "territories_removed": len(_ids(a) - _ids(b)),
    }


def change_classes(project: Project, before: Plan, after: Plan) -> tuple[np.ndarray, list[int]]:
    """For a change map: per unit, the index of its gaining territory in the returned list
    of ``after``'s codes (-1 for units that did not move), territories by id as always.

    Units that left every territory (unassigned in ``after``) are not a gain: -1 too.
    """
    moved = (before.territory_ids() != after.territory_ids()) & (after.assignment >= 0)
    gaining = sorted({int(c) for c in after.assignment[moved]})
    slot = {c: k for k, c in enumerate(gaining)}
    bins = np.full(len(after.assignment), -1, dtype=np.int64)
    idx = np.flatnonzero(moved)
    bins[idx] = [slot[int(c)] for c in after.assignment[idx]]
    return bins, gaining

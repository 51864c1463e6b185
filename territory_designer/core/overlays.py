"""Overlays: plans per product line over the same geography, each with its own reps and
its own balance (technology sellers' specialist overlays).

An overlay is a plan tagged with a product line: ``settings["overlays"]`` maps the plan's
name to ``{"field": account column, "value": product line}``. An account belongs to the
line when its column holds the value (a list such as ``"Devices; Cloud"`` puts it in both).

For every line the project gets metric fields counting only that line's accounts —
``accounts [Devices]``, ``revenue [Devices]``… — so an overlay plan shows, balances
(``build --balance-on "revenue [Devices]"``) and reports its own line. Inside one plan an
account lies in exactly one territory (or is pinned to one), so a line's figures over the
territories of its overlay add up to the line's total: never twice. Across overlays an
account of two lines counts once in each line's figures and once in
:func:`overlay_summary`'s distinct total. Pins (named accounts) are per plan, so they work
in every overlay independently.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from territory_designer.core.errors import EditError
from territory_designer.core.operation_base import Operation
from territory_designer.core.plan_operations import AddGeneratedPlan

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project

OVERLAYS_KEY = "overlays"
_SPLIT = re.compile(r"\s*[;,|]\s*")


def overlays(project: Project) -> dict[str, dict[str, str]]:
    """Overlay plans by name, each ``{"field", "value"}`` (plans since deleted left out)."""
    raw = project.settings.get(OVERLAYS_KEY) or {}
    return {name: dict(v) for name, v in raw.items() if name in project.plans}


def line_field(line: str, base: str) -> str:
    """The metric field of product line ``line`` for ``base`` (``accounts [Devices]``)."""
    return f"{base} [{line}]"


def in_line(column: pd.Series, value: str) -> np.ndarray:
    """Whether each account's product-line cell names ``value`` (case-insensitive)."""
    want = value.strip().casefold()
    return np.array(
        [want in {p.casefold() for p in _SPLIT.split(str(v).strip())} for v in column.fillna("")],
        dtype=bool,
    )


def _lines(project: Project) -> dict[str, str]:
    """Product line → account column, over every overlay (deleted plans included, so a
    plan's removal does not change the metric fields under an undo)."""
    out: dict[str, str] = {}
    for spec in (project.settings.get(OVERLAYS_KEY) or {}).values():
        out.setdefault(str(spec["value"]), str(spec["field"]))
    return out


def add_overlay_weights(project: Project) -> None:
    """Append each product line's metric fields to the project's weights (called when the
    weights are built; lines whose column the accounts lack are skipped)."""
    table = project.accounts.table
    lines = _lines(project)
    if not lines or not len(table):
        return
    unit = table["unit"].to_numpy(dtype=np.int64)
    ok = unit >= 0
    n = len(project.units)
    names, unit_cols, account_cols = [], [], []
    for line, column in lines.items():
        if column not in table.columns:
            continue
        member = in_line(table[column], line).astype(float)
        for base in ["accounts", *project.account_fields]:
            if base == "accounts":
                values = member
            else:
                values = member * pd.to_numeric(table[base], errors="coerce").fillna(0.0)
                values = np.asarray(values, dtype=float)
            name = line_field(line, base)
            if name in project.weight_fields or name in names:
                continue
            names.append(name)
            unit_cols.append(np.bincount(unit[ok], weights=values[ok], minlength=n))
            account_cols.append(values)
    if not names:
        return
    project.weights = np.column_stack([project.weights, *unit_cols])
    project.account_weights = np.column_stack([project.account_weights, *account_cols])
    project.weight_fields = [*project.weight_fields, *names]


def _rebuild(project: Project) -> None:
    project._build_weights()
    project.metrics = project.metrics_for(project.plan)
    project.events.emit("settings_changed", key="weight_fields")
    project._touch()


class AddOverlay(Operation):
    """Add an overlay plan for a product line (a copy of a plan, an engine result or empty)
    and make it active; undo removes it and its line's fields if no other overlay uses them.

    Parameters
    ----------
    plan : Plan
        The new plan (its name must be free).
    field, value : str
        Account column and the product line it must hold.
    """

    def __init__(self, plan: Plan, field: str, value: str) -> None:
        self.plan, self.field, self.value = plan, str(field), str(value).strip()
        self._add = AddGeneratedPlan(plan)
        self._before: Any = None
        self.text = f"Add overlay {plan.name} ({self.value})"

    def apply(self, project: Project) -> None:
        """Check the column and line, add the plan, tag it and add the line's fields."""
        table = project.accounts.table
        if self.field not in table.columns:
            cols = ", ".join(str(c) for c in table.columns if c not in ("x", "y", "unit"))
            raise EditError(f"No account column {self.field!r} (the accounts have: {cols}).")
        if not self.value or not in_line(table[self.field], self.value).any():
            raise EditError(f"No account has {self.value!r} in {self.field!r}.")
        self._before = project.settings.get(OVERLAYS_KEY)
        self._add.apply(project)
        tags = dict(project.settings.get(OVERLAYS_KEY) or {})
        tags[self.plan.name] = {"field": self.field, "value": self.value}
        project.settings[OVERLAYS_KEY] = tags
        _rebuild(project)

    def undo(self, project: Project) -> None:
        """Remove the plan and restore the overlay list and fields."""
        self._add.undo(project)
        if self._before is None:
            project.settings.pop(OVERLAYS_KEY, None)
        else:
            project.settings[OVERLAYS_KEY] = self._before
        _rebuild(project)


def overlay_table(project: Project, plan_name: str) -> pd.DataFrame:
    """One row per territory of an overlay plan with its line's figures (accounts and each
    account field), plus a row ``territory=''`` for the line's accounts in no territory."""
    spec = overlays(project).get(plan_name)
    if spec is None:
        raise EditError(f"{plan_name!r} is not an overlay plan.")
    plan = project.plans[plan_name]
    metrics = project.metrics if plan is project.plan else project.metrics_for(plan)
    fields = [f for f in project.weight_fields if f.endswith(f" [{spec['value']}]")]
    totals = metrics.totals()
    rows = []
    for code, t in plan.territories.items():
        row = {"territory": t.id, "name": t.name, "owner": t.owner}
        row.update({f: float(totals[code + 1, project.weight_fields.index(f)]) for f in fields})
        rows.append(row)
    rows.append(
        {"territory": "", "name": "(unassigned)", "owner": ""}
        | {f: float(totals[0, project.weight_fields.index(f)]) for f in fields}
    )
    return pd.DataFrame(rows)


def overlay_summary(project: Project) -> dict[str, Any]:
    """Every overlay's line totals and the accounts they cover, each counted once."""
    table = project.accounts.table
    covered = np.zeros(len(table), dtype=bool)
    shared = np.zeros(len(table), dtype=int)
    out: dict[str, Any] = {"overlays": {}}
    for name, spec in overlays(project).items():
        if spec["field"] not in table.columns:
            continue
        member = in_line(table[spec["field"]], spec["value"])
        covered |= member
        shared += member
        frame = overlay_table(project, name)
        out["overlays"][name] = {
            "product_line": spec["value"],
            "field": spec["field"],
            "accounts": int(member.sum()),
            "territories": frame[frame["territory"] != ""].to_dict(orient="records"),
            "unassigned": frame[frame["territory"] == ""].to_dict(orient="records")[0],
        }
    out["distinct_accounts"] = int(covered.sum())
    out["accounts_in_several_lines"] = int((shared > 1).sum())
    return out

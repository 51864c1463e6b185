"""Which territory each account belongs to under a plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.plan import UNASSIGNED

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project


def account_codes(project: Project, plan: Plan | None = None) -> np.ndarray:
    """Territory code of each account in ``plan`` (default: the active plan).

    An account follows its unit's territory; a pinned account (an override of the plan)
    follows its pin. Accounts outside every unit, and pins to a territory the plan no
    longer has, are ``UNASSIGNED``.
    """
    plan = project.plan if plan is None else plan
    unit = project.accounts.table["unit"].to_numpy(dtype=np.int64)
    codes = np.full(unit.size, UNASSIGNED, dtype=np.int64)
    ok = unit >= 0
    codes[ok] = plan.assignment[unit[ok]]
    for account_id, code in plan.account_overrides.items():
        row = project.account_index.get(account_id)
        if row is not None and code in plan.territories:
            codes[row] = code
    return codes


def territory_attribute(plan: Plan, codes: np.ndarray, attr: str) -> np.ndarray:
    """A territory attribute (``id``, ``name``, ``owner``…) per code; '' where unassigned."""
    table = {c: getattr(t, attr) for c, t in plan.territories.items()}
    return np.array([table.get(int(c), "") for c in codes], dtype=object)

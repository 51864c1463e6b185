"""The plan list as people read it: each plan's role and headline figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from territory_designer.core.project import Project


def plans_table(project: Project) -> list[dict]:
    """One row per plan, in the project's order: its role and headline figures."""
    base = project.plans.get(project.baseline_plan_name or "")
    rows = []
    for name, plan in project.plans.items():
        moved = None
        if base is not None and base is not plan:
            moved = int(np.count_nonzero(base.territory_ids() != plan.territory_ids()))
        rows.append(
            {
                "name": name,
                "active": name == project.active_plan_name,
                "baseline": name == project.baseline_plan_name,
                "territories": len(plan.territories),
                "assigned_units": int(np.count_nonzero(plan.assignment >= 0)),
                "units_moved_vs_baseline": moved,
                "criterion": plan.criterion.describe() if plan.criterion else None,
            }
        )
    return rows

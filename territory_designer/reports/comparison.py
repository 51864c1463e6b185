"""Which plan a report compares the reported plan with.

The baseline plan (the plan in force) when the project names one and it is not the plan
reported; otherwise the plan before it in the project's order (the previous draft), so
that a project without a baseline still shows what a new plan changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project


def comparison_plan(project: Project, plan: Plan) -> Plan | None:
    """The plan ``plan`` is compared with, or None when there is none (a single plan)."""
    base = project.plans.get(project.baseline_plan_name or "")
    if base is not None and base is not plan:
        return base
    if base is plan:
        return None  # the baseline itself: nothing to compare with
    names = list(project.plans)
    at = next((i for i, n in enumerate(names) if project.plans[n] is plan), -1)
    return project.plans[names[at - 1]] if at > 0 else None

"""Reversible edits of the plan list: add a plan (empty, copied or generated), switch plans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from territory_designer.core.errors import EditError
from territory_designer.core.operation_base import Operation
from territory_designer.core.plan import Plan

if TYPE_CHECKING:
    from territory_designer.core.project import Project


class AddPlan(Operation):
    """Add a plan (a copy of another, or empty) and make it active."""

    def __init__(self, name: str, copy_of: str | None = None) -> None:
        self.name = name.strip()
        self.copy_of = copy_of
        self.previous_active = ""
        self.text = f"New plan {self.name}"

    def apply(self, project: Project) -> None:
        """Create the plan; refuse an empty or existing name."""
        if not self.name:
            raise EditError("A plan needs a name.")
        if self.name in project.plans:
            raise EditError(f"A plan named {self.name!r} already exists.")
        if self.copy_of is not None:
            plan = project.plans[self.copy_of].copy(self.name)
        else:
            plan = Plan.empty(self.name, len(project.units))
        self.previous_active = project.active_plan_name
        project.plans[self.name] = plan
        project.set_active_plan(self.name)

    def undo(self, project: Project) -> None:
        """Remove the plan and re-activate the previous one."""
        project.set_active_plan(self.previous_active)
        del project.plans[self.name]
        project.notify_plans()


class AddGeneratedPlan(Operation):
    """Add a ready-made plan (an engine result) and make it active; undo removes it."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.previous_active = ""
        self.text = f"Add plan {plan.name}"

    def apply(self, project: Project) -> None:
        """Add the plan; refuse a name in use or a plan of another units layer."""
        if self.plan.name in project.plans:
            raise EditError(f"A plan named {self.plan.name!r} already exists.")
        if self.plan.assignment.size != len(project.units):
            raise EditError(f"Plan {self.plan.name!r} does not match the units layer.")
        self.previous_active = project.active_plan_name
        project.plans[self.plan.name] = self.plan
        project.set_active_plan(self.plan.name)

    def undo(self, project: Project) -> None:
        """Remove the plan and re-activate the previous one."""
        project.set_active_plan(self.previous_active)
        del project.plans[self.plan.name]
        project.notify_plans()


class SetActivePlan(Operation):
    """Switch the active plan (undoable, so earlier edits are undone in their own plan)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.previous = ""
        self.text = f"Switch to plan {name}"

    def apply(self, project: Project) -> None:
        """Activate the plan; refuse an unknown name."""
        if self.name not in project.plans:
            raise EditError(f"No plan named {self.name!r}.")
        self.previous = project.active_plan_name
        project.set_active_plan(self.name)

    def undo(self, project: Project) -> None:
        """Re-activate the previous plan."""
        project.set_active_plan(self.previous)

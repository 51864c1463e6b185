"""Reversible edits of the plan list: add a plan (empty, copied or generated), switch,
rename and delete plans, set the baseline."""

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
        self.name = check_plan_name(project, self.name)
        if self.copy_of is not None and self.copy_of not in project.plans:
            raise EditError(f"No plan named {self.copy_of!r} to copy.")
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

    def __init__(self, plan: Plan, reasons: dict[str, str] | None = None) -> None:
        self.plan = plan
        #: The engine's reason per unit id moved (kept in the change log); ``"*"`` is the
        #: reason of any other unit the plan changed.
        criterion = f", balanced on {plan.criterion.describe()}" if plan.criterion else ""
        self.reasons = {"*": f"placed by the engine{criterion}", **(reasons or {})}
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


def _reorder(project: Project, order: list[str]) -> None:
    """Rebuild the plan dict in ``order`` (plans keep their place across rename/undo)."""
    project.plans = {name: project.plans[name] for name in order}


def check_plan_name(project: Project, name: str, current: str | None = None) -> str:
    """A valid new plan name (stripped); refuse an empty name or one in use."""
    name = str(name).strip()
    if not name:
        raise EditError("A plan needs a name.")
    taken = {n.casefold() for n in project.plans if n != current}
    if name.casefold() in taken:
        raise EditError(f"A plan named {name!r} already exists.")
    return name


def free_plan_name(project: Project, stem: str) -> str:
    """``stem``, or ``stem (2)``, ``stem (3)``… : the first name no plan uses."""
    taken = {n.casefold() for n in project.plans}
    name, k = stem, 2
    while name.casefold() in taken:
        name, k = f"{stem} ({k})", k + 1
    return name


class RenamePlan(Operation):
    """Rename a plan; it keeps its place, and stays active or baseline if it was."""

    def __init__(self, old: str, new: str) -> None:
        self.old = old
        self.new = new
        self.text = f"Rename plan {old} to {new.strip()}"

    def apply(self, project: Project) -> None:
        """Rename; refuse an unknown plan, an empty name or a name in use."""
        if self.old not in project.plans:
            raise EditError(f"No plan named {self.old!r}.")
        self.new = check_plan_name(project, self.new, current=self.old)
        self._rename(project, self.old, self.new)

    def undo(self, project: Project) -> None:
        """Give the plan its old name back."""
        self._rename(project, self.new, self.old)

    @staticmethod
    def _rename(project: Project, old: str, new: str) -> None:
        order = [new if n == old else n for n in project.plans]
        plan = project.plans.pop(old)
        plan.name = new
        project.plans[new] = plan
        project.change_log.rename_plan(old, new)
        _reorder(project, order)
        if project.active_plan_name == old:
            project.active_plan_name = new
        if project.baseline_plan_name == old:
            project.baseline_plan_name = new
        tags = project.settings.get("overlays")  # core.overlays: a plan's product line
        if tags and old in tags:
            tags[new] = tags.pop(old)
        shown_plan, shown = project._shown_field
        if shown_plan == old:
            project._shown_field = (new, shown)
        project.notify_plans()


class DeletePlan(Operation):
    """Delete a plan. The only plan cannot be deleted; deleting the active plan activates
    the baseline (or the plan next to it) first; deleting the baseline leaves none."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.plan: Plan | None = None
        self.order: list[str] = []
        self.previous_active = ""
        self.previous_baseline: str | None = None
        self.text = f"Delete plan {name}"

    def apply(self, project: Project) -> None:
        """Remove the plan; refuse an unknown plan or the project's only plan."""
        if self.name not in project.plans:
            raise EditError(f"No plan named {self.name!r}.")
        if len(project.plans) == 1:
            raise EditError(f"{self.name!r} is the project's only plan: it cannot be deleted.")
        self.order = list(project.plans)
        self.previous_active = project.active_plan_name
        self.previous_baseline = project.baseline_plan_name
        if project.active_plan_name == self.name:
            project.set_active_plan(self.replacement(project))
        self.plan = project.plans.pop(self.name)
        if project.baseline_plan_name == self.name:
            project.baseline_plan_name = None
        project.notify_plans()

    def replacement(self, project: Project) -> str:
        """The plan activated when the active plan is deleted: the baseline, else a neighbour."""
        base = project.baseline_plan_name
        if base and base != self.name and base in project.plans:
            return base
        at = self.order.index(self.name)
        others = [n for n in self.order if n != self.name]
        return others[min(at, len(others) - 1)]

    def undo(self, project: Project) -> None:
        """Put the plan back in its place, with the active and baseline plans as before."""
        assert self.plan is not None
        project.plans[self.name] = self.plan
        _reorder(project, self.order)
        project.baseline_plan_name = self.previous_baseline
        if project.active_plan_name != self.previous_active:
            project.set_active_plan(self.previous_active)
        else:
            project.notify_plans()


class SetBaselinePlan(Operation):
    """Make a plan the baseline (the plan in force that others are compared with);
    ``None`` clears it."""

    def __init__(self, name: str | None) -> None:
        self.name = name
        self.previous: str | None = None
        self.text = f"Set baseline to {name}" if name else "Clear the baseline"

    def apply(self, project: Project) -> None:
        """Set the baseline; refuse an unknown plan."""
        if self.name is not None and self.name not in project.plans:
            raise EditError(f"No plan named {self.name!r}.")
        self.previous = project.baseline_plan_name
        project.baseline_plan_name = self.name
        project.notify_plans()

    def undo(self, project: Project) -> None:
        """Restore the previous baseline."""
        project.baseline_plan_name = self.previous
        project.notify_plans()

"""Adding an imported alignment (the plan a client has today) as one undoable edit.

An alignment is a new plan plus what it says about the hierarchy and the reps: the nodes
above its territories (``settings["hierarchy_nodes"]``), the level names and the reps'
licences (``settings["rep_attributes"]``). :class:`AddAlignment` adds all of it, or
nothing; undo restores the settings exactly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from territory_designer.core.hierarchy import LEVELS_KEY, NODES_KEY
from territory_designer.core.operation_base import Operation
from territory_designer.core.plan_operations import AddGeneratedPlan
from territory_designer.core.rules import REP_ATTRIBUTES_KEY

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project


@dataclass
class Alignment:
    """What an alignment file holds, read and checked (see :mod:`territory_designer.io.
    alignment_import`)."""

    plan: Plan
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    levels: list[str] | None = None
    rep_attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: int = 0
    units_not_in_file: int = 0

    def describe(self) -> str:
        """One line on what the import made."""
        plan = self.plan
        assigned = int((plan.assignment >= 0).sum())
        levels = {}
        for node in self.nodes.values():
            levels[node["level"]] = levels.get(node["level"], 0) + 1
        parts = [f"{len(plan.territories)} territories", f"{assigned} units assigned"]
        parts += [f"{n} {lv}{'s' if n != 1 else ''}" for lv, n in levels.items()]
        if self.units_not_in_file:
            parts.append(f"{self.units_not_in_file} units not in the file left unassigned")
        return f"Plan {plan.name!r}: " + ", ".join(parts)


class AddAlignment(Operation):
    """Add an imported alignment as a new, active plan with its hierarchy and reps."""

    def __init__(self, alignment: Alignment) -> None:
        self.alignment = alignment
        self._add = AddGeneratedPlan(alignment.plan)
        self._before: dict[str, Any] = {}
        self.text = f"Import alignment {alignment.plan.name}"

    def apply(self, project: Project) -> None:
        """Add the plan (refused if its name is taken), then merge nodes, levels and reps."""
        a = self.alignment
        settings = project.settings
        keys = (NODES_KEY, LEVELS_KEY, REP_ATTRIBUTES_KEY)
        self._before = {k: copy.deepcopy(settings[k]) for k in keys if k in settings}
        self._add.apply(project)
        if a.nodes:
            nodes = dict(project.settings.get(NODES_KEY) or {})
            nodes.update(copy.deepcopy(a.nodes))
            project.settings[NODES_KEY] = nodes
        if a.levels:
            project.settings[LEVELS_KEY] = list(a.levels)
        if a.rep_attributes:
            reps = copy.deepcopy(project.settings.get(REP_ATTRIBUTES_KEY) or {})
            for rep, attrs in a.rep_attributes.items():
                reps.setdefault(rep, {}).update(attrs)
            project.settings[REP_ATTRIBUTES_KEY] = reps
        project.events.emit("settings_changed", key=NODES_KEY)

    def undo(self, project: Project) -> None:
        """Remove the plan and restore the settings as they were."""
        self._add.undo(project)
        for key in (NODES_KEY, LEVELS_KEY, REP_ATTRIBUTES_KEY):
            if key in self._before:
                project.settings[key] = self._before[key]
            else:
                project.settings.pop(key, None)
        project.events.emit("settings_changed", key=NODES_KEY)

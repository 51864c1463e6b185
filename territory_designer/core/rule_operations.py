"""Changing the project's rules as one undoable edit (the window's Rules dialog)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from territory_designer.core.operation_base import Operation
from territory_designer.core.rules import (
    CONSTRAINTS_KEY,
    REP_ATTRIBUTES_KEY,
    constraints_of,
    parse_states,
    set_constraints,
)

if TYPE_CHECKING:
    from territory_designer.core.project import Project


class SetRules(Operation):
    """Set rules (``None`` removes one) and reps' licensed states, undoably.

    Parameters
    ----------
    changes : dict
        Rule keys of :class:`~territory_designer.core.rules.Constraints` and their values.
    licences : dict, optional
        ``{rep: "NC;SC"}``; an empty text removes the rep's licence.
    """

    def __init__(self, changes: dict[str, Any], licences: dict[str, str] | None = None) -> None:
        self.changes = dict(changes)
        self.licences = dict(licences or {})
        self._before: dict[str, Any] = {}
        self.text = "Change rules"

    def apply(self, project: Project) -> None:
        """Validate and set the rules (nothing changes when one is refused)."""
        settings = project.settings
        keys = (CONSTRAINTS_KEY, REP_ATTRIBUTES_KEY)
        self._before = {k: copy.deepcopy(settings[k]) for k in keys if k in settings}
        try:
            set_constraints(project, **self.changes)
            field = constraints_of(project).licensed_states_field or "licensed_states"
            reps = copy.deepcopy(settings.get(REP_ATTRIBUTES_KEY) or {})
            for rep, states in self.licences.items():
                text = ";".join(sorted(parse_states(states)))
                if text:
                    reps.setdefault(rep, {})[field] = text
                elif rep in reps:
                    reps[rep].pop(field, None)
            if self.licences:
                settings[REP_ATTRIBUTES_KEY] = reps
        except Exception:
            self._restore(project)
            raise
        project.events.emit("settings_changed", key=CONSTRAINTS_KEY)

    def undo(self, project: Project) -> None:
        """Restore the rules and licences as they were."""
        self._restore(project)
        project.events.emit("settings_changed", key=CONSTRAINTS_KEY)
        project._touch()

    def _restore(self, project: Project) -> None:
        for key in (CONSTRAINTS_KEY, REP_ATTRIBUTES_KEY):
            if key in self._before:
                project.settings[key] = copy.deepcopy(self._before[key])
            else:
                project.settings.pop(key, None)

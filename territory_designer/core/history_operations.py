"""Reversible edits of the performance data: a project setting (quotas, plan start dates)
and the stored order lines."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from territory_designer.core.operation_base import Operation

if TYPE_CHECKING:
    from territory_designer.core.project import Project

_MISSING = object()


class SetSetting(Operation):
    """Set ``project.settings[key]`` to ``value`` (None removes it); undo restores it."""

    def __init__(self, key: str, value: Any, text: str = "") -> None:
        self.key = key
        self.value = copy.deepcopy(value)
        self.text = text or f"Set {key}"
        self._old: Any = _MISSING

    def apply(self, project: Project) -> None:
        """Store the new value and tell listeners (``settings_changed``)."""
        # Not deepcopy(get(key, _MISSING)): a deep copy of the sentinel is not the sentinel,
        # and undo would then store a bare object() instead of removing the key.
        self._old = (
            copy.deepcopy(project.settings[self.key]) if self.key in project.settings else _MISSING
        )
        if self.value is None:
            project.settings.pop(self.key, None)
        else:
            project.settings[self.key] = copy.deepcopy(self.value)
        self._notify(project)

    def undo(self, project: Project) -> None:
        """Put back the value from before :meth:`apply`."""
        if self._old is _MISSING:
            project.settings.pop(self.key, None)
        else:
            project.settings[self.key] = copy.deepcopy(self._old)
        self._notify(project)

    def _notify(self, project: Project) -> None:
        project.notify_settings(self.key)


class ReplaceOrderLines(Operation):
    """Swap in the project's order lines (a sales import); undo restores the old ones."""

    text = "Import sales history"

    def __init__(self, lines: Any) -> None:
        self.lines = lines
        self._old: Any = None

    def apply(self, project: Project) -> None:
        """Store the new lines; listeners get ``settings_changed(key="order_lines")``."""
        self._old = project.transactions
        project.transactions = self.lines
        project.notify_settings("order_lines")

    def undo(self, project: Project) -> None:
        """Put back the lines from before :meth:`apply`."""
        project.transactions = self._old
        project.notify_settings("order_lines")


class SetUnitField(Operation):
    """Write a computed figure per unit (white space) as a unit attribute: a metric the
    engine can balance on. Undo restores the previous column, or removes it."""

    def __init__(self, name: str, values: Any, text: str = "") -> None:
        self.name = name
        self.values = values
        self.text = text or f"Set unit field {name}"
        self._old: Any = None

    def apply(self, project: Project) -> None:
        """Store the column (the project rebuilds its metrics)."""
        self._old = project.set_unit_field(self.name, self.values)

    def undo(self, project: Project) -> None:
        """Put back the column from before :meth:`apply`."""
        project.set_unit_field(self.name, self._old)

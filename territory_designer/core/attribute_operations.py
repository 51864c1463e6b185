"""Edits chosen by attribute: fill a territory with every unit where a field matches.

Territory › Assign by Attribute… and ``main.py assign --where`` both run
:class:`AssignWhere` (one undo step); ``main.py lock/unlock --where`` pick their units
with :func:`units_where`. Locks hold as for painting: units that are locked, or sit in a
locked territory, are skipped and counted, and a locked target territory is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.attribute_fields import unit_fields
from territory_designer.core.attribute_query import Query, match, parse_query
from territory_designer.core.operation_base import label_of
from territory_designer.core.operations import AssignUnits
from territory_designer.core.plan import UNASSIGNED

if TYPE_CHECKING:
    from territory_designer.core.project import Project


def units_where(project: Project, where: Query | str) -> np.ndarray:
    """Indices of the units of the active plan where the query holds.

    Raises
    ------
    QueryError
        The query cannot be read or names an unknown field.
    """
    return np.flatnonzero(match(where, unit_fields(project), len(project.units)))


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


class AssignWhere(AssignUnits):
    """Assign every unit where ``where`` holds to territory ``code`` (-1 unassigns).

    The query is read at construction (a bad one raises
    :class:`~territory_designer.core.attribute_query.QueryError` before anything
    changes) and matched when applied. After :meth:`apply`, :attr:`matched` counts the
    matching units, :attr:`units` the ones changed and :attr:`skipped_locked` the locked
    ones left alone.
    """

    def __init__(self, where: Query | str, code: int) -> None:
        super().__init__([], code)
        self.query = parse_query(where) if isinstance(where, str) else where
        self.matched = 0
        self.already = 0

    def apply(self, project: Project) -> None:
        """Match the query on the active plan and assign the matching units."""
        units = units_where(project, self.query)
        self.matched = int(units.size)
        self._pending = units
        super().apply(project)
        self.already = self.matched - int(self.units.size) - self.skipped_locked
        if self.units.size:
            self.text = f"{self.text} where {self.query}"

    def describe(self, project: Project) -> str:
        """One sentence on what happened, for the status bar and the command line."""
        target = label_of(project.plan, self.code)
        if self.matched == 0:
            return f"No unit matches {self.query}."
        n = self.units.size
        if self.code == UNASSIGNED:
            done = f"Unassigned {_plural(n, 'unit')}"
        else:
            done = f"Assigned {_plural(n, 'unit')} to {target}"
        parts = [f"{done} ({_plural(self.matched, 'unit')} match {self.query})"]
        if self.already:
            where = "unassigned" if self.code == UNASSIGNED else f"in {target}"
            parts.append(f"{_plural(self.already, 'unit')} already {where}")
        if self.skipped_locked:
            parts.append(f"{_plural(self.skipped_locked, 'locked unit')} skipped")
        return "; ".join(parts) + "."

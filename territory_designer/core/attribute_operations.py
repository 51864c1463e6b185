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
from territory_designer.core.errors import EditError, LockedError
from territory_designer.core.operation_base import Operation, label_of, territory_of
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


class PinAccounts(Operation):
    """Pin named accounts to a territory regardless of geography (``None`` unpins them),
    as one edit: the attribute table's "Pin Accounts To" on a selection of accounts.

    Refused when a territory an account leaves or joins is locked (its figures would
    change), as painting refuses.
    """

    def __init__(self, account_ids: list[str] | np.ndarray, code: int | None) -> None:
        self.account_ids = [str(a) for a in account_ids]
        self.code = None if code is None else int(code)
        self.before: dict[str, int | None] = {}
        n = len(self.account_ids)
        noun = f"{n:,} account{'s' if n != 1 else ''}"
        self.text = f"Pin {noun}" if code is not None else f"Unpin {noun}"

    def apply(self, project: Project) -> None:
        """Check every account and lock first; then change the pins."""
        from territory_designer.core.attribute_fields import account_codes

        plan = project.plan
        unknown = [a for a in self.account_ids if a not in project.account_index]
        if unknown or not self.account_ids:
            raise EditError(f"Unknown account id(s): {', '.join(unknown[:10]) or '(none)'}.")
        if self.code is not None:
            target = territory_of(plan, self.code)
            if target.locked:
                raise LockedError(f"Territory {target.name!r} is locked: it cannot gain accounts.")
            self.text += f" to {target.name}"
        codes = account_codes(project)
        units = project.accounts.table["unit"].to_numpy(dtype=np.int64)
        for a in self.account_ids:
            row = project.account_index[a]
            now = int(codes[row])
            # Unpinned, an account goes back to the territory of the unit that holds it.
            after = self.code
            if after is None:
                after = int(plan.assignment[units[row]]) if units[row] >= 0 else UNASSIGNED
            for code in {now, after} if now != after else set():
                t = plan.territories.get(code)
                if t is not None and t.locked:
                    raise LockedError(
                        f"Account {a} would change locked territory {t.name!r}: unlock it first."
                    )
        overrides = plan.account_overrides
        self.before = {a: overrides.get(a) for a in self.account_ids}
        for a in self.account_ids:
            if self.code is None:
                overrides.pop(a, None)
            else:
                overrides[a] = self.code
        project.notify_territories(list(plan.territories))

    def undo(self, project: Project) -> None:
        """Restore every pin as it was."""
        overrides = project.plan.account_overrides
        for a, code in self.before.items():
            if code is None:
                overrides.pop(a, None)
            else:
                overrides[a] = code
        project.notify_territories(list(project.plan.territories))

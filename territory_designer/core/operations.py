"""Reversible edits of a project (glue's command pattern, Qt-free).

Every change a user makes is one :class:`Operation`: ``apply`` performs it and records
what ``undo`` needs. The UI wraps operations in QUndoCommands and the CLI calls them
directly, so undo is tested without Qt. Locks are enforced here: units that are locked
or sit in a locked territory are skipped by assignments (and counted), and an edit whose
target is a locked territory is refused with :class:`LockedError`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from territory_designer.core.account_operations import (
    LocateAccounts,
    ReplaceAccounts,
    SetAccountOverride,
)
from territory_designer.core.errors import EditError, LockedError
from territory_designer.core.operation_base import Operation, label_of, territory_of
from territory_designer.core.plan import EDITABLE_FIELDS, UNASSIGNED, Territory
from territory_designer.core.plan_operations import (
    AddGeneratedPlan,
    AddPlan,
    DeletePlan,
    RenamePlan,
    SetActivePlan,
    SetBaselinePlan,
)
from territory_designer.core.rules import ConstraintError, screen_assignment

if TYPE_CHECKING:
    from territory_designer.core.project import Project

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class AssignUnits(Operation):
    """Assign units to a territory (or unassign them with code -1).

    Units that are locked, or in a locked territory, are skipped and counted in
    :attr:`skipped_locked`. A painting stroke calls :meth:`extend` as the brush moves so the
    whole stroke is one undo step.
    """

    def __init__(self, units: np.ndarray | list[int], code: int) -> None:
        self.code = int(code)
        self._pending = np.unique(np.asarray(units, dtype=np.int64))
        self.units = np.empty(0, dtype=np.int64)
        self.old = np.empty(0, dtype=np.int32)
        self.skipped_locked = 0
        self._skipped: set[int] = set()
        #: Units left out because they would break a project rule, and why (last reason).
        self.refused = 0
        self.refused_reason: str | None = None
        self.text = "Assign units"

    def apply(self, project: Project) -> None:
        """Assign the units given at construction."""
        plan = project.plan
        if self.code != UNASSIGNED:
            t = territory_of(plan, self.code)
            if t.locked:
                raise LockedError(f"Territory {t.name!r} is locked: it cannot receive units.")
        # A one-shot assignment that would break a rule is refused as a whole; a brush
        # stroke (extend) leaves out the units that would and says why.
        self._assign(project, self._pending, strict=True)

    def extend(self, project: Project, units: np.ndarray | list[int]) -> np.ndarray:
        """Assign more units as part of the same edit; returns the units changed now."""
        return self._assign(project, np.unique(np.asarray(units, dtype=np.int64)))

    def _assign(self, project: Project, units: np.ndarray, strict: bool = False) -> np.ndarray:
        plan = project.plan
        if units.size and (units.min() < 0 or units.max() >= plan.assignment.size):
            raise EditError("Unit index out of range.")
        editable = plan.editable_mask()[units]
        newly_skipped = set(units[~editable].tolist()) - self._skipped
        self._skipped |= newly_skipped
        self.skipped_locked = len(self._skipped)
        units = units[editable]
        units = units[plan.assignment[units] != self.code]
        units = self._screen(project, units, strict)
        if units.size == 0:
            return units
        first_touch = ~np.isin(units, self.units)
        self.units = np.r_[self.units, units[first_touch]]
        self.old = np.r_[self.old, plan.assignment[units[first_touch]]].astype(np.int32)
        old_codes = set(np.unique(plan.assignment[units]).tolist())
        project.metrics.reassign(units, self.code)
        n = self.units.size
        units_text = f"{n} unit{'s' if n != 1 else ''}"
        self.text = (
            f"Unassign {units_text}"
            if self.code == UNASSIGNED
            else f"Assign {units_text} to {label_of(plan, self.code)}"
        )
        project.notify_assignment(units, old_codes | {self.code})
        return units

    def _screen(self, project: Project, units: np.ndarray, strict: bool) -> np.ndarray:
        """The units that may join the territory under the project's rules."""
        ok, reason = screen_assignment(project, units, self.code)
        if reason is None:
            return units
        if strict:
            raise ConstraintError(f"Refused: {reason}")
        self.refused += int((~ok).sum())
        self.refused_reason = reason
        return units[ok]

    def undo(self, project: Project) -> None:
        """Put every touched unit back in its previous territory."""
        if self.units.size == 0:
            return
        codes = set(np.unique(self.old).tolist()) | {self.code}
        project.metrics.reassign(self.units, self.old)
        project.notify_assignment(self.units, codes)

    def redo(self, project: Project) -> None:
        """Re-apply after an undo (the same units, whatever the locks say now)."""
        if self.units.size == 0:
            return
        project.metrics.reassign(self.units, self.code)
        project.notify_assignment(self.units, set(np.unique(self.old).tolist()) | {self.code})


class UpdateTerritory(Operation):
    """Change a territory's name, colour, owner, lock, parent, target or home base."""

    def __init__(self, code: int, **changes: Any) -> None:
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise EditError(f"Cannot edit territory field(s): {', '.join(sorted(unknown))}")
        self.code = int(code)
        self.changes = changes
        self.before: dict[str, Any] = {}
        what = ", ".join(changes)
        self.text = f"Change {what}"

    def apply(self, project: Project) -> None:
        """Apply the changes after validating them."""
        t = territory_of(project.plan, self.code)
        if "name" in self.changes:
            name = str(self.changes["name"]).strip()
            if not name:
                raise EditError("A territory name cannot be empty.")
            taken = {
                other.name.casefold()
                for code, other in project.plan.territories.items()
                if code != self.code
            }
            if name.casefold() in taken:
                raise EditError(f"Another territory is already called {name!r}.")
            self.changes["name"] = name
        if "color" in self.changes and not _COLOR.match(str(self.changes["color"])):
            raise EditError(f"Not a colour: {self.changes['color']!r} (use #rrggbb).")
        target = self.changes.get("target")
        if target is not None and float(target) <= 0:
            raise EditError("A target must be positive.")
        if self.changes.get("home_base") is not None:
            self.changes["home_base"] = _home_point(self.changes["home_base"])
        self.before = {k: getattr(t, k) for k in self.changes}
        self.text = _describe_update(t, self.changes)
        project.plan.territories[self.code] = replace(t, **self.changes)
        project.notify_territories([self.code])

    def undo(self, project: Project) -> None:
        """Restore the previous values."""
        t = project.plan.territories[self.code]
        project.plan.territories[self.code] = replace(t, **self.before)
        project.notify_territories([self.code])


def _home_point(value: Any) -> tuple[float, float]:
    """A home base as two finite project coordinates, or :class:`EditError`."""
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        raise EditError(f"Not a home-base point: {value!r} (give x and y).") from None
    if not (np.isfinite(x) and np.isfinite(y)):
        raise EditError(f"Not a home-base point: {value!r} (give x and y).")
    return (x, y)


def _describe_update(t: Territory, changes: dict[str, Any]) -> str:
    if set(changes) == {"home_base"}:
        if changes["home_base"] is None:
            return f"Clear home base of {t.name}"
        return f"{'Move' if t.home_base is not None else 'Set'} home base of {t.name}"
    if set(changes) == {"name"}:
        return f"Rename {t.name} to {changes['name']}"
    if set(changes) == {"locked"}:
        return f"{'Lock' if changes['locked'] else 'Unlock'} {t.name}"
    if set(changes) == {"color"}:
        return f"Recolour {t.name}"
    if set(changes) == {"definition"}:
        return f"Define {t.name}"
    if set(changes) == {"owner"}:
        return f"Set owner of {t.name} to {changes['owner'] or 'nobody'}"
    return f"Edit {t.name} ({', '.join(changes)})"


class AddTerritory(Operation):
    """Add a new, empty territory to the active plan."""

    def __init__(self, territory: Territory | None = None) -> None:
        self.territory = territory
        self.code: int | None = None

    def apply(self, project: Project) -> None:
        """Create the territory (a fresh id, name and colour when none is given)."""
        plan = project.plan
        t = self.territory or project.default_territory()
        if any(x.id == t.id for x in plan.territories.values()):
            raise EditError(f"Territory id {t.id!r} already exists in plan {plan.name!r}.")
        self.territory = t
        self.code = plan.next_code if self.code is None else self.code
        plan.territories[self.code] = copy.deepcopy(t)
        plan.next_code = max(plan.next_code, self.code + 1)
        self.text = f"Add territory {t.name}"
        project.metrics.territory_added()
        project.notify_structure()

    def undo(self, project: Project) -> None:
        """Remove the territory again (it has no units by then)."""
        assert self.code is not None
        units = project.plan.units_of(self.code)
        if units.size:
            project.metrics.reassign(units, UNASSIGNED)
        del project.plan.territories[self.code]
        project.notify_structure()


class DeleteTerritory(Operation):
    """Delete a territory; its units become unassigned."""

    def __init__(self, code: int) -> None:
        self.code = int(code)
        self.territory: Territory | None = None
        self.units = np.empty(0, dtype=np.int64)

    def apply(self, project: Project) -> None:
        """Refuse for a locked territory; otherwise unassign its units and remove it."""
        t = territory_of(project.plan, self.code)
        if t.locked:
            raise LockedError(f"Territory {t.name!r} is locked: unlock it before deleting it.")
        self.territory = t
        self.units = project.plan.units_of(self.code)
        self.text = f"Delete territory {t.name}"
        project.metrics.reassign(self.units, UNASSIGNED)
        del project.plan.territories[self.code]
        project.notify_assignment(self.units, {self.code, UNASSIGNED})
        project.notify_structure()

    def undo(self, project: Project) -> None:
        """Restore the territory and its units."""
        assert self.territory is not None
        project.plan.territories[self.code] = self.territory
        project.metrics.reassign(self.units, self.code)
        project.notify_structure()
        project.notify_assignment(self.units, {self.code, UNASSIGNED})


class MergeTerritories(Operation):
    """Merge territories into one: their units move to ``keep`` and they are deleted."""

    def __init__(self, keep: int, absorb: list[int]) -> None:
        self.keep = int(keep)
        self.absorb = [int(c) for c in absorb if int(c) != int(keep)]
        self.removed: dict[int, tuple[Territory, np.ndarray]] = {}

    def apply(self, project: Project) -> None:
        """Refuse when any territory involved is locked."""
        plan = project.plan
        if not self.absorb:
            raise EditError("Choose at least two territories to merge.")
        involved = [territory_of(plan, c) for c in [self.keep, *self.absorb]]
        locked = [t.name for t in involved if t.locked]
        if locked:
            raise LockedError(f"Cannot merge locked territory {', '.join(locked)}.")
        moving = np.flatnonzero(np.isin(plan.assignment, self.absorb))
        ok, reason = screen_assignment(project, moving, self.keep)
        if reason is not None:
            raise ConstraintError(f"Refused: {reason}")
        names = ", ".join(plan.territories[c].name for c in self.absorb)
        self.text = f"Merge {names} into {plan.territories[self.keep].name}"
        moved = []
        for code in self.absorb:
            units = plan.units_of(code)
            self.removed[code] = (plan.territories[code], units)
            project.metrics.reassign(units, self.keep)
            del plan.territories[code]
            moved.append(units)
        project.notify_structure()
        project.notify_assignment(np.concatenate(moved), {self.keep, *self.absorb})

    def undo(self, project: Project) -> None:
        """Restore the absorbed territories and their units."""
        plan = project.plan
        moved = []
        for code, (t, units) in self.removed.items():
            plan.territories[code] = t
            project.metrics.reassign(units, code)
            moved.append(units)
        project.notify_structure()
        project.notify_assignment(np.concatenate(moved), {self.keep, *self.absorb})


class SetUnitsLocked(Operation):
    """Lock or unlock individual units in the active plan."""

    def __init__(self, units: np.ndarray | list[int], locked: bool) -> None:
        self.units = np.unique(np.asarray(units, dtype=np.int64))
        self.locked = bool(locked)
        self.before = np.empty(0, dtype=bool)
        n = self.units.size
        self.text = f"{'Lock' if locked else 'Unlock'} {n} unit{'s' if n != 1 else ''}"

    def apply(self, project: Project) -> None:
        """Set the lock flag."""
        lu = project.plan.locked_units
        self.before = lu[self.units].copy()
        lu[self.units] = self.locked
        project.notify_locks(self.units)

    def undo(self, project: Project) -> None:
        """Restore the previous flags."""
        project.plan.locked_units[self.units] = self.before
        project.notify_locks(self.units)


# Plan and account edits live in their own modules; every operation is importable
# from here.
__all__ = [
    "AddGeneratedPlan",
    "AddPlan",
    "AddTerritory",
    "AssignUnits",
    "DeletePlan",
    "DeleteTerritory",
    "LocateAccounts",
    "MergeTerritories",
    "Operation",
    "RenamePlan",
    "ReplaceAccounts",
    "SetAccountOverride",
    "SetActivePlan",
    "SetBaselinePlan",
    "SetUnitsLocked",
    "UpdateTerritory",
]

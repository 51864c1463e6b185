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

from territory_designer.core.errors import EditError, LockedError
from territory_designer.core.plan import EDITABLE_FIELDS, UNASSIGNED, Plan, Territory

if TYPE_CHECKING:
    from territory_designer.core.project import Project

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class Operation:
    """Base class: an edit that can be applied once and undone."""

    text = "Edit"

    def apply(self, project: Project) -> None:
        """Perform the edit (raises a :class:`TerritoryDesignerError` if refused)."""
        raise NotImplementedError

    def undo(self, project: Project) -> None:
        """Revert exactly what :meth:`apply` did."""
        raise NotImplementedError


def _label(plan: Plan, code: int) -> str:
    if code == UNASSIGNED:
        return "Unassigned"
    t = plan.territories[code]
    return t.name


def _territory(plan: Plan, code: int) -> Territory:
    try:
        return plan.territories[code]
    except KeyError:
        raise EditError(f"No territory with code {code} in plan {plan.name!r}.") from None


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
        self.text = "Assign units"

    def apply(self, project: Project) -> None:
        """Assign the units given at construction."""
        plan = project.plan
        if self.code != UNASSIGNED:
            t = _territory(plan, self.code)
            if t.locked:
                raise LockedError(f"Territory {t.name!r} is locked: it cannot receive units.")
        self._assign(project, self._pending)

    def extend(self, project: Project, units: np.ndarray | list[int]) -> np.ndarray:
        """Assign more units as part of the same edit; returns the units changed now."""
        return self._assign(project, np.unique(np.asarray(units, dtype=np.int64)))

    def _assign(self, project: Project, units: np.ndarray) -> np.ndarray:
        plan = project.plan
        if units.size and (units.min() < 0 or units.max() >= plan.assignment.size):
            raise EditError("Unit index out of range.")
        editable = plan.editable_mask()[units]
        newly_skipped = set(units[~editable].tolist()) - self._skipped
        self._skipped |= newly_skipped
        self.skipped_locked = len(self._skipped)
        units = units[editable]
        units = units[plan.assignment[units] != self.code]
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
            else f"Assign {units_text} to {_label(plan, self.code)}"
        )
        project.notify_assignment(units, old_codes | {self.code})
        return units

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
        t = _territory(project.plan, self.code)
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
        self.before = {k: getattr(t, k) for k in self.changes}
        self.text = _describe_update(t, self.changes)
        project.plan.territories[self.code] = replace(t, **self.changes)
        project.notify_territories([self.code])

    def undo(self, project: Project) -> None:
        """Restore the previous values."""
        t = project.plan.territories[self.code]
        project.plan.territories[self.code] = replace(t, **self.before)
        project.notify_territories([self.code])


def _describe_update(t: Territory, changes: dict[str, Any]) -> str:
    if set(changes) == {"name"}:
        return f"Rename {t.name} to {changes['name']}"
    if set(changes) == {"locked"}:
        return f"{'Lock' if changes['locked'] else 'Unlock'} {t.name}"
    if set(changes) == {"color"}:
        return f"Recolour {t.name}"
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
        t = _territory(project.plan, self.code)
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
        involved = [_territory(plan, c) for c in [self.keep, *self.absorb]]
        locked = [t.name for t in involved if t.locked]
        if locked:
            raise LockedError(f"Cannot merge locked territory {', '.join(locked)}.")
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


class SetAccountOverride(Operation):
    """Pin a named account to a territory regardless of geography (None unpins it)."""

    def __init__(self, account_id: str, code: int | None) -> None:
        self.account_id = str(account_id)
        self.code = None if code is None else int(code)
        self.before: int | None = None
        self.text = f"{'Pin' if code is not None else 'Unpin'} account {account_id}"

    def apply(self, project: Project) -> None:
        """Refuse unknown accounts and locked territories (either side)."""
        plan = project.plan
        if self.account_id not in project.account_index:
            raise EditError(f"No account with id {self.account_id!r}.")
        overrides = plan.account_overrides
        self.before = overrides.get(self.account_id)
        for code in (self.before, self.code):
            if code is not None and code in plan.territories and plan.territories[code].locked:
                name = plan.territories[code].name
                raise LockedError(f"Territory {name!r} is locked: its accounts cannot change.")
        if self.code is not None:
            _territory(plan, self.code)
            overrides[self.account_id] = self.code
        else:
            overrides.pop(self.account_id, None)
        project.notify_territories(list(plan.territories))

    def undo(self, project: Project) -> None:
        """Restore the previous pin."""
        overrides = project.plan.account_overrides
        if self.before is None:
            overrides.pop(self.account_id, None)
        else:
            overrides[self.account_id] = self.before
        project.notify_territories(list(project.plan.territories))


class ReplaceAccounts(Operation):
    """Swap in a complete account table (an import); undo restores the previous one.

    Parameters
    ----------
    table : AccountTable
        The finished table (see ``io.accounts_import.prepare_import``).
    transactions : pandas.DataFrame, optional
        Order-level rows kept by an aggregating import (replaces the project's).
    text : str
        Undo-stack label.
    """

    def __init__(self, table: Any, transactions: Any = None, text: str = "Import accounts") -> None:
        self.table = table
        self.transactions = transactions
        self.text = text
        self.old_table: Any = None
        self.old_transactions: Any = None

    def apply(self, project: Project) -> None:
        """Replace the accounts (weights and metrics are rebuilt by the project)."""
        self.old_transactions = project.transactions
        self.old_table = project.replace_accounts(self.table)
        project.transactions = self.transactions

    def undo(self, project: Project) -> None:
        """Restore the account table and transactions from before :meth:`apply`."""
        project.replace_accounts(self.old_table)
        project.transactions = self.old_transactions


class LocateAccounts(ReplaceAccounts):
    """Place accounts by hand in a unit (fixing unlocated ones); undo restores them.

    The accounts move to the unit's representative point and are marked
    ``located_by = "manual"``.
    """

    def __init__(self, account_ids: list[str], unit: int) -> None:
        super().__init__(None, None, "")
        self.account_ids = [str(a) for a in account_ids]
        self.unit = int(unit)
        n = len(self.account_ids)
        self.text = f"Place {n} account{'s' if n != 1 else ''} by hand"

    def apply(self, project: Project) -> None:
        """Refuse unknown accounts or units; otherwise swap in the edited table."""
        from territory_designer.core.accounts import AccountTable

        if not 0 <= self.unit < len(project.units):
            raise EditError(f"No unit with index {self.unit}.")
        unknown = [a for a in self.account_ids if a not in project.account_index]
        if unknown or not self.account_ids:
            raise EditError(f"Unknown account id(s): {', '.join(unknown[:10]) or '(none)'}.")
        table = project.accounts.table.copy()
        rows = [project.account_index[a] for a in self.account_ids]
        x, y = project.units.centroid[self.unit]
        table.loc[rows, ["x", "y"]] = [x, y]
        table.loc[rows, "unit"] = self.unit
        table.loc[rows, "located_by"] = "manual"
        if "unlocated_reason" in table.columns:
            table.loc[rows, "unlocated_reason"] = ""
        self.table = AccountTable(table)
        self.transactions = project.transactions
        self.text += f" in {project.units.names[self.unit]}"
        super().apply(project)

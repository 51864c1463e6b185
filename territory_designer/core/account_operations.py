"""Reversible edits of accounts: pins to territories, imports, manual placement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from territory_designer.core.accounts import AVERAGED_FIELDS_KEY
from territory_designer.core.errors import EditError, LockedError
from territory_designer.core.operation_base import Operation, territory_of
from territory_designer.core.pin_rules import screen_pin
from territory_designer.core.rules import ConstraintError

if TYPE_CHECKING:
    from territory_designer.core.project import Project


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
            territory_of(plan, self.code)
            reason = screen_pin(project, self.account_id, self.code)  # core.rules
            if reason is not None:
                raise ConstraintError(f"Refused: {reason}")
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
    averaged : list of str, optional
        Columns of ``table`` that are averages or rates (not summed into territory
        metrics); None keeps the project's list.
    """

    def __init__(
        self,
        table: Any,
        transactions: Any = None,
        text: str = "Import accounts",
        averaged: list[str] | None = None,
    ) -> None:
        self.table = table
        self.transactions = transactions
        self.text = text
        self.averaged = averaged
        self.old_table: Any = None
        self.old_transactions: Any = None
        self.old_averaged: Any = None

    def apply(self, project: Project) -> None:
        """Replace the accounts (weights and metrics are rebuilt by the project)."""
        self.old_transactions = project.transactions
        self.old_averaged = project.settings.get(AVERAGED_FIELDS_KEY)
        if self.averaged is not None:  # set before the weights are rebuilt
            project.settings[AVERAGED_FIELDS_KEY] = list(self.averaged)
        self.old_table = project.replace_accounts(self.table)
        project.transactions = self.transactions

    def undo(self, project: Project) -> None:
        """Restore the account table and transactions from before :meth:`apply`."""
        if self.averaged is not None:
            if self.old_averaged is None:
                project.settings.pop(AVERAGED_FIELDS_KEY, None)
            else:
                project.settings[AVERAGED_FIELDS_KEY] = self.old_averaged
        project.replace_accounts(self.old_table)
        project.transactions = self.old_transactions


def _refuse_locked_units(project: Project, units: list[int]) -> None:
    """Raise LockedError when any of ``units`` is locked or in a locked territory.

    Moving an account into or out of such a unit would change a locked territory's
    figures, which painting refuses too.
    """
    plan = project.plan
    for unit in sorted({int(u) for u in units if int(u) >= 0}):
        name = project.units.names[unit]
        t = plan.territories.get(int(plan.assignment[unit]))
        if t is not None and t.locked:
            raise LockedError(
                f"{name} is in locked territory {t.name!r}: its accounts cannot change."
            )
        if plan.locked_units[unit]:
            raise LockedError(f"{name} is locked: its accounts cannot change.")


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
        rows = [project.account_index[a] for a in self.account_ids]
        _refuse_locked_units(project, [self.unit, *project.accounts.table["unit"].iloc[rows]])
        table = project.accounts.table.copy()
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

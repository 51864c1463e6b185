"""The base of every reversible edit, and helpers the operation modules share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from territory_designer.core.errors import EditError
from territory_designer.core.plan import UNASSIGNED, Plan, Territory

if TYPE_CHECKING:
    from territory_designer.core.project import Project


class Operation:
    """Base class: an edit that can be applied once and undone."""

    text = "Edit"

    def apply(self, project: Project) -> None:
        """Perform the edit (raises a :class:`TerritoryDesignerError` if refused)."""
        raise NotImplementedError

    def undo(self, project: Project) -> None:
        """Revert exactly what :meth:`apply` did."""
        raise NotImplementedError


def label_of(plan: Plan, code: int) -> str:
    if code == UNASSIGNED:
        return "Unassigned"
    t = plan.territories[code]
    return t.name


def territory_of(plan: Plan, code: int) -> Territory:
    try:
        return plan.territories[code]
    except KeyError:
        raise EditError(f"No territory with code {code} in plan {plan.name!r}.") from None

"""Territories and plans (scenarios).

A plan maps every unit to a territory code (``-1`` = unassigned) and holds its own list of
territories, so that scenarios can differ in their number of territories. Territory codes
are small integers private to a plan; the user-facing key is the territory's ``id``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from territory_designer.core.criterion import BalanceCriterion

UNASSIGNED = -1


@dataclass
class Territory:
    """One territory of a plan.

    Attributes
    ----------
    id : str
        Stable, user-visible id (``"T01"``), unique within the plan.
    name, color, owner : str
        Display name, fill colour ``#rrggbb`` and the rep who owns it.
    home_base : tuple of float, optional
        Home base (x, y) in the project CRS.
    locked : bool
        Locked territories keep their units: no edit may add or remove any.
    parent : str, optional
        Parent region/district name for hierarchies.
    target : float, optional
        Target value of the balance metric (deviation is measured against it).
    definition : str
        What the territory covers and why (free text shown in reports).
    """

    id: str
    name: str
    color: str
    owner: str = ""
    home_base: tuple[float, float] | None = None
    locked: bool = False
    parent: str | None = None
    target: float | None = None
    definition: str = ""


EDITABLE_FIELDS = (
    "name",
    "color",
    "owner",
    "home_base",
    "locked",
    "parent",
    "target",
    "definition",
)


@dataclass
class Plan:
    """A unit-to-territory assignment with its territories and account overrides.

    ``criterion`` is what the engine balanced the plan on (None for a hand-painted plan,
    which is shown on the project's default metric).
    """

    name: str
    territories: dict[int, Territory]
    assignment: np.ndarray
    locked_units: np.ndarray | None = None
    account_overrides: dict[str, int] = field(default_factory=dict)
    next_code: int = 0
    criterion: BalanceCriterion | None = None

    def __post_init__(self) -> None:
        self.assignment = np.asarray(self.assignment, dtype=np.int32)
        if self.locked_units is None:
            self.locked_units = np.zeros(self.assignment.size, dtype=bool)
        self.next_code = max([self.next_code, *[c + 1 for c in self.territories]])

    @classmethod
    def empty(cls, name: str, n_units: int) -> Plan:
        """A plan with no territory and every unit unassigned."""
        return cls(name, {}, np.full(n_units, UNASSIGNED, dtype=np.int32))

    def copy(self, name: str) -> Plan:
        """A deep copy under a new name."""
        return Plan(
            name,
            copy.deepcopy(self.territories),
            self.assignment.copy(),
            self.locked_units.copy(),
            dict(self.account_overrides),
            self.next_code,
            copy.deepcopy(self.criterion),
        )

    def code_of(self, territory_id: str) -> int:
        """Code of a territory id (KeyError when unknown)."""
        for code, t in self.territories.items():
            if t.id == territory_id:
                return code
        raise KeyError(territory_id)

    def new_territory_id(self) -> str:
        """A fresh id ``T<n>`` not used in this plan."""
        used = {t.id for t in self.territories.values()}
        k = len(self.territories) + 1
        while f"T{k:02d}" in used:
            k += 1
        return f"T{k:02d}"

    def territory_ids(self) -> np.ndarray:
        """Territory id per unit ('' for unassigned)."""
        lookup = {c: t.id for c, t in self.territories.items()}
        return np.array([lookup.get(int(c), "") for c in self.assignment], dtype=object)

    def units_of(self, code: int) -> np.ndarray:
        """Indices of the units assigned to ``code``."""
        return np.flatnonzero(self.assignment == code)

    def editable_mask(self) -> np.ndarray:
        """Units an edit may change: not locked themselves, not in a locked territory."""
        locked_codes = [c for c, t in self.territories.items() if t.locked]
        mask = ~self.locked_units
        if locked_codes:
            mask &= ~np.isin(self.assignment, locked_codes)
        return mask

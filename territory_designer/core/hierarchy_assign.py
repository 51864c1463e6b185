"""Assign units to a hierarchy node (a district, a region…): each unit goes to the
territory under that node nearest to it, in one undoable edit. Units already in one of
the node's territories stay where they are.

Every assignment goes through :class:`~territory_designer.core.operations.AssignUnits`,
so locks and the project's rules apply: a unit its nearest territory may not take (a
state rule, an account limit…) tries the next nearest territory of the node, and is left
where it was when none may take it (:attr:`AssignToNode.left_out` and ``reason`` say so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.errors import EditError
from territory_designer.core.hierarchy import (
    hierarchy_levels,
    level_index,
    node_name,
    node_of_territories,
)
from territory_designer.core.operation_base import Operation
from territory_designer.core.operations import AssignUnits

if TYPE_CHECKING:
    from territory_designer.core.project import Project


def territories_under(project: Project, node: str, level: str | int) -> list[int]:
    """Codes of the active plan's territories under ``node`` at ``level``."""
    node_of = node_of_territories(project, project.plan, level)
    return [code for code, n in node_of.items() if n == node]


def distance_ranks(project: Project, units: np.ndarray, codes: list[int]) -> np.ndarray:
    """(len(units), len(codes)) indices into ``codes``, nearest territory first.

    A territory's distance to a unit is that of its nearest unit (its home base when it
    has no units yet; territories with neither come last).
    """
    from scipy.spatial import cKDTree

    xy = project.units.centroid[units]
    assignment = project.plan.assignment
    dist = np.full((units.size, len(codes)), np.inf)
    for j, code in enumerate(codes):
        mine = np.flatnonzero(assignment == code)
        if mine.size:
            dist[:, j], _ = cKDTree(project.units.centroid[mine]).query(xy)
            continue
        home = project.plan.territories[code].home_base
        if home is not None:
            dist[:, j] = np.hypot(xy[:, 0] - home[0], xy[:, 1] - home[1])
    return np.argsort(dist, axis=1, kind="stable")


class AssignToNode(Operation):
    """Assign ``units`` to the territories under hierarchy ``node`` (at ``level``), each
    unit to the nearest one that may take it; one undo step.

    Raises :class:`~territory_designer.core.errors.EditError` when the node has no
    territory that can receive units, or when no unit could move.
    """

    def __init__(self, units: np.ndarray | list[int], node: str, level: str | int) -> None:
        self.units = np.unique(np.asarray(units, dtype=np.int64))
        self.node = str(node)
        self.level = level
        self.parts: list[AssignUnits] = []
        self.left_out = 0
        self.reason: str | None = None
        self.text = "Assign units to a district"

    def apply(self, project: Project) -> None:
        """Assign (or re-assign on redo) the units."""
        if self.parts:  # redo: the same moves again
            for part in self.parts:
                part.redo(project)
            return
        i = level_index(project, self.level)
        label = f"{hierarchy_levels(project)[i].capitalize()} {node_name(project, self.node)}"
        plan = project.plan
        codes = [c for c in territories_under(project, self.node, i)
                 if not plan.territories[c].locked]  # fmt: skip
        if not codes:
            raise EditError(f"{label} has no territory that can receive units.")
        inside = np.isin(plan.assignment[self.units], codes)  # already there: they stay
        if inside.all():
            raise EditError(f"The selected units are already in {label}.")
        units = self.units[plan.editable_mask()[self.units] & ~inside]
        ranks = distance_ranks(project, units, codes)
        ops = {c: AssignUnits([], c) for c in codes}
        for op in ops.values():
            op.apply(project)
        waiting = np.ones(units.size, dtype=bool)
        try:
            for r in range(len(codes)):
                for j, code in enumerate(codes):
                    batch = units[waiting & (ranks[:, r] == j)]
                    if batch.size:
                        ops[code].extend(project, batch)
                        if ops[code].refused_reason:
                            self.reason = ops[code].refused_reason
                waiting &= ~np.isin(plan.assignment[units], codes)
                if not waiting.any():
                    break
        except Exception:
            for op in ops.values():
                op.undo(project)
            raise
        self.parts = [op for op in ops.values() if op.units.size]
        self.left_out = int(waiting.sum()) + int((~inside).sum() - units.size)
        moved = sum(op.units.size for op in self.parts)
        if not moved:
            why = f": {self.reason}" if self.reason else " (locked)"
            raise EditError(f"No unit could move to {label}{why}.")
        self.text = f"Assign {moved} unit{'s' if moved != 1 else ''} to {label}"

    def undo(self, project: Project) -> None:
        """Put every moved unit back where it was."""
        for part in reversed(self.parts):
            part.undo(project)

    def describe(self) -> str:
        """What happened, for the status bar."""
        text = self.text
        if self.left_out:
            why = f" ({self.reason})" if self.reason else " (locked or refused)"
            text += f"; {self.left_out} unit{'s' if self.left_out != 1 else ''} left out{why}"
        return text

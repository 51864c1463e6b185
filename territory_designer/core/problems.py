"""Everything wrong with a plan, in one list: each problem names the units to look at.

Unassigned units, territories in several pieces (each extra piece on its own), accounts
outside every unit, units of locked territories changed against the baseline plan, and
units heavier on their own than a territory's target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.csgraph import connected_components

from territory_designer.core.criterion import criterion_label
from territory_designer.core.project import Project


@dataclass
class Problem:
    """One problem of a plan.

    Attributes
    ----------
    kind : str
        "unassigned", "pieces", "outside", "locked" or "heavy".
    text : str
        What is wrong, for a list row.
    units : numpy.ndarray
        Unit indices to select and show (may be empty).
    points : numpy.ndarray
        (n, 2) project coordinates to show when no unit holds them (accounts outside).
    """

    kind: str
    text: str
    units: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    points: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))


def plan_problems(project: Project) -> list[Problem]:
    """The problems of the active plan, most pressing kinds first."""
    plan = project.plan
    out: list[Problem] = []
    unassigned = np.flatnonzero(plan.assignment < 0)
    if unassigned.size and plan.territories:
        n = unassigned.size
        out.append(
            Problem("unassigned", f"{n:,} unit{'s' if n != 1 else ''} unassigned", unassigned)
        )
    out += _pieces(project)
    table = project.accounts.table
    if len(table):
        xy = table[["x", "y"]].to_numpy(dtype=float)
        outside = (table["unit"].to_numpy(dtype=int) < 0) & np.isfinite(xy).all(axis=1)
        if outside.any():
            n = int(outside.sum())
            out.append(
                Problem(
                    "outside",
                    f"{n:,} account{'s' if n != 1 else ''} outside every unit",
                    points=xy[outside],
                )
            )
    out += _locked_changed(project)
    out += _heavy(project)
    return out


def _pieces(project: Project) -> list[Problem]:
    plan, adjacency = project.plan, project.adjacency
    out = []
    for code, t in sorted(plan.territories.items()):
        if project.metrics.pieces(code)[0] <= 1:
            continue
        units = plan.units_of(code)
        n, labels = connected_components(adjacency.csr[units][:, units], directed=False)
        sizes = np.bincount(labels, minlength=n)
        for rank, piece in enumerate(np.argsort(-sizes, kind="stable")[1:], start=2):
            members = units[labels == piece]
            out.append(
                Problem(
                    "pieces",
                    f"{t.name}: piece {rank} of {n} ({members.size:,} unit"
                    f"{'s' if members.size != 1 else ''}) apart from the rest",
                    members,
                )
            )
    return out


def _locked_changed(project: Project) -> list[Problem]:
    base = project.plans.get(project.baseline_plan_name or "")
    plan = project.plan
    if base is None or base is plan or len(base.assignment) != len(plan.assignment):
        return []
    out = []
    for code, t in sorted(plan.territories.items()):
        if not t.locked:
            continue
        was = base.assignment == code
        now = plan.assignment == code
        changed = np.flatnonzero(was != now)
        if changed.size:
            out.append(
                Problem(
                    "locked",
                    f"{t.name} (locked): {changed.size:,} unit"
                    f"{'s' if changed.size != 1 else ''} changed since {base.name}",
                    changed,
                )
            )
    return out


def _heavy(project: Project) -> list[Problem]:
    plan = project.plan
    k = len(plan.territories)
    if k == 0:
        return []
    field_name = project.balance_field
    values = np.nan_to_num(project.unit_values(field_name).astype(float))
    target = float(values.clip(min=0).sum()) / k
    if target <= 0:
        return []
    heavy = np.flatnonzero(values > target)
    label = criterion_label(field_name)
    return [
        Problem(
            "heavy",
            f"{project.units.names[u]} alone holds {values[u] / target:.0%} of a territory's "
            f"target {label}",
            np.array([u]),
        )
        for u in heavy[np.argsort(-values[heavy])].tolist()
    ]

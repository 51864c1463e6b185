"""The engine's inputs from a project, and its report in the project's terms.

A project becomes a :class:`~territory_designer.balance.problem.BalanceProblem`: one weight
per unit (a field, or a weighted mix of fields each taken as a share of its total), the
unit graph of neighbours (:meth:`~territory_designer.core.adjacency.Adjacency.
contact_edges`) with every island linked to the nearest mainland unit, the "stay within"
groups and the territories a build carries over unchanged. The quality report of a run
counts contiguity on the neighbours alone, as the live metrics and the reports do.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from territory_designer.balance.graph import ISLAND_LINK_M, Graph, island_links
from territory_designer.balance.island_notes import island_notes
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.quality import QualityReport, quality_report
from territory_designer.core.criterion import BalanceCriterion, mix_key
from territory_designer.core.errors import InputError
from territory_designer.core.geodesy import distance_matrix
from territory_designer.core.plan import Plan

if TYPE_CHECKING:
    from territory_designer.core.project import Project


def combined_weight(project: Project, balance_on: str | dict[str, float] | None) -> np.ndarray:
    """Per-unit weight: one field, or a weighted sum of fields each taken as a share.

    ``{"workload": 0.6, "revenue": 0.4}`` gives ``0.6 * workload / total workload +
    0.4 * revenue / total revenue``, so fields of different scales mix as intended.
    """
    fields = project.weight_fields
    if balance_on is None:
        balance_on = project.balance_field
    if isinstance(balance_on, str):
        balance_on = BalanceCriterion.of(balance_on, None).weights
    for name in balance_on:
        if name not in fields:
            raise InputError(f"Unknown balancing field {name!r}; choose one of {fields}.")
        if np.clip(np.nan_to_num(project.weights[:, fields.index(name)]), 0, None).sum() <= 0:
            raise InputError(
                f"No unit has any {name}: there is nothing to balance on it; choose another field."
            )
    if len(balance_on) == 1:
        name, coef = next(iter(balance_on.items()))
        return coef * np.clip(np.nan_to_num(project.unit_values(name)), 0, None)
    return project.unit_values(mix_key(balance_on))


def unit_field(project: Project, name: str) -> np.ndarray | None:
    """Per-unit values of weight field ``name`` (accounts, revenue...), None if absent."""
    fields = project.weight_fields
    return project.weights[:, fields.index(name)] if name in fields else None


def engine_problem(
    project: Project,
    balance_on: str | dict[str, float] | None,
    k: int,
    shares: np.ndarray,
    **constraints: object,
) -> BalanceProblem:
    """The engine's input for a project: weights, geometry figures and the unit graph.

    The graph is the project's neighbours plus one link from every island to the nearest
    unit of the mainland (:func:`~territory_designer.balance.graph.island_links`).
    """
    ei, ej, el = project.adjacency.contact_edges()
    units = project.units
    li, lj = island_links(units.centroid, ei, ej, constraints.get("groups"))
    if li.size:
        ei, ej, el = np.r_[ei, li], np.r_[ej, lj], np.r_[el, np.full(li.size, ISLAND_LINK_M)]
    return BalanceProblem(
        combined_weight(project, balance_on),
        units.centroid,
        units.area,
        units.perimeter,
        ei,
        ej,
        el,
        k,
        shares,
        # Distances from reps' homes on the ellipsoid: the equal-area projection keeps
        # areas, not distances (a few per cent off across the US, more in Alaska).
        distance=partial(distance_matrix, crs=units.crs),
        **constraints,
    )


def within_groups(project: Project, within: str | None) -> np.ndarray | None:
    """Group code per unit of the "stay within" attribute ``within`` (None without one).

    Raises
    ------
    InputError
        The units have no such attribute.
    """
    if within is None:
        return None
    attrs = project.units.attributes
    if within not in attrs.columns:
        names = ", ".join(map(str, attrs.columns)) or "none"
        raise InputError(f"No unit attribute {within!r} to stay within (the units have: {names}).")
    codes, _ = pd.factorize(attrs[within].astype(str), sort=True)
    return codes.astype(np.int64)


def carried_territories(plan: Plan) -> tuple[list[int], np.ndarray]:
    """Codes of territories carried into a new build (locked, or holding locked units)."""
    codes = [c for c, t in plan.territories.items() if t.locked]
    held = np.unique(plan.assignment[plan.locked_units & (plan.assignment >= 0)])
    codes += [int(c) for c in held if int(c) not in codes]
    return sorted(codes), plan.editable_mask()


def project_quality_report(
    project: Project,
    problem: BalanceProblem,
    labels: np.ndarray,
    start: np.ndarray | None,
    runtime: float,
    lb: float | None,
) -> QualityReport:
    """The :func:`~territory_designer.balance.quality.quality_report` of ``labels`` with the
    project's accounts, revenue, unit names and full shared boundaries (for perimeters).
    """
    adj = project.adjacency
    shared = adj.rook_mask()
    # Contiguity as the metrics and reports count it: neighbours only, islands apart.
    contact = Graph(problem.n, *adj.contact_edges())
    report = quality_report(
        problem,
        contact,
        labels,
        start,
        unit_field(project, "accounts"),
        unit_field(project, "revenue"),
        runtime,
        (adj.ei[shared], adj.ej[shared], adj.length[shared]),
        lb,
        project.units.names,
    )
    report.notes += island_notes(
        project.units.centroid,
        adj.components,
        labels,
        project.units.names,
        problem.weight,
        problem.area,
    )
    return report

"""Add units from a second polygon layer to an existing project.

Territories may mix unit levels (ZIP areas for one region, counties for the rest). The
new layer is reprojected to the project CRS, its ids must not collide with existing ones,
adjacency and display geometry are recomputed, and every plan is extended with the new
units unassigned. A new :class:`Project` is returned; the old one is never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from territory_designer.core.accounts import AccountTable, locate_points
from territory_designer.core.adjacency import compute_adjacency, seam_tolerance
from territory_designer.core.feedback import Feedback
from territory_designer.core.plan import UNASSIGNED, Plan
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer
from territory_designer.io.geography import clean_units, read_layer


@dataclass
class AddUnitsReport:
    """What :func:`add_units` did."""

    added: int
    repaired: int
    skipped_empty: list[str] = field(default_factory=list)
    accounts_joined: int = 0


def add_units(
    project: Project,
    path: Path | str,
    id_field: str,
    name_field: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    skip_empty: bool = False,
    feedback: Feedback | None = None,
) -> tuple[Project, AddUnitsReport]:
    """A new project with the units of a second layer added.

    Parameters
    ----------
    project : Project
        The project to extend (left unchanged).
    path : path-like
        GeoPackage, shapefile (also zipped), GeoJSON, ...
    id_field, name_field : str
        Fields holding the unit id (kept as text) and display name.
    layer : str, optional
        Layer name in a multi-layer file.
    crs : str, optional
        CRS of a layer that has none (for example ``"EPSG:4326"``).
    skip_empty : bool
        Leave out features without geometry (listed in the report) instead of refusing.
    feedback : Feedback, optional
        Progress and cancel.

    Returns
    -------
    (Project, AddUnitsReport)

    Raises
    ------
    InputError
        Unreadable layer, missing fields, no CRS, duplicate or colliding ids (listed),
        empty geometries (listed, unless ``skip_empty``).
    """
    feedback = feedback or Feedback()
    feedback.set_progress(2, "Reading units")
    gdf = read_layer(path, layer)
    clean = clean_units(
        gdf, id_field, name_field, str(path), crs, skip_empty, set(project.units.ids)
    )
    report = AddUnitsReport(0, clean.repaired, clean.skipped_empty)
    geoms = clean.reprojected(project.units.crs)
    ids, names, attrs = clean.ids, clean.names, clean.attributes
    feedback.check_canceled()
    old = project.units
    all_attrs = pd.concat([old.attributes, attrs.reset_index(drop=True)], ignore_index=True)
    feedback.set_progress(20, "Simplifying for display")
    units = UnitLayer(
        np.r_[old.ids, ids],
        np.r_[old.names, names],
        np.r_[old.geometry, geoms],
        old.crs,
        all_attrs,
    )
    feedback.check_canceled()
    feedback.set_progress(50, "Computing adjacency")
    # Two layers from different sources rarely share vertices along their seam: join
    # neighbours across small gaps and overlaps there.
    adjacency = compute_adjacency(units.geometry, feedback, seam_tolerance(units.geometry))
    feedback.check_canceled()
    n_new = len(ids)
    plans = [_extended(p, n_new) for p in project.plans.values()]
    accounts, joined = _rejoin_accounts(project.accounts, units)
    new = Project(
        units,
        adjacency,
        accounts,
        plans,
        active_plan=project.active_plan_name,
        baseline_plan=project.baseline_plan_name,
        settings=dict(project.settings),
    )
    new.transactions = project.transactions
    new.path = project.path
    new.disk_stamp = project.disk_stamp  # still the file that was read: same guard at save
    new.revision = project.revision + 1
    new.saved_revision = project.saved_revision
    report.added = n_new
    report.accounts_joined = joined
    feedback.set_progress(100, f"Added {n_new} units")
    return new, report


def _extended(plan: Plan, n_new: int) -> Plan:
    p = plan.copy(plan.name)
    p.assignment = np.r_[p.assignment, np.full(n_new, UNASSIGNED, dtype=np.int32)]
    p.locked_units = np.r_[p.locked_units, np.zeros(n_new, dtype=bool)]
    return p


def _rejoin_accounts(accounts: AccountTable, units: UnitLayer) -> tuple[AccountTable, int]:
    """Accounts with coordinates but no unit may now fall in one of the new units."""
    t = accounts.table.copy()
    if not len(t):
        return AccountTable(t), 0
    xy = t[["x", "y"]].to_numpy(dtype=float)
    todo = (t["unit"].to_numpy() < 0) & np.isfinite(xy).all(axis=1)
    if not todo.any():
        return AccountTable(t), 0
    found = locate_points(xy[todo], units.geometry)
    idx = t.index[todo][found >= 0]
    t.loc[idx, "unit"] = found[found >= 0]
    if "unlocated_reason" in t:
        t.loc[idx, "unlocated_reason"] = ""
    return AccountTable(t), int((found >= 0).sum())

"""Add units from a second polygon layer to an existing project.

Territories may mix unit levels (ZIP areas for one region, counties for the rest). The
new layer is reprojected to the project CRS, its ids must not collide with existing ones
(a prefix keeps them apart), adjacency and display geometry are recomputed, and every plan
is extended with the new units unassigned. New units that overlap the project's are
refused, or replace the units they cover when the user chooses so. A new
:class:`Project` is returned; the old one is never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from territory_designer.core.accounts import AccountTable, locate_points
from territory_designer.core.adjacency import compute_adjacency, seam_tolerance
from territory_designer.core.errors import CoveredUnitsError, LockedError
from territory_designer.core.feedback import Feedback
from territory_designer.core.overlaps import Overlaps, covered_parts, find_overlaps
from territory_designer.core.plan import UNASSIGNED, Plan
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer
from territory_designer.io.geography import (
    OVERLAPS_SETTING,
    check_overlaps,
    clean_units,
    read_layer,
)


@dataclass
class AddUnitsReport:
    """What :func:`add_units` did.

    ``replaced`` lists the ids of project units the new layer covered (removed),
    ``trimmed`` those it covered in part (cut back to their uncovered rest);
    ``accounts_moved`` counts accounts relocated from them into the new units.
    """

    added: int
    repaired: int
    skipped_empty: list[str] = field(default_factory=list)
    accounts_joined: int = 0
    replaced: list[str] = field(default_factory=list)
    trimmed: list[str] = field(default_factory=list)
    accounts_moved: int = 0
    renamed: dict[str, str] = field(default_factory=dict)  # attributes renamed (clashes)

    def summary(self, n_units: int) -> str:
        """One line for the user."""
        line = (
            f"Added {self.added:,} units ({self.repaired:,} repaired, "
            f"{len(self.skipped_empty):,} empty skipped)"
        )
        if self.replaced or self.trimmed:
            line += (
                f"; replaced {len(self.replaced):,} covered units "
                f"({_ids(self.replaced)}), trimmed {len(self.trimmed):,} partly covered "
                f"({_ids(self.trimmed)}), {self.accounts_moved:,} accounts moved into the "
                "new units"
            )
        return line + f"; project now has {n_units:,} units"


def _ids(ids: list[str], shown: int = 5) -> str:
    if not ids:
        return "none"
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def add_units(
    project: Project,
    path: Path | str,
    id_field: str,
    name_field: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    skip_empty: bool = False,
    feedback: Feedback | None = None,
    id_prefix: str = "",
    replace_covered: bool = False,
    allow_overlaps: bool = False,
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
        CRS of the layer (for example ``"EPSG:4326"``): sets a missing one or overrides
        a wrong one.
    skip_empty : bool
        Leave out features without geometry (listed in the report) instead of refusing.
    feedback : Feedback, optional
        Progress and cancel.
    id_prefix : str
        Put in front of every new id (keeps clashing ids of two layers apart).
    replace_covered : bool
        Where the new units overlap the project's, the new ones win: units covered 90% or
        more are removed (accounts in their uncovered fringe join the nearest unit),
        others are cut back, their accounts move into the new units
        and each new unit joins, in every plan, the territory of the unit it covers most.
    allow_overlaps : bool
        Accept new units that overlap each other.

    Returns
    -------
    (Project, AddUnitsReport)

    Raises
    ------
    InputError
        Unreadable layer, missing fields, no CRS, duplicate ids (listed), empty
        geometries (listed, unless ``skip_empty``).
    IdClashError
        New ids already in the project (listed); ``id_prefix`` resolves it.
    OverlapError
        New units overlap the project's (without ``replace_covered``) or each other
        (without ``allow_overlaps``).
    LockedError
        A unit to replace is locked or in a locked territory.
    """
    feedback = feedback or Feedback()
    feedback.set_progress(2, "Reading units")
    source = str(path)
    gdf = read_layer(path, layer)
    clean = clean_units(
        gdf,
        id_field,
        name_field,
        source,
        crs,
        skip_empty,
        set(project.units.ids),
        id_prefix=id_prefix,
        taken_fields=list(project.units.attributes.columns),
    )
    report = AddUnitsReport(0, clean.repaired, clean.skipped_empty, renamed=clean.renamed)
    geoms = clean.reprojected(project.units.crs)
    ids, names, attrs = clean.ids, clean.names, clean.attributes
    own_overlaps = check_overlaps(geoms, ids, source, allow_overlaps)
    old = project.units
    overlaps = find_overlaps(old.geometry, geoms)
    if len(overlaps) and not replace_covered:
        detail = _overlap_line(source, overlaps, old.ids, ids)
        raise CoveredUnitsError(
            f"{detail} Nothing was added: replace the covered units with the new ones "
            "(--replace-covered) or remove the overlap from the file.",
            detail,
        )
    feedback.check_canceled()
    keep = np.ones(len(old), dtype=bool)
    changed = np.zeros(len(old), dtype=bool)
    old_geoms = old.geometry
    if len(overlaps):
        feedback.set_progress(10, "Replacing covered units")
        removed, trimmed = covered_parts(old.geometry, geoms)
        cut = np.array([g is not None for g in trimmed], dtype=bool)
        changed = removed | cut
        _refuse_locked(project, np.flatnonzero(changed))
        keep = ~removed
        old_geoms = np.where(cut, trimmed, old.geometry)
        report.replaced = old.ids[removed].tolist()
        report.trimmed = old.ids[cut].tolist()
    all_attrs = pd.concat(
        [old.attributes[keep].reset_index(drop=True), attrs.reset_index(drop=True)],
        ignore_index=True,
    )
    feedback.set_progress(20, "Simplifying for display")
    units = UnitLayer(
        np.r_[old.ids[keep], ids],
        np.r_[old.names[keep], names],
        np.r_[old_geoms[keep], geoms],
        old.crs,
        all_attrs,
    )
    feedback.check_canceled()
    feedback.set_progress(50, "Computing adjacency")
    # Two layers from different sources rarely share vertices along their seam: join
    # neighbours across small gaps and overlaps there.
    adjacency = compute_adjacency(
        units.geometry, feedback, seam_tolerance(units.geometry), units.length_scale
    )
    feedback.check_canceled()
    n_new = len(ids)
    inherits = _inherited_units(overlaps, n_new)
    plans = [_extended(p, keep, inherits) for p in project.plans.values()]
    accounts, joined, moved = _rejoin_accounts(project.accounts, units, keep, changed)
    new = Project(
        units,
        adjacency,
        accounts,
        plans,
        active_plan=project.active_plan_name,
        baseline_plan=project.baseline_plan_name,
        settings=dict(project.settings),
    )
    if len(own_overlaps):
        new.settings[OVERLAPS_SETTING] = own_overlaps.describe(ids)
    new.transactions = project.transactions
    new.change_log = project.change_log.copy()
    new.path = project.path
    new.disk_stamp = project.disk_stamp  # still the file that was read: same guard at save
    new.revision = project.revision + 1
    new.saved_revision = project.saved_revision
    report.added = n_new
    report.accounts_joined = joined
    report.accounts_moved = moved
    feedback.set_progress(100, f"Added {n_new} units")
    return new, report


def _overlap_line(source: str, overlaps: Overlaps, old_ids: np.ndarray, ids: np.ndarray) -> str:
    n_new, n_old = np.unique(overlaps.second).size, np.unique(overlaps.first).size
    order = np.argsort(-overlaps.area, kind="stable")[:5]
    examples = ", ".join(
        f"{ids[overlaps.second[k]]} over {old_ids[overlaps.first[k]]}" for k in order
    )
    return (
        f"{source}: {n_new:,} new {'unit overlaps' if n_new == 1 else 'units overlap'} "
        f"{n_old:,} {'unit' if n_old == 1 else 'units'} already in the project "
        f"({overlaps.total_km2:,.2f} km² in all; e.g. {examples})."
    )


def _refuse_locked(project: Project, units: np.ndarray) -> None:
    """Units to replace or cut back must not be locked in any plan."""
    for plan in project.plans.values():
        codes = plan.assignment[units]
        locked_codes = [c for c, t in plan.territories.items() if t.locked]
        bad = units[plan.locked_units[units] | np.isin(codes, locked_codes)]
        if bad.size:
            shown = ", ".join(project.units.ids[bad[:5]])
            raise LockedError(
                f"Plan {plan.name!r}: {bad.size} units the new layer covers are locked or in "
                f"a locked territory ({shown}); unlock them before replacing them."
            )


def _inherited_units(overlaps: Overlaps, n_new: int) -> np.ndarray:
    """For each new unit, the old unit it overlaps most (-1 if none)."""
    source = np.full(n_new, -1, dtype=np.int64)
    best = np.zeros(n_new)
    for i, j, area in zip(overlaps.first, overlaps.second, overlaps.area, strict=True):
        if area > best[j]:
            source[j], best[j] = i, area
    return source


def _extended(plan: Plan, keep: np.ndarray, inherits: np.ndarray) -> Plan:
    """The plan over the kept old units, then the new ones (in their covered unit's
    territory, unassigned where they cover none)."""
    p = plan.copy(plan.name)
    new_codes = np.where(inherits >= 0, plan.assignment[np.maximum(inherits, 0)], UNASSIGNED)
    p.assignment = np.r_[plan.assignment[keep], new_codes].astype(np.int32)
    p.locked_units = np.r_[plan.locked_units[keep], np.zeros(inherits.size, dtype=bool)]
    return p


def _rejoin_accounts(
    accounts: AccountTable, units: UnitLayer, keep: np.ndarray, changed: np.ndarray
) -> tuple[AccountTable, int, int]:
    """Accounts renumbered to the new layer: (table, joined, moved).

    Accounts with coordinates but no unit may now fall in one of the new units
    (joined); those of replaced or cut-back old units (``changed``) are located again
    and counted when they land in another unit (moved).
    """
    t = accounts.table.copy()
    if not len(t):
        return AccountTable(t), 0, 0
    renumber = np.full(keep.size, -1, dtype=np.int64)
    renumber[keep] = np.arange(int(keep.sum()))
    unit = t["unit"].to_numpy()
    had_unit = unit >= 0
    kept_unit = np.where(had_unit, renumber[np.maximum(unit, 0)], -1)
    xy = t[["x", "y"]].to_numpy(dtype=float)
    todo = (~had_unit | changed[np.maximum(unit, 0)]) & np.isfinite(xy).all(axis=1)
    new_unit = kept_unit.copy()
    if todo.any():
        found = locate_points(xy[todo], units.geometry)
        # A point snapped into a unit that was only cut back stays in it.
        found = np.where(found >= 0, found, kept_unit[todo])
        # One in the uncovered fringe of a replaced unit joins the nearest unit: it was
        # located before and must not be lost to a gap between two sources.
        lost = np.flatnonzero((found < 0) & had_unit[todo])
        if lost.size:
            tree = shapely.STRtree(units.geometry)
            pi, gi = tree.query_nearest(shapely.points(xy[todo][lost]), all_matches=False)
            found[lost[pi]] = gi
        new_unit[todo] = found
    t["unit"] = new_unit
    joined = ~had_unit & (new_unit >= 0)
    if "unlocated_reason" in t:
        t.loc[joined, "unlocated_reason"] = ""
        t.loc[had_unit & (new_unit < 0), "unlocated_reason"] = "outside_units"
    moved = had_unit & (new_unit >= 0) & (new_unit != kept_unit)
    return AccountTable(t), int(joined.sum()), int(moved.sum())

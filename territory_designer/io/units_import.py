"""Add units from a second polygon layer to an existing project.

Territories may mix unit levels (ZIP areas for one region, counties for the rest). The
new layer is reprojected to the project CRS, its ids must not collide with existing ones,
adjacency and display geometry are recomputed, and every plan is extended with the new
units unassigned. A new :class:`Project` is returned; the old one is never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from territory_designer.core.accounts import AccountTable, locate_points
from territory_designer.core.adjacency import compute_adjacency
from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.core.plan import UNASSIGNED, Plan
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer


@dataclass
class AddUnitsReport:
    """What :func:`add_units` did."""

    added: int
    repaired: int
    skipped_empty: list[str] = field(default_factory=list)
    accounts_joined: int = 0


def gdal_path(path: Path | str) -> str:
    """A path GDAL opens: zipped shapefiles go through ``/vsizip/``."""
    s = str(path)
    if s.startswith("/vsi"):
        return s
    p = Path(s)
    if not p.exists():
        raise InputError(f"{p}: no such file.")
    if p.suffix.lower() == ".zip":
        return f"/vsizip/{p.resolve()}"
    return s


def read_layer(path: Path | str, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a polygon layer (any format pyogrio reads; GeoPackage layer by name)."""
    src = gdal_path(path)
    try:
        layers = [row[0] for row in pyogrio.list_layers(src)]
    except Exception as exc:  # noqa: BLE001 - GDAL's messages vary by driver
        raise InputError(f"{path}: cannot read it as a GIS layer ({exc}).") from exc
    if layer is not None and layer not in layers:
        raise InputError(f"{path}: no layer {layer!r}; layers: {', '.join(layers)}.")
    if layer is None and len(layers) > 1:
        polygon_layers = [
            name for name, kind in pyogrio.list_layers(src) if kind and "POLYGON" in kind.upper()
        ]
        if len(polygon_layers) != 1:
            raise InputError(
                f"{path} holds several layers ({', '.join(layers)}); choose one with --layer."
            )
        layer = polygon_layers[0]
    try:
        gdf = pyogrio.read_dataframe(src, layer=layer)
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"{path}: cannot read it as a GIS layer ({exc}).") from exc
    if len(gdf) == 0 or gdf.geometry is None:
        raise InputError(f"{path}: the layer has no features.")
    kinds = set(gdf.geometry.geom_type.dropna().unique())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(f"{path}: expected polygons, found {', '.join(sorted(kinds))}.")
    return gdf


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
    for f in (id_field, name_field):
        if f is not None and f not in gdf.columns:
            cols = ", ".join(c for c in gdf.columns if c != "geometry")
            raise InputError(f"{path}: no field {f!r}. Fields: {cols}")
    if gdf.crs is None:
        if crs is None:
            raise InputError(
                f"{path}: the layer has no coordinate reference system; set it with --crs "
                "(for example --crs EPSG:4326)."
            )
        gdf = gdf.set_crs(crs)
    ids = gdf[id_field].astype(str).str.strip()
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        raise InputError(f"{path}: duplicate unit ids: {', '.join(dup[:20])}")
    taken = ids[ids.isin(set(project.units.ids))].tolist()
    if taken:
        raise InputError(
            f"{path}: {len(taken)} unit ids already exist in the project: {', '.join(taken[:20])}"
        )
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    report = AddUnitsReport(0, 0)
    if empty.any():
        listed = ", ".join(ids[empty].tolist()[:20])
        if not skip_empty:
            raise InputError(f"{path}: units with no geometry: {listed}")
        report.skipped_empty = ids[empty].tolist()
        gdf, ids, geoms = gdf[~empty], ids[~empty], geoms[~empty]
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        fixed = shapely.make_valid(geoms[invalid])
        # make_valid may return collections with lines: keep the polygonal part.
        geoms[invalid] = [_polygonal(g) for g in fixed]
        report.repaired = int(invalid.sum())
    target = project.units.crs
    if target is not None:
        src = CRS.from_user_input(gdf.crs)
        if not src.equals(target):
            geoms = np.asarray(gpd.GeoSeries(geoms, crs=src).to_crs(target).values, dtype=object)
    feedback.check_canceled()
    names = gdf[name_field].astype(str).to_numpy() if name_field else ids.to_numpy()
    attrs = pd.DataFrame(gdf.drop(columns=["geometry"])).drop(
        columns=[c for c in {id_field, name_field} if c], errors="ignore"
    )
    old = project.units
    all_attrs = pd.concat([old.attributes, attrs.reset_index(drop=True)], ignore_index=True)
    feedback.set_progress(20, "Simplifying for display")
    units = UnitLayer(
        np.r_[old.ids, ids.to_numpy()],
        np.r_[old.names, names],
        np.r_[old.geometry, geoms],
        old.crs,
        all_attrs,
    )
    feedback.check_canceled()
    feedback.set_progress(50, "Computing adjacency")
    adjacency = compute_adjacency(units.geometry, feedback)
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
    new.revision = project.revision + 1
    new.saved_revision = project.saved_revision
    report.added = n_new
    report.accounts_joined = joined
    feedback.set_progress(100, f"Added {n_new} units")
    return new, report


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else g


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

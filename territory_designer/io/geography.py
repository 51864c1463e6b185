"""Create a units layer (and a new project) from any polygon file GDAL reads."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from territory_designer.core.adjacency import compute_adjacency
from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.core.plan import Plan
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer, working_crs_for


def read_polygons(path: Path | str, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a polygon layer, with a clear error for missing or unreadable files."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # noqa: BLE001 - GDAL's messages vary by driver
        raise InputError(f"{path}: cannot read it as a GIS layer ({exc}).") from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None or len(gdf) == 0:
        raise InputError(f"{path}: the layer has no features.")
    kinds = set(gdf.geometry.geom_type.dropna().unique())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(f"{path}: expected polygons, found {', '.join(sorted(kinds))}.")
    return gdf


def units_from_frame(
    gdf: gpd.GeoDataFrame,
    id_field: str,
    name_field: str | None = None,
    source: str = "layer",
    crs: str | None = None,
    feedback: Feedback | None = None,
) -> UnitLayer:
    """Turn a polygon GeoDataFrame into a :class:`UnitLayer` in a projected CRS.

    Ids are kept as text; invalid geometries are repaired; empty geometries and
    duplicate ids are refused, listing the ids.
    """
    feedback = feedback or Feedback()
    for f in (id_field, name_field):
        if f is not None and f not in gdf.columns:
            cols = ", ".join(c for c in gdf.columns if c != "geometry")
            raise InputError(f"{source}: no field {f!r}. Fields: {cols}")
    if gdf.crs is None:
        if crs is None:
            raise InputError(
                f"{source}: the layer has no coordinate reference system; "
                "set it with --crs (for example --crs EPSG:4326)."
            )
        gdf = gdf.set_crs(crs)
    ids = gdf[id_field].astype(str).str.strip()
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        raise InputError(f"{source}: duplicate unit ids: {', '.join(dup[:10])}")
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        raise InputError(f"{source}: units with no geometry: {', '.join(ids[empty][:10])}")
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        feedback.message = f"Repaired {int(invalid.sum())} invalid geometries"
    src_crs = CRS.from_user_input(gdf.crs)
    target = working_crs_for(src_crs, geoms)
    if target is not None and not target.equals(src_crs):
        geoms = np.asarray(gpd.GeoSeries(geoms, crs=src_crs).to_crs(target).values, dtype=object)
    names = gdf[name_field].astype(str) if name_field else ids
    attrs = pd.DataFrame(gdf.drop(columns=["geometry"])).drop(
        columns=[c for c in {id_field, name_field} if c], errors="ignore"
    )
    return UnitLayer(ids.values, names.values, geoms, target, attrs)


def new_project_from_file(
    path: Path | str,
    id_field: str,
    name_field: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    feedback: Feedback | None = None,
) -> Project:
    """Create a project (one empty plan) from a polygon file."""
    feedback = feedback or Feedback()
    feedback.set_progress(2, "Reading units")
    gdf = read_polygons(path, layer)
    units = units_from_frame(gdf, id_field, name_field, str(path), crs, feedback)
    feedback.check_canceled()
    feedback.set_progress(40, "Computing adjacency")
    adjacency = compute_adjacency(units.geometry, feedback)
    return Project(units, adjacency, plans=[Plan.empty("Plan 1", len(units))])

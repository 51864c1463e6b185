"""Read polygon layers as units: any format GDAL reads, checked and repaired.

One path for every way units arrive — a new project (:func:`new_project_from_file`), a
second layer added to a project (:mod:`territory_designer.io.units_import`) and the demo —
so they all treat ids, empty and invalid geometries and CRSs the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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
from territory_designer.io.field_names import (
    MAX_IMPORT_COLUMNS,
    UNIT_FIELDS,
    non_clashing_names,
    renaming_note,
    too_many_columns,
)


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
    """Read a polygon layer (any format pyogrio reads; a GeoPackage layer by name).

    A file with several layers needs ``layer`` unless exactly one of them is polygonal.
    """
    src = gdal_path(path)
    try:
        listed = list(pyogrio.list_layers(src))
    except Exception as exc:  # noqa: BLE001 - GDAL's messages vary by driver
        raise InputError(f"{path}: cannot read it as a GIS layer ({exc}).") from exc
    layers = [row[0] for row in listed]
    if layer is not None and layer not in layers:
        raise InputError(f"{path}: no layer {layer!r}; layers: {', '.join(layers)}.")
    if layer is None and len(layers) > 1:
        polygonal = [name for name, kind in listed if kind and "POLYGON" in kind.upper()]
        if len(polygonal) != 1:
            raise InputError(
                f"{path} holds several layers ({', '.join(layers)}); choose one with --layer."
            )
        layer = polygonal[0]
    try:
        gdf = pyogrio.read_dataframe(src, layer=layer)
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"{path}: cannot read it as a GIS layer ({exc}).") from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None or len(gdf) == 0:
        raise InputError(f"{path}: the layer has no features.")
    kinds = set(gdf.geometry.geom_type.dropna().unique())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(f"{path}: expected polygons, found {', '.join(sorted(kinds))}.")
    return gdf


def polygonal_part(g: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a geometry (``make_valid`` may return lines and points too)."""
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else g


@dataclass
class CleanUnits:
    """A checked polygon layer, still in its source CRS."""

    ids: np.ndarray
    names: np.ndarray
    geometry: np.ndarray
    attributes: pd.DataFrame
    crs: CRS
    repaired: int = 0
    skipped_empty: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # clashing attribute names

    def reprojected(self, target: CRS | None) -> np.ndarray:
        """Geometry in ``target`` (unchanged when it is None or the same CRS)."""
        if target is None or target.equals(self.crs):
            return self.geometry
        series = gpd.GeoSeries(self.geometry, crs=self.crs).to_crs(target)
        return np.asarray(series.values, dtype=object)


def clean_units(
    gdf: gpd.GeoDataFrame,
    id_field: str,
    name_field: str | None = None,
    source: str = "layer",
    crs: str | None = None,
    skip_empty: bool = False,
    taken_ids: set[str] | None = None,
    taken_fields: Sequence[str] = (),
) -> CleanUnits:
    """Check a polygon layer for use as units.

    Ids are kept as text (leading zeros preserved) and must be unique and not in
    ``taken_ids``; empty geometries are refused (or skipped and listed with
    ``skip_empty``); invalid geometries are repaired and counted. Attributes whose names
    clash, ignoring case, with the units layer's own fields, with ``taken_fields`` (an
    equal name continues that column) or with each other are renamed (listed in
    ``renamed``). Errors name ``source`` and list the offending ids.
    """
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
        raise InputError(f"{source}: duplicate unit ids: {', '.join(dup[:20])}")
    if taken_ids:
        taken = ids[ids.isin(taken_ids)].tolist()
        if taken:
            raise InputError(
                f"{source}: {len(taken)} unit ids already exist in the project: "
                f"{', '.join(taken[:20])}"
            )
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    skipped: list[str] = []
    if empty.any():
        if not skip_empty:
            raise InputError(
                f"{source}: units with no geometry: {', '.join(ids[empty].tolist()[:20])}"
            )
        skipped = ids[empty].tolist()
        gdf, ids, geoms = gdf[~empty], ids[~empty], geoms[~empty]
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = [polygonal_part(g) for g in shapely.make_valid(geoms[invalid])]
    names = gdf[name_field].astype(str) if name_field else ids
    attrs = pd.DataFrame(gdf.drop(columns=[gdf.geometry.name])).drop(
        columns=[c for c in {id_field, name_field} if c], errors="ignore"
    )
    if len(attrs.columns) > MAX_IMPORT_COLUMNS:
        raise InputError(too_many_columns(source, len(attrs.columns)))
    renamed = non_clashing_names(list(attrs.columns), UNIT_FIELDS, taken_fields)
    return CleanUnits(
        ids.to_numpy(),
        names.to_numpy(),
        geoms,
        attrs.rename(columns=renamed).reset_index(drop=True),
        CRS.from_user_input(gdf.crs),
        int(invalid.sum()),
        skipped,
        renamed,
    )


def units_from_frame(
    gdf: gpd.GeoDataFrame,
    id_field: str,
    name_field: str | None = None,
    source: str = "layer",
    crs: str | None = None,
    feedback: Feedback | None = None,
    notes: list[str] | None = None,
) -> UnitLayer:
    """Turn a polygon GeoDataFrame into a :class:`UnitLayer` in a projected CRS.

    What was changed on the way (renamed attributes) is appended to ``notes``.
    """
    feedback = feedback or Feedback()
    clean = clean_units(gdf, id_field, name_field, source, crs)
    if clean.repaired:
        feedback.message = f"Repaired {clean.repaired} invalid geometries"
    if notes is not None:
        notes += renaming_note(clean.renamed, f"{source}: unit attributes")
    target = working_crs_for(clean.crs, clean.geometry)
    return UnitLayer(clean.ids, clean.names, clean.reprojected(target), target, clean.attributes)


def new_project_from_file(
    path: Path | str,
    id_field: str,
    name_field: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    feedback: Feedback | None = None,
    notes: list[str] | None = None,
) -> Project:
    """Create a project (one empty plan) from a polygon file.

    Lines for the user about what was changed (renamed attributes) go to ``notes``.
    """
    feedback = feedback or Feedback()
    feedback.set_progress(2, "Reading units")
    gdf = read_layer(path, layer)
    units = units_from_frame(gdf, id_field, name_field, str(path), crs, feedback, notes)
    feedback.check_canceled()
    feedback.set_progress(40, "Computing adjacency")
    adjacency = compute_adjacency(units.geometry, feedback)
    return Project(units, adjacency, plans=[Plan.empty("Plan 1", len(units))])

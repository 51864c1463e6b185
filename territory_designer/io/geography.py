"""Read polygon layers as units: any format GDAL reads, checked and repaired.

One path for every way units arrive — a new project (:func:`new_project_from_file`), a
second layer added to a project (:mod:`territory_designer.io.units_import`) and the demo —
so they all treat ids, empty and invalid geometries and CRSs the same way.
"""

from __future__ import annotations

import warnings
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
from territory_designer.core.errors import CrsError, IdClashError, InputError, OverlapError
from territory_designer.core.feedback import Feedback
from territory_designer.core.overlaps import Overlaps, find_overlaps, points_in_several
from territory_designer.core.plan import Plan
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer
from territory_designer.core.working_crs import parse_working_crs, working_crs_for
from territory_designer.io import layer_checks as checks
from territory_designer.io.field_names import (
    MAX_IMPORT_COLUMNS,
    UNIT_FIELDS,
    non_clashing_names,
    renaming_note,
    too_many_columns,
)

#: Project setting describing the overlapping units a user accepted (absent: none).
OVERLAPS_SETTING = "overlapping_units"


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
        with warnings.catch_warnings():
            # NaN coordinates are reported by clean_units, by feature: not as a warning.
            warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
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
    id_prefix: str = "",
    taken_fields: Sequence[str] = (),
) -> CleanUnits:
    """Check a polygon layer for use as units.

    Ids are kept as text (leading zeros preserved), prefixed with ``id_prefix``, and must
    be present, unique and not in ``taken_ids``; empty geometries are refused (or skipped
    and listed with ``skip_empty``); invalid geometries are repaired and counted;
    non-finite or out-of-range coordinates, degrees under a projected CRS and zero-area
    polygons are refused (see :mod:`territory_designer.io.layer_checks`). ``crs``
    overrides the layer's own CRS (a wrong ``.prj``) or sets a missing one. Attributes
    whose names clash, ignoring case, with the units layer's own fields, with
    ``taken_fields`` (an equal name continues that column) or with each other are renamed
    (listed in ``renamed``). Errors name ``source`` and list the offending features and ids.
    """
    for f in (id_field, name_field):
        if f is not None and f not in gdf.columns:
            cols = ", ".join(c for c in gdf.columns if c != "geometry")
            raise InputError(f"{source}: no field {f!r}. Fields: {cols}")
    if crs is not None:
        gdf = gdf.set_crs(checks.parse_crs(crs, source), allow_override=True)
    elif gdf.crs is None:
        raise CrsError(f"{source}: the layer has no coordinate reference system.")
    gdf = gdf.reset_index(drop=True)
    ids = id_prefix + checks.id_texts(gdf[id_field], source, id_field)
    checks.check_duplicate_ids(ids, source)
    if taken_ids:
        taken = ids[ids.isin(taken_ids)].tolist()
        if taken:
            detail = (
                f"{source}: {len(taken)} unit ids already exist in the project: "
                f"{', '.join(taken[:20])}."
            )
            raise IdClashError(
                f"{detail} Give the new layer's ids a prefix (--id-prefix) to keep both.",
                detail,
            )
    source_crs = CRS.from_user_input(gdf.crs)
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
    checks.check_coordinates(geoms, ids, source_crs, source)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = [polygonal_part(g) for g in shapely.make_valid(geoms[invalid])]
    if crs is None:  # a CRS the user gives is trusted, even for a tiny local layer
        checks.check_degrees_under_projected_crs(geoms, source_crs, source)
    checks.check_areas(geoms, ids, source)
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
        source_crs,
        int(invalid.sum()),
        skipped,
        renamed,
    )


def check_overlaps(geometry: np.ndarray, ids: np.ndarray, source: str, allow: bool) -> Overlaps:
    """Overlapping units of one layer (projected CRS); refused unless ``allow``.

    Raises
    ------
    OverlapError
        Units overlap beyond digitising slivers and ``allow`` is False.
    """
    overlaps = find_overlaps(geometry)
    if len(overlaps) and not allow:
        detail = (
            f"{source}: {overlaps.describe(ids)}. Each place should lie in one unit "
            "(e.g. a city drawn over its own districts is an overlap)."
        )
        raise OverlapError(
            f"{detail} Remove the overlap, or accept it with --allow-overlaps (an account "
            "inside two units then counts in the smaller one).",
            detail,
        )
    return overlaps


def units_from_frame(
    gdf: gpd.GeoDataFrame,
    id_field: str,
    name_field: str | None = None,
    source: str = "layer",
    crs: str | None = None,
    feedback: Feedback | None = None,
    allow_overlaps: bool = False,
    working_crs: str | None = None,
    notes: list[str] | None = None,
) -> UnitLayer:
    """Turn a polygon GeoDataFrame into a :class:`UnitLayer` in a projected CRS.

    Overlapping units are refused unless ``allow_overlaps`` (see :func:`check_overlaps`).
    ``working_crs`` names the projected CRS to use; by default it is chosen from the data
    (see :func:`~territory_designer.core.working_crs.working_crs_for`). What was changed
    on the way (renamed attributes) is appended to ``notes``.
    """
    feedback = feedback or Feedback()
    clean = clean_units(gdf, id_field, name_field, source, crs)
    if clean.repaired:
        feedback.message = f"Repaired {clean.repaired} invalid geometries"
    if notes is not None:
        notes += renaming_note(clean.renamed, f"{source}: unit attributes")
    target = working_crs_for(clean.crs, clean.geometry, working_crs)
    geometry = clean.reprojected(target)
    check_overlaps(geometry, clean.ids, source, allow_overlaps)
    return UnitLayer(clean.ids, clean.names, geometry, target, clean.attributes)


def new_project_from_file(
    path: Path | str,
    id_field: str,
    name_field: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    feedback: Feedback | None = None,
    allow_overlaps: bool = False,
    working_crs: str | None = None,
    notes: list[str] | None = None,
) -> Project:
    """Create a project (one empty plan) from a polygon file.

    With ``allow_overlaps``, overlapping units are accepted and described in the
    project setting ``overlapping_units`` (accounts in an overlap count in the smaller
    unit); otherwise they are refused with :class:`OverlapError`. ``working_crs`` (e.g.
    ``"EPSG:5070"``) overrides the projected CRS chosen from the data. Lines for the user
    about what was changed (renamed attributes) go to ``notes``.
    """
    feedback = feedback or Feedback()
    if working_crs is not None:
        parse_working_crs(working_crs)  # a typo fails before the file is read
    feedback.set_progress(2, "Reading units")
    gdf = read_layer(path, layer)
    units = units_from_frame(
        gdf, id_field, name_field, str(path), crs, feedback, allow_overlaps, working_crs, notes
    )
    feedback.check_canceled()
    feedback.set_progress(40, "Computing adjacency")
    adjacency = compute_adjacency(units.geometry, feedback, length_scale=units.length_scale)
    settings = {}
    if allow_overlaps:
        overlaps = find_overlaps(units.geometry)
        if len(overlaps):
            settings[OVERLAPS_SETTING] = overlaps.describe(units.ids)
    return Project(units, adjacency, plans=[Plan.empty("Plan 1", len(units))], settings=settings)


def overlap_accounts_line(count: int) -> str:
    """What the user is told about accounts inside two units."""
    lie = "account lies" if count == 1 else "accounts lie"
    return f"{count:,} {lie} where units overlap; each counts once, in the smaller unit."


def accounts_in_overlaps(project: Project) -> int | None:
    """Accounts inside two units, in a project whose overlaps were accepted (else None).

    Each counts once, in the smaller unit (see
    :func:`~territory_designer.core.accounts.locate_points`); the user is told how many.
    """
    if OVERLAPS_SETTING not in project.settings:
        return None
    return points_in_several(project.accounts.xy, project.units.geometry)

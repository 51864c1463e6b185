"""GIS exports: territories with their figures, units and accounts with their territory.

GeoPackage (three layers in one file), shapefiles (a folder with ``territories.shp``,
``units.shp`` and ``accounts.shp``, each with a ``<layer>_fields.csv`` giving the full name
of every field cut to dBASE's 10 characters) and GeoJSON (EPSG:4326 as RFC 7946
requires; units and accounts go to siblings ``<name>_units.geojson`` and
``<name>_accounts.geojson``). GeoPackage and shapefiles keep the project's CRS, so areas
stay exact, named so GIS software shows what it is (an EPSG code where there is one), or
the CRS of ``ExportOptions.gis_crs`` (EPSG:4326 for a CRM or web tool). Territories are
dissolved from the full-resolution unit polygons. A plan without accounts has no
accounts layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from territory_designer.core.feedback import Feedback
from territory_designer.core.working_crs import described_crs
from territory_designer.io.atomic import atomic_target, staged_folder
from territory_designer.reports.gis_fields import shapefile_names, write_field_key
from territory_designer.reports.registry import ExportOptions, exporter
from territory_designer.reports.tables import ReportData, build_report_data, dissolve

if TYPE_CHECKING:
    import geopandas as gpd

    from territory_designer.core.project import Project

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def territory_frame(data: ReportData) -> gpd.GeoDataFrame:
    """One feature per non-empty territory with its figures, in the project CRS."""
    import geopandas as gpd

    t = data.territories
    codes = [int(c) for c in t["code"]] if len(t) else []
    shapes = dissolve(data.geometry, data.assignment, codes)
    t = t[t["code"].isin(list(shapes))]
    cols = ["id", "name", "owner", *data.hierarchy, "color", "units", "accounts"]
    cols += data.metric_fields
    cols += ["area_km2", "polsby_popper", "pieces", "deviation_pct"]
    frame = t[cols].rename(columns={"id": "territory"}).reset_index(drop=True)
    geoms = [shapes[int(c)] for c in t["code"]]
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=data.crs)


def unit_frame(data: ReportData) -> gpd.GeoDataFrame:
    """One feature per unit with its territory id, name and owner."""
    import geopandas as gpd

    frame = data.units.drop(columns=["locked"]).copy()
    return gpd.GeoDataFrame(frame, geometry=list(data.geometry), crs=data.crs)


def account_frame(data: ReportData) -> gpd.GeoDataFrame:
    """One point per account with its unit, territory and owner (no point when unlocated)."""
    import geopandas as gpd
    import shapely

    xy = np.asarray(data.account_xy, dtype=float).reshape(-1, 2)
    points = shapely.points(xy)
    points[~np.isfinite(xy).all(axis=1)] = None
    frame = data.accounts.reset_index(drop=True).copy()
    return gpd.GeoDataFrame(frame, geometry=list(points), crs=data.crs)


def output_crs(data: ReportData, options: ExportOptions) -> object:
    """The CRS the layers are written in: the one asked for, else the project's, named."""
    from pyproj import CRS

    if options.gis_crs:  # checked by ExportOptions
        return CRS.from_user_input(options.gis_crs)
    return described_crs(data.crs) if data.crs is not None else None


def _frames(data: ReportData, options: ExportOptions) -> dict[str, gpd.GeoDataFrame]:
    out = {}
    if "territories" in options.layers:
        out["territories"] = territory_frame(data)
    if "units" in options.layers:
        out["units"] = unit_frame(data)
    if "accounts" in options.layers and len(data.accounts):
        out["accounts"] = account_frame(data)
    crs = output_crs(data, options)
    if crs is None:
        return out
    if options.gis_crs:
        return {k: f.to_crs(crs) for k, f in out.items()}
    # The project's own CRS under its full name: the coordinates stay exactly as they are.
    return {k: f.set_crs(crs, allow_override=True) for k, f in out.items()}


def _write(frame: gpd.GeoDataFrame, path: Path, driver: str, layer: str, **kw: object) -> None:
    import warnings

    import pyogrio

    with warnings.catch_warnings():
        # The atomic temporary name has no .gpkg ending; GDAL warns about it.
        warnings.filterwarnings("ignore", message=".*(extension|conformant).*")
        pyogrio.write_dataframe(frame, path, driver=driver, layer=layer, **kw)


@exporter("gpkg", label="GeoPackage", suffixes=(".gpkg",))
def export_gpkg(project: Project, path: Path, options: ExportOptions, feedback: Feedback) -> Path:
    """Write layers ``territories``, ``units`` and ``accounts`` into one GeoPackage."""
    data = build_report_data(project, options.plan)
    frames = _frames(data, options)
    with atomic_target(path) as tmp:
        for k, (layer, frame) in enumerate(frames.items()):
            feedback.check_canceled()
            feedback.set_progress(20 + 70 * k / len(frames), f"Writing {layer}")
            _write(frame, tmp, "GPKG", layer)
        feedback.check_canceled()
    return path


@exporter("geojson", label="GeoJSON", suffixes=(".geojson", ".json"))
def export_geojson(
    project: Project, path: Path, options: ExportOptions, feedback: Feedback
) -> Path:
    """Write territories to ``path``, units to ``<stem>_units.geojson`` and accounts to
    ``<stem>_accounts.geojson`` (EPSG:4326); the first layer written takes ``path``."""
    data = build_report_data(project, options.plan)
    frames = {k: f.to_crs(4326) for k, f in _frames(data, options).items()}
    targets = {
        layer: path if k == 0 else layer_sibling(path, layer) for k, layer in enumerate(frames)
    }
    done: list[Path] = []
    try:
        for layer, frame in frames.items():
            feedback.check_canceled()
            feedback.set_progress(20 + 25 * len(done), f"Writing {layer}")
            with atomic_target(targets[layer]) as tmp:
                _write(frame, tmp, "GeoJSON", layer, COORDINATE_PRECISION=7, RFC7946="YES")
                feedback.check_canceled()
            done.append(targets[layer])
    except BaseException:
        for p in done:  # all or nothing: no territories file without its units file
            p.unlink(missing_ok=True)
        raise
    return path


def layer_sibling(path: Path, layer: str) -> Path:
    """Where :func:`export_geojson` writes ``layer`` next to ``path``."""
    return path.with_name(f"{path.stem}_{layer}{path.suffix}")


def units_sibling(path: Path) -> Path:
    """Where :func:`export_geojson` writes the units next to ``path``."""
    return layer_sibling(path, "units")


def _shapefile_frame(frame: gpd.GeoDataFrame, names: dict[str, str]) -> gpd.GeoDataFrame:
    """Columns renamed to their short dBASE names, text cut to 254 characters."""
    out = frame.rename(columns=names)
    for c in out.columns:
        if c != out.geometry.name and out[c].dtype == object:
            out[c] = out[c].astype(str).str.slice(0, 254)
        elif pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].astype(np.int32)
    return out


@exporter("shp", label="Shapefiles (folder)", is_folder=True)
def export_shapefiles(
    project: Project, path: Path, options: ExportOptions, feedback: Feedback
) -> Path:
    """Write ``territories.shp``, ``units.shp`` and ``accounts.shp`` (with their side files
    and ``<layer>_fields.csv``, the full name of each field) into folder ``path``.

    Everything is written into a hidden sibling folder first; only when all files are
    complete are they moved into ``path`` one by one (each move atomic), so a failure or
    a cancel leaves no partial shapefile in the target folder.
    """
    data = build_report_data(project, options.plan)
    frames = _frames(data, options)
    with staged_folder(path) as staging:
        for k, (layer, frame) in enumerate(frames.items()):
            feedback.check_canceled()
            feedback.set_progress(20 + 70 * k / len(frames), f"Writing {layer}")
            names = shapefile_names([c for c in frame.columns if c != frame.geometry.name])
            write_field_key(staging / f"{layer}_fields.csv", names)
            _write(
                _shapefile_frame(frame, names),
                staging / f"{layer}.shp",
                "ESRI Shapefile",
                layer,
                ENCODING="UTF-8",
            )
        feedback.check_canceled()
    return path

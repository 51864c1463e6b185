"""GIS exports: territories dissolved with their figures, and units with their territory.

GeoPackage (two layers in one file), shapefiles (a folder with ``territories.shp`` and
``units.shp``) and GeoJSON (EPSG:4326 as RFC 7946 requires; the units go to a sibling
``<name>_units.geojson``). GeoPackage and shapefiles keep the project's CRS, so areas stay
exact. Territories are dissolved from the full-resolution unit polygons.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from territory_designer.core.feedback import Feedback
from territory_designer.io.atomic import atomic_target, fsync_dir
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
    cols = ["id", "name", "owner", "color", "units", "accounts", *data.metric_fields]
    cols += ["area_km2", "polsby_popper", "pieces", "deviation_pct"]
    frame = t[cols].rename(columns={"id": "territory"}).reset_index(drop=True)
    geoms = [shapes[int(c)] for c in t["code"]]
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=data.crs)


def unit_frame(data: ReportData) -> gpd.GeoDataFrame:
    """One feature per unit with its territory id, name and owner."""
    import geopandas as gpd

    frame = data.units.drop(columns=["locked"]).copy()
    return gpd.GeoDataFrame(frame, geometry=list(data.geometry), crs=data.crs)


def _frames(data: ReportData, options: ExportOptions) -> dict[str, gpd.GeoDataFrame]:
    out = {}
    if "territories" in options.layers:
        out["territories"] = territory_frame(data)
    if "units" in options.layers:
        out["units"] = unit_frame(data)
    return out


def _write(frame: gpd.GeoDataFrame, path: Path, driver: str, layer: str, **kw: object) -> None:
    import warnings

    import pyogrio

    with warnings.catch_warnings():
        # The atomic temporary name has no .gpkg ending; GDAL warns about it.
        warnings.filterwarnings("ignore", message=".*(extension|conformant).*")
        pyogrio.write_dataframe(frame, path, driver=driver, layer=layer, **kw)


@exporter("gpkg", label="GeoPackage", suffixes=(".gpkg",))
def export_gpkg(project: Project, path: Path, options: ExportOptions, feedback: Feedback) -> Path:
    """Write layers ``territories`` and ``units`` into one GeoPackage."""
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
    """Write territories to ``path`` and units to ``<stem>_units.geojson`` (EPSG:4326)."""
    data = build_report_data(project, options.plan)
    frames = {k: f.to_crs(4326) for k, f in _frames(data, options).items()}
    targets = {
        "territories": path,
        "units": path if "territories" not in frames else units_sibling(path),
    }
    done: list[Path] = []
    try:
        for layer, frame in frames.items():
            feedback.check_canceled()
            feedback.set_progress(20 + 35 * len(done), f"Writing {layer}")
            with atomic_target(targets[layer]) as tmp:
                _write(frame, tmp, "GeoJSON", layer, COORDINATE_PRECISION=7, RFC7946="YES")
                feedback.check_canceled()
            done.append(targets[layer])
    except BaseException:
        for p in done:  # all or nothing: no territories file without its units file
            p.unlink(missing_ok=True)
        raise
    return path


def units_sibling(path: Path) -> Path:
    """Where :func:`export_geojson` writes the units next to ``path``."""
    return path.with_name(f"{path.stem}_units{path.suffix}")


def _shapefile_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Column names cut to the 10 characters dBASE allows, kept unique."""
    names, used = {}, set()
    for c in frame.columns:
        if c == frame.geometry.name:
            continue
        base = str(c)[:10]
        name, k = base, 1
        while name.lower() in used:
            suffix = f"_{k}"
            name, k = base[: 10 - len(suffix)] + suffix, k + 1
        used.add(name.lower())
        names[c] = name
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
    """Write ``territories.shp`` and ``units.shp`` (with their side files) into folder ``path``.

    Everything is written into a hidden sibling folder first; only when all files are
    complete are they moved into ``path`` one by one (each move atomic), so a failure or
    a cancel leaves no partial shapefile in the target folder.
    """
    data = build_report_data(project, options.plan)
    frames = _frames(data, options)
    staging = path.with_name(f".{path.name}.saving-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for k, (layer, frame) in enumerate(frames.items()):
            feedback.check_canceled()
            feedback.set_progress(20 + 70 * k / len(frames), f"Writing {layer}")
            _write(
                _shapefile_frame(frame),
                staging / f"{layer}.shp",
                "ESRI Shapefile",
                layer,
                ENCODING="UTF-8",
            )
        feedback.check_canceled()
        path.mkdir(exist_ok=True)
        for f in sorted(staging.iterdir()):
            os.replace(f, path / f.name)
        fsync_dir(path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path

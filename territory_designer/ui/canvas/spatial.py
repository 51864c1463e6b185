"""Spatial queries of the painting tools, in project coordinates.

Queries run against the fine display geometry (what the user sees when zoomed in) through
one :class:`shapely.STRtree`; lasso and rectangle select units by their representative
point (``UnitLayer.centroid``, a point on the surface), so a unit counts as inside only when
its body is, not when the outline merely grazes it.
"""

from __future__ import annotations

import numpy as np
import shapely

from territory_designer.core.criterion import criterion_label
from territory_designer.core.project import Project

_EMPTY = np.empty(0, dtype=np.int64)


class UnitIndex:
    """Which units lie under a point, a brush stroke, a lasso or a rectangle.

    Parameters
    ----------
    project : Project
        The open project; its fine display geometry is indexed.
    """

    def __init__(self, project: Project) -> None:
        self.geoms = project.units.lod[1]
        self.points = project.units.centroid
        self.tree = shapely.STRtree(self.geoms)

    def units_at(self, x: float, y: float) -> np.ndarray:
        """Units containing the point (x, y), smallest first (usually one)."""
        hits = self.tree.query(shapely.points(x, y), predicate="intersects")
        if hits.size > 1:
            hits = hits[np.argsort(shapely.area(self.geoms[hits]), kind="stable")]
        return hits.astype(np.int64)

    def unit_at(self, x: float, y: float) -> int:
        """The unit under (x, y), or -1."""
        hits = self.units_at(x, y)
        return int(hits[0]) if hits.size else -1

    def units_in_brush(self, xy: np.ndarray, radius: float) -> np.ndarray:
        """Units touched by a circle of ``radius`` swept along the points ``xy``."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        if len(xy) == 0:
            return _EMPTY
        if len(xy) == 1 or np.allclose(xy, xy[0]):
            shape = shapely.buffer(shapely.points(xy[0]), radius, quad_segs=8)
        else:
            shape = shapely.buffer(shapely.linestrings(xy), radius, quad_segs=8)
        return np.sort(self.tree.query(shape, predicate="intersects")).astype(np.int64)

    def units_in_polygon(self, xy: np.ndarray) -> np.ndarray:
        """Units whose representative point lies inside the polygon ``xy`` (a lasso)."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        if len(xy) < 3:
            return _EMPTY
        poly = shapely.make_valid(shapely.polygons(np.vstack([xy, xy[:1]])))
        if poly.is_empty or shapely.area(poly) == 0:
            return _EMPTY
        xmin, ymin, xmax, ymax = poly.bounds
        cand = self._in_box(xmin, ymin, xmax, ymax)
        if cand.size == 0:
            return _EMPTY
        shapely.prepare(poly)
        inside = shapely.contains_xy(poly, self.points[cand, 0], self.points[cand, 1])
        return cand[inside]

    def units_in_rect(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        """Units whose representative point lies in the rectangle (x0, y0)-(x1, y1)."""
        return self._in_box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    def _in_box(self, xmin: float, ymin: float, xmax: float, ymax: float) -> np.ndarray:
        px, py = self.points[:, 0], self.points[:, 1]
        mask = (px >= xmin) & (px <= xmax) & (py >= ymin) & (py <= ymax)
        return np.flatnonzero(mask).astype(np.int64)


def describe_unit(project: Project, unit: int) -> str:
    """'Name (id) — Territory: X — <balance field>: value' for a unit."""
    if unit < 0:
        return ""
    units = project.units
    code = int(project.plan.assignment[unit])
    t = project.plan.territories.get(code)
    field = project.balance_field
    value = float(project.unit_values(field)[unit])
    figure = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.4g}"
    text = f"{units.names[unit]} ({units.ids[unit]}) — Territory: "
    text += t.name if t is not None else "unassigned"
    if project.plan.locked_units[unit] or (t is not None and t.locked):
        text += " (locked)"
    label = field if field in project.weight_fields else criterion_label(field)  # a mix
    return f"{text} — {label}: {figure}"


def unit_tooltip(project: Project, unit: int, color_field: str | None = None) -> str:
    """Rich text for the tooltip of a unit: its figures, then its territory's.

    Parameters
    ----------
    project : Project
        The project shown.
    unit : int
        Unit index (-1: no tooltip).
    color_field : str, optional
        The metric the map is coloured by, shown first when it is not balanced on.
    """
    if unit < 0:
        return ""
    from html import escape

    units, plan, metrics = project.units, project.plan, project.metrics
    field = project.balance_field
    fields = [f for f in (color_field, field) if f] if color_field != field else [field]
    rows = [f"<b>{escape(str(units.names[unit]))}</b> ({escape(str(units.ids[unit]))})"]
    for f in fields:
        value = float(project.unit_values(f)[unit])
        rows.append(f"{escape(criterion_label(f))}: {_figure(value)}")
    code = int(plan.assignment[unit])
    t = plan.territories.get(code)
    if t is None:
        rows.append("<i>Unassigned</i>")
        return "<br>".join(rows)
    owner = f" — {escape(t.owner)}" if t.owner else ""
    lock = " (locked)" if t.locked or plan.locked_units[unit] else ""
    rows.append(f"<hr><b>{escape(t.name)}</b>{owner}{lock}")
    n_units = int((plan.assignment == code).sum())
    accounts = metrics.values("accounts").get(code) if "accounts" in metrics.field_names else None
    counts = f"{n_units:,} units" + (f", {accounts:,.0f} accounts" if accounts is not None else "")
    rows.append(counts)
    total = metrics.values(field).get(code, 0.0)
    deviation = metrics.deviations(field).get(code)
    dev = f" ({deviation:+.1f}% from target)" if deviation is not None else ""
    rows.append(f"{escape(criterion_label(field))}: {_figure(total)}{dev}")
    return "<br>".join(rows)


def _figure(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.4g}"

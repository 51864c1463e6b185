"""Where territory labels go, computed from the units alone (no dissolving).

A label sits on the unit of the territory's largest connected part (by area) nearest that
part's area-weighted centroid, preferring units away from the territory's border: always
inside the territory, even a concave one, and clear of its outline where there is room.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components


def _largest_parts(
    csr: sparse.csr_matrix, units: np.ndarray, group: np.ndarray, area: np.ndarray
) -> np.ndarray:
    """Mask of ``units`` (sorted by ``group``) in their group's largest connected part."""
    sub = csr[units][:, units].tocoo()
    same = group[sub.row] == group[sub.col]
    graph = sparse.coo_matrix(
        (np.ones(int(same.sum()), dtype=bool), (sub.row[same], sub.col[same])),
        shape=(units.size, units.size),
    )
    n_parts, part = connected_components(graph, directed=False)
    part_area = np.bincount(part, area, minlength=n_parts)
    part_group = np.zeros(n_parts, dtype=np.int64)
    part_group[part] = group
    order = np.lexsort((-part_area, part_group))
    first = np.r_[True, part_group[order][1:] != part_group[order][:-1]]
    return np.isin(part, order[first])


def label_anchors(
    assignment: np.ndarray,
    codes: list[int],
    xy: np.ndarray,
    area: np.ndarray,
    bounds: np.ndarray,
    csr: sparse.csr_matrix,
    on_edge: np.ndarray,
) -> dict[int, tuple[float, float, float]]:
    """Label point and size of territories ``codes``.

    Parameters
    ----------
    assignment : numpy.ndarray
        Territory code of every unit.
    codes : list of int
        Territories to place.
    xy, area, bounds : numpy.ndarray
        A point inside each unit, its area and its ``(xmin, ymin, xmax, ymax)``.
    csr : scipy.sparse.csr_matrix
        Unit adjacency (rook).
    on_edge : numpy.ndarray of bool
        Units on the border of their territory.

    Returns
    -------
    dict of int to (x, y, span)
        The label point (project coordinates) and half the bounding-box perimeter of the
        part it labels (map units); territories without units are absent.
    """
    units = np.flatnonzero(np.isin(assignment, codes))
    if units.size == 0:
        return {}
    units = units[np.argsort(assignment[units], kind="stable")]
    _, group = np.unique(assignment[units], return_inverse=True)
    weight = np.maximum(area[units], 1e-12)
    keep = _largest_parts(csr, units, group, weight)
    units, group, weight = units[keep], group[keep], weight[keep]
    found, first = np.unique(assignment[units], return_index=True)
    p = xy[units]
    total = np.bincount(group, weight)
    cx = np.bincount(group, weight * p[:, 0]) / total
    cy = np.bincount(group, weight * p[:, 1]) / total
    dist = np.hypot(p[:, 0] - cx[group], p[:, 1] - cy[group])
    best = np.lexsort((dist, on_edge[units], group))[first]
    b = bounds[units]
    span = (
        np.maximum.reduceat(b[:, 2], first)
        - np.minimum.reduceat(b[:, 0], first)
        + np.maximum.reduceat(b[:, 3], first)
        - np.minimum.reduceat(b[:, 1], first)
    ) / 2
    return {
        int(c): (float(p[k, 0]), float(p[k, 1]), float(s))
        for c, k, s in zip(found.tolist(), best.tolist(), span.tolist(), strict=True)
    }


def visible_anchors(
    assignment: np.ndarray,
    xy: np.ndarray,
    area: np.ndarray,
    bounds: np.ndarray,
    on_edge: np.ndarray,
    rect: tuple[float, float, float, float],
    codes: list[int] | None = None,
) -> dict[int, tuple[float, float, float]]:
    """Label point and size of territories' parts inside a view rectangle.

    A territory with units whose point lies in ``rect`` gets the unit of that visible
    part nearest its area-weighted centroid, preferring units away from its border, so
    a map zoomed in past a territory's own label point still names it, inside its
    visible part.

    Parameters
    ----------
    assignment : numpy.ndarray
        Territory code of every unit (negative: unassigned, never labelled).
    xy, area, bounds : numpy.ndarray
        A point inside each unit, its area and its ``(xmin, ymin, xmax, ymax)``.
    on_edge : numpy.ndarray of bool
        Units on the border of their territory.
    rect : tuple of float
        The view ``(xmin, ymin, xmax, ymax)`` in project coordinates.
    codes : list of int, optional
        Territories to place (every territory in view when None).

    Returns
    -------
    dict of int to (x, y, span)
        Label point and half the bounding-box perimeter of the visible part (clipped to
        ``rect``) of each territory with a unit in view.
    """
    xmin, ymin, xmax, ymax = rect
    px, py = xy[:, 0], xy[:, 1]
    inside = (px >= xmin) & (px <= xmax) & (py >= ymin) & (py <= ymax)
    inside &= assignment >= 0 if codes is None else np.isin(assignment, codes)
    units = np.flatnonzero(inside)
    if units.size == 0:
        return {}
    found, group = np.unique(assignment[units], return_inverse=True)
    weight = np.maximum(area[units], 1e-12)
    p = xy[units]
    total = np.bincount(group, weight)
    cx = np.bincount(group, weight * p[:, 0]) / total
    cy = np.bincount(group, weight * p[:, 1]) / total
    dist = np.hypot(p[:, 0] - cx[group], p[:, 1] - cy[group])
    order = np.lexsort((dist, on_edge[units], group))
    first = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1]])
    best = order[first]
    b = bounds[units[order]]
    lo = np.array([xmin, ymin])
    hi = np.array([xmax, ymax])
    b_min = np.clip(b[:, :2], lo, hi)
    b_max = np.clip(b[:, 2:], lo, hi)
    span = (np.maximum.reduceat(b_max, first) - np.minimum.reduceat(b_min, first)).sum(axis=1) / 2
    return {
        int(c): (float(p[k, 0]), float(p[k, 1]), float(s))
        for c, k, s in zip(found.tolist(), best.tolist(), span.tolist(), strict=True)
    }

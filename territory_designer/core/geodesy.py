"""Distances on the ellipsoid between points given in a project's CRS.

A project's equal-area working projection keeps areas exact but not distances: over the
whole United States an Albers or Lambert projection stretches or shrinks straight lines by
a few per cent, more in Alaska. Distances a user sets a limit on (a rep's maximum distance
from home) are therefore measured on the WGS84 ellipsoid (``pyproj.Geod``), after taking the
points back to longitude and latitude. Points in unknown planar coordinates (no CRS) keep
plain Euclidean distances.
"""

from __future__ import annotations

import numpy as np
from pyproj import CRS, Geod, Transformer

_GEOD = Geod(ellps="WGS84")


def to_lonlat(xy: np.ndarray, crs: CRS) -> np.ndarray:
    """(n, 2) longitudes and latitudes (degrees) of points ``xy`` in ``crs``."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if crs.is_geographic:
        return xy.copy()
    to_geo = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    lon, lat = to_geo.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def distance_matrix(a: np.ndarray, b: np.ndarray, crs: CRS | None) -> np.ndarray:
    """(len(a), len(b)) distances in metres between points ``a`` and ``b`` in ``crs``.

    Geodesic (WGS84 ellipsoid) when the CRS is known, Euclidean in the coordinates when it
    is None.
    """
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    if crs is None:
        return np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
    ga, gb = to_lonlat(a, crs), to_lonlat(b, crs)
    lon1 = np.repeat(ga[:, 0], len(gb))
    lat1 = np.repeat(ga[:, 1], len(gb))
    lon2 = np.tile(gb[:, 0], len(ga))
    lat2 = np.tile(gb[:, 1], len(ga))
    _, _, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist, dtype=float).reshape(len(ga), len(gb))


#: Units where the projection stretches lengths by less than this keep planar perimeters.
SCALE_TOLERANCE = 0.015


def length_scale(geoms: np.ndarray, crs: CRS | None, points: np.ndarray) -> np.ndarray:
    """Ratio of each unit's perimeter on the ellipsoid to its perimeter in ``crs``.

    An equal-area projection keeps areas but stretches lengths away from its centre: in the
    contiguous-US Albers (EPSG:5070) an Alaskan borough's outline is up to 13 % too long,
    so its Polsby-Popper score would be a quarter too low. Where the projection's scale at a
    unit's ``points`` is within :data:`SCALE_TOLERANCE` of 1 the ratio is 1 (planar lengths
    are right to a fraction of that); elsewhere the outline is measured geodesically.

    Parameters
    ----------
    geoms : numpy.ndarray
        Unit polygons in ``crs``.
    crs : pyproj.CRS or None
        Their projected CRS; None (unknown planar coordinates) gives all ones.
    points : numpy.ndarray
        (n, 2) a point inside each unit, in ``crs``.
    """
    import shapely
    from pyproj import Proj

    geoms = np.asarray(geoms, dtype=object)
    scale = np.ones(len(geoms))
    if crs is None or not crs.is_projected or len(geoms) == 0:
        return scale
    lonlat = to_lonlat(points, crs)
    factors = Proj(crs).get_factors(lonlat[:, 0], lonlat[:, 1], errcheck=False)
    stretch = np.maximum(
        np.abs(np.asarray(factors.meridional_scale) - 1),
        np.abs(np.asarray(factors.parallel_scale) - 1),
    )
    far = np.flatnonzero(~(stretch <= SCALE_TOLERANCE))  # NaN (outside the domain) too
    if far.size == 0:
        return scale
    parts, part_unit = shapely.get_parts(geoms[far], return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, vertex_ring = shapely.get_coordinates(rings, return_index=True)
    ll = to_lonlat(xy, crs)
    same = vertex_ring[1:] == vertex_ring[:-1]
    _, _, seg = _GEOD.inv(ll[:-1, 0][same], ll[:-1, 1][same], ll[1:, 0][same], ll[1:, 1][same])
    owner = part_unit[ring_part[vertex_ring[1:][same]]]
    true = np.bincount(owner, weights=np.asarray(seg, dtype=float), minlength=far.size)
    planar = shapely.length(geoms[far])
    ok = (planar > 0) & np.isfinite(true)
    scale[far[ok]] = true[ok] / planar[ok]
    return scale

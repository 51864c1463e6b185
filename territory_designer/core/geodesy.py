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

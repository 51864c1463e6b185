"""The working projection: the projected CRS (metres) a project is measured and drawn in.

Geographic input is reprojected once, when a project is created. The centre of the
projection is taken from the data with wrap-around handled: a layer holding the Aleutians at
both +179° and -179° (any national US layer), Fiji, or New Zealand with the Chathams spans a
narrow band of longitudes *across* the 180° meridian, and a bounding-box midpoint would put
the centre near 0° and draw the layer on its side. The centre is the middle of the smallest
longitude window holding every polygon part.

A layer spanning most of the lower 48 United States gets the projection its users know, the
Albers equal-area conic of the contiguous US (EPSG:5070); any other geographic layer a
Lambert azimuthal equal-area projection centred on the data. Both keep areas, hence
Polsby-Popper compactness, exact. A projected CRS the user names is checked and used as is.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS
from pyproj.crs import GeographicCRS, ProjectedCRS
from pyproj.crs.coordinate_operation import LambertAzimuthalEqualAreaConversion
from pyproj.exceptions import CRSError

from territory_designer.core.errors import InputError

#: NAD83 / Conus Albers, the usual equal-area map of the contiguous United States.
CONUS_ALBERS = "EPSG:5070"
#: The lower 48 (lon min, lat min, lon max, lat max) and how much of it a layer must span.
CONUS_BOX = (-125.0, 24.4, -66.9, 49.4)
CONUS_SPAN = 0.6


def longitude_window(west: np.ndarray, east: np.ndarray) -> tuple[float, float]:
    """Smallest window of longitudes (degrees) holding every interval ``[west, east]``.

    The window may cross the 180° meridian: it is returned as ``(start, end)`` with
    ``start`` in [-180, 180) and ``end`` possibly above 180 (``(172, 194)`` holds the
    Aleutians at +172° and -166°).
    """
    west = np.asarray(west, dtype=float)
    east = np.asarray(east, dtype=float)
    if west.size == 0:
        return -180.0, 180.0
    order = np.argsort(west)
    merged: list[list[float]] = []
    for w, e in zip(west[order], east[order], strict=True):
        if merged and w <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([w, e])
    # The window is the circle minus its largest empty gap (the wrap gap included).
    gaps = [(merged[i + 1][0] - merged[i][1], i) for i in range(len(merged) - 1)]
    wrap_gap = merged[0][0] + 360.0 - merged[-1][1]
    best_gap, at = max(gaps, default=(-np.inf, -1))
    if wrap_gap >= best_gap:
        return merged[0][0], merged[-1][1]
    start = merged[at + 1][0]
    return start, merged[at][1] + 360.0


def _normalise_lon(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


def _part_bounds(geoms: np.ndarray) -> np.ndarray:
    """Bounds of every polygon part (a unit split at 180° is two parts, not the globe)."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    return shapely.bounds(parts)


def spans_lower_48(bounds: np.ndarray) -> bool:
    """Whether polygon parts with ``bounds`` (degrees) cover most of the contiguous US."""
    x0, y0, x1, y1 = CONUS_BOX
    centre_x = (bounds[:, 0] + bounds[:, 2]) / 2
    centre_y = (bounds[:, 1] + bounds[:, 3]) / 2
    inside = (centre_x >= x0) & (centre_x <= x1) & (centre_y >= y0) & (centre_y <= y1)
    if inside.sum() < 0.5 * len(bounds):
        return False
    b = bounds[inside]
    width = (b[:, 2].max() - b[:, 0].min()) / (x1 - x0)
    height = (b[:, 3].max() - b[:, 1].min()) / (y1 - y0)
    return bool(width >= CONUS_SPAN and height >= CONUS_SPAN)


def centred_equal_area(geoms: np.ndarray) -> CRS:
    """Lambert azimuthal equal-area CRS centred on lon/lat ``geoms`` (wrap-around aware)."""
    b = _part_bounds(geoms)
    start, end = longitude_window(b[:, 0], b[:, 2])
    lon0 = _normalise_lon((start + end) / 2)
    lat0 = (np.nanmin(b[:, 1]) + np.nanmax(b[:, 3])) / 2
    lat0, lon0 = round(float(lat0), 4), round(float(lon0), 4)
    # Named, so that ``info`` and QGIS say what it is rather than "unknown".
    where = (
        f"{abs(lat0):.2f}°{'N' if lat0 >= 0 else 'S'} {abs(lon0):.2f}°{'E' if lon0 >= 0 else 'W'}"
    )
    return described_crs(
        ProjectedCRS(
            LambertAzimuthalEqualAreaConversion(lat0, lon0),
            name=f"Lambert azimuthal equal-area centred on {where}",
            geodetic_crs=GeographicCRS(datum="WGS84"),
        )
    )


#: Names PROJ gives the parts of a CRS built from parameters rather than a registry.
_NO_NAME = ("", "unknown", "undefined", "unnamed")


def described_crs(crs: CRS) -> CRS:
    """``crs`` with every part named, so GIS software shows what it is.

    A CRS from the EPSG registry is returned as it is, and one equal to a registered CRS
    becomes that CRS (with its authority). One built from parameters (a
    working projection centred on the data, a PROJ string) gets WGS 84 (EPSG:4326) as its
    geographic base when its datum is WGS 84, and names for itself and its conversion
    taken from the projection method, instead of PROJ's "unknown", "undefined" and
    "unnamed" (which QGIS and ArcGIS show as the layer's CRS).
    """
    if crs.name.lower() not in _NO_NAME and crs.to_authority(min_confidence=100):
        return crs
    registered = _registered_twin(crs)
    if registered is not None:
        return registered  # a PROJ string of a registered CRS: say which one
    doc = crs.to_json_dict()
    base = doc.get("base_crs")
    if isinstance(base, dict) and str(base.get("name", "")).lower() in _NO_NAME:
        datum = _datum_name(crs)
        if datum in ("World Geodetic System 1984", "WGS_1984"):
            doc["base_crs"] = CRS.from_epsg(4326).to_json_dict()
        else:
            base["name"] = f"Geographic on {datum or 'its datum'}"
    conversion = doc.get("conversion")
    method = ""
    if isinstance(conversion, dict):
        method = str(conversion.get("method", {}).get("name", ""))
        if str(conversion.get("name", "")).lower() in _NO_NAME:
            conversion["name"] = method or "Conversion"
    if str(doc.get("name", "")).lower() in _NO_NAME:
        doc["name"] = _parameters_name(method, conversion) if method else "Custom CRS"
    return CRS.from_json_dict(doc)


def _registered_twin(crs: CRS) -> CRS | None:
    """The registered CRS with the same datum and parameters as ``crs``, if there is one."""
    import warnings

    authority = crs.to_authority(min_confidence=70)
    if authority is None:
        return None
    registered = CRS.from_authority(*authority)
    if _datum_name(registered) != _datum_name(crs):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PROJ strings drop details; compared as such
        same = registered.to_proj4() == crs.to_proj4()
    return registered if same else None


def _datum_name(crs: CRS) -> str:
    name = crs.datum.name if crs.datum is not None else ""
    return name.removesuffix(" ensemble")


def _parameters_name(method: str, conversion: dict) -> str:
    """``"Lambert Azimuthal Equal Area (lat 35.24, lon -79.89)"`` from a conversion."""
    short = {"Latitude of natural origin": "lat", "Longitude of natural origin": "lon"}
    params = [
        f"{short[p['name']]} {float(p['value']):.2f}"
        for p in conversion.get("parameters", [])
        if p.get("name") in short
    ]
    return f"{method} ({', '.join(params)})" if params else method


def parse_working_crs(value: str, label: str = "--working-crs") -> CRS:
    """A CRS the user names for measuring and drawing: projected, in metres.

    ``label`` starts the error message (the option, or the dialog's field name).

    Raises
    ------
    InputError
        When PROJ does not know ``value``, or it is geographic or not in metres.
    """
    try:
        crs = CRS.from_user_input(value.strip())
    except CRSError as exc:
        raise InputError(f"{label} {value}: not a coordinate system PROJ knows.") from exc
    if not crs.is_projected:
        raise InputError(
            f"{label} {value}: {crs.name} is not projected; areas and distances need "
            "a projected CRS in metres (for example EPSG:5070 for the lower 48)."
        )
    units = {a.unit_name for a in crs.axis_info}
    if not units <= {"metre", "meter"}:
        raise InputError(
            f"{label} {value}: {crs.name} is in {', '.join(sorted(units))}; "
            "choose a projected CRS in metres."
        )
    return crs


def working_crs_for(
    crs: CRS | None, geoms: np.ndarray, requested: CRS | str | None = None
) -> CRS | None:
    """Projected CRS in which a layer is measured and displayed.

    Parameters
    ----------
    crs : pyproj.CRS or None
        The layer's CRS (None for unknown planar coordinates, which are kept).
    geoms : numpy.ndarray
        The layer's polygons in ``crs``.
    requested : pyproj.CRS or str, optional
        A CRS the user chose (``--working-crs``); checked with :func:`parse_working_crs`.

    Returns
    -------
    pyproj.CRS or None
        ``requested`` when given; a projected ``crs`` as it is; for geographic input
        EPSG:5070 when the layer spans the lower 48, else an equal-area projection centred
        on the data.
    """
    if requested is not None:
        return requested if isinstance(requested, CRS) else parse_working_crs(requested)
    if crs is None or crs.is_projected:
        return crs
    if spans_lower_48(_part_bounds(geoms)):
        return CRS.from_user_input(CONUS_ALBERS)
    return centred_equal_area(geoms)

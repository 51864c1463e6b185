"""Checks a polygon layer must pass before its features become units.

Each check raises :class:`~territory_designer.core.errors.InputError` with one line that
names the file, the feature numbers (1-based, in file order) and the ids of the first few
offenders, so that the user can find them in a GIS. They are called by
:func:`territory_designer.io.geography.clean_units`, the one path every layer takes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from territory_designer.core.errors import CrsError, InputError

#: How many offending features an error line names.
SHOWN = 5
#: Whole-layer extent (in CRS units) under which a projected layer is surely in degrees.
DEGREE_LIKE_EXTENT = 360.0
#: Rounding tolerated beyond ±180 / ±90 degrees (about 10 cm).
DEGREE_SLACK = 1e-6


def parse_crs(value: str, source: str) -> CRS:
    """The CRS a ``--crs`` value names, or a one-line error.

    Parameters
    ----------
    value : str
        ``EPSG:4326``, a WKT or PROJ string, ...
    source : str
        The file the CRS is for (named in the error).
    """
    try:
        return CRS.from_user_input(value)
    except CRSError as exc:
        reason = str(exc).split(":", 1)[-1].strip().splitlines()[0][:120]
        raise InputError(
            f"{source}: the CRS {value!r} (--crs) is not a coordinate reference system ({reason}); "
            "give one such as EPSG:4326 (longitude/latitude) or EPSG:5070."
        ) from exc


def _features(positions: np.ndarray, ids: pd.Series, with_ids: bool = True) -> str:
    """``features 3, 8 (ids A, B)`` for the first :data:`SHOWN` positions.

    ``positions`` index ``ids``, whose index holds each feature's row in the file (it
    survives the removal of skipped features).
    """
    positions = np.asarray(positions)
    shown = positions[:SHOWN]
    rows = ", ".join(str(int(r) + 1) for r in ids.index[shown])
    more = f" and {len(positions) - SHOWN} more" if len(positions) > SHOWN else ""
    text = f"{'feature' if len(positions) == 1 else 'features'} {rows}{more}"
    if with_ids:
        label = "id" if len(shown) == 1 else "ids"
        text += f" ({label} {', '.join(str(v) for v in ids.iloc[shown])})"
    return text


def _units_have(n: int) -> str:
    return "1 unit has" if n == 1 else f"{n:,} units have"


def id_texts(values: pd.Series, source: str, id_field: str) -> pd.Series:
    """Unit ids as stripped text; null or blank ids are refused.

    Whole numbers stored as floats (a numeric column with a gap reads as float) keep
    their integer spelling: ``37001``, not ``37001.0``.
    """
    missing = values.isna().to_numpy().copy()
    if pd.api.types.is_float_dtype(values):
        known = values[~missing].to_numpy(dtype=float)
        whole = np.isfinite(known) & (known == np.round(known)) & (np.abs(known) < 2**53)
        if whole.all():
            values = values.astype("Int64")
    ids = values.astype(str).str.strip()
    missing |= (ids == "").to_numpy()
    if missing.any():
        bad = np.flatnonzero(missing)
        raise InputError(
            f"{source}: {_units_have(len(bad))} no id in field {id_field!r}: "
            f"{_features(bad, ids, with_ids=False)}. "
            "Fill them in or remove those features."
        )
    return ids


def check_duplicate_ids(ids: pd.Series, source: str) -> None:
    """Refuse ids that occur more than once, naming them and their features."""
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        names = ids[dup].unique()
        raise InputError(
            f"{source}: duplicate unit ids: {', '.join(names[:20])} "
            f"({_features(np.flatnonzero(dup), ids)})"
        )


def check_coordinates(geoms: np.ndarray, ids: pd.Series, crs: CRS, source: str) -> None:
    """Refuse NaN/infinite coordinates, and degrees out of range in a geographic CRS."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        rows = np.unique(index[bad])
        raise InputError(
            f"{source}: {_units_have(len(rows))} missing (NaN) or infinite coordinates: "
            f"{_features(rows, ids)}."
        )
    if crs.is_geographic and coords.size:
        # A hair past ±180 (rounding in world layers) is the antimeridian, not an error.
        out = (np.abs(coords[:, 0]) > 180 + DEGREE_SLACK) | (
            np.abs(coords[:, 1]) > 90 + DEGREE_SLACK
        )
        if out.any():
            rows = np.unique(index[out])
            raise CrsError(
                f"{source}: {_units_have(len(rows))} coordinates beyond longitude ±180 / "
                f"latitude ±90 although the layer's CRS ({crs.name}) is in degrees: "
                f"{_features(rows, ids)}. The layer's CRS is probably wrong.",
                example="EPSG:NNNN (the layer's real CRS)",
            )


def check_degrees_under_projected_crs(geoms: np.ndarray, crs: CRS, source: str) -> None:
    """Refuse a projected CRS whose coordinates are plainly longitude/latitude degrees.

    A ``.prj`` copied from another file turns a lon/lat layer into a handful of
    square-metre specks: every unit would measure 0 km² and nothing would balance.
    """
    if not crs.is_projected:
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    inside = xmin >= -180 and xmax <= 180 and ymin >= -90 and ymax <= 90
    if inside and max(xmax - xmin, ymax - ymin) <= DEGREE_LIKE_EXTENT:
        largest = float(np.max(shapely.area(geoms)))
        raise CrsError(
            f"{source}: the coordinates look like longitude/latitude (all within ±180/±90; "
            f"the largest unit would measure {largest:.3g} m²) but the layer's CRS is "
            f"the projected {crs.name}: its .prj looks wrong. If the coordinates are degrees, "
            "the CRS is EPSG:4326."
        )


def check_areas(geoms: np.ndarray, ids: pd.Series, source: str) -> None:
    """Refuse polygons of zero area (collapsed to a line or a point)."""
    flat = np.flatnonzero(~(shapely.area(geoms) > 0))
    if flat.size:
        raise InputError(
            f"{source}: {_units_have(len(flat))} zero area (a collapsed polygon): "
            f"{_features(flat, ids)}. Fix or remove them."
        )

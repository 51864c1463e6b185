"""Locate accounts offline and join them to the unit that contains them.

Methods, tried in this order for each row where its columns allow:

``coordinates``
    Latitude/longitude, validated (range, (0, 0) refused); columns entered the wrong way
    round are detected for the whole column and swapped back.
``unit_code``
    The postal code is the id (or a code field) of a unit, when the units are postal areas.
``postal_code``
    A postal centroid from the gazetteer (:mod:`.gazetteer`).
``city``
    City + state: the mean of the city's postal centroids.

Points are projected to the project CRS and joined to the unit containing them; a point
just outside every unit (a coastal centroid) is snapped to the nearest unit within
``snap_m`` metres. Rows that remain unlocated get a reason code (see :data:`REASONS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from territory_designer.core.accounts import locate_points
from territory_designer.core.units import UnitLayer
from territory_designer.io.accounts_import.gazetteer import Gazetteer
from territory_designer.io.accounts_import.headers import SYNONYMS, normalize_header

METHODS = ("coordinates", "unit_code", "postal_code", "city")
REASONS = {
    "no_location": "no coordinates, postal code or city",
    "invalid_coordinates": "latitude/longitude missing, not numbers or out of range",
    "unknown_postal_code": "postal code not found",
    "unknown_city": "city and state not found",
    "outside_units": "the point lies outside every unit of the project",
    "no_crs": "the project has no coordinate system to place coordinates in",
}
#: Share of the file's postal codes that must be unit ids for units to count as postal areas.
UNIT_CODE_MIN_SHARE = 0.2


@dataclass
class LocateInput:
    """Parsed location columns, one row per account (blank text = missing)."""

    lat: np.ndarray
    lon: np.ndarray
    postal: pd.Series
    city: pd.Series
    state: pd.Series
    country: pd.Series
    coords_given: np.ndarray  # a coordinate cell held something (even if unusable)
    postal_raw: pd.Series | None = None  # as typed (unit ids need not be 5-digit ZIPs)


@dataclass
class LocateResult:
    """Where each row landed."""

    x: np.ndarray
    y: np.ndarray
    unit: np.ndarray
    located_by: np.ndarray  # method name ("" when no point; kept for outside_units)
    reason: np.ndarray  # reason code, "" when located
    swapped: bool = False
    used_unit_codes: bool = False
    rows_swapped: np.ndarray | None = None  # rows whose own lat/lon were swapped


def _valid_latlon(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    ok = np.isfinite(lat) & np.isfinite(lon)
    ok &= (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    return ok & ~((lat == 0) & (lon == 0))


def _inside_share(lat: np.ndarray, lon: np.ndarray, units: UnitLayer, tf: Transformer) -> float:
    ok = _valid_latlon(lat, lon)
    if not ok.any():
        return 0.0
    x, y = tf.transform(lon[ok][:2000], lat[ok][:2000])
    xmin, ymin, xmax, ymax = units.bounds
    pad = 0.05 * units.extent
    inside = (x >= xmin - pad) & (x <= xmax + pad) & (y >= ymin - pad) & (y <= ymax + pad)
    return float(np.mean(inside)) * ok.mean()


def detect_swapped(
    lat: np.ndarray, lon: np.ndarray, units: UnitLayer, tf: Transformer | None
) -> bool:
    """True when the latitude and longitude columns hold each other's values."""
    present = np.isfinite(lat) & np.isfinite(lon)
    if not present.any():
        return False
    straight = _valid_latlon(lat, lon)[present].mean()
    swapped = _valid_latlon(lon, lat)[present].mean()
    if tf is None:
        return swapped > straight + 0.2
    # Decide by where the points land: swapped values fall far outside the units.
    inside_straight = _inside_share(lat, lon, units, tf)
    inside_swapped = _inside_share(lon, lat, units, tf)
    if swapped > straight + 0.2 and inside_swapped >= inside_straight:
        return True
    return inside_swapped > inside_straight + 0.2


def unit_code_lookup(units: UnitLayer) -> list[dict[str, int]]:
    """Code -> unit index tables: the unit ids, then any postal-code attribute field."""
    tables = [{str(u): k for k, u in enumerate(units.ids)}]
    postal_names = set(SYNONYMS["postal_code"])
    for col in units.attributes.columns:
        if normalize_header(col) in postal_names:
            codes = units.attributes[col].astype(str).str.strip()
            tables.append({c: k for k, c in enumerate(codes) if c and c != "nan"})
    return tables


def _match_unit_codes(postal: pd.Series, units: UnitLayer) -> np.ndarray:
    unit = np.full(len(postal), -1, dtype=np.int64)
    for table in unit_code_lookup(units):
        todo = unit < 0
        if not todo.any():
            break
        found = postal[todo].map(table)
        unit[np.flatnonzero(todo)] = found.fillna(-1).to_numpy(dtype=np.int64)
    return unit


@dataclass
class _Rows:
    """Where each row stands while the methods are tried in turn."""

    by: np.ndarray  # method that located the row, "" while none has
    reason: np.ndarray  # why the row is not located yet (the first method that failed)
    lat: np.ndarray  # WGS 84 point of the rows located by a point (NaN otherwise)
    lon: np.ndarray
    unit: np.ndarray  # unit index, -1 while unknown

    @classmethod
    def start(cls, n: int) -> _Rows:
        return cls(
            by=np.full(n, "", dtype=object),
            reason=np.full(n, "", dtype=object),
            lat=np.full(n, np.nan),
            lon=np.full(n, np.nan),
            unit=np.full(n, -1, dtype=np.int64),
        )

    def unlocated(self) -> np.ndarray:
        return self.by == ""


def _take_coordinates(rows: _Rows, lat: np.ndarray, lon: np.ndarray, given: np.ndarray) -> None:
    """Step 1: valid latitude/longitude; a filled but unusable cell is remembered."""
    ok = _valid_latlon(lat, lon)
    rows.lat[ok], rows.lon[ok] = lat[ok], lon[ok]
    rows.by[ok] = "coordinates"
    rows.reason[~ok & given] = "invalid_coordinates"


def _unit_code_share(postal: pd.Series, raw: pd.Series, units: UnitLayer) -> float:
    """Share of the file's postal codes (cleaned or as typed) that are unit codes."""
    codes = np.maximum(_match_unit_codes(postal, units), _match_unit_codes(raw, units))
    return float(np.mean(codes >= 0))


def _take_unit_codes(
    rows: _Rows, inp: LocateInput, units: UnitLayer, units_are_postal: bool | None
) -> bool:
    """Step 2: the postal code is a unit's own code; True when the units were taken for
    postal areas (told so, or enough of the file's codes match)."""
    has_postal = (inp.postal != "").to_numpy()
    todo = rows.unlocated() & has_postal
    if not todo.any() or units_are_postal is False:
        return False
    raw = inp.postal if inp.postal_raw is None else inp.postal_raw
    codes = _match_unit_codes(inp.postal[todo], units)
    retry = codes < 0
    if retry.any():
        codes[retry] = _match_unit_codes(raw[todo][retry], units)
    if not units_are_postal:
        # Rows located by coordinates count too: the question is what the units are.
        share = (
            np.mean(codes >= 0)
            if todo.all()
            else _unit_code_share(inp.postal[has_postal], raw[has_postal], units)
        )
        if share < UNIT_CODE_MIN_SHARE:
            return False
    idx = np.flatnonzero(todo)[codes >= 0]
    rows.unit[idx] = codes[codes >= 0]
    rows.by[idx] = "unit_code"
    return True


def _take_gazetteer_points(
    rows: _Rows,
    has_key: np.ndarray,
    lookup: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    method: str,
    miss_reason: str,
) -> None:
    """Steps 3 and 4: a gazetteer centroid for the rows still unlocated that hold a key.

    ``lookup`` takes the mask of rows to look up and returns their latitudes and
    longitudes (NaN where not found); a row not found keeps an earlier reason.
    """
    todo = rows.unlocated() & has_key
    if not todo.any():
        return
    la, lo = lookup(todo)
    found = np.isfinite(la)
    idx = np.flatnonzero(todo)
    rows.lat[idx[found]], rows.lon[idx[found]] = la[found], lo[found]
    rows.by[idx[found]] = method
    miss = idx[~found]
    rows.reason[miss[rows.reason[miss] == ""]] = miss_reason


def _join_points(xy: np.ndarray, units: UnitLayer, snap_m: float) -> np.ndarray:
    """Unit containing each point; a point just outside every unit joins the nearest one
    within ``snap_m`` metres (a coastal centroid), else -1."""
    joined = locate_points(xy, units.geometry)
    out = joined < 0
    if out.any() and snap_m > 0:
        tree = shapely.STRtree(units.geometry)
        pi, gi = tree.query_nearest(shapely.points(xy[out]), max_distance=snap_m)
        snapped = joined[out]
        snapped[pi] = gi  # ties: the last wins, deterministic for a given layer
        joined[out] = snapped
    return joined


def _place_in_units(
    rows: _Rows, units: UnitLayer, tf: Transformer | None, snap_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Project the points found and join them to units; returns the x and y of every row
    (a unit code sits at its unit's centroid, NaN where unlocated)."""
    n = len(rows.by)
    x, y = np.full(n, np.nan), np.full(n, np.nan)
    coded = rows.by == "unit_code"
    x[coded], y[coded] = units.centroid[rows.unit[coded], 0], units.centroid[rows.unit[coded], 1]
    pts = ~rows.unlocated() & ~coded
    if pts.any() and tf is None:
        rows.by[pts], rows.reason[pts] = "", "no_crs"
    elif pts.any():
        px, py = tf.transform(rows.lon[pts], rows.lat[pts])
        x[pts], y[pts] = px, py
        rows.unit[pts] = _join_points(np.column_stack([px, py]), units, snap_m)
    return x, y


def locate(
    inp: LocateInput,
    units: UnitLayer,
    gazetteer: Gazetteer,
    units_are_postal: bool | None = None,
    snap_m: float = 1000.0,
) -> LocateResult:
    """Locate every row and join it to its unit (see the module docstring).

    Parameters
    ----------
    inp : LocateInput
        Parsed location columns.
    units : UnitLayer
        The project's units (projected CRS).
    gazetteer : Gazetteer
        Postal and city centroids.
    units_are_postal : bool, optional
        Use unit ids/code fields as postal codes; None decides from the data (at least
        :data:`UNIT_CODE_MIN_SHARE` of the file's postal codes are unit codes).
    snap_m : float
        Points at most this far outside every unit join the nearest unit.
    """
    lat, lon = inp.lat.astype(float), inp.lon.astype(float)
    crs = CRS.from_user_input(units.crs) if units.crs is not None else None
    tf = Transformer.from_crs("EPSG:4326", crs, always_xy=True) if crs is not None else None
    swapped = detect_swapped(lat, lon, units, tf)
    if swapped:
        lat, lon = lon, lat
    rows = _Rows.start(len(lat))
    _take_coordinates(rows, lat, lon, inp.coords_given)
    used_codes = _take_unit_codes(rows, inp, units, units_are_postal)
    _take_gazetteer_points(
        rows,
        (inp.postal != "").to_numpy(),
        lambda todo: gazetteer.lookup_postal(inp.country[todo], inp.postal[todo]),
        "postal_code",
        "unknown_postal_code",
    )
    _take_gazetteer_points(
        rows,
        ((inp.city != "") & (inp.state != "")).to_numpy(),
        lambda todo: gazetteer.lookup_city(inp.country[todo], inp.state[todo], inp.city[todo]),
        "city",
        "unknown_city",
    )
    rows.reason[rows.unlocated() & (rows.reason == "")] = "no_location"
    rows.reason[~rows.unlocated()] = ""
    x, y = _place_in_units(rows, units, tf, snap_m)
    by, unit, reason = rows.by, rows.unit, rows.reason
    rows_swapped = _retry_swapped_rows(lat, lon, by, unit, x, y, reason, units, tf)
    lost = (by != "") & (unit < 0)
    reason[lost] = "outside_units"  # located_by kept: the point is known
    return LocateResult(x, y, unit, by, reason, swapped, used_codes, rows_swapped)


def _retry_swapped_rows(
    lat: np.ndarray,
    lon: np.ndarray,
    by: np.ndarray,
    unit: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    reason: np.ndarray,
    units: UnitLayer,
    tf: Transformer | None,
) -> np.ndarray:
    """Rows typed with latitude and longitude the wrong way round, one by one.

    A row whose coordinates are invalid or fall outside every unit is tried with the
    two values exchanged; it is kept swapped only when that lands inside a unit.
    """
    if tf is None:
        return np.empty(0, dtype=np.int64)
    failed = ((by == "coordinates") & (unit < 0)) | (reason == "invalid_coordinates")
    candidates = np.flatnonzero(failed & _valid_latlon(lon, lat))
    if candidates.size == 0:
        return candidates
    sx, sy = tf.transform(lat[candidates], lon[candidates])
    joined = locate_points(np.column_stack([sx, sy]), units.geometry)
    hit = joined >= 0
    rows = candidates[hit]
    unit[rows], x[rows], y[rows] = joined[hit], np.asarray(sx)[hit], np.asarray(sy)[hit]
    by[rows], reason[rows] = "coordinates", ""
    return rows

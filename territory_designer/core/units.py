"""The units layer: the polygons territories are painted from.

Units are held in one projected CRS (metres) so that areas, perimeters and distances are
meaningful; geographic input is reprojected when a project is created (see
:mod:`territory_designer.core.working_crs`). Each unit keeps a stable string id (leading
zeros preserved), a display name and a table of attributes. Two simplified copies of the
geometry, made with GEOS' coverage simplification so neighbours still share their edges,
serve the map at low and high zoom (level-of-detail).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from territory_designer.core.errors import InputError
from territory_designer.core.geodesy import length_scale

#: Display tolerances as fractions of the layer's extent (coarse map, zoomed-in map).
LOD_FRACTIONS = (1 / 2500, 1 / 25000)


#: Layers with more units than this get their display levels polygon by polygon (see
#: :func:`simplify_coverage`).
LARGE_LAYER_UNITS = 200_000


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify polygons keeping shared edges shared (falls back to plain simplify).

    Layers of more than :data:`LARGE_LAYER_UNITS` units: GEOS' coverage simplification
    took minutes there (40 s for 300,000 cells), so when almost every unit's edges are
    already longer than the tolerance the geometry is kept as it is (nothing to remove),
    and otherwise each polygon is simplified on its own: neighbours may then part by up to
    the tolerance, under a pixel at the zoom the level is drawn at.
    """
    if geoms.size > LARGE_LAYER_UNITS:
        vertices = np.maximum(shapely.get_num_coordinates(geoms) - 1, 1)
        if np.quantile(shapely.length(geoms) / vertices, 0.01) > 4 * tolerance:
            return geoms
        out = shapely.simplify(geoms, tolerance, preserve_topology=True)
        bad = shapely.is_empty(out) | shapely.is_missing(out)
        out[bad] = geoms[bad]
        return out
    try:
        out = shapely.coverage_simplify(geoms, tolerance)
    except Exception:  # noqa: BLE001 - GEOS refuses some invalid coverages
        out = shapely.simplify(geoms, tolerance, preserve_topology=True)
    bad = shapely.is_empty(out) | shapely.is_missing(out)
    if bad.any():
        out[bad] = geoms[bad]
    return out


#: Per-unit figures a layer computes from its polygons (:meth:`UnitLayer.figures`); a
#: project file caches them so that reading a project need not parse the polygons.
FIGURE_NAMES = ("area", "centroid", "length_scale", "perimeter", "bounds")


def _strings(values: object) -> np.ndarray:
    """A new object array of Python strings (converted only when some are not)."""
    out = np.array(values, dtype=object).ravel()
    if not all(type(v) is str for v in out.tolist()):
        out = out.astype(str).astype(object)
    return out


class UnitLayer:
    """Polygons with ids, names and attributes, in a projected CRS.

    Parameters
    ----------
    ids : array of str
        Unique unit ids.
    names : array of str
        Display names.
    geometry : array of shapely polygons, or a callable returning it
        In ``crs``. A callable is called on first use of :attr:`geometry` (a project
        file read for work that needs no polygon, such as a build; ``figures`` is then
        required).
    crs : pyproj.CRS or None
        Projected CRS (metres); None for unknown planar coordinates.
    attributes : pandas.DataFrame
        One row per unit, in the same order.
    lod : tuple of arrays, or a callable returning it, optional
        Simplified geometries for display (coarse, fine); computed when missing (at
        once when the polygons are given, else on first use).
    figures : dict of arrays, optional
        :meth:`figures` of these polygons, as cached in a project file: not computed
        again.
    """

    def __init__(
        self,
        ids: np.ndarray,
        names: np.ndarray,
        geometry: np.ndarray | Callable[[], np.ndarray],
        crs: CRS | None,
        attributes: pd.DataFrame,
        lod: tuple[np.ndarray, np.ndarray] | Callable[[], tuple] | None = None,
        figures: dict[str, object] | None = None,
    ) -> None:
        self.ids = _strings(ids)
        self.names = _strings(names)
        # Written in place nowhere: a project file's image (io.file_image) relies on it.
        self.ids.setflags(write=False)
        self.names.setflags(write=False)
        #: Bumped when the polygons or display levels are replaced (see geometry, lod).
        self.version = 0
        self.crs = crs
        self.attributes = attributes.reset_index(drop=True)
        self._geometry: np.ndarray | None = None
        self._load_geometry = geometry if callable(geometry) else None
        if self._load_geometry is None:
            self._geometry = np.asarray(geometry, dtype=object)
        elif figures is None:
            raise ValueError("A layer whose polygons are read later needs its figures.")
        n = self.ids.size
        if n == 0:
            raise InputError("The units layer is empty.")
        size = self._geometry.size if self._geometry is not None else len(figures["area"])
        if not (self.names.size == size == len(self.attributes) == n):
            raise InputError("Units: ids, names, geometry and attributes differ in length.")
        self._index = dict(zip(self.ids.tolist(), range(n), strict=True))
        if len(self._index) != n:
            dup = pd.Series(self.ids).loc[pd.Series(self.ids).duplicated()].unique()[:10]
            raise InputError(f"Duplicate unit ids: {', '.join(map(str, dup))}")
        if figures is None:
            geoms = self._geometry
            self.area = shapely.area(geoms)
            self.centroid = shapely.get_coordinates(shapely.point_on_surface(geoms))
            # Perimeters as measured on the ground, where the projection stretches lengths.
            self.length_scale = length_scale(geoms, self.crs, self.centroid)
            self.perimeter = shapely.length(geoms) * self.length_scale
            self.bounds = tuple(float(v) for v in shapely.total_bounds(geoms))
        else:
            self.area = np.asarray(figures["area"], dtype=float)
            self.centroid = np.asarray(figures["centroid"], dtype=float).reshape(n, 2)
            self.length_scale = np.asarray(figures["length_scale"], dtype=float)
            self.perimeter = np.asarray(figures["perimeter"], dtype=float)
            self.bounds = tuple(float(v) for v in figures["bounds"])  # type: ignore[attr-defined]
        self._lod: tuple[np.ndarray, np.ndarray] | None = None
        self._load_lod = lod if callable(lod) else None
        if lod is not None and self._load_lod is None:
            self._lod = lod  # type: ignore[assignment]
        elif lod is None and self._geometry is not None:
            self._lod = self.compute_lod()

    @property
    def geometry(self) -> np.ndarray:
        """The polygons (read on first use when the layer was made with a callable)."""
        if self._geometry is None:
            geoms = np.asarray(self._load_geometry(), dtype=object)  # type: ignore[misc]
            if geoms.size != self.ids.size:
                raise InputError("Units: the polygons read do not match the layer.")
            self._geometry, self._load_geometry = geoms, None
        return self._geometry

    @geometry.setter
    def geometry(self, value: np.ndarray) -> None:
        self._geometry, self._load_geometry = np.asarray(value, dtype=object), None
        self.version += 1

    @property
    def geometry_loaded(self) -> bool:
        """Whether the polygons are in memory (False until a lazy layer's first use)."""
        return self._geometry is not None

    @property
    def lod(self) -> tuple[np.ndarray, np.ndarray]:
        """Simplified display geometries (coarse, fine), read or computed on first use."""
        if self._lod is None:
            if self._load_lod is not None:
                lod, self._load_lod = self._load_lod(), None
                self._lod = lod if lod is not None else self.compute_lod()
            else:
                self._lod = self.compute_lod()
        return self._lod

    @lod.setter
    def lod(self, value: tuple[np.ndarray, np.ndarray]) -> None:
        self._lod, self._load_lod = value, None
        self.version += 1

    @property
    def lod_loaded(self) -> bool:
        """Whether the display geometries are in memory."""
        return self._lod is not None

    def figures(self) -> dict[str, object]:
        """Per-unit figures computed from the polygons (see :data:`FIGURE_NAMES`)."""
        return {name: getattr(self, name) for name in FIGURE_NAMES}

    def __len__(self) -> int:
        return int(self.ids.size)

    @property
    def extent(self) -> float:
        """Largest side of the layer's bounding box."""
        xmin, ymin, xmax, ymax = self.bounds
        return max(xmax - xmin, ymax - ymin, 1e-9)

    @property
    def overview_lod(self) -> int:
        """The display level drawn zoomed out: 0 (coarse), or 1 (fine) for layers over
        :data:`LARGE_LAYER_UNITS` units.

        Their levels are simplified polygon by polygon (:func:`simplify_coverage`), so
        neighbours part by up to a level's tolerance: at the coarse level's, territory
        borders traced along shared edges would run along every unit (a map drawn black)
        and fills would show specks of background. The fine level's tolerance is ten
        times smaller, under a pixel at the zooms it is drawn at (and a layer whose unit
        edges are all longer than that keeps its polygons as they are).
        """
        return 1 if len(self) > LARGE_LAYER_UNITS else 0

    def compute_lod(self) -> tuple[np.ndarray, np.ndarray]:
        """Coarse and fine display geometries (coverage-simplified)."""
        coarse_f, fine_f = LOD_FRACTIONS
        fine = simplify_coverage(self.geometry, self.extent * fine_f)
        # The fine level is itself a coverage with far fewer vertices: simplifying it again
        # gives the coarse level in a fraction of the time.
        return simplify_coverage(fine, self.extent * coarse_f), fine

    def index_of(self, unit_id: str) -> int:
        """Row index of a unit id (KeyError if unknown)."""
        return self._index[str(unit_id)]

    def indices_of(self, unit_ids: list[str] | np.ndarray) -> np.ndarray:
        """Row indices of many unit ids, -1 where unknown."""
        return np.array([self._index.get(str(u), -1) for u in unit_ids], dtype=np.int64)

    def numeric_fields(self) -> list[str]:
        """Names of numeric attribute columns."""
        return [
            c
            for c in self.attributes.columns
            if pd.api.types.is_numeric_dtype(self.attributes[c])
            and not pd.api.types.is_bool_dtype(self.attributes[c])
        ]

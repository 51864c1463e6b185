"""Dissolve territories off the GUI thread.

A territory's outline is the boundary of the union of its units. GEOS' coverage union is
fast on a clean coverage, but real layers are rarely clean (densified or digitised
boundaries do not share vertices exactly) and the robust fallback, :func:`shapely.union_all`,
can take tens of milliseconds per territory. Shapely releases the GIL, so a worker thread
dissolves while the GUI keeps painting; results come back through a queued signal and are
dropped when the territory changed again in the meantime.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures

import numpy as np
import shapely
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal


def dissolve(geoms: np.ndarray, min_hole_area: float = 0.0) -> shapely.Geometry | None:
    """Union of a territory's units (None when it has none).

    Units that do not form a clean coverage (neighbours that do not share vertices
    exactly) leave slivers: zero-width or thin holes and parts. Holes smaller than
    ``min_hole_area`` or much thinner than a unit, and parts both small and thin, are
    dropped so they do not show as specks of outline inside the territory.
    """
    if geoms.size == 0:
        return None
    try:
        union = shapely.coverage_union_all(geoms)
    except shapely.errors.GEOSException:
        union = shapely.union_all(geoms)
    return _drop_slivers(union, min_hole_area)


def _thin(rings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Area and 'is thin' (Polsby-Popper below 0.05) of closed rings."""
    polys = shapely.polygons(rings)
    area, perimeter = shapely.area(polys), shapely.length(rings)
    return area, 4 * np.pi * area / np.maximum(perimeter, 1e-12) ** 2 < 0.05


def _drop_slivers(geom: shapely.Geometry, min_area: float) -> shapely.Geometry:
    polys = shapely.get_parts(geom)
    polys = polys[shapely.get_type_id(polys) == 3]
    if polys.size == 0:
        return geom
    if not shapely.get_num_interior_rings(polys).any() and polys.size == 1:
        return geom
    area, thin = _thin(shapely.get_exterior_ring(polys))
    keep = ~((area < min_area) & thin) & (area > 0)
    keep[np.argmax(area)] = True
    kept = []
    for poly in polys[keep]:
        holes = np.array(poly.interiors, dtype=object)
        if holes.size:
            h_area, h_thin = _thin(holes)
            holes = holes[(h_area >= min_area) & ~h_thin]
        kept.append(shapely.Polygon(poly.exterior, list(holes)))
    return shapely.MultiPolygon(kept) if len(kept) != 1 else kept[0]


class Dissolver(QObject):
    """Runs :func:`dissolve` on one worker thread.

    Signals
    -------
    sig_dissolved(lod: int, code: int, generation: int, geometry: object)
        Delivered on the GUI thread.
    """

    sig_dissolved = Signal(int, int, int, object)

    def __init__(
        self, callback: Callable[..., None], parent: QObject | None = None,
        min_hole_area: float = 0.0,
    ) -> None:
        super().__init__(parent)
        self.min_hole_area = min_hole_area
        self.synchronous = False
        self._pool: ThreadPoolExecutor | None = None
        self._futures: set[Future] = set()
        self.sig_dissolved.connect(callback, Qt.ConnectionType.QueuedConnection)
        self._callback = callback

    def submit(
        self, lod: int, code: int, generation: int, geoms: np.ndarray,
        is_current: Callable[[], bool],
    ) -> None:
        """Dissolve ``geoms``; the result arrives later through :attr:`sig_dissolved`."""
        if self.synchronous:
            self._callback(lod, code, generation, dissolve(geoms, self.min_hole_area))
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="td-dissolve")
        fut = self._pool.submit(self._run, lod, code, generation, geoms, is_current)
        self._futures.add(fut)
        fut.add_done_callback(self._futures.discard)

    def _run(
        self, lod: int, code: int, generation: int, geoms: np.ndarray,
        is_current: Callable[[], bool],
    ) -> None:
        if not is_current():
            return
        geom = dissolve(geoms, self.min_hole_area)
        with contextlib.suppress(RuntimeError):  # the canvas was deleted meanwhile
            self.sig_dissolved.emit(lod, code, generation, geom)

    def wait(self, timeout: float | None = 30.0) -> None:
        """Block until queued dissolves are done and their results delivered."""
        while self._futures:
            wait_futures(list(self._futures), timeout=timeout)
            QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)

    def shutdown(self) -> None:
        """Stop the worker (pending results are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

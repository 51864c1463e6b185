"""Fast conversion of shapely geometries into Qt painter paths and polygons.

Building paths with ``moveTo``/``lineTo`` from Python costs one call per vertex; a map of
30,000 units has hundreds of thousands of vertices. Instead all coordinates are gathered
with one :func:`shapely.get_coordinates` call and serialised in the layout that
``QDataStream >> QPainterPath`` reads (element count, then ``(type, x, y)`` records, then
the current-subpath start and the fill rule), so each path is parsed in C++.

Scene coordinates are project coordinates with the y axis flipped (projected CRSs have y
pointing north, Qt's y points down); :func:`scene_y` is the only place that flips.
"""

from __future__ import annotations

import struct

import numpy as np
import shapely
from PySide6.QtCore import QByteArray, QDataStream, QPointF
from PySide6.QtGui import QPainterPath, QPolygonF

_ELEMENT = np.dtype([("t", ">i4"), ("x", ">f8"), ("y", ">f8")])
_TAIL = struct.pack(">ii", 0, 0)  # current subpath start, fill rule (0 = OddEvenFill)
_TAIL_WINDING = struct.pack(">ii", 0, 1)  # 1 = WindingFill
MOVE_TO, LINE_TO = 0, 1


def scene_y(y: np.ndarray | float) -> np.ndarray | float:
    """Scene y of a project y (north up on screen)."""
    return -y


def scene_point(x: float, y: float) -> QPointF:
    """Scene point of project coordinates."""
    return QPointF(float(x), float(scene_y(y)))


def project_xy(p: QPointF) -> tuple[float, float]:
    """Project coordinates of a scene point."""
    return float(p.x()), float(scene_y(p.y()))


def _ring_elements(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Path elements of every ring of ``geoms`` and the geometry index of each element."""
    parts, part_geom = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    arr = np.empty(len(coords), dtype=_ELEMENT)
    arr["t"] = LINE_TO
    if len(coords):
        starts = np.flatnonzero(np.r_[True, coord_ring[1:] != coord_ring[:-1]])
        arr["t"][starts] = MOVE_TO
    arr["x"] = coords[:, 0]
    arr["y"] = scene_y(coords[:, 1])
    return arr, part_geom[ring_part[coord_ring]]


def _path_from_bytes(n: int, body: bytes, winding: bool = False) -> QPainterPath:
    path = QPainterPath()
    tail = _TAIL_WINDING if winding else _TAIL
    stream = QDataStream(QByteArray(struct.pack(">i", n) + body + tail))
    stream >> path
    return path


def path_from_elements(elements: np.ndarray) -> QPainterPath:
    """A painter path of ``(t, x, y)`` records (big-endian, as ``_ELEMENT``).

    Parameters
    ----------
    elements : numpy.ndarray
        Structured array with fields ``t`` (:data:`MOVE_TO` or :data:`LINE_TO`), ``x``
        and ``y`` (scene coordinates).
    """
    arr = np.asarray(elements).astype(_ELEMENT, copy=False)
    return _path_from_bytes(len(arr), arr.tobytes())


class UnitElements:
    """Serialised path elements of many geometries, sliceable per geometry.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Polygons or multipolygons in project coordinates.
    """

    def __init__(self, geoms: np.ndarray) -> None:
        # Exteriors counter-clockwise, holes clockwise: see :meth:`union_path`.
        geoms = shapely.orient_polygons(np.asarray(geoms, dtype=object))
        arr, owner = _ring_elements(geoms)
        self.offsets = np.r_[0, np.cumsum(np.bincount(owner, minlength=len(geoms)))].astype(
            np.int64
        )
        self.buffer = arr.tobytes()

    def path(self, k: int) -> QPainterPath:
        """Painter path of geometry ``k``."""
        a, b = int(self.offsets[k]), int(self.offsets[k + 1])
        size = _ELEMENT.itemsize
        return _path_from_bytes(b - a, self.buffer[a * size : b * size])

    def paths(self, start: int = 0, stop: int | None = None) -> list[QPainterPath]:
        """One painter path per geometry ``start .. stop - 1`` (all by default), in order.

        All paths are serialised into one buffer (count, elements and tail of each, laid
        out with numpy) and read back from a single stream: about a third faster than a
        buffer and stream per path on 300,000 units.
        """
        size = _ELEMENT.itemsize
        stop = self.offsets.size - 1 if stop is None else stop
        offsets = self.offsets[start : stop + 1]
        n_geoms = max(offsets.size - 1, 0)
        if n_geoms == 0:
            return []
        counts = np.diff(offsets)
        first, last = int(offsets[0]) * size, int(offsets[-1]) * size
        elements = np.frombuffer(memoryview(self.buffer)[first:last], dtype=np.uint8)
        elements = elements.reshape(-1, size)
        offsets = offsets - offsets[0]
        header, tail = len(struct.pack(">i", 0)), len(_TAIL)
        # Qt reads no tail after an element count of 0 (an empty geometry).
        lengths = header + size * counts + np.where(counts > 0, tail, 0)
        starts = np.r_[0, np.cumsum(lengths)].astype(np.int64)
        out = np.zeros(int(starts[-1]), dtype=np.uint8)
        # The tails (current subpath start 0, odd-even fill 0) are the zeros left in place.
        count_bytes = counts.astype(">i4").view(np.uint8).reshape(-1, header)
        for j in range(header):
            out[starts[:-1] + j] = count_bytes[:, j]
        owner = np.repeat(np.arange(n_geoms, dtype=np.int64), counts)
        at = starts[owner] + header + size * (np.arange(elements.shape[0]) - offsets[owner])
        for j in range(size):
            out[at + j] = elements[:, j]
        del owner, at
        stream = QDataStream(QByteArray(out.tobytes()))
        del out
        paths = []
        for _ in range(n_geoms):
            path = QPainterPath()
            stream >> path
            paths.append(path)
        return paths

    def union_path(self, indices: np.ndarray) -> QPainterPath:
        """One painter path filling the geometries ``indices``.

        Rings are filled by winding number, not odd-even: neighbours of a coverage that is
        not clean overlap slightly, and odd-even filling would leave those overlaps empty
        (specks of background inside a territory). Holes wind the other way, so an
        enclave still shows through unless one of ``indices`` fills it.
        """
        buf, size, offsets = self.buffer, _ELEMENT.itemsize, self.offsets
        idx = np.asarray(indices, dtype=np.int64)
        starts, ends = (offsets[idx] * size).tolist(), (offsets[idx + 1] * size).tolist()
        body = b"".join([buf[a:b] for a, b in zip(starts, ends, strict=True)])
        return _path_from_bytes(len(body) // size, body, winding=True)


def paths_for(geoms: np.ndarray) -> list[QPainterPath]:
    """One painter path per (multi)polygon, holes included (odd-even fill).

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Polygons or multipolygons in project coordinates.

    Returns
    -------
    list of QPainterPath
        In scene coordinates, in the order of ``geoms``.
    """
    return UnitElements(geoms).paths()


def combined_path(geoms: np.ndarray) -> QPainterPath:
    """One painter path holding the outlines of all ``geoms`` (polygons or lines)."""
    geoms = np.asarray(geoms, dtype=object)
    if geoms.size == 0:
        return QPainterPath()
    lines = shapely.get_parts(geoms)
    is_poly = np.isin(shapely.get_type_id(lines), (3,))
    chunks = []
    if is_poly.any():
        chunks.append(_ring_elements(lines[is_poly])[0])
    if (~is_poly).any():
        coords, idx = shapely.get_coordinates(lines[~is_poly], return_index=True)
        arr = np.empty(len(coords), dtype=_ELEMENT)
        arr["t"] = LINE_TO
        if len(coords):
            arr["t"][np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])] = MOVE_TO
        arr["x"], arr["y"] = coords[:, 0], scene_y(coords[:, 1])
        chunks.append(arr)
    # np.concatenate would return native byte order: join the big-endian bytes instead.
    return _path_from_bytes(sum(len(c) for c in chunks), b"".join(c.tobytes() for c in chunks))


def polygon_from_xy(xy: np.ndarray) -> QPolygonF:
    """A QPolygonF of project points (used to draw many points at once).

    ``QDataStream >> QPolygonF`` crashes in PySide6, so the points go through a one-subpath
    painter path, whose polygon holds exactly those points.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(xy) == 0:
        return QPolygonF()
    arr = np.empty(len(xy), dtype=_ELEMENT)
    arr["t"] = LINE_TO
    arr["t"][0] = MOVE_TO
    arr["x"], arr["y"] = xy[:, 0], scene_y(xy[:, 1])
    polys = _path_from_bytes(len(arr), arr.tobytes()).toSubpathPolygons()
    return polys[0] if polys else QPolygonF()

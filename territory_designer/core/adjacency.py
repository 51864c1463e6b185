"""Adjacency graph of the units: which units share a boundary, and how long it is.

The graph is computed once when a project is created and stored in the project file.
Rook adjacency (a shared boundary of positive length) is found by hashing boundary
segments: two polygons of a clean coverage share identical segments, so sorting all
segments by their (snapped) end points finds every shared edge in O(V log V), whatever the
vertex count. Layers whose neighbours do not share vertices exactly (digitised
independently) are caught by a second pass that intersects the boundaries of
bounding-box candidates that the first pass did not pair.

The shared length of each edge is what makes compactness incremental: the perimeter of a
dissolved territory is the sum of its units' perimeters minus twice the boundary they
share (see :mod:`territory_designer.core.metrics`).

Two units are *neighbours* — they connect a territory, for the engine, the live metrics
and the reports alike — when their shared boundary is longer than
:attr:`Adjacency.min_shared` (:data:`MIN_SHARED_M` in a projected CRS, see
:func:`min_shared_length`): a few metres of common edge, like a corner touch, is a
digitising accident, not a road between them. Every boundary still counts for perimeters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra

from territory_designer.core.feedback import Feedback

#: Shared boundaries this short (metres) or shorter do not connect units.
MIN_SHARED_M = 10.0


def min_shared_length(crs: object) -> float:
    """Least shared boundary that connects two units of a layer in ``crs``: ``MIN_SHARED_M``
    in a projected CRS (metres); any positive length otherwise (degrees, or unknown)."""
    return MIN_SHARED_M if crs is not None and getattr(crs, "is_projected", False) else 0.0


@dataclass
class Adjacency:
    """Undirected graph over unit indices ``0..n-1``.

    Parameters
    ----------
    n : int
        Number of units.
    ei, ej : numpy.ndarray
        Edge end points with ``ei < ej`` (int64).
    length : numpy.ndarray
        Shared boundary length of each edge, in metres (0 for corner-only neighbours).
    min_shared : float
        Units are neighbours when their shared boundary is longer than this (set by the
        project from its CRS with :meth:`set_min_shared`).
    """

    n: int
    ei: np.ndarray
    ej: np.ndarray
    length: np.ndarray
    min_shared: float = 0.0
    _csr: sparse.csr_matrix | None = field(default=None, repr=False)
    _edge_csr: sparse.csr_matrix | None = field(default=None, repr=False)
    _components: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        return int(self.ei.size)

    def set_min_shared(self, length: float) -> None:
        """Set :attr:`min_shared` (cached graphs are rebuilt when it changes)."""
        if float(length) != self.min_shared:
            self.min_shared = float(length)
            self._csr = None
            self._components = None

    def rook_mask(self) -> np.ndarray:
        """Edges with a shared boundary of positive length (for perimeters; whether the
        units are neighbours is :meth:`contact_mask`)."""
        return self.length > 0

    def contact_mask(self) -> np.ndarray:
        """Edges whose units are neighbours: shared boundary longer than ``min_shared``."""
        return self.length > max(self.min_shared, 0.0)

    def contact_edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(ei, ej, length)`` of the neighbour edges (see :meth:`contact_mask`)."""
        m = self.contact_mask()
        return self.ei[m], self.ej[m], self.length[m]

    @property
    def csr(self) -> sparse.csr_matrix:
        """Symmetric boolean adjacency matrix of neighbours (:meth:`contact_mask`)."""
        if self._csr is None:
            m = self.contact_mask()
            i, j = self.ei[m], self.ej[m]
            data = np.ones(2 * i.size, dtype=bool)
            self._csr = sparse.csr_matrix(
                (data, (np.r_[i, j], np.r_[j, i])), shape=(self.n, self.n)
            )
        return self._csr

    @property
    def edge_csr(self) -> sparse.csr_matrix:
        """Node x edge incidence (CSR) used to find the edges touching a set of units."""
        if self._edge_csr is None:
            e = np.arange(self.n_edges)
            data = np.ones(2 * e.size, dtype=bool)
            self._edge_csr = sparse.csr_matrix(
                (data, (np.r_[self.ei, self.ej], np.r_[e, e])), shape=(self.n, self.n_edges)
            )
        return self._edge_csr

    def edges_of(self, units: np.ndarray) -> np.ndarray:
        """Ids of the edges incident to any of ``units`` (each edge once)."""
        inc = self.edge_csr
        units = np.asarray(units, dtype=np.int64)
        starts, ends = inc.indptr[units], inc.indptr[units + 1]
        if units.size == 0:
            return np.empty(0, dtype=np.int64)
        idx = np.concatenate([inc.indices[s:e] for s, e in zip(starts, ends, strict=True)])
        return np.unique(idx)

    def neighbors(self, unit: int) -> np.ndarray:
        """Neighbours of one unit."""
        c = self.csr
        return c.indices[c.indptr[unit] : c.indptr[unit + 1]]

    def nearest_seed(self, xy: np.ndarray, seeds: list[int]) -> np.ndarray:
        """Index into ``seeds`` of the seed nearest each unit, travelling over the graph.

        Rook edges are weighted by the distance between the units' points ``xy``, so
        each seed grows a contiguous region (Voronoi regions on the unit graph).
        """
        i, j, _ = self.contact_edges()
        d = np.hypot(*(xy[i] - xy[j]).T)
        graph = sparse.csr_matrix((np.r_[d, d], (np.r_[i, j], np.r_[j, i])), shape=(self.n, self.n))
        dist = dijkstra(graph, directed=False, indices=seeds)
        return np.argmin(dist, axis=0).astype(np.int32)

    @property
    def components(self) -> np.ndarray:
        """Connected-component label of each unit in the whole graph (islands differ)."""
        if self._components is None:
            _, self._components = connected_components(self.csr, directed=False)
        return self._components


def _snap_quantum(geoms: np.ndarray) -> float:
    """Grid size used to match vertices: a millionth of the layer's extent, at most 1 mm."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    extent = max(xmax - xmin, ymax - ymin, 1e-9)
    return min(extent * 1e-7, 1e-3)


def _shared_segments(geoms: np.ndarray, quantum: float) -> tuple[np.ndarray, ...]:
    """Edges found by matching identical boundary segments.

    Intermediate arrays are dropped as soon as they are used: on a million units each is
    tens of megabytes, and together they made most of ``new``'s peak memory.
    """
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    del parts
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    del rings
    owner = part_owner[ring_part[ring_of_coord]]
    del part_owner, ring_part
    same_ring = ring_of_coord[:-1] == ring_of_coord[1:]
    del ring_of_coord
    seg_owner = owner[:-1][same_ring]
    del owner
    seg_len = np.hypot(*(coords[1:][same_ring] - coords[:-1][same_ring]).T)
    q = np.round(coords / quantum).astype(np.int64)
    del coords
    a, b = q[:-1][same_ring], q[1:][same_ring]
    del q, same_ring
    # Orient each segment canonically so A->B and B->A compare equal.
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    keys = np.empty((a.shape[0], 4), dtype=np.int64)
    keys[:, :2] = np.where(swap[:, None], b, a)
    keys[:, 2:] = np.where(swap[:, None], a, b)
    del a, b, swap
    nondegenerate = np.any(keys[:, :2] != keys[:, 2:], axis=1)
    if not nondegenerate.all():
        keys, seg_owner = keys[nondegenerate], seg_owner[nondegenerate]
        seg_len = seg_len[nondegenerate]
    del nondegenerate
    order = np.lexsort((seg_owner, keys[:, 3], keys[:, 2], keys[:, 1], keys[:, 0]))
    keys, seg_owner, seg_len = keys[order], seg_owner[order], seg_len[order]
    del order
    same_as_next = np.all(keys[1:] == keys[:-1], axis=1) & (seg_owner[1:] != seg_owner[:-1])
    del keys
    k = np.flatnonzero(same_as_next)
    i = np.minimum(seg_owner[k], seg_owner[k + 1])
    j = np.maximum(seg_owner[k], seg_owner[k + 1])
    return i, j, seg_len[k]


def seam_tolerance(geoms: np.ndarray) -> float:
    """Gap or overlap along a seam still read as a shared boundary: 1 m, or a millionth
    of the layer's extent when that is larger (geographic degrees: scaled alike)."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    extent = max(xmax - xmin, ymax - ymin, 1e-9)
    return max(extent * 1e-6, min(1.0, extent * 1e-3))


def compute_adjacency(
    geoms: np.ndarray,
    feedback: Feedback | None = None,
    tolerance: float = 0.0,
    length_scale: np.ndarray | None = None,
) -> Adjacency:
    """Compute the adjacency graph of a polygon coverage.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Unit polygons in a projected CRS (metres).
    feedback : Feedback, optional
        Progress and cancel.
    tolerance : float
        Seam tolerance in layer units. 0 (the default) counts only boundaries that touch;
        a positive value (see :func:`seam_tolerance`) also joins neighbours whose
        boundaries run within it of each other — layers from two sources mixed.
    length_scale : numpy.ndarray, optional
        Per unit, true length over projected length (:attr:`UnitLayer.length_scale`); a
        shared boundary is scaled by the mean of its two units', so that territory
        perimeters (sums of unit perimeters less shared boundaries) stay consistent.

    Returns
    -------
    Adjacency
        Rook edges with their shared length, plus corner-only (queen) edges with length 0.
    """
    feedback = feedback or Feedback()
    geoms = np.asarray(geoms, dtype=object)
    n = geoms.size
    if n == 0:
        empty = np.empty(0, dtype=np.int64)
        return Adjacency(0, empty, empty, np.empty(0))
    feedback.set_progress(5, "Matching shared boundaries")
    i, j, seg_len = _shared_segments(geoms, _snap_quantum(geoms))
    pair_key = i.astype(np.int64) * n + j
    uniq, inv = np.unique(pair_key, return_inverse=True)
    lengths = np.bincount(inv, weights=seg_len, minlength=uniq.size)
    feedback.check_canceled()
    feedback.set_progress(50, "Checking touching units")
    # Second pass: units that touch, or nearly touch, but share no identical segment:
    # corners, and layers whose neighbours were digitised independently (two sources
    # mixed, a ZIP layer beside a county layer) with slivers or overlaps along the seam.
    tree = shapely.STRtree(geoms)
    if tolerance > 0:
        ci, cj = tree.query(geoms, predicate="dwithin", distance=tolerance)
    else:
        ci, cj = tree.query(geoms, predicate="intersects")
    del tree
    keep = ci < cj
    ci, cj = ci[keep], cj[keep]
    cand_key = ci.astype(np.int64) * n + cj
    missing = ~np.isin(cand_key, uniq)
    del cand_key
    ci, cj = ci[missing], cj[missing]
    feedback.check_canceled()
    extra_len = np.zeros(ci.size)
    if ci.size:
        # Boundaries of the units of these pairs only (a few, on a clean coverage).
        boundaries = np.empty(n, dtype=object)
        involved = np.unique(np.r_[ci, cj])
        boundaries[involved] = shapely.boundary(geoms[involved])
        exact = shapely.length(shapely.intersection(boundaries[ci], boundaries[cj]))
        extra_len = np.where(exact > _snap_quantum(geoms) * 10, exact, 0.0)
        seam = np.flatnonzero(extra_len == 0) if tolerance > 0 else np.empty(0, np.int64)
        if seam.size:
            # Boundary of one unit lying within the seam tolerance of the other's; the
            # buffer's round ends add about one tolerance at each end of the seam.
            near = shapely.buffer(boundaries[cj[seam]], tolerance, quad_segs=2)
            inside = shapely.length(shapely.intersection(boundaries[ci[seam]], near))
            # A corner touch gives about 2 x tolerance: not a shared boundary.
            extra_len[seam] = np.where(inside > 4 * tolerance, inside - 2 * tolerance, 0.0)
    all_key = np.concatenate([uniq, ci.astype(np.int64) * n + cj])
    all_len = np.concatenate([lengths, extra_len])
    order = np.argsort(all_key, kind="stable")
    all_key, all_len = all_key[order], all_len[order]
    ei, ej = all_key // n, all_key % n
    if length_scale is not None:
        all_len = all_len * (length_scale[ei] + length_scale[ej]) / 2
    feedback.set_progress(100, "Adjacency ready")
    return Adjacency(n, ei, ej, all_len)

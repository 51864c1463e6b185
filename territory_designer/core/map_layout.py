"""Which units a map frames, and which far-away groups go in insets.

A national US layer holds the lower 48 and, thousands of kilometres away, Alaska, Hawaii and
Puerto Rico. Framed together, the lower 48 shrink to a third of the map. Here the units are
grouped into clusters separated by open sea (gaps wider than a small fraction of the layer's
extent); the cluster with the largest share of area and units is the main body, and
clusters far outside it become insets when framing them too would waste much of the map.
Nearby islands (inside or close to the main body's box) stay in the main frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

#: Units closer than this fraction of the layer's extent belong to one cluster.
GAP_FRACTION = 0.02
#: Far clusters go in insets when framing them would grow the map's area by more than this.
GROWTH_LIMIT = 1.5
MAX_INSETS = 4

Bounds = tuple[float, float, float, float]


@dataclass
class MapLayout:
    """The main frame's units and bounds, and the units of each inset (largest first)."""

    main: np.ndarray
    main_bounds: Bounds
    insets: list[np.ndarray] = field(default_factory=list)

    def inset_bounds(self, geoms: np.ndarray) -> list[Bounds]:
        """Bounds of the bulk of each inset's units (see :func:`bulk_bounds`)."""
        return [bulk_bounds(geoms[u]) for u in self.insets]


def bulk_bounds(geoms: np.ndarray, share: float = 0.995, pad: float = 0.15) -> Bounds:
    """Bounds of the polygon parts holding ``share`` of the area, plus the parts near them.

    Specks of land far from the rest (the reefs of the Northwestern Hawaiian Islands, 2,000 km
    from Honolulu in the same county) would otherwise shrink an inset to a dot.
    """
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    area = shapely.area(parts)
    bounds = shapely.bounds(parts)
    order = np.argsort(-area)
    covered = np.cumsum(area[order]) / max(area.sum(), 1e-12)
    keep = order[: int(np.searchsorted(covered, share)) + 1]
    x0, y0 = bounds[keep, 0].min(), bounds[keep, 1].min()
    x1, y1 = bounds[keep, 2].max(), bounds[keep, 3].max()
    margin = pad * max(x1 - x0, y1 - y0)
    near = (
        (bounds[:, 0] >= x0 - margin)
        & (bounds[:, 1] >= y0 - margin)
        & (bounds[:, 2] <= x1 + margin)
        & (bounds[:, 3] <= y1 + margin)
    )
    b = bounds[near | np.isin(np.arange(len(parts)), keep)]
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def _clusters(geoms: np.ndarray, gap: float) -> np.ndarray:
    """Cluster label of each geometry: groups of units with no gap much wider than ``gap``.

    The units' bounding boxes are burnt into a grid of ``gap``-sized cells whose connected
    (8-neighbour) regions are the clusters: boxes less than ``gap`` apart always share a
    cluster, boxes more than ``2 * sqrt(2) * gap`` apart never do. A grid of about
    ``1 / GAP_FRACTION`` cells a side labels 40,000 ZIP areas in milliseconds.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    b = shapely.bounds(geoms)
    x0, y0 = np.nanmin(b[:, 0]), np.nanmin(b[:, 1])
    c0 = ((b[:, 0] - x0) // gap).astype(np.int64)
    c1 = ((b[:, 2] - x0) // gap).astype(np.int64)
    r0 = ((b[:, 1] - y0) // gap).astype(np.int64)
    r1 = ((b[:, 3] - y0) // gap).astype(np.int64)
    grid = np.zeros((int(r1.max()) + 1, int(c1.max()) + 1), dtype=bool)
    # A box at most two cells wide and high is covered by the cells of its corners.
    small = (c1 - c0 <= 1) & (r1 - r0 <= 1)
    for r, c in ((r0, c0), (r0, c1), (r1, c0), (r1, c1)):
        grid[r[small], c[small]] = True
    for k in np.flatnonzero(~small):
        grid[r0[k] : r1[k] + 1, c0[k] : c1[k] + 1] = True
    # Connected regions of the grid (8 neighbours), through the sparse-graph routine
    # the app loads anyway rather than scipy.ndimage (0.1 s more to import).
    cell = np.full(grid.shape, -1, dtype=np.int64)
    cell[grid] = np.arange(int(grid.sum()))
    pairs = []
    padded = np.pad(cell, 1, constant_values=-1)
    inner = padded[1:-1, 1:-1]
    for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1)):
        other = padded[1 + dr : padded.shape[0] - 1 + dr, 1 + dc : padded.shape[1] - 1 + dc]
        both = (inner >= 0) & (other >= 0)
        pairs.append((inner[both], other[both]))
    i = np.concatenate([a for a, _ in pairs])
    j = np.concatenate([b_ for _, b_ in pairs])
    n = int(grid.sum())
    graph = coo_matrix((np.ones(i.size, dtype=np.int8), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels[cell[r0, c0]]


def _area(b: Bounds) -> float:
    return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)


def _union(a: Bounds, b: Bounds) -> Bounds:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _near(inner: Bounds, outer: Bounds, pad: float) -> bool:
    return (
        inner[0] >= outer[0] - pad
        and inner[1] >= outer[1] - pad
        and inner[2] <= outer[2] + pad
        and inner[3] <= outer[3] + pad
    )


def map_layout(geoms: np.ndarray, max_insets: int = MAX_INSETS) -> MapLayout:
    """Split a layer into the main frame and insets (see the module docstring).

    Parameters
    ----------
    geoms : numpy.ndarray
        Unit polygons in a projected CRS (the coarse display geometry is enough).
    max_insets : int
        At most this many insets; the smallest far clusters share the last one.
    """
    geoms = np.asarray(geoms, dtype=object)
    everything = np.arange(len(geoms))
    total = tuple(float(v) for v in shapely.total_bounds(geoms))
    extent = max(total[2] - total[0], total[3] - total[1], 1e-9)
    if len(geoms) < 2:
        return MapLayout(everything, total)
    labels = _clusters(geoms, GAP_FRACTION * extent)
    n_clusters = int(labels.max()) + 1
    if n_clusters == 1:
        return MapLayout(everything, total)
    area = np.bincount(labels, weights=shapely.area(geoms), minlength=n_clusters)
    count = np.bincount(labels, minlength=n_clusters)
    # The main body holds most of the land and of the units: a territory of the Pacific
    # Northwest with Alaska is framed on its 250 counties, not on Alaska's 29 boroughs.
    main_label = int(np.argmax(area / area.sum() + count / count.sum()))
    members = [np.flatnonzero(labels == c) for c in range(n_clusters)]
    boxes = [tuple(float(v) for v in shapely.total_bounds(geoms[m])) for m in members]
    main_box = boxes[main_label]
    pad = 0.1 * max(main_box[2] - main_box[0], main_box[3] - main_box[1])
    main = [main_label]
    far = []
    for c in np.argsort(-area):
        if c == main_label:
            continue
        (main if _near(boxes[c], main_box, pad) else far).append(int(c))
    framed = main_box
    for c in main:
        framed = _union(framed, boxes[c])
    grown = framed
    for c in far:
        grown = _union(grown, boxes[c])
    if not far or _area(grown) <= GROWTH_LIMIT * _area(framed):
        return MapLayout(everything, total)
    main_units = np.sort(np.concatenate([members[c] for c in main]))
    insets = [members[c] for c in far[: max_insets - 1]]
    rest = far[max_insets - 1 :]
    if rest:
        insets.append(np.sort(np.concatenate([members[c] for c in rest])))
    return MapLayout(main_units, framed, insets)

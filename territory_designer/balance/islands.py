"""Separate parts of a layer (islands, exclaves, disconnected regions) and how the engine
ties them together: each to the part nearest to it (:func:`island_links`)."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components


def _find(root: np.ndarray, x: int) -> int:
    """Union-find root of ``x``, halving the path on the way."""
    while root[x] != x:
        root[x] = root[root[x]]
        x = int(root[x])
    return x


def island_links(
    xy: np.ndarray, ei: np.ndarray, ej: np.ndarray, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Edges tying every separate part of the layer to the part nearest to it, per group.

    Separate parts of a layer (Alaska, Hawaii, Puerto Rico, coastal islands, a layer of
    several disconnected regions) share no boundary with the rest, so no spanning tree
    reaches them. The parts (connected components of the graph restricted to a ``within``
    group) are joined by a minimum spanning tree over the distances between their nearest
    units (Boruvka 1926): every part is linked to the part nearest to it, so Kauai goes
    with Honolulu and Vieques with Puerto Rico, never straight to a far-away mainland. The
    engine then builds as on one mainland, and a part goes with the territory nearest to it.

    Parameters
    ----------
    xy : numpy.ndarray
        (n, 2) unit centroids.
    ei, ej : numpy.ndarray
        Neighbour edges.
    groups : numpy.ndarray, optional
        (n,) ``within`` group of each unit; links never cross groups.

    Returns
    -------
    (li, lj)
        The links, ``li < lj`` (empty when every group is connected).
    """
    from scipy.spatial import cKDTree

    n = xy.shape[0]
    groups = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups)
    same = groups[ei] == groups[ej]
    m = sparse.csr_matrix((np.ones(int(same.sum())), (ei[same], ej[same])), shape=(n, n))
    _, comp = connected_components(m, directed=False)
    li, lj = [], []
    for g in np.unique(groups):
        units = np.flatnonzero(groups == g)
        parts, part = np.unique(comp[units], return_inverse=True)
        if parts.size < 2:
            continue
        tree = cKDTree(xy[units])
        root = np.arange(parts.size)  # union-find over the parts
        while True:
            of = np.array([_find(root, x) for x in range(parts.size)])[part]
            sizes = np.bincount(of, minlength=parts.size)
            if np.count_nonzero(sizes) < 2:
                break
            # The largest part finds no link of its own: every other part finds one to it
            # or to a part nearer still.
            ask = np.flatnonzero(of != np.argmax(sizes))
            for a, b in nearest_outside(tree, xy[units], of, ask).values():
                ra, rb = _find(root, int(of[a])), _find(root, int(of[b]))
                if ra != rb:
                    root[ra] = rb
                    u, v = int(units[a]), int(units[b])
                    li.append(min(u, v))
                    lj.append(max(u, v))
    return np.asarray(li, dtype=np.int64), np.asarray(lj, dtype=np.int64)


def nearest_outside(
    tree: object, xy: np.ndarray, part: np.ndarray, ask: np.ndarray
) -> dict[int, tuple[int, int]]:
    """For each part of the units ``ask``, its pair (unit of ``ask``, unit outside the part)
    nearest to each other.

    Parameters
    ----------
    tree : scipy.spatial.cKDTree
        Tree over all of ``xy``.
    xy : numpy.ndarray
        (n, 2) points.
    part : numpy.ndarray
        (n,) part of each point.
    ask : numpy.ndarray
        Points whose parts are looked up.

    Returns
    -------
    dict
        Part -> (point in it, nearest point outside it).
    """
    n = xy.shape[0]
    best_d: dict[int, float] = {}
    best: dict[int, tuple[int, int]] = {}
    pending, k = np.asarray(ask), 8
    while pending.size:
        kk = min(k, n)
        d, idx = tree.query(xy[pending], k=kk)
        d, idx = d.reshape(pending.size, kk), idx.reshape(pending.size, kk)
        other = part[idx] != part[pending][:, None]
        has = other.any(axis=1)
        first = np.argmax(other, axis=1)
        rows = np.flatnonzero(has)
        dist = d[rows, first[rows]]
        for r, dd in zip(
            rows[np.argsort(dist, kind="stable")].tolist(), np.sort(dist).tolist(), strict=True
        ):
            p = int(part[pending[r]])
            if dd < best_d.get(p, np.inf):
                best_d[p] = dd
                best[p] = (int(pending[r]), int(idx[r, first[r]]))
        # Points with no outside neighbour among the k nearest need a wider look only
        # while their k-th neighbour is nearer than the best pair their part has.
        limit = np.array([best_d.get(int(p), np.inf) for p in part[pending]])
        still = ~has & (d[:, -1] < limit)
        if kk == n:
            break
        pending, k = pending[still], k * 4
    return best

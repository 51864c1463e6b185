"""Random spanning trees of a region, the raw material of tree cuts.

A random spanning tree is the minimum spanning tree of random edge weights (Kruskal 1956,
"On the shortest spanning subtree of a graph", Proc. AMS 7), as GerryChain draws them for
its recursive tree partition and ReCom proposal (DeFord, Duchin & Solomon 2021). Each tree
is returned as a depth-first preorder with subtree sizes, so that every subtree is a
contiguous range of the preorder (:mod:`territory_designer.balance.treecut`).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import depth_first_order, minimum_spanning_tree

SMALL_REGION = 150  # regions up to this size build their trees in plain Python (less overhead)


def random_trees(
    m: int,
    ei: np.ndarray,
    ej: np.ndarray,
    rng: np.random.Generator,
    count: int,
    bias: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Random spanning trees (MSTs of random weights, Kruskal 1956) as DFS preorders.

    Parameters
    ----------
    m : int
        Nodes of the region (``0..m-1``).
    ei, ej : numpy.ndarray
        Its edges.
    rng : numpy.random.Generator
        Source of the random edge weights.
    count : int
        Trees to draw.
    bias : numpy.ndarray, optional
        Factor on each edge's random weight (low: the edge tends to be in the trees).

    Returns
    -------
    tuple of numpy.ndarray or None
        ``(order, size)``, both ``(count, m)``: each tree's preorder and the subtree size
        of every node (indexed by node), or None when the region is not connected.

    Notes
    -----
    Small regions are done in plain Python (less overhead than sparse matrices), larger
    ones with SciPy's minimum spanning tree.
    """
    weights = rng.random((count, ei.size)) + 1e-3
    if bias is not None:
        weights *= bias
    if m > SMALL_REGION:
        trees = (_scipy_tree(rw, ei, ej, m) for rw in weights)
    else:
        li, lj = ei.tolist(), ej.tolist()
        perms = np.argsort(weights, axis=1).tolist()
        trees = (_kruskal_tree(perm, li, lj, m) for perm in perms)
    orders, sizes = [], []  # stop at the first tree that shows the region is not connected
    for tree in trees:
        if tree is None:
            return None
        order, parent = tree
        orders.append(order)
        sizes.append(_sizes(order, parent, m))
    return np.array(orders), np.array(sizes)


def _scipy_tree(
    weights: np.ndarray, ei: np.ndarray, ej: np.ndarray, m: int
) -> tuple[list[int], list[int]] | None:
    """Preorder and parents of the minimum spanning tree (None: not connected)."""
    g = sparse.csr_matrix((weights, (ei, ej)), shape=(m, m))
    tree = minimum_spanning_tree(g)
    order, pred = depth_first_order(tree, 0, directed=False, return_predecessors=True)
    if order.size < m:
        return None
    return order.tolist(), pred.tolist()


def _kruskal_tree(
    perm: list[int], li: list[int], lj: list[int], m: int
) -> tuple[list[int], list[int]] | None:
    """Preorder and parents of the spanning tree Kruskal's algorithm makes taking the
    edges in the order ``perm`` (None: not connected); union-find with path halving."""
    parent = list(range(m))
    adj: list[list[int]] = [[] for _ in range(m)]
    joined = 0
    for e in perm:
        x = u = li[e]
        y = v = lj[e]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        if x == y:
            continue
        parent[x] = y
        adj[u].append(v)
        adj[v].append(u)
        joined += 1
        if joined == m - 1:
            break
    if joined < m - 1:
        return None
    pl = [-1] * m
    out = []
    stack = [0]
    while stack:
        x = stack.pop()
        out.append(x)
        for y in adj[x]:
            if y != pl[x]:
                pl[y] = x
                stack.append(y)
    return out, pl


def _sizes(order: list[int], parent: list[int], m: int) -> list[int]:
    """Subtree sizes from a preorder and the parents."""
    sl = [1] * m
    for x in order[:0:-1]:
        sl[parent[x]] += sl[x]
    return sl

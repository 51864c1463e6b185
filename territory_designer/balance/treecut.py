"""Spanning-tree cuts: balanced, compact two-way splits of a connected region.

A random spanning tree of the region is drawn (minimum spanning tree of random edge
weights) and every tree edge is a candidate cut, whose two sides are connected by
construction; of the cuts of several trees the one with the least excess over the balance
band, then the largest summed Polsby-Popper score, wins. This is the splitting step of
GerryChain's recursive tree partition and ReCom proposal (DeFord, Duchin & Solomon 2021,
"Recombination: a family of Markov chains for redistricting", Harvard Data Science Review
3.1), here choosing the best cut rather than a random one.

The scan is vectorised: in a depth-first preorder every subtree is a contiguous range, so
subtree sums are prefix-sum differences and an edge lies inside a side when both its ends'
positions do.

:func:`tree_partition` splits a whole group recursively this way (recursive bisection as
in Berger & Bokhari 1987, with tree cuts instead of straight lines): each split keeps its
parts within ``0.8 * tolerance / territories in the part`` of their targets when the units
allow, which straight cuts through coarse units (counties) rarely do.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import depth_first_order, minimum_spanning_tree

from territory_designer.balance.graph import Graph
from territory_designer.balance.problem import BalanceProblem, band_excess

FOUR_PI = 4.0 * np.pi
TREE_BIAS = 1.0  # spanning trees favour long shared boundaries: cuts cross short ones
SMALL_REGION = 150  # regions up to this size build their trees in plain Python (less overhead)


def _random_trees(
    m: int,
    ei: np.ndarray,
    ej: np.ndarray,
    rng: np.random.Generator,
    count: int,
    bias: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Random spanning trees (MSTs of random weights, Kruskal 1956) as DFS preorders.

    Returns ``(order, size)``, both ``(count, m)``: each tree's preorder and the subtree
    size of every node (indexed by node), or None when the region is not connected. Small
    regions are done in plain Python (less overhead than sparse matrices), larger ones with
    SciPy's minimum spanning tree.
    """
    weights = rng.random((count, ei.size)) + 1e-3
    if bias is not None:
        weights *= bias
    orders, sizes = [], []
    if m > SMALL_REGION:
        for rw in weights:
            g = sparse.csr_matrix((rw, (ei, ej)), shape=(m, m))
            tree = minimum_spanning_tree(g)
            order, pred = depth_first_order(tree, 0, directed=False, return_predecessors=True)
            if order.size < m:
                return None
            orders.append(order.tolist())
            sizes.append(_sizes(orders[-1], pred.tolist(), m))
        return np.array(orders), np.array(sizes)
    li, lj = ei.tolist(), ej.tolist()
    for perm in np.argsort(weights, axis=1).tolist():
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
        orders.append(out)
        sizes.append(_sizes(out, pl, m))
    return np.array(orders), np.array(sizes)


def _sizes(order: list[int], parent: list[int], m: int) -> list[int]:
    """Subtree sizes from a preorder and the parents."""
    sl = [1] * m
    for x in order[:0:-1]:
        sl[parent[x]] += sl[x]
    return sl


def best_split(
    problem: BalanceProblem,
    graph: Graph,
    units: np.ndarray,
    tgt_a: float,
    tgt_b: float,
    not_a: np.ndarray,
    not_b: np.ndarray,
    trees: int,
    rng: np.random.Generator,
    squared: bool = False,
    tol: float | None = None,
    max_candidates: int = 256,
) -> tuple[tuple[float, float], np.ndarray, np.ndarray] | None:
    """Best two-way split of ``units`` into sides ``a`` and ``b`` along a spanning-tree cut.

    Parameters
    ----------
    problem, graph : BalanceProblem, Graph
        The run and its unit graph.
    units : numpy.ndarray
        The merged region (connected in the graph).
    tgt_a, tgt_b : float
        Target weights of the two sides.
    not_a, not_b : numpy.ndarray
        (len(units),) units that may not join side ``a`` (``b``).
    trees : int
        Random spanning trees to draw.
    rng : numpy.random.Generator
        Source of the random edge weights.
    squared : bool
        Rank cuts by squared deviation instead of excess over the band (balancing phase).
    tol : float, optional
        Half-width of the band (default: the problem's tolerance).
    max_candidates : int
        Most cuts (of least excess) whose shapes are scored.

    Returns
    -------
    ((excess, -pp_sum), in_a, sides) or None
        The key of the best cut found, the mask of ``units`` given to side ``a`` and the
        (weight, area, perimeter) of sides ``a`` and ``b`` (2 x 3); None when the
        region is not connected or no cut respects the constraints.
    """
    m = units.size
    local = np.full(problem.n, -1, dtype=np.int64)
    local[units] = np.arange(m)
    li, lj = local[graph.ei], local[graph.ej]
    inside = (li >= 0) & (lj >= 0)
    ei, ej, el = li[inside], lj[inside], graph.elen[inside]
    if ei.size < m - 1:
        return None
    w, ar, pe = problem.weight[units], problem.area[units], problem.perimeter[units]
    tot = np.array([w.sum(), ar.sum(), pe.sum(), not_a.sum(), not_b.sum()])
    vals = np.c_[w, ar, pe, not_a, not_b].astype(float)
    tol = float(problem.tolerance if tol is None else tol)
    bias = None
    if TREE_BIAS > 0:
        bias = (el / max(float(el.mean()), 1e-9)) ** -TREE_BIAS
    drawn = _random_trees(m, ei, ej, rng, trees, bias)
    if drawn is None:
        return None
    # Row t holds tree t. Node order[t, j] (j >= 1) roots the subtree at preorder positions
    # [j, j + size) whose complement is the other side.
    order, size = drawn
    pos = np.argsort(order, axis=1)
    size_o = np.take_along_axis(size, order, axis=1)[:, 1:]
    cum = np.zeros((trees, m + 1, 5))
    np.cumsum(vals[order], axis=1, out=cum[:, 1:])
    lo = np.arange(1, m)
    hi = lo[None, :] + size_o  # (T, m-1)
    sub = cum[np.arange(trees)[:, None], hi] - cum[:, 1:m]  # (T, m-1, 5)
    rest = tot - sub  # (T, m-1, 5)
    sw, rw = sub[..., 0], rest[..., 0]
    ok1 = (sub[..., 3] == 0) & (rest[..., 4] == 0)  # subtree -> a
    ok2 = (sub[..., 4] == 0) & (rest[..., 3] == 0)  # subtree -> b
    ex1 = band_excess(sw, tgt_a, tol, squared) + band_excess(rw, tgt_b, tol, squared)
    ex2 = band_excess(sw, tgt_b, tol, squared) + band_excess(rw, tgt_a, tol, squared)
    ex = np.stack([np.where(ok1, ex1, np.inf), np.where(ok2, ex2, np.inf)])  # (2, T, m-1)
    emin = float(ex.min())
    if not np.isfinite(emin):
        return None
    cand = np.flatnonzero(ex.ravel() <= emin + 1e-12)
    # Bound the (candidates x edges) work arrays to about two million cells.
    cap = int(min(max_candidates, max(16, 2_000_000 // max(ei.size, 1))))
    if cand.size > cap:
        cand = cand[np.linspace(0, cand.size - 1, cap).astype(np.int64)]
    flip, ct, cj = np.unravel_index(cand, ex.shape)
    clo, chi = lo[cj], hi[ct, cj]
    pi, pj = pos[ct][:, ei], pos[ct][:, ej]  # (C, E)
    in_i = (pi >= clo[:, None]) & (pi < chi[:, None])
    in_j = (pj >= clo[:, None]) & (pj < chi[:, None])
    # Row sums without BLAS (threaded BLAS is slow for small products on busy machines).
    inner_sub = np.where(in_i & in_j, el, 0.0).sum(axis=1)
    inner_rest = np.where(~in_i & ~in_j, el, 0.0).sum(axis=1)
    sub_c = sub[ct, cj]
    a_sub, p_sub = sub_c[:, 1], sub_c[:, 2] - 2 * inner_sub
    a_rest, p_rest = tot[1] - a_sub, tot[2] - sub_c[:, 2] - 2 * inner_rest
    pp = FOUR_PI * (a_sub / np.maximum(p_sub, 1e-9) ** 2 + a_rest / np.maximum(p_rest, 1e-9) ** 2)
    i = int(np.argmax(pp))
    mask = np.zeros(m, dtype=bool)
    mask[order[ct[i], clo[i] : chi[i]]] = True
    side = np.array(
        [[sub_c[i, 0], a_sub[i], p_sub[i]], [tot[0] - sub_c[i, 0], a_rest[i], p_rest[i]]]
    )
    if flip[i]:
        mask, side = ~mask, side[::-1]
    return (emin, -float(pp[i])), mask, side


def tree_partition(
    problem: BalanceProblem,
    graph: Graph,
    units: np.ndarray,
    terr: np.ndarray,
    targets: np.ndarray,
    rng: np.random.Generator,
    trees: int = 12,
    max_splits: int = 40,
) -> np.ndarray | None:
    """Recursive spanning-tree bisection of ``units`` into the territories ``terr``.

    A split whose halves cannot themselves be split within the band (a heavy unit left
    with too little around it) is redone with new trees, depth first, until
    ``max_splits`` splits have been tried; the best plan met is kept.

    Parameters
    ----------
    problem, graph : BalanceProblem, Graph
        The run and its unit graph.
    units : numpy.ndarray
        Free units of one group (must be connected in the graph).
    terr : numpy.ndarray
        Territories to make.
    targets : numpy.ndarray
        Their target weights.
    rng : numpy.random.Generator
        Source of the random trees.
    trees : int
        Trees drawn per split.
    max_splits : int
        Bound on the splits tried in all (retries included).

    Returns
    -------
    numpy.ndarray or None
        Index into ``terr`` of each unit, or None when a region is not connected.
    """
    out = np.zeros(units.size, dtype=np.int64)
    tol = 0.8 * float(problem.tolerance)
    left = [max_splits]

    def split(idx: np.ndarray, parts: np.ndarray) -> float | None:
        """Label ``idx`` with ``parts``; returns the worst excess over the band."""
        if parts.size == 1:
            out[idx] = parts[0]
            w = float(problem.weight[units[idx]].sum())
            target = max(float(targets[parts[0]]), 1e-12)
            return max(abs(w / target - 1.0) - float(problem.tolerance), 0.0)
        if idx.size < parts.size:
            return None
        h = parts.size // 2
        ta, tb = float(targets[parts[:h]].sum()), float(targets[parts[h:]].sum())
        scale = max(ta + tb, 1e-12) / max(float(problem.weight[units[idx]].sum()), 1e-12)
        none = np.zeros(idx.size, dtype=bool)
        best, best_out = None, None
        while True:
            left[0] -= 1
            got = best_split(
                problem,
                graph,
                units[idx],
                ta / scale,
                tb / scale,
                none,
                none,
                trees,
                rng,
                tol=tol / parts.size,
            )
            if got is None:
                return None
            in_a = got[1]
            ea = split(idx[in_a], parts[:h])
            eb = split(idx[~in_a], parts[h:])
            if ea is None or eb is None:
                return None
            worst = max(ea, eb)
            if best is None or worst < best:
                best, best_out = worst, out[idx].copy()
            if best <= 0 or left[0] <= 0:
                break
        out[idx] = best_out
        return best

    if split(np.arange(units.size), np.arange(terr.size)) is None:
        return None
    return out

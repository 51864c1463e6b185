"""Initial partition: recursive weighted bisection, along tree cuts or straight cuts.

The units of a group are split in two parts whose weights match the targets of the two
halves of its territory list, and each half again until one territory remains: recursive
bisection (Berger & Bokhari 1987, "A partitioning strategy for nonuniform problems on
multiprocessors", IEEE Trans. Computers 36; Simon 1991).

* On groups of up to ``TREE_MAX_UNITS`` connected units each split is the best cut of
  several random spanning trees (:func:`territory_designer.balance.treecut.
  tree_partition`, as GerryChain's recursive tree partition, DeFord, Duchin & Solomon
  2021): both parts are connected and within a fraction of the tolerance even when units
  are coarse (counties), with a retry when a part cannot itself be split in the band.
  Every fourth start uses straight cuts instead, for variety.
* Otherwise the cut is straight: for several directions the centroids are sorted along the
  direction and cut where the cumulative weight reaches the wanted share, and the direction
  whose cut crosses the least shared boundary wins (the "shortest splitline" idea, Smith,
  rangevoting.org). A straight cut may split a non-convex region;
  :func:`territory_designer.balance.graph.repair_contiguity` merges the stray pieces into a
  neighbour and the local search restores the balance.

Odd-numbered starts on such groups use capacitated k-means instead: weighted k-means++
centres (Arthur & Vassilvitskii 2007), then cells of a power diagram whose additive
weights are raised or lowered until each cell's weight approaches its target (the
capacitated assignment of Hess et al. 1965, solved by its Lagrangian prices as in
capacity-constrained Voronoi tessellations, Balzer et al. 2009), alternating with moving
each centre to its cell's weighted mean. Cells are compact but may be off balance and
split; contiguity repair and the balance steps that follow fix both.

With reps' home bases the start is instead a graph Voronoi partition: each unit joins the
home base nearest along the graph (multi-source Dijkstra over centroid distances), the
classic location-allocation start (Hess et al. 1965, "Nonpartisan political redistricting
by computer", Operations Research 13).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from territory_designer.balance.graph import Graph
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.treecut import tree_partition
from territory_designer.core.feedback import Feedback

N_DIRECTIONS = 12
START_KIND = "power"  # odd starts: capacitated k-means cells (Hess et al. 1965)
TREE_MAX_UNITS = 5000  # larger groups are cut by straight lines (faster)
#: Straight cuts of groups larger than this find the weighted split without sorting all
#: units (:func:`weighted_prefix`); the bench instances (at most 29,380 units) never reach it.
SORT_MAX_UNITS = 40_000
#: Groups of more units are cut into parts kept connected and balanced at every level
#: (:func:`territory_designer.balance.connected_cuts.connected_bisect`); no bench instance
#: is affected.
CONNECTED_CUT_UNITS = 100_000


def _best_cut(
    xy: np.ndarray,
    w: np.ndarray,
    share: float,
    ei: np.ndarray,
    ej: np.ndarray,
    elen: np.ndarray,
    angle0: float,
) -> np.ndarray:
    """Boolean mask of the first part of the best straight cut (see the module doc)."""
    n = xy.shape[0]
    total = w.sum()
    best, best_cost = None, np.inf
    for a in range(N_DIRECTIONS):
        theta = angle0 + np.pi * a / N_DIRECTIONS
        proj = xy @ np.array([np.cos(theta), np.sin(theta)])
        goal = share * total
        if n > SORT_MAX_UNITS:
            first = weighted_prefix(proj, w, goal)
        else:
            order = np.argsort(proj, kind="stable")
            first = np.zeros(n, dtype=bool)
            first[order[: _prefix_length(np.cumsum(w[order]), goal) + 1]] = True
        cost = elen[first[ei] != first[ej]].sum()
        if cost < best_cost:
            best, best_cost = first, cost
    return best


def _prefix_length(cum: np.ndarray, goal: float) -> int:
    """Index of the last unit of the prefix whose weight (cumulative ``cum``) is closest
    to ``goal``, leaving at least one unit on each side."""
    n = cum.size
    i = int(np.searchsorted(cum, goal))
    if 0 < i < n and abs(cum[i - 1] - goal) <= abs(cum[min(i, n - 1)] - goal):
        i -= 1
    return int(np.clip(i, 0, n - 2))


def weighted_prefix(proj: np.ndarray, w: np.ndarray, goal: float, bins: int = 4096) -> np.ndarray:
    """Mask of the units whose projections come first, up to the prefix weight closest to
    ``goal``: the sorted cut of :func:`_best_cut` without sorting every unit.

    The units are counted into ``bins`` slices of the projection's range; only the
    slice where the cumulative weight reaches the goal is sorted (ties in unit order, as
    a stable sort). The cumulative weights are summed slice by slice, so they may differ
    from a sort's in the last bits: used on groups of more than
    :data:`SORT_MAX_UNITS` units only.
    """
    n = proj.size
    lo, hi = float(proj.min()), float(proj.max())
    scale = bins / max(hi - lo, 1e-300)
    slot = np.minimum(((proj - lo) * scale).astype(np.int64), bins - 1)
    cum_bins = np.cumsum(np.bincount(slot, weights=w, minlength=bins))
    s = min(int(np.searchsorted(cum_bins, goal)), bins - 1)
    inside = np.flatnonzero(slot == s)
    inside = inside[np.argsort(proj[inside], kind="stable")]
    before = slot < s
    # Cumulative weight after all earlier slices, then after each unit of slice s.
    base = float(cum_bins[s - 1]) if s > 0 else 0.0
    cum = np.r_[base, base + np.cumsum(w[inside])]
    j = int(np.searchsorted(cum, goal))
    if 0 < j < cum.size and abs(cum[j - 1] - goal) <= abs(cum[j] - goal):
        j -= 1
    n_before = int(np.count_nonzero(before))
    count = int(np.clip(n_before + min(j, inside.size), 1, n - 1))  # both sides non-empty
    first = before
    first[inside[: max(count - n_before, 0)]] = True
    return first


def bisect(
    xy: np.ndarray,
    w: np.ndarray,
    targets: np.ndarray,
    ei: np.ndarray,
    ej: np.ndarray,
    elen: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Recursive bisection of points into ``len(targets)`` parts; returns part indices."""
    out = np.zeros(xy.shape[0], dtype=np.int64)
    # Each group carries the ids of the edges inside it: a part's edges are those of its
    # group with both ends in the part (no pass over the whole graph per split).
    stack = [(np.arange(xy.shape[0]), np.arange(targets.size), np.arange(ei.size))]
    local = np.full(xy.shape[0], -1, dtype=np.int64)
    while stack:
        idx, parts, edges = stack.pop()
        if parts.size == 1 or idx.size <= 1:
            out[idx] = parts[0]
            continue
        h = parts.size // 2
        share = targets[parts[:h]].sum() / targets[parts].sum()
        local[idx] = np.arange(idx.size)
        li, lj = local[ei[edges]], local[ej[edges]]
        local[idx] = -1
        first = _best_cut(
            xy[idx],
            w[idx] + 1e-12,
            share,
            li,
            lj,
            elen[edges],
            float(rng.uniform(0, np.pi / N_DIRECTIONS)),
        )
        same = first[li] == first[lj]
        stack.append((idx[first], parts[:h], edges[same & first[li]]))
        stack.append((idx[~first], parts[h:], edges[same & ~first[li]]))
    return out


def graph_voronoi(
    problem: BalanceProblem, graph: Graph, units: np.ndarray, terr: np.ndarray
) -> np.ndarray:
    """Territory (index into ``terr``) of each unit: nearest home base along the graph."""
    xy = problem.xy
    d = np.hypot(*(xy[graph.ei] - xy[graph.ej]).T) + 1e-9
    m = sparse.csr_matrix(
        (np.r_[d, d], (np.r_[graph.ei, graph.ej], np.r_[graph.ej, graph.ei])),
        shape=(problem.n, problem.n),
    )
    sources = [int(np.argmin(((xy[units] - problem.home[t]) ** 2).sum(axis=1))) for t in terr]
    dist = dijkstra(m, indices=units[sources], min_only=False)[:, units]
    # Unreachable units (other islands) go to the nearest home base in a straight line.
    straight = np.hypot(
        xy[units][None, :, 0] - problem.home[terr][:, None, 0],
        xy[units][None, :, 1] - problem.home[terr][:, None, 1],
    )
    dist = np.where(np.isfinite(dist), dist, 1e18 + straight)
    if problem.max_distance is not None:
        far = (straight > problem.max_distance) & ~problem.out_of_range[units][None, :]
        dist = np.where(far, 1e30 + straight, dist)
    if problem.forbidden is not None:  # the project's hard rules
        dist = np.where(problem.forbidden[units][:, terr].T, 1e33 + straight, dist)
    return np.argmin(dist, axis=0)


def power_partition(
    xy: np.ndarray, w: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Capacitated k-means: power-diagram cells whose weights approach the targets."""
    k = targets.size
    n = xy.shape[0]
    p = w / max(w.sum(), 1e-12)
    centres = [int(rng.choice(n, p=p))]
    for _ in range(1, k):
        d2 = ((xy[:, None, :] - xy[centres][None, :, :]) ** 2).sum(axis=2).min(axis=1)
        q = d2 * w
        centres.append(int(rng.choice(n, p=q / q.sum())) if q.sum() > 0 else int(rng.integers(n)))
    c = xy[centres].astype(float)
    lam = np.zeros(k)
    for _ in range(8):
        d2 = ((xy[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        scale = float(np.median(d2.min(axis=1))) + 1e-9
        for _ in range(40):
            lab = np.argmin(d2 - lam[None, :], axis=1)
            got = np.bincount(lab, weights=w, minlength=k)
            lam += 0.5 * scale * (targets - got) / targets
        for t in range(k):
            m = lab == t
            if m.any():
                c[t] = np.average(xy[m], axis=0, weights=w[m] + 1e-12)
    return lab


def initial_partition(
    problem: BalanceProblem, graph: Graph, feedback: Feedback, start: int = 0
) -> np.ndarray:
    """Balanced, compact starting labels (may contain stray pieces; see the module doc).

    Parameters
    ----------
    problem : BalanceProblem
        The run's inputs.
    graph : Graph
        The unit graph.
    feedback : Feedback
        Progress and cancel.
    start : int
        Index of the restart (varies the cut directions deterministically).

    Returns
    -------
    numpy.ndarray
        (n,) territory of each unit; locked units keep their territory.
    """
    rng = np.random.default_rng([problem.seed, start])
    labels = problem.locked.copy()
    for g in np.unique(problem.territory_group):
        feedback.check_canceled()
        terr = np.flatnonzero((problem.territory_group == g) & ~problem.closed)
        units = np.flatnonzero((problem.groups == g) & (problem.locked < 0))
        if units.size == 0 or terr.size == 0:
            continue
        if problem.home is not None:
            part = graph_voronoi(problem, graph, units, terr)
        else:
            part = _cut_group(problem, graph, units, terr, start, rng)
        labels[units] = terr[part]
    return labels


def _cut_group(
    problem: BalanceProblem,
    graph: Graph,
    units: np.ndarray,
    terr: np.ndarray,
    start: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Index into ``terr`` of each of ``units`` (one group, no home bases): tree cuts,
    capacitated k-means cells or straight cuts, by layer size and restart."""
    # Locked units already carry part of some territories' targets.
    if (problem.locked >= 0).any():
        fixed = np.array([problem.weight[problem.locked == t].sum() for t in terr])
    else:  # one pass per territory over a million units is most of a second
        fixed = np.zeros(terr.size)
    targets = np.maximum(problem.targets[terr] - fixed, 1e-9 * problem.targets[terr])
    if START_KIND == "power" and start % 2 == 1 and units.size <= TREE_MAX_UNITS:
        return power_partition(problem.xy[units], problem.weight[units], targets, rng)
    if units.size <= TREE_MAX_UNITS and start % 4 != 3:
        part = tree_partition(problem, graph, units, terr, targets, rng)
        if part is not None:
            return part
    local = np.full(problem.n, -1, dtype=np.int64)
    local[units] = np.arange(units.size)
    inside = (local[graph.ei] >= 0) & (local[graph.ej] >= 0)
    if units.size > CONNECTED_CUT_UNITS:
        from territory_designer.balance.connected_cuts import connected_bisect

        cut = connected_bisect
    else:
        cut = bisect
    return cut(
        problem.xy[units],
        problem.weight[units],
        targets,
        local[graph.ei[inside]],
        local[graph.ej[inside]],
        graph.elen[inside],
        rng,
    )

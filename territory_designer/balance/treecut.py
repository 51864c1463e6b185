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

from territory_designer.balance.graph import Graph
from territory_designer.balance.problem import BalanceProblem, band_excess
from territory_designer.balance.spanning_trees import random_trees

FOUR_PI = 4.0 * np.pi
TREE_BIAS = 1.0  # spanning trees favour long shared boundaries: cuts cross short ones


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
    floor: float | None = None,
    fixed: np.ndarray | None = None,
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
    floor : float, optional
        Of the cuts of least excess, take the one of largest summed Polsby-Popper score
        whose both sides score at least ``floor``; when none does, the one whose less
        compact side is the most compact (max-min).
    fixed : numpy.ndarray, optional
        (2, 3) weight, area and perimeter sides ``a`` and ``b`` hold besides ``units``
        (their pieces elsewhere, such as islands), counted in balance and shape.

    Returns
    -------
    ((excess, -pp_sum), in_a, sides) or None
        The key of the best cut found, the mask of ``units`` given to side ``a`` and the
        (weight, area, perimeter) of sides ``a`` and ``b`` (2 x 3); None when the
        region is not connected or no cut respects the constraints.
    """
    m = units.size
    edges = _region_edges(problem, graph, units)
    if edges is None:
        return None
    ei, ej, el = edges
    w, ar, pe = problem.weight[units], problem.area[units], problem.perimeter[units]
    tot = np.array([w.sum(), ar.sum(), pe.sum(), not_a.sum(), not_b.sum()])
    vals = np.c_[w, ar, pe, not_a, not_b].astype(float)
    bias = None
    if TREE_BIAS > 0:
        bias = (el / max(float(el.mean()), 1e-9)) ** -TREE_BIAS
    drawn = random_trees(m, ei, ej, rng, trees, bias)
    if drawn is None:
        return None
    order, size = drawn
    hi, sub = _subtree_sums(order, size, vals)
    rest = tot - sub  # (T, m-1, 5)
    tol = float(problem.tolerance if tol is None else tol)
    fixed = np.zeros((2, 3)) if fixed is None else np.asarray(fixed, dtype=float)
    ex = _cut_excess(sub, rest, tgt_a, tgt_b, tol, squared, fixed[:, 0])
    emin = float(ex.min())
    if not np.isfinite(emin):
        return None
    cand = np.flatnonzero(ex.ravel() <= emin + 1e-12)
    # Bound the (candidates x edges) work arrays to about two million cells.
    cap = int(min(max_candidates, max(16, 2_000_000 // max(ei.size, 1))))
    if cand.size > cap:
        cand = cand[np.linspace(0, cand.size - 1, cap).astype(np.int64)]
    flip, ct, cj = np.unravel_index(cand, ex.shape)
    clo, chi = cj + 1, hi[ct, cj]
    sub_c = sub[ct, cj]
    a_sub, p_sub, a_rest, p_rest = _sides_shape(order, edges, ct, clo, chi, sub_c, tot)
    fix_sub, fix_rest = fixed[flip], fixed[1 - flip]  # the subtree joins b where flipped
    a_sub, p_sub = a_sub + fix_sub[:, 1], p_sub + fix_sub[:, 2]
    a_rest, p_rest = a_rest + fix_rest[:, 1], p_rest + fix_rest[:, 2]
    pp_sub = FOUR_PI * a_sub / np.maximum(p_sub, 1e-9) ** 2
    pp_rest = FOUR_PI * a_rest / np.maximum(p_rest, 1e-9) ** 2
    pp = pp_sub + pp_rest
    if floor is not None:
        low = np.minimum(pp_sub, pp_rest)
        ok = low >= floor
        i = int(np.lexsort((np.where(ok, pp, low), ok))[-1])
    else:
        i = int(np.argmax(pp))
    mask = np.zeros(m, dtype=bool)
    mask[order[ct[i], clo[i] : chi[i]]] = True
    side = np.array(
        [
            [sub_c[i, 0] + fix_sub[i, 0], a_sub[i], p_sub[i]],
            [tot[0] - sub_c[i, 0] + fix_rest[i, 0], a_rest[i], p_rest[i]],
        ]
    )
    if flip[i]:
        mask, side = ~mask, side[::-1]
    return (emin, -float(pp[i])), mask, side


def _region_edges(
    problem: BalanceProblem, graph: Graph, units: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Edges inside ``units`` (local indices) with their shared lengths; None when there
    are too few to connect the region."""
    eid, li, lj = graph.inner_edges(units)
    if eid.size < units.size - 1:
        return None
    return li, lj, graph.elen[eid]


def _subtree_sums(
    order: np.ndarray, size: np.ndarray, vals: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """End positions and summed ``vals`` of the subtree cut off by each tree edge.

    Row t holds tree t. Node ``order[t, j]`` (j >= 1) roots the subtree at preorder
    positions ``[j, j + size)``, whose complement is the other side. Returns ``hi``
    ``(T, m-1)`` and the sums ``(T, m-1, columns)``.
    """
    trees, m = order.shape
    size_o = np.take_along_axis(size, order, axis=1)[:, 1:]
    cum = np.zeros((trees, m + 1, vals.shape[1]))
    np.cumsum(vals[order], axis=1, out=cum[:, 1:])
    hi = np.arange(1, m)[None, :] + size_o  # (T, m-1)
    sub = cum[np.arange(trees)[:, None], hi] - cum[:, 1:m]  # (T, m-1, columns)
    return hi, sub


def _cut_excess(
    sub: np.ndarray,
    rest: np.ndarray,
    tgt_a: float,
    tgt_b: float,
    tol: float,
    squared: bool,
    extra: np.ndarray = (0.0, 0.0),
) -> np.ndarray:
    """Excess over the band of every cut, subtree to side a (row 0) or to side b (row 1);
    infinite where a unit would join a side it may not. ``extra`` is the weight sides
    a and b hold elsewhere."""
    sw, rw = sub[..., 0], rest[..., 0]
    xa, xb = float(extra[0]), float(extra[1])
    ok1 = (sub[..., 3] == 0) & (rest[..., 4] == 0)  # subtree -> a
    ok2 = (sub[..., 4] == 0) & (rest[..., 3] == 0)  # subtree -> b
    ex1 = band_excess(sw + xa, tgt_a, tol, squared) + band_excess(rw + xb, tgt_b, tol, squared)
    ex2 = band_excess(sw + xb, tgt_b, tol, squared) + band_excess(rw + xa, tgt_a, tol, squared)
    return np.stack([np.where(ok1, ex1, np.inf), np.where(ok2, ex2, np.inf)])  # (2, T, m-1)


def _sides_shape(
    order: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    ct: np.ndarray,
    clo: np.ndarray,
    chi: np.ndarray,
    sub_c: np.ndarray,
    tot: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Area and perimeter of both sides of each candidate cut (tree ``ct``, subtree at
    preorder positions ``[clo, chi)``): ``(a_sub, p_sub, a_rest, p_rest)``."""
    ei, ej, el = edges
    pos = np.argsort(order, axis=1)
    pi, pj = pos[ct][:, ei], pos[ct][:, ej]  # (C, E)
    in_i = (pi >= clo[:, None]) & (pi < chi[:, None])
    in_j = (pj >= clo[:, None]) & (pj < chi[:, None])
    # Row sums without BLAS (threaded BLAS is slow for small products on busy machines).
    inner_sub = np.where(in_i & in_j, el, 0.0).sum(axis=1)
    inner_rest = np.where(~in_i & ~in_j, el, 0.0).sum(axis=1)
    a_sub, p_sub = sub_c[:, 1], sub_c[:, 2] - 2 * inner_sub
    a_rest, p_rest = tot[1] - a_sub, tot[2] - sub_c[:, 2] - 2 * inner_rest
    return a_sub, p_sub, a_rest, p_rest


def tree_partition(
    problem: BalanceProblem,
    graph: Graph,
    units: np.ndarray,
    terr: np.ndarray,
    targets: np.ndarray,
    rng: np.random.Generator,
    trees: int = 12,
    max_splits: int = 40,
    pinned: np.ndarray | None = None,
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
    pinned : numpy.ndarray, optional
        Index into ``terr`` of the territory each of ``units`` must join, -1 where free
        (locked units such as reps' home units); every cut keeps them on their side.

    Returns
    -------
    numpy.ndarray or None
        Index into ``terr`` of each unit, or None when a region is not connected.
    """
    bisection = _Bisection(problem, graph, units, targets, rng, trees, max_splits, pinned)
    if bisection.split(np.arange(units.size), np.arange(terr.size)) is None:
        return None
    return bisection.out


class _Bisection:
    """One recursive bisection: the labels made so far and the splits left to try."""

    def __init__(
        self,
        problem: BalanceProblem,
        graph: Graph,
        units: np.ndarray,
        targets: np.ndarray,
        rng: np.random.Generator,
        trees: int,
        max_splits: int,
        pinned: np.ndarray | None = None,
    ) -> None:
        self.problem, self.graph, self.units, self.targets = problem, graph, units, targets
        self.pinned = np.full(units.size, -1, dtype=np.int64) if pinned is None else pinned
        self.rng, self.trees, self.left = rng, trees, max_splits
        self.out = np.zeros(units.size, dtype=np.int64)
        # Each split aims inside a share of the band, so the parts' own splits can fit.
        self.tol = 0.8 * float(problem.tolerance)

    def split(self, idx: np.ndarray, parts: np.ndarray) -> float | None:
        """Label ``idx`` with ``parts``; returns the worst excess over the band (None: a
        region could not be split)."""
        problem, targets = self.problem, self.targets
        if parts.size == 1:
            self.out[idx] = parts[0]
            w = float(problem.weight[self.units[idx]].sum())
            target = max(float(targets[parts[0]]), 1e-12)
            return max(abs(w / target - 1.0) - float(problem.tolerance), 0.0)
        if idx.size < parts.size:
            return None
        h = parts.size // 2
        ta, tb = float(targets[parts[:h]].sum()), float(targets[parts[h:]].sum())
        scale = max(ta + tb, 1e-12) / max(float(problem.weight[self.units[idx]].sum()), 1e-12)
        best, best_out = None, None
        while True:
            self.left -= 1
            worst = self._split_once(idx, parts[:h], parts[h:], ta / scale, tb / scale)
            if worst is None:
                return None
            if best is None or worst < best:
                best, best_out = worst, self.out[idx].copy()
            if best <= 0 or self.left <= 0:
                break
        self.out[idx] = best_out
        return best

    def _split_once(
        self, idx: np.ndarray, parts_a: np.ndarray, parts_b: np.ndarray, tgt_a: float, tgt_b: float
    ) -> float | None:
        """Cut ``idx`` in two along new trees and split each side further (pinned units
        on the side of their territory)."""
        pinned = self.pinned[idx]
        got = best_split(
            self.problem,
            self.graph,
            self.units[idx],
            tgt_a,
            tgt_b,
            (pinned >= 0) & ~np.isin(pinned, parts_a),
            (pinned >= 0) & ~np.isin(pinned, parts_b),
            self.trees,
            self.rng,
            tol=self.tol / (parts_a.size + parts_b.size),
        )
        if got is None:
            return None
        in_a = got[1]
        ea = self.split(idx[in_a], parts_a)
        eb = self.split(idx[~in_a], parts_b)
        if ea is None or eb is None:
            return None
        return max(ea, eb)

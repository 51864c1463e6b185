"""Large-neighbourhood moves: merge-split of pairs, neighbourhood rebuilds, iterated search.

* Merge-split: two adjacent territories are merged and split again along the best cut of
  several random spanning trees (:func:`territory_designer.balance.treecut.best_split`).
  This is the recombination ("ReCom") proposal of DeFord, Duchin & Solomon (2021,
  "Recombination: a family of Markov chains for redistricting", Harvard Data Science Review
  3.1) used as an optimising move, as in the "short bursts" of Cannon et al. (2022): the
  new pair replaces the old one when it has less excess over the tolerance, or as little and
  a larger summed Polsby-Popper score. While some territory is out of the band, pairs are
  instead evened out by squared deviation, like diffusion load balancing (Cybenko 1989).
  Moving many units at once while keeping both weights in the band, it reshapes territories
  of coarse units (counties) where single boundary moves would leave the band.
* Neighbourhood rebuild: a territory and some neighbours are re-partitioned from scratch
  by recursive tree bisection (:func:`~territory_designer.balance.treecut.tree_partition`),
  which shares one territory's excess over its whole neighbourhood (:func:`repair_balance`)
  and serves as the perturbation ("kick") of an iterated local search (Lourenco, Martin &
  Stuetzle 2003) whose local search is the merge-split descent (:func:`iterated_search`).

Locked units, closed territories, "within" groups and the distance limit are respected: a
cut that puts a unit where it may not go is skipped (rebuilds included: locked units
stay in their territory), and rebuilds are not used under a distance limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from territory_designer.balance.graph import Graph, territory_sums
from territory_designer.balance.problem import BalanceProblem, band_excess
from territory_designer.balance.treecut import best_split

FOUR_PI = 4.0 * np.pi
#: ``visit(labels, territories)``: told of the territories a move changed (see merge_split).
Visit = Callable[[np.ndarray, Sequence[int]], None]
PAIR_TREES = 8  # spanning trees per pair in the descent after a kick
KICK_TREES = 8  # spanning trees per split when a neighbourhood is rebuilt


def _sums(problem: BalanceProblem, graph: Graph, lab: np.ndarray) -> tuple[np.ndarray, ...]:
    return territory_sums(problem.weight, problem.area, problem.perimeter, graph, lab, problem.k)


def _key(
    w: np.ndarray, a: np.ndarray, p: np.ndarray, targets: np.ndarray, tol: float
) -> tuple[float, float]:
    return (
        round(float(band_excess(w, targets, tol).sum()), 12),
        -float((FOUR_PI * a / np.maximum(p, 1e-9) ** 2).sum()),
    )


def merge_split(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    budget: int,
    trees: int = 8,
    seed: tuple[int, ...] | int = 0,
    check: object = None,
    patience: int = 6,
    focus: np.ndarray | None = None,
    visit: Visit | None = None,
    floor: float | None = None,
) -> np.ndarray:
    """Descend by merge-split moves until ``patience`` sweeps over all pairs improve nothing.

    Parameters
    ----------
    problem, graph : BalanceProblem, Graph
        The run and its unit graph.
    labels : numpy.ndarray
        Contiguous starting labels.
    budget : int
        Maximum number of spanning trees drawn in all (keeps the run length bounded and
        independent of the clock).
    trees : int
        Trees drawn per pair and attempt.
    seed : int or tuple of int
        Seed of the random edge weights.
    check : callable, optional
        Called between pairs (cancel).
    patience : int
        Sweeps without improvement before stopping (new trees are drawn each sweep).
    focus : numpy.ndarray, optional
        Only pairs with a territory in ``focus`` are tried.
    visit : callable, optional
        ``visit(labels, territories)`` is told of every accepted move (the labels and the
        two territories it changed), e.g. to collect territories for recombination.
    floor : float, optional
        No move leaves a territory below this Polsby-Popper score unless the pair's less
        compact territory was already lower (see :func:`_resplit`).

    Returns
    -------
    numpy.ndarray
        Improved labels (never worse by ``(excess over the band, -sum PP)``).
    """
    lab = np.asarray(labels, dtype=np.int64).copy()
    if problem.k < 2 or budget <= 0:
        return lab
    rng = np.random.default_rng(seed)
    far = problem.far_from_home()
    sums = _PairSums(problem, graph, lab)
    used, idle = 0, 0
    # While out of the band, moves follow the squared deviation, so the plan with the best
    # (excess, -PP) met is kept aside.
    best_lab, best_key = lab.copy(), sums.key()
    while used < budget and idle < patience:
        pairs = _touching_pairs(problem, graph, lab, focus)
        if pairs.size == 0:
            break
        improved = False
        for ta, tb in pairs[rng.permutation(len(pairs))].tolist():
            if used >= budget:
                break
            if check is not None:
                check()
            used += trees
            if _resplit(problem, graph, lab, sums, (ta, tb), far, trees, rng, floor):
                improved = True
                if visit is not None:
                    visit(lab, (ta, tb))
                key = sums.key()
                if key < best_key:
                    best_key, best_lab = key, lab.copy()
        idle = 0 if improved else idle + 1
    return best_lab


class _PairSums:
    """Weight, area and perimeter of every territory, kept in step with merge-split moves."""

    def __init__(self, problem: BalanceProblem, graph: Graph, lab: np.ndarray) -> None:
        self.problem = problem
        self.w, self.a, self.p = _sums(problem, graph, lab)

    def key(self) -> tuple[float, float]:
        """``(summed excess over the band, -summed Polsby-Popper)`` of the plan."""
        problem = self.problem
        return _key(self.w, self.a, self.p, problem.targets, float(problem.tolerance))

    def out_of_band(self) -> bool:
        """Whether any territory is outside the band."""
        problem = self.problem
        return bool((band_excess(self.w, problem.targets, float(problem.tolerance)) > 0).any())

    def least_pp(self, ta: int, tb: int) -> float:
        """The lower Polsby-Popper score of territories ``ta`` and ``tb``."""
        a, p = self.a[[ta, tb]], np.maximum(self.p[[ta, tb]], 1e-9)
        return float((FOUR_PI * a / p**2).min())

    def pair_key(self, ta: int, tb: int, squared: bool) -> tuple[float, float]:
        """``(excess, -PP)`` of territories ``ta`` and ``tb`` as :func:`best_split` ranks."""
        problem, w, a, p = self.problem, self.w, self.a, self.p
        tol = float(problem.tolerance)
        ex = band_excess(w[[ta, tb]], problem.targets[[ta, tb]], tol, squared=squared)
        pp = float(FOUR_PI * (a[ta] / p[ta] ** 2 + a[tb] / p[tb] ** 2))
        return float(ex.sum()), -pp


def _touching_pairs(
    problem: BalanceProblem, graph: Graph, lab: np.ndarray, focus: np.ndarray | None
) -> np.ndarray:
    """Pairs ``(ta < tb)`` of neighbouring territories that may trade units."""
    cut = lab[graph.ei] != lab[graph.ej]
    li, lj = lab[graph.ei[cut]], lab[graph.ej[cut]]
    pairs = np.unique(np.c_[np.minimum(li, lj), np.maximum(li, lj)], axis=0)
    ok = ~problem.closed[pairs[:, 0]] & ~problem.closed[pairs[:, 1]]
    ok &= problem.territory_group[pairs[:, 0]] == problem.territory_group[pairs[:, 1]]
    if focus is not None:
        ok &= np.isin(pairs[:, 0], focus) | np.isin(pairs[:, 1], focus)
    return pairs[ok]


def _barred(
    problem: BalanceProblem,
    far: np.ndarray | None,
    lab: np.ndarray,
    units: np.ndarray,
    territory: int,
) -> np.ndarray:
    """Which of ``units`` may not join ``territory`` (locked elsewhere, or too far)."""
    barred = ~(problem.locked[units] < 0) & (lab[units] != territory)
    return barred | (far[units, territory] if far is not None else False)


def _resplit(
    problem: BalanceProblem,
    graph: Graph,
    lab: np.ndarray,
    sums: _PairSums,
    pair: tuple[int, int],
    far: np.ndarray | None,
    trees: int,
    rng: np.random.Generator,
    floor: float | None = None,
) -> bool:
    """Merge the ``pair`` of territories and split it along the best of ``trees`` tree
    cuts; keep the new pair in ``lab`` and ``sums`` when it ranks better (returns True).

    ``far`` is the problem's distance limit (:meth:`BalanceProblem.far_from_home`). With
    a ``floor``, a new pair whose less compact side scores below it is only kept when that
    side is no worse than the pair's less compact territory was.
    """
    ta, tb = pair
    squared = sums.out_of_band()  # balancing phase while any territory is out of the band
    units, found = _split_merged(problem, graph, far, lab, pair, trees, rng, squared, floor)
    if found is None:
        return False
    (ex, neg_pp), in_a, side = found
    cur_ex, cur_neg_pp = sums.pair_key(ta, tb, squared)
    if not (round(ex, 12), neg_pp) < (round(cur_ex, 12), cur_neg_pp - 1e-9):
        return False
    if _breaks_floor(side, floor, sums, pair):
        return False
    _keep_split(lab, sums, pair, units, in_a, side)
    return True


def _split_merged(
    problem: BalanceProblem,
    graph: Graph,
    far: np.ndarray | None,
    lab: np.ndarray,
    pair: tuple[int, int],
    trees: int,
    rng: np.random.Generator,
    squared: bool,
    floor: float | None,
) -> tuple[np.ndarray, tuple | None]:
    """The units of the merged ``pair`` and :func:`best_split`'s best cut of them."""
    ta, tb = pair
    units = np.flatnonzero((lab == ta) | (lab == tb))
    found = best_split(
        problem,
        graph,
        units,
        float(problem.targets[ta]),
        float(problem.targets[tb]),
        _barred(problem, far, lab, units, ta),
        _barred(problem, far, lab, units, tb),
        trees,
        rng,
        squared,
        floor=floor,
    )
    return units, found


def _breaks_floor(
    side: np.ndarray, floor: float | None, sums: _PairSums, pair: tuple[int, int]
) -> bool:
    """Whether a new pair's less compact side falls below ``floor`` and below the less
    compact of the pair's territories before the split."""
    if floor is None:
        return False
    low = float((FOUR_PI * side[:, 1] / np.maximum(side[:, 2], 1e-9) ** 2).min())
    return low < floor and low < sums.least_pp(*pair) - 1e-12


def _keep_split(
    lab: np.ndarray,
    sums: _PairSums,
    pair: tuple[int, int],
    units: np.ndarray,
    in_a: np.ndarray,
    side: np.ndarray,
) -> None:
    """Write a kept split into the labels and the pair's sums."""
    ta, tb = pair
    lab[units[in_a]] = ta
    lab[units[~in_a]] = tb
    sums.w[[ta, tb]], sums.a[[ta, tb]], sums.p[[ta, tb]] = side.T


def _neighbours(lab: np.ndarray, graph: Graph, terrs: np.ndarray, k: int) -> np.ndarray:
    """Territories adjacent to any of ``terrs`` (``terrs`` included)."""
    inside = np.isin(lab, terrs)
    e = inside[graph.du] & ~inside[graph.dv]
    return np.union1d(terrs, np.unique(lab[graph.dv[e]]))


def rebuild_around(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    seed_territory: int,
    rng: np.random.Generator,
    radius: int = 1,
    trees: int = 8,
    size: int | None = None,
) -> np.ndarray | None:
    """Re-partition a territory and its neighbours (``radius`` rings) from scratch.

    With ``size``, the region instead grows from the territory by random neighbours until
    it holds ``size`` territories.

    The region is split again by :func:`~territory_designer.balance.treecut.tree_partition`
    into as many territories; the excess of one territory is thereby shared by all of its
    neighbourhood. Locked units (reps' home units) keep their territory: every cut keeps
    them on their territory's side. Returns the new labels, or None when no such split is
    found, the region crosses a "within" group or a distance limit applies (then only pair
    moves are used).
    """
    if problem.home is not None and problem.max_distance is not None:
        return None
    if problem.forbidden is not None:  # a rebuild knows nothing of the project's rules
        return None
    from territory_designer.balance.treecut import tree_partition

    terrs = np.array([seed_territory])
    same = (problem.territory_group == problem.territory_group[seed_territory]) & ~problem.closed
    if size is None:
        for _ in range(radius):
            terrs = _neighbours(labels, graph, terrs, problem.k)
        terrs = terrs[same[terrs]]
    else:
        while terrs.size < size:
            ring = np.setdiff1d(_neighbours(labels, graph, terrs, problem.k), terrs)
            ring = ring[same[ring]]
            if ring.size == 0:
                break
            terrs = np.append(terrs, ring[rng.integers(ring.size)])
    if terrs.size < 2:
        return None
    units = np.flatnonzero(np.isin(labels, terrs))
    index = np.full(problem.k, -1, dtype=np.int64)
    index[terrs] = np.arange(terrs.size)
    locked = problem.locked[units]
    pinned = np.where(locked >= 0, index[np.maximum(locked, 0)], -1)
    part = tree_partition(
        problem,
        graph,
        units,
        terrs,
        problem.targets[terrs],
        rng,
        trees=trees,
        max_splits=12,
        pinned=pinned,
    )
    if part is None or (part[locked >= 0] != pinned[locked >= 0]).any():
        return None
    new = labels.copy()
    new[units] = terrs[part]
    return new


def _least_pp(problem: BalanceProblem, graph: Graph, labels: np.ndarray) -> float:
    """Polsby-Popper score of the least compact territory of ``labels``."""
    _, a, per = _sums(problem, graph, labels)
    return float((FOUR_PI * a / np.maximum(per, 1e-9) ** 2).min())


def plan_key(problem: BalanceProblem, graph: Graph, labels: np.ndarray) -> tuple[float, float]:
    """``(summed excess over the band, -summed Polsby-Popper)``: lower is better."""
    w, a, per = _sums(problem, graph, labels)
    return _key(w, a, per, problem.targets, float(problem.tolerance))


def repair_balance(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    attempts: int,
    seed: tuple[int, ...] | int = 0,
    check: object = None,
) -> np.ndarray:
    """Bring territories into the band by rebuilding neighbourhoods of the worst ones.

    The territory furthest out of the band is re-partitioned with its neighbours (then two
    rings of them if that fails); a rebuild is kept when it lowers the summed excess.
    Stops when every territory is in the band or after ``attempts`` rebuilds.
    """
    lab = np.asarray(labels, dtype=np.int64).copy()
    rng = np.random.default_rng(seed)
    key = plan_key(problem, graph, lab)
    fails = 0
    for _ in range(attempts):
        if key[0] <= 0:
            break
        if check is not None:
            check()
        w = np.bincount(lab, weights=problem.weight, minlength=problem.k)
        exc = band_excess(w, problem.targets, float(problem.tolerance))
        exc[problem.closed] = 0
        out = np.flatnonzero(exc > 0)
        if out.size == 0:
            break
        t = int(out[np.argsort(-exc[out], kind="stable")][fails % out.size])
        new = rebuild_around(problem, graph, lab, t, rng, radius=1 + (fails // out.size) % 2)
        if new is not None:
            new_key = plan_key(problem, graph, new)
            if new_key[0] < key[0]:
                lab, key, fails = new, new_key, 0
                continue
        fails += 1
    return lab


def iterated_search(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    iterations: int,
    seed: tuple[int, ...] | int = 0,
    check: object = None,
    threshold: float = 0.0,
    size: int | None = 3,
    visit: Visit | None = None,
    floor: float | None = None,
) -> np.ndarray:
    """Iterated local search: rebuild a random neighbourhood, descend, keep if better.

    Each iteration re-partitions a random territory and its neighbours
    (:func:`rebuild_around`, the "kick") and runs merge-split descent on the pairs that
    touch them; the result replaces the current plan when its ``plan_key`` is lower, or
    no more than ``threshold`` (summed PP) worse at equal excess (threshold accepting,
    Dueck & Scheuer 1990, shrinking to zero over the run). The best plan met is
    returned. Iterated local search: Lourenco, Martin & Stuetzle (2003), "Iterated local
    search", Handbook of Metaheuristics. ``visit`` is told of every rebuilt neighbourhood
    and every move of the descent (see :func:`merge_split`). With a ``floor``, a plan
    whose least compact territory scores below it is only taken when that score is no
    worse than the current plan's (the descent keeps the floor too).
    """
    lab = np.asarray(labels, dtype=np.int64).copy()
    rng = np.random.default_rng(seed)
    key = plan_key(problem, graph, lab)
    best, best_key = lab, key
    free = np.flatnonzero(~problem.closed)
    if free.size < 2:
        return lab
    for it in range(iterations):
        if check is not None:
            check()
        t = int(free[rng.integers(free.size)])
        new = rebuild_around(problem, graph, lab, t, rng, trees=KICK_TREES, size=size)
        if new is None:
            continue
        region = np.unique(lab[new != lab])
        if visit is not None:
            visit(new, region.tolist())
        new = merge_split(
            problem,
            graph,
            new,
            10**9,
            trees=PAIR_TREES,
            seed=(*np.atleast_1d(seed).tolist(), it),
            patience=1,
            focus=region,
            visit=visit,
            floor=floor,
        )
        nk = plan_key(problem, graph, new)
        if floor is not None:
            low, now = _least_pp(problem, graph, new), _least_pp(problem, graph, lab)
            if low < floor and low < now - 1e-12:
                continue
        allow = threshold * (1.0 - it / max(iterations, 1))
        if nk < key or (nk[0] == key[0] and nk[1] < key[1] + allow):
            lab, key = new, nk
            if key < best_key:
                best, best_key = lab, key
    return best


def tighten(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    trees: int = 16,
    seed: tuple[int, ...] | int = 0,
    check: object = None,
    sweeps: int = 6,
    floor: float | None = None,
) -> np.ndarray:
    """Bring territories into a band that was just narrowed, keeping their shapes.

    Pairs of neighbouring territories with some excess over the band are merged and split
    again along the tree cut of least summed excess, then largest summed Polsby-Popper
    (plain excess, not the squared deviation :func:`merge_split` balances by, so a cut
    that fits the band is chosen for its shape). A resplit is kept when it lowers the
    pair's excess, or keeps it and improves the pair's shapes. Stops when every territory
    is inside the band, after ``sweeps`` sweeps, or when a sweep changes nothing. A
    ``floor`` is kept as :func:`merge_split` keeps it.
    """
    lab = np.asarray(labels, dtype=np.int64).copy()
    if problem.k < 2:
        return lab
    rng = np.random.default_rng(seed)
    far = problem.far_from_home()
    sums = _PairSums(problem, graph, lab)
    tol = float(problem.tolerance)
    for _ in range(sweeps):
        if not sums.out_of_band():
            break
        improved = False
        pairs = _touching_pairs(problem, graph, lab, None)
        for ta, tb in pairs[rng.permutation(len(pairs))].tolist():
            if check is not None:
                check()
            ex = float(band_excess(sums.w[[ta, tb]], problem.targets[[ta, tb]], tol).sum())
            if ex <= 0:
                continue
            units, found = _split_merged(
                problem, graph, far, lab, (ta, tb), trees, rng, False, floor
            )
            if found is None:
                continue
            (new_ex, neg_pp), in_a, side = found
            now = (round(ex, 12), sums.pair_key(ta, tb, False)[1] - 1e-9)
            if _breaks_floor(side, floor, sums, (ta, tb)):
                continue
            if (round(new_ex, 12), neg_pp) < now:
                _keep_split(lab, sums, (ta, tb), units, in_a, side)
                improved = True
        if not improved:
            break
    return lab

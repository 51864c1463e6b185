"""Merge-split descent: re-split pairs of neighbouring territories along spanning-tree cuts.

Two adjacent territories are merged and split again in two: a random spanning tree of the
merged region is drawn (minimum spanning tree of random edge weights) and every tree edge
is a candidate cut, whose two sides are connected by construction. This is the
recombination ("ReCom") proposal of DeFord, Duchin & Solomon (2021, "Recombination: a family
of Markov chains for redistricting", Harvard Data Science Review 3.1), used here as an
optimising move, as in the "short bursts" of Cannon et al. (2022): of all cuts of several
trees the one with the least excess over the tolerance, then the largest summed
Polsby-Popper score, replaces the pair when it beats the current pair. Because it moves many
units at once while keeping both weights in the band, it reshapes territories made of coarse
units (counties) where single boundary moves would leave the band.

The cut scan is vectorised: in a depth-first preorder every subtree is a contiguous range,
so subtree sums are prefix-sum differences and an edge lies inside a side when both its ends'
positions do. Locked units, closed territories, "within" groups and the distance limit are
respected (a cut that puts a unit where it may not go is skipped).
"""

from __future__ import annotations

import numpy as np

from territory_designer.balance.graph import Graph
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.treecut import _excess, best_split

FOUR_PI = 4.0 * np.pi


def _sums(problem: BalanceProblem, graph: Graph, lab: np.ndarray) -> tuple[np.ndarray, ...]:
    k = problem.k
    w = np.bincount(lab, weights=problem.weight, minlength=k)
    a = np.bincount(lab, weights=problem.area, minlength=k)
    per = np.bincount(lab, weights=problem.perimeter, minlength=k)
    same = lab[graph.ei] == lab[graph.ej]
    per -= 2 * np.bincount(lab[graph.ei[same]], weights=graph.elen[same], minlength=k)
    return w, a, per


def merge_split(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    budget: int,
    trees: int = 8,
    seed: tuple[int, ...] | int = 0,
    check: object = None,
    patience: int = 6,
    temperature: tuple[float, float] = (0.0, 0.0),
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
    temperature : tuple of float
        Start and end temperature (in summed Polsby-Popper of the pair): a worse split of
        equal excess is taken with probability ``exp(-loss / T)``, as in simulated
        annealing (Kirkpatrick et al. 1983); (0, 0) is plain descent.

    Returns
    -------
    numpy.ndarray
        Improved labels (never worse by ``(excess over the band, -sum PP)``).
    """
    lab = np.asarray(labels, dtype=np.int64).copy()
    k, tol = problem.k, float(problem.tolerance)
    if k < 2 or budget <= 0:
        return lab
    rng = np.random.default_rng(seed)
    movable = problem.locked < 0
    far = None
    if problem.home is not None and problem.max_distance is not None:
        far = (
            np.hypot(
                problem.xy[:, None, 0] - problem.home[None, :, 0],
                problem.xy[:, None, 1] - problem.home[None, :, 1],
            )
            > problem.max_distance
        )
    wsum, asum, psum = _sums(problem, graph, lab)
    used, idle = 0, 0
    best_lab = lab.copy()
    best_key = (
        round(float(_excess(wsum, problem.targets, tol).sum()), 12),
        -float((FOUR_PI * asum / psum**2).sum()),
    )
    if temperature[0] > 0:
        patience = budget  # annealing runs to the end of the budget
    while used < budget and idle < patience:
        cut = lab[graph.ei] != lab[graph.ej]
        pairs = np.unique(
            np.c_[
                np.minimum(lab[graph.ei[cut]], lab[graph.ej[cut]]),
                np.maximum(lab[graph.ei[cut]], lab[graph.ej[cut]]),
            ],
            axis=0,
        )
        ok = ~problem.closed[pairs[:, 0]] & ~problem.closed[pairs[:, 1]]
        ok &= problem.territory_group[pairs[:, 0]] == problem.territory_group[pairs[:, 1]]
        pairs = pairs[ok]
        if pairs.size == 0:
            break
        pairs = pairs[rng.permutation(len(pairs))]
        improved = False
        for ta, tb in pairs.tolist():
            if used >= budget:
                break
            if check is not None:
                check()
            units = np.flatnonzero((lab == ta) | (lab == tb))
            not_a = (~movable[units] & (lab[units] != ta)) | (
                far[units, ta] if far is not None else False
            )
            not_b = (~movable[units] & (lab[units] != tb)) | (
                far[units, tb] if far is not None else False
            )
            # Balancing phase while any territory is out of the band.
            sq = bool((_excess(wsum, problem.targets, tol) > 0).any())
            found = best_split(
                problem,
                graph,
                units,
                float(problem.targets[ta]),
                float(problem.targets[tb]),
                not_a,
                not_b,
                trees,
                rng,
                sq,
            )
            used += trees
            if found is None:
                continue
            (ex, neg_pp), in_a, side = found
            cur_ex = float(
                _excess(wsum[[ta, tb]], problem.targets[[ta, tb]], tol, squared=sq).sum()
            )
            cur_pp = float(FOUR_PI * (asum[ta] / psum[ta] ** 2 + asum[tb] / psum[tb] ** 2))
            better = (round(ex, 12), neg_pp) < (round(cur_ex, 12), -cur_pp - 1e-9)
            if not better and temperature[0] > 0 and round(ex, 12) == round(cur_ex, 12):
                temp = temperature[0] * (temperature[1] / temperature[0]) ** (used / budget)
                better = rng.random() < np.exp((-neg_pp - cur_pp) / temp)
            if better:
                lab[units[in_a]] = ta
                lab[units[~in_a]] = tb
                wsum[[ta, tb]], asum[[ta, tb]], psum[[ta, tb]] = side.T
                improved = True
                key = (
                    round(float(_excess(wsum, problem.targets, tol).sum()), 12),
                    -float((FOUR_PI * asum / psum**2).sum()),
                )
                if key < best_key:
                    best_key, best_lab = key, lab.copy()
        idle = 0 if improved else idle + 1
    return best_lab


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
) -> np.ndarray | None:
    """Re-partition a territory and its neighbours (``radius`` rings) from scratch.

    The region is split again by :func:`~territory_designer.balance.treecut.tree_partition`
    into as many territories; the excess of one territory is thereby shared by all of its
    neighbourhood. Returns the new labels, or None when the region holds locked units,
    crosses a "within" group or a distance limit applies (then only pair moves are used).
    """
    if problem.home is not None and problem.max_distance is not None:
        return None
    from territory_designer.balance.treecut import tree_partition

    terrs = np.array([seed_territory])
    for _ in range(radius):
        terrs = _neighbours(labels, graph, terrs, problem.k)
    terrs = terrs[~problem.closed[terrs]]
    terrs = terrs[problem.territory_group[terrs] == problem.territory_group[seed_territory]]
    if terrs.size < 2:
        return None
    units = np.flatnonzero(np.isin(labels, terrs))
    if (problem.locked[units] >= 0).any():
        return None
    part = tree_partition(
        problem, graph, units, terrs, problem.targets[terrs], rng, trees=trees, max_splits=12
    )
    if part is None:
        return None
    new = labels.copy()
    new[units] = terrs[part]
    return new


def plan_key(problem: BalanceProblem, graph: Graph, labels: np.ndarray) -> tuple[float, float]:
    """``(summed excess over the band, -summed Polsby-Popper)``: lower is better."""
    w, a, per = _sums(problem, graph, labels)
    exc = float(_excess(w, problem.targets, float(problem.tolerance)).sum())
    return round(exc, 12), -float((FOUR_PI * a / np.maximum(per, 1e-9) ** 2).sum())


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
        exc = _excess(w, problem.targets, float(problem.tolerance))
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

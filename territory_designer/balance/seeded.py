"""Starts seeded from the LP: plans built around territories the relaxation favours.

Column generation (:mod:`territory_designer.balance.columns`) ends with a fractional
solution of the set-partitioning LP whose columns are compact territories, but they fit
together badly: an exact cover by them alone is rarely better than the usual plan. A
*seeded start* takes a packing of them (disjoint columns of high LP value whose rest can
still be cut into territories), cuts the rest by recursive spanning-tree bisection
(:func:`~territory_designer.balance.treecut.tree_partition`), brings the plan into the
band with the usual moves (pairs re-split for the least excess, neighbourhoods rebuilt:
:func:`~territory_designer.balance.recom.tighten`,
:func:`~territory_designer.balance.recom.repair_balance`; the seeded territories may move
too), narrowing a wider band step by step as thorough mode's continuation runs do, and
reshapes it by merge-split descent. Every territory met is pooled, so the pool
gains the territories that fill the gaps between priced ones, and the exact cover of
thorough mode can join them (LP-guided diving and completion in the spirit of the
price-and-branch primal heuristics of Joncour et al. 2010, "Column generation based primal
heuristics", Electronic Notes in Discrete Mathematics 36). NC counties k = 10: one seeded
start takes about 0.3 s of CPU, a plain start of the usual build 1.5-2 s.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from territory_designer.balance.graph import Graph, free_pieces
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.recom import (
    Visit,
    merge_split,
    plan_key,
    repair_balance,
    tighten,
)
from territory_designer.balance.territory_pool import TerritoryPool
from territory_designer.balance.treecut import tree_partition

#: Most LP columns a seeded start keeps (NC counties k = 10: six of ten territories; with
#: four or five the rest is harder to bring into the band and the plans are no better).
SEEDED = 6
#: Noise added to the LP values when the columns are picked (values lie in 0-1; see
#: :data:`territory_designer.balance.thorough.INTENSIFY` for the measured effect).
NOISE = 1.0
#: Spanning trees per split and most redone splits when the rest of a seeded start is cut
#: (:func:`~territory_designer.balance.treecut.tree_partition`; fewer than its defaults:
#: a start that fails is cheaper to replace than to rescue).
REST_TREES = 8
REST_SPLITS = 12
#: Balance repairs (neighbourhood rebuilds) a seeded start may try per band step.
REPAIRS = 6
#: Band widths (multiples of the tolerance) the rest is cut in and then narrowed through,
#: as in thorough mode's continuation runs (NC counties k = 10: 46 % of seeded starts end
#: inside the band; 38 % when cut and repaired in the tolerance at once, with three times
#: the repairs and more CPU).
BANDS = (2.5, 1.75, 1.25, 1.0)


def seeded_start(
    problem: BalanceProblem,
    graph: Graph,
    pool: TerritoryPool,
    chosen: list[int],
    trees: int,
    seed: tuple[int, ...],
    check: Callable[[], None],
    visit: Visit | None = None,
    floor: float | None = None,
) -> np.ndarray | None:
    """A plan around the pooled territories ``chosen`` (see the module docstring).

    Parameters
    ----------
    problem, graph : BalanceProblem, Graph
        A plain problem (:func:`~territory_designer.balance.territory_pool.applies`) and
        its unit graph.
    pool : TerritoryPool
        Holds the columns ``chosen`` (disjoint).
    chosen : list of int
        Columns of ``pool`` to start from.
    trees : int
        Spanning trees of the merge-split descent.
    seed : tuple of int
        Seed of the bisection and of the moves.
    check : callable
        Called between moves; raises to stop.
    visit : callable, optional
        Told of every accepted move (the pool's ``add``).
    floor : float, optional
        No move takes a territory below this Polsby-Popper score.

    Returns
    -------
    numpy.ndarray or None
        The plan (every territory inside ``problem``'s band), or None when the rest could
        not be cut into territories or brought into the band.
    """
    rng = np.random.default_rng(seed)
    labels = np.full(problem.n, -1, dtype=np.int64)
    for t, c in enumerate(chosen):
        labels[pool.units[c]] = t
    tol = float(problem.tolerance)
    cut = _cut_rest(_with_tolerance(problem, BANDS[0] * tol), graph, labels, len(chosen), rng)
    if cut is None:
        return None
    labels = cut
    for step, factor in enumerate(BANDS[1:], start=1):
        check()
        band = _with_tolerance(problem, factor * tol)
        if plan_key(band, graph, labels)[0] > 0:
            labels = tighten(band, graph, labels, seed=(*seed, step, 1), check=check, floor=floor)
        if plan_key(band, graph, labels)[0] > 0:
            labels = repair_balance(
                band, graph, labels, REPAIRS, seed=(*seed, step, 2), check=check
            )
    if plan_key(problem, graph, labels)[0] > 0:
        return None
    return merge_split(
        problem, graph, labels, trees, seed=(*seed, 3), check=check, visit=visit, floor=floor
    )


def _with_tolerance(problem: BalanceProblem, tolerance: float) -> BalanceProblem:
    """A shallow copy of ``problem`` with another tolerance (arrays shared)."""
    wider = copy.copy(problem)
    wider.tolerance = float(tolerance)
    return wider


def _cut_rest(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    first: int,
    rng: np.random.Generator,
) -> np.ndarray | None:
    """``labels`` with its unlabelled units cut into territories ``first..k-1``: each
    connected piece of them into as many territories as its weight holds targets (None
    when the counts do not add up to ``k``)."""
    rest, count, piece = free_pieces(problem.n, problem.ei, problem.ej, labels < 0)
    target = float(problem.targets[0])
    out, nxt = labels.copy(), first
    for i in range(count):
        units = rest[piece == i]
        parts = max(int(round(float(problem.weight[units].sum()) / target)), 1)
        if nxt + parts > problem.k:
            return None
        terr = np.arange(nxt, nxt + parts)
        if parts == 1:
            out[units] = nxt
        else:
            part = tree_partition(
                problem, graph, units, terr, problem.targets[terr], rng, REST_TREES, REST_SPLITS
            )
            if part is None:
                return None
            out[units] = terr[part]
        nxt += parts
    return out if nxt == problem.k else None

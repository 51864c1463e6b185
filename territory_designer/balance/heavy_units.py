"""Units heavier than a territory's target in a plan that is rebalanced, not rebuilt.

A build gives such a unit a territory of its own
(:func:`~territory_designer.balance.problem.isolate_heavy_units`); a rebalance keeps it
where it is and re-targets around it (:func:`isolate_heavy_in_plan`), so the other
territories are balanced to what it leaves them. A heavy unit's closed territory can wall
off a piece of the layer; :func:`absorb_cut_off` gives such a piece to it.
"""

from __future__ import annotations

import numpy as np

from territory_designer.balance.problem import BalanceProblem, link_weight


def isolate_heavy_in_plan(problem: BalanceProblem, labels: np.ndarray) -> list[int]:
    """Keep each unit too heavy for the tolerance in its territory and balance the rest.

    A unit heavier than ``(1 + tolerance)`` times its territory's target (Los Angeles
    county under revenue, say) cannot be balanced, and left as it is its deviation is the
    plan's maximum whatever else moves. As a build does
    (:func:`~territory_designer.balance.problem.isolate_heavy_units`), but without moving
    it: the unit is locked in the territory holding it, that territory's target becomes
    the unit's weight (plus what else is locked there), so its other units are pushed out,
    and the other territories of its group are re-targeted to share what is left.
    Heaviest first, re-targeting after each.

    Returns
    -------
    list of int
        The heavy units (also stored in ``problem.heavy_units``).
    """
    heavy: list[int] = []
    heavy_t = np.zeros(problem.k, dtype=bool)
    is_heavy = np.zeros(problem.n, dtype=bool)
    plain = problem.targets.copy()
    lab = np.asarray(labels, dtype=np.int64)
    ok = lab >= 0
    t_of = np.where(ok, lab, 0)
    while True:
        # A second heavy unit in a territory already holding one is judged against the
        # plain target (that territory's own target is now the first unit's weight).
        limit = np.where(heavy_t[t_of], plain[t_of], problem.targets[t_of])
        over = ok & ~is_heavy & (problem.weight > limit * (1 + problem.tolerance))
        if not over.any():
            break
        cand = np.flatnonzero(over)
        u = int(cand[np.argmax(problem.weight[cand])])
        t, g = int(lab[u]), problem.groups[u]
        rest = (problem.territory_group == g) & ~heavy_t
        rest[t] = False
        if not rest.any():
            break
        problem.locked[u] = t
        heavy_t[t] = is_heavy[u] = True
        heavy.append(u)
        kept = problem.locked == t
        # What is locked there (a rep's home, say) and the units linking it to the unit.
        held = float(problem.weight[kept].sum()) + link_weight(problem, u, t)
        problem.targets[t] = max(held, 1e-12)
        in_g = problem.territory_group == g
        remaining = (
            problem.weight[problem.groups == g].sum() - problem.targets[in_g & heavy_t].sum()
        )
        problem.targets[rest] = np.maximum(
            remaining * problem.shares[rest] / problem.shares[rest].sum(), 1e-12
        )
    problem.heavy_units = heavy
    return heavy


def absorb_cut_off(problem: BalanceProblem, g: int, heavy_t: np.ndarray) -> bool:
    """Give units that closed heavy territories cut off from the rest to one of them.

    A heavy unit alone in a closed territory is a wall: Queens cuts Long Island (Nassau,
    Suffolk) off every other territory. A piece of group ``g`` that only such walls
    separate from the group's main piece, holding no unit locked elsewhere and too light
    to make a territory within the tolerance, joins the walled territory it shares most
    boundary with (its units are locked there and its weight added to the target), rather
    than a territory across the water. Recorded in ``problem.cut_off`` for the report.

    Returns
    -------
    bool
        Whether any piece was given away (the rest need re-targeting).
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    walls_t = heavy_t & problem.closed & (problem.territory_group == g)
    if not walls_t.any():
        return False
    in_g = problem.groups == g
    wall = in_g & (problem.locked >= 0) & walls_t[np.maximum(problem.locked, 0)]
    open_ = in_g & ~wall
    ei, ej, el = problem.ei, problem.ej, problem.elen
    keep = open_[ei] & open_[ej]
    m = sparse.csr_matrix((np.ones(int(keep.sum())), (ei[keep], ej[keep])), shape=(problem.n,) * 2)
    _, comp = connected_components(m, directed=False)
    pieces, weight = np.unique(comp[open_], return_inverse=True)
    weight = np.bincount(weight, weights=problem.weight[open_])
    if pieces.size < 2:
        return False
    main = pieces[np.argmax(weight)]
    rest = (problem.territory_group == g) & ~heavy_t & ~problem.closed
    light = (1 - problem.tolerance) * problem.targets[rest].mean() if rest.any() else 0.0
    given = False
    for piece, w in zip(pieces.tolist(), weight.tolist(), strict=True):
        units = np.flatnonzero(open_ & (comp == piece))
        if piece == main or w >= light or (problem.locked[units] >= 0).any():
            continue
        inside = np.zeros(problem.n, dtype=bool)
        inside[units] = True
        touch = (inside[ei] & wall[ej]) | (inside[ej] & wall[ei])
        if not touch.any():
            continue
        other = np.where(inside[ei[touch]], ej[touch], ei[touch])
        shared = np.bincount(problem.locked[other], weights=el[touch], minlength=problem.k)
        j = int(np.argmax(shared))
        problem.locked[units] = j
        problem.targets[j] += float(problem.weight[units].sum())
        heavy = next(u for u in problem.heavy_units if problem.locked[u] == j)
        problem.cut_off.setdefault(heavy, []).extend(units.tolist())
        given = True
    return given

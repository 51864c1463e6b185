"""Units heavier than a territory's target in a plan that is rebalanced, not rebuilt.

A build gives such a unit a territory of its own
(:func:`~territory_designer.balance.problem.isolate_heavy_units`); a rebalance keeps it
where it is and re-targets around it (:func:`isolate_heavy_in_plan`), so the other
territories are balanced to what it leaves them.
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

"""The last word of every engine run on the project's hard rules: no plan leaves the engine
breaking one (:mod:`territory_designer.core.rules`).

The engine's moves already respect the rules it can state per unit and territory
(:attr:`~territory_designer.balance.problem.BalanceProblem.forbidden`, "within" groups, the
distance limit). What is left here:

* units a rule bars from their territory (a build whose territories took their reps'
  identities only after the partition, a start plan painted before the rule was set) join
  the neighbouring territory they may belong to, else the nearest one, else are left
  unassigned (no territory may hold them; the report says so);
* territories over the account limit give boundary units to neighbours with room, as long
  as the giver stays in one piece;
* anything still broken refuses the run with the rule and the territory named
  (:class:`~territory_designer.core.rules.ConstraintError`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from territory_designer.balance.build import BuildResult, graph_of
from territory_designer.balance.graph import Graph, can_leave
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.rebalance import RebalanceResult
from territory_designer.core.geodesy import distance_matrix
from territory_designer.core.plan import UNASSIGNED, Plan, Territory
from territory_designer.core.rules import (
    ConstraintError,
    check_plan,
    constraints_of,
    licensed_states,
    unit_accounts,
    unit_text_if_any,
    within_value,
)

if TYPE_CHECKING:
    from territory_designer.core.project import Project


def forbidden_matrix(
    project: Project, territories: list[Territory | None], within: list[str | None] | None = None
) -> np.ndarray | None:
    """(n, k) True where a unit may never belong to the k-th territory (licences, and the
    ``stay_within`` value each territory keeps when ``within`` gives it); None if no rule
    of that kind applies."""
    rules = constraints_of(project)
    n, k = len(project.units), len(territories)
    out = np.zeros((n, k), dtype=bool)
    used = False
    unit_states = unit_text_if_any(project, rules.state_field)
    if rules.licences_apply and unit_states is not None:
        for j, t in enumerate(territories):
            states = licensed_states(project, t)
            if states is not None:
                out[:, j] |= ~np.isin(unit_states, list(states))
                used = True
    values = unit_text_if_any(project, rules.stay_within)
    if values is not None and within is not None:
        for j, v in enumerate(within):
            if v is not None:
                out[:, j] |= values != v
                used = True
    return out if used else None


def rule_inputs(
    project: Project,
    within: str | None,
    max_distance: float | None,
    carried: list[int],
    continues: list[int] | None,
    k: int,
) -> tuple[str | None, float | None, np.ndarray | None]:
    """The project's hard rules as engine inputs: its "stay within" field and distance
    limit (metres) unless the run gives its own, and the units each territory may never
    hold when the territories' reps are known (carried and continued territories)."""
    rules = constraints_of(project)
    if within is None and unit_text_if_any(project, rules.stay_within) is not None:
        within = rules.stay_within
    active = project.plan
    if within is None and unit_text_if_any(project, rules.state_field) is not None:
        # Every rep licensed in one state: territories are built inside states, so the
        # reps' territories need no repair afterwards.
        licences = [licensed_states(project, t) for t in active.territories.values()]
        if licences and all(lic is not None and len(lic) == 1 for lic in licences):
            within = rules.state_field
    if max_distance is None and rules.max_distance_km is not None:
        max_distance = rules.max_distance_km * 1000.0
    known = [active.territories[c] for c in carried]
    if continues and len(carried) + len(continues) == k:
        known += [active.territories[c] for c in continues]
    else:
        known += [None] * (k - len(carried))
    return within, max_distance, forbidden_matrix(project, known)


def keep_rules(
    project: Project, plan: Plan, problem: BalanceProblem, result: BuildResult | RebalanceResult
) -> list[str]:
    """Enforce the project's hard rules on a new plan (:mod:`~territory_designer.balance.
    rules_repair`) and carry any unit it moved back into ``result.labels``."""
    before = plan.assignment.copy()
    notes = enforce_rules(project, plan, graph_of(problem))
    if not np.array_equal(before, plan.assignment):
        label_of = np.full(max(plan.territories, default=0) + 2, -1, dtype=np.int64)
        had = before >= 0
        label_of[before[had]] = result.labels[had]
        result.labels = np.where(plan.assignment >= 0, label_of[plan.assignment], -1)
    return notes


def describe_rules(project: Project) -> str:
    """The hard rules in force, in a phrase (for reports)."""
    rules = constraints_of(project)
    parts = []
    if unit_text_if_any(project, rules.stay_within) is not None:
        parts.append(f"territories stay within {rules.stay_within}")
    if rules.licences_apply and unit_text_if_any(project, rules.state_field) is not None:
        parts.append("reps only in their licensed states")
    if rules.max_accounts is not None:
        parts.append(f"at most {rules.max_accounts:,} accounts per territory")
    if rules.max_distance_km is not None:
        parts.append(f"units within {rules.max_distance_km:g} km of the home base")
    if rules.within_level:
        parts.append(f"units stay in their {rules.within_level}")
    return "; ".join(parts) or "none"


def plan_forbidden(project: Project, plan: Plan, codes: list[int]) -> np.ndarray | None:
    """(n, len(codes)) True where a rule bars a unit from the plan territory ``codes[j]``:
    licences, the "stay within" value most of its units hold, the home-base distance."""
    rules = constraints_of(project)
    territories = [plan.territories[c] for c in codes]
    within = None
    values = unit_text_if_any(project, rules.stay_within)
    if values is not None:
        within = [within_value(project, plan, c, values) for c in codes]
    out = forbidden_matrix(project, territories, within)
    if rules.max_distance_km is not None:
        homes = [(j, t.home_base) for j, t in enumerate(territories) if t.home_base is not None]
        if homes:
            d = distance_matrix(
                project.units.centroid, np.array([h for _, h in homes], float), project.units.crs
            )
            far = np.zeros((len(project.units), len(codes)), dtype=bool)
            far[:, [j for j, _ in homes]] = d / 1000 > rules.max_distance_km
            out = far if out is None else out | far
    return out


def enforce_rules(project: Project, plan: Plan, graph: Graph) -> list[str]:
    """Bring ``plan`` (a new plan, changed in place) within the project's hard rules.

    Returns notes for the run's report; raises
    :class:`~territory_designer.core.rules.ConstraintError` when a rule still does not hold.
    """
    rules = constraints_of(project)
    if not rules.any_hard or not plan.territories:
        return []
    notes = [f"Rules kept: {describe_rules(project)}."]
    codes = sorted(plan.territories)
    movable = plan.editable_mask()
    forbidden = plan_forbidden(project, plan, codes)
    if forbidden is not None:
        notes += _move_barred(project, plan, graph, codes, forbidden, movable)
    if rules.max_accounts is not None:
        notes += _relieve_accounts(project, plan, graph, codes, forbidden, movable)
    broken = check_plan(project, plan)
    if broken:
        locked = " (locked units keep their territory: unlock them)" if (~movable).any() else ""
        raise ConstraintError(
            "No plan keeps every rule: " + "; ".join(v.message for v in broken[:5]) + locked + "."
        )
    return notes


def _move_barred(
    project: Project,
    plan: Plan,
    graph: Graph,
    codes: list[int],
    forbidden: np.ndarray,
    movable: np.ndarray,
) -> list[str]:
    """Move units out of territories a rule bars them from (see the module docstring)."""
    index = np.full(max(codes) + 2, -1, dtype=np.int64)
    index[np.asarray(codes)] = np.arange(len(codes))
    lab = np.where(plan.assignment >= 0, index[plan.assignment], -1)
    n = lab.size

    def barred() -> np.ndarray:
        return movable & (lab >= 0) & forbidden[np.arange(n), np.maximum(lab, 0)]

    start = int(barred().sum())
    if start == 0:
        return []
    for _ in range(n):
        bad = barred()
        if not bad.any():
            break
        e = bad[graph.du] & ~bad[graph.dv] & (lab[graph.dv] >= 0)
        cu, cv = graph.du[e], lab[graph.dv[e]]
        ok = ~forbidden[cu, cv]
        cu, cv = cu[ok], cv[ok]
        if cu.size == 0:
            break
        votes = np.zeros((n, len(codes)))
        np.add.at(votes, (cu, cv), 1.0)
        has = votes.sum(axis=1) > 0
        lab[has] = votes[has].argmax(axis=1)
    left = np.flatnonzero(barred())
    unassigned = 0
    for u in left.tolist():
        options = np.flatnonzero(~forbidden[u])
        held = [j for j in options.tolist() if (lab == j).any()]
        if not held:
            lab[u] = -1
            unassigned += 1
            continue
        xy = project.units.centroid
        dist = [float(np.min(np.hypot(*(xy[lab == j] - xy[u]).T))) for j in held]
        lab[u] = held[int(np.argmin(dist))]
    plan.assignment = np.where(lab >= 0, np.asarray(codes)[np.maximum(lab, 0)], UNASSIGNED)
    plan.assignment = plan.assignment.astype(np.int32)
    notes = [f"{start} unit(s) moved to keep the project's rules (licences, within, distance)."]
    if unassigned:
        notes.append(
            f"{unassigned} unit(s) left unassigned: no territory may hold them under the rules."
        )
    return notes


def _relieve_accounts(
    project: Project,
    plan: Plan,
    graph: Graph,
    codes: list[int],
    forbidden: np.ndarray | None,
    movable: np.ndarray,
) -> list[str]:
    """Give boundary units of territories over the account limit to neighbours with room."""
    limit = float(constraints_of(project).max_accounts)
    acc = unit_accounts(project)
    lab = plan.assignment.astype(np.int64).copy()
    col = {c: j for j, c in enumerate(codes)}
    have = {c: float(acc[lab == c].sum()) for c in codes}
    moved = 0
    for _ in range(lab.size):
        over = [c for c in codes if have[c] > limit + 1e-9]
        if not over:
            break
        best = None
        for a in over:
            for u in np.flatnonzero((lab == a) & movable & (acc > 0)).tolist():
                for v in graph.nb[u]:
                    b = int(lab[v])
                    if b < 0 or b == a or have[b] + acc[u] > limit + 1e-9:
                        continue
                    if forbidden is not None and forbidden[u, col[b]]:
                        continue
                    fit = abs(have[a] - limit - acc[u])  # closest to the excess first
                    if best is None or fit < best[0]:
                        best = (fit, u, a, b)
        if best is None or not can_leave(graph, lab, best[1]):
            if best is None:
                break
            movable = movable.copy()
            movable[best[1]] = False  # would cut its territory: try another unit
            continue
        _, u, a, b = best
        lab[u] = b
        have[a] -= acc[u]
        have[b] += acc[u]
        moved += 1
    plan.assignment = lab.astype(np.int32)
    if not moved:
        return []
    return [f"{moved} unit(s) moved to keep every territory within the account limit."]


def unit_parent_nodes(project: Project, level: str) -> np.ndarray | None:
    """The node at hierarchy ``level`` of each unit's territory in the active plan, units
    without one taking a neighbour's (None when no territory has a node there)."""
    from territory_designer.balance.rebalance import fill_unassigned
    from territory_designer.core.hierarchy import node_of_territories

    plan = project.plan
    node_of = node_of_territories(project, plan, level)
    placed = [c for c, node in node_of.items() if node]
    if not placed:
        return None
    labels = np.where(np.isin(plan.assignment, placed), plan.assignment, -1).astype(np.int64)
    graph = Graph(len(project.units), *project.adjacency.contact_edges())
    filled = fill_unassigned(graph, labels, project.units.centroid)
    lookup = {c: node_of[c] for c in placed}
    return np.array([lookup.get(int(c), "") for c in filled], dtype=object)


def build_groups(project: Project, within: str | None) -> np.ndarray | None:
    """The engine's "within" groups of a build: the ``within`` field's values, split by the
    hierarchy node each unit's territory holds at the rules' ``within_level``."""
    import pandas as pd

    from territory_designer.balance.project_inputs import within_groups

    groups = within_groups(project, within)
    level = constraints_of(project).within_level
    nodes = unit_parent_nodes(project, level) if level else None
    if nodes is None:
        return groups
    key = nodes if groups is None else np.char.add(groups.astype(str), "|" + nodes.astype(str))
    codes, _ = pd.factorize(np.asarray(key, dtype=str), sort=True)
    return codes.astype(np.int64)


def place_built_territories(project: Project, plan: Plan, labels: np.ndarray) -> None:
    """Give each territory of a build the district its units lie in, when the build kept
    inside districts (level 1 of the hierarchy); a continued territory's old parent may
    name another district."""
    from territory_designer.core.hierarchy import level_index

    level = constraints_of(project).within_level
    if not level or level_index(project, level) != 1:
        return
    nodes = unit_parent_nodes(project, level)
    if nodes is None:
        return
    for code, t in plan.territories.items():
        units = plan.units_of(code)
        if units.size == 0:
            continue
        values, counts = np.unique(nodes[units].astype(str), return_counts=True)
        t.parent = str(values[int(np.argmax(counts))]) or None


def group_by_parents(
    project: Project, problem: BalanceProblem, codes: list[int], start: np.ndarray
) -> None:
    """Make a rebalance keep units inside the hierarchy node (at the rules' ``within_level``)
    of their territory: one engine group per node, each balanced on its own total."""
    import pandas as pd

    from territory_designer.balance.problem import compute_targets
    from territory_designer.balance.rebalance import fill_unassigned
    from territory_designer.core.hierarchy import node_of_territories

    level = constraints_of(project).within_level
    if not level:
        return
    node_of = node_of_territories(project, project.plan, level)
    tg, _ = pd.factorize(np.array([node_of[c] for c in codes], dtype=str), sort=True)
    if tg.max(initial=0) == 0:
        return
    filled = fill_unassigned(graph_of(problem), start, problem.xy)
    problem.territory_group = tg.astype(np.int64)
    problem.groups = problem.territory_group[filled]
    problem.targets = compute_targets(
        problem.weight, problem.groups, problem.territory_group, problem.shares
    )

"""Build and rebalance inside each parent: with the rule ``within_level``, no unit leaves the
district of its territory, each district balanced on its own."""

from __future__ import annotations

import numpy as np
from td_rules import cell, two_state_project

from territory_designer.balance.project_api import build_plan, rebalance_plan
from territory_designer.core.hierarchy import SetParents, unit_nodes
from territory_designer.core.operations import AssignUnits
from territory_designer.core.rules import set_constraints


def districts_project():
    """South = Territories 1 and 3 (bottom half), North = 2 and 4 (top half); Territory 2
    squeezed to two cells on the district line, so balance pulls South cells north."""
    project = two_state_project()
    for code, district in ((0, "South"), (2, "South"), (1, "North"), (3, "North")):
        project.apply(SetParents(code, [district]))
    north_nc = [cell(r, c) for r in range(3, 6) for c in range(4)]
    project.apply(AssignUnits(north_nc, 3))
    project.apply(AssignUnits([cell(3, 1), cell(3, 2)], 1))
    return project


def test_without_the_rule_rebalance_crosses_districts() -> None:
    project = districts_project()
    before = unit_nodes(project, "district")
    plan, _, _ = rebalance_plan(project, max_moves=30, balance_on="population")
    assert (unit_nodes(project, "district", plan) != before).any()


def test_rebalance_keeps_every_unit_in_its_district() -> None:
    project = districts_project()
    set_constraints(project, within_level="district")
    before = unit_nodes(project, "district")
    plan, report, result = rebalance_plan(project, max_moves=30, balance_on="population")
    assert result.moves  # it did rebalance, inside North
    assert np.array_equal(unit_nodes(project, "district", plan), before)


def test_build_inside_districts_keeps_them_and_names_the_parents() -> None:
    project = districts_project()
    set_constraints(project, within_level="district")
    before = unit_nodes(project, "district")
    for k in (4, 6):
        plan, _ = build_plan(project, k=k, balance_on="population", seed=k)
        for code, t in plan.territories.items():
            nodes = set(before[plan.units_of(code)].tolist())
            assert nodes == {t.parent}
        assert np.array_equal(unit_nodes(project, "district", plan), before)

"""AssignToNode: a unit whose nearest territory of the district may not take it (a rule)
goes to the next nearest one; undo puts everything back."""

from __future__ import annotations

import numpy as np
from td_rules import cell, two_state_project

from territory_designer.core.hierarchy import SetParents
from territory_designer.core.hierarchy_assign import AssignToNode
from territory_designer.core.operations import AssignUnits
from territory_designer.core.rules import set_constraints


def test_a_full_nearest_territory_passes_the_unit_to_the_next_nearest():
    project = two_state_project()
    for code, path in enumerate([("D1", "East"), ("D1", "East"), ("D2", "West"), ("D2", "West")]):
        project.apply(SetParents(code, list(path)))
    project.apply(AssignUnits([cell(3, 0)], -1))  # Territory 2: 23 accounts, Territory 1: 24
    set_constraints(project, max_accounts=24)
    unit = cell(0, 6)  # one account, nearest to Territory 1 (bottom row)
    assert project.units.attributes["accounts"].iloc[unit] == 1
    before = project.plan.assignment.copy()
    op = project.apply(AssignToNode([unit], "D1", "district"))
    assert project.plan.assignment[unit] == 1
    assert op.left_out == 0
    op.undo(project)
    assert np.array_equal(project.plan.assignment, before)

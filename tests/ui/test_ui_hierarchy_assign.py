"""Territory › Assign Selection to District… in the real window (offscreen): each selected
unit goes to the nearest territory of the chosen district, in one undo step, and the
project's rules still hold."""

from __future__ import annotations

import numpy as np
from td_rules import cell, two_state_project
from test_ui_rules import open_window

from territory_designer.core.hierarchy import SetParents
from territory_designer.core.rules import check_plan, set_constraints
from territory_designer.ui.dialogs.prompts import ScriptedPrompts

# Territory 1 (rows 0-2) and 2 (rows 3-5) hold the NC half (columns 0-3); 3 and 4 the SC half.
PLACES = [("D1", "East"), ("D1", "East"), ("D2", "West"), ("D2", "West")]


def placed_window(qtbot, rules=False):
    project = two_state_project()
    for code, path in enumerate(PLACES):
        project.apply(SetParents(code, list(path), names={"D1": "Triangle"}))
    if rules:
        set_constraints(project, stay_within="state")
    prompts = ScriptedPrompts()
    asked = []

    def ask_hierarchy_node(parent, choices):
        asked.append(choices)
        return "District D1 Triangle"

    prompts.ask_hierarchy_node = ask_hierarchy_node
    window = open_window(qtbot, project, prompts)
    return window, asked


def test_selection_goes_to_the_nearest_territory_of_the_district_in_one_undo(qtbot):
    window, asked = placed_window(qtbot)
    session = window.session
    plan = session.project.plan
    bottom, top, inside = cell(0, 4), cell(5, 4), cell(1, 1)
    session.set_selection(np.array([bottom, top, inside]))
    window.actions_by_name["assign_selection_to_district"].trigger()
    assert asked[0][:2] == ["District D1 Triangle", "District D2"]
    assert "Region East" in asked[0]
    assert plan.assignment[bottom] == 0 and plan.assignment[top] == 1  # nearest of D1
    assert plan.assignment[inside] == 0  # already in D1: stays
    message = window.statusBar().currentMessage()
    assert message == "Assign 2 units to District Triangle"
    assert session.undo_stack.count() == 1
    window.actions_by_name["undo"].trigger()
    assert plan.assignment[bottom] == 2 and plan.assignment[top] == 3
    window.actions_by_name["redo"].trigger()
    assert plan.assignment[bottom] == 0 and plan.assignment[top] == 1


def test_a_rule_the_district_would_break_refuses_the_move(qtbot):
    window, _ = placed_window(qtbot, rules=True)
    session = window.session
    plan = session.project.plan
    before = plan.assignment.copy()
    session.set_selection(np.array([cell(0, 4), cell(5, 5)]))
    window.actions_by_name["assign_selection_to_district"].trigger()
    assert (plan.assignment == before).all()
    assert session.undo_stack.count() == 0
    message = window.statusBar().currentMessage()
    assert "No unit could move to District Triangle" in message and "state" in message
    assert check_plan(session.project) == []


def test_without_a_selection_the_status_bar_says_what_to_do(qtbot):
    window, asked = placed_window(qtbot)
    window.session.set_selection(np.empty(0, dtype=np.int64))
    window.actions_by_name["assign_selection_to_district"].trigger()
    assert not asked and "Select units first" in window.statusBar().currentMessage()


def test_a_district_in_the_hierarchy_dock_takes_the_selection(qtbot):
    window, asked = placed_window(qtbot)
    session = window.session
    plan = session.project.plan
    dock = window.hierarchy_dock
    dock.refresh()
    west = next(dock.tree.topLevelItem(i) for i in range(2)
                if dock.tree.topLevelItem(i).text(0) == "region West")  # fmt: skip
    assert [a.text() for a in dock.node_actions(west)] == ["Assign Selection to This Region"]
    east = next(dock.tree.topLevelItem(i) for i in range(2)
                if dock.tree.topLevelItem(i).text(0) == "region East")  # fmt: skip
    (triangle,) = [east.child(i) for i in range(east.childCount())]
    assert dock.node_actions(triangle.child(0)) == []  # a territory: no such action
    session.set_selection(np.array([cell(0, 4)]))
    dock.node_actions(triangle)[0].trigger()
    assert not asked  # the node was chosen in the dock
    assert plan.assignment[cell(0, 4)] == 0
    assert window.statusBar().currentMessage() == "Assign 1 unit to District Triangle"

"""The engine never returns a plan that breaks a hard rule: each test tries to make it."""

from __future__ import annotations

import numpy as np
import pytest
from td_rules import cell, cell_centre, two_state_project

from territory_designer.balance.project_api import build_plan, rebalance_plan
from territory_designer.core.operations import AssignUnits, UpdateTerritory
from territory_designer.core.rules import (
    ConstraintError,
    check_plan,
    set_constraints,
    set_licences,
)

STATE_LINE = 4  # columns 0-3 are NC, 4-7 SC


def squeezed_project():
    """Territory 1 reduced to two NC cells on the state line, Territory 2 holding the rest
    of NC: balancing pulls SC cells into Territory 1."""
    project = two_state_project()
    nc = [cell(r, c) for r in range(6) for c in range(4)]
    project.apply(AssignUnits(nc, 1))
    project.apply(AssignUnits([cell(0, 3), cell(1, 3)], 0))
    return project


def states_of(project, plan, code):
    return set(project.units.attributes["state"].to_numpy()[plan.units_of(code)].tolist())


def test_squeezed_plan_pulls_across_the_line_without_rules() -> None:
    project = squeezed_project()
    plan, _, _ = rebalance_plan(project, max_moves=30, balance_on="population")
    assert states_of(project, plan, 0) == {"NC", "SC"}  # the pressure the rules resist


def test_rebalance_never_crosses_the_stay_within_field() -> None:
    project = squeezed_project()
    set_constraints(project, stay_within="state")
    plan, report, _ = rebalance_plan(project, max_moves=30, balance_on="population")
    assert check_plan(project, plan) == []
    assert states_of(project, plan, 0) == {"NC"} and states_of(project, plan, 2) == {"SC"}


def test_rebalance_keeps_reps_in_their_licensed_states() -> None:
    project = squeezed_project()
    set_constraints(project, licensed_states_field="licences", state_field="state")
    for rep, states in (("Ann", "NC"), ("Bob", "NC"), ("Cy", "SC"), ("Di", "SC")):
        set_licences(project, rep, states)
    plan, _, _ = rebalance_plan(project, max_moves=30, balance_on="population")
    assert check_plan(project, plan) == []
    assert states_of(project, plan, 0) == {"NC"}


def test_rebalance_repairs_a_start_painted_before_the_licence_rule() -> None:
    project = two_state_project()
    project.apply(AssignUnits([cell(0, 4), cell(1, 4)], 0))  # Ann paints into SC
    set_constraints(project, licensed_states_field="licences", state_field="state")
    set_licences(project, "Ann", "NC")
    assert check_plan(project)
    plan, report, _ = rebalance_plan(project, max_moves=30, balance_on="population")
    assert check_plan(project, plan) == []
    assert any("keep the project's rules" in n for n in report.notes)


def test_build_from_home_bases_keeps_licences_and_stay_within() -> None:
    project = two_state_project()
    homes = [cell_centre(1, 1), cell_centre(4, 2), cell_centre(1, 5), cell_centre(4, 6)]
    for code, home in enumerate(homes):
        project.apply(UpdateTerritory(code, home_base=home))
    set_constraints(project, licensed_states_field="licences", state_field="state")
    set_licences(project, "Ann", "NC")
    set_licences(project, "Bob", "NC")
    set_licences(project, "Cy", "SC")
    set_licences(project, "Di", "SC")
    plan, _ = build_plan(
        project, home_bases=homes, continues=[0, 1, 2, 3], balance_on="population", seed=3
    )
    assert check_plan(project, plan) == []
    set_constraints(project, stay_within="state")
    for k in (2, 4, 6):
        plan, _ = build_plan(project, k=k, balance_on="population", seed=k)
        assert check_plan(project, plan) == []
        for code in plan.territories:
            assert len(states_of(project, plan, code)) <= 1


def test_build_keeps_the_account_limit_or_refuses() -> None:
    project = two_state_project()
    set_constraints(project, max_accounts=27)
    for seed in range(3):
        plan, _ = build_plan(project, k=4, balance_on="population", seed=seed)
        assert check_plan(project, plan) == []
        values = project.metrics_for(plan).values("accounts").values()
        assert max(values) <= 27
    set_constraints(project, max_accounts=20)  # 96 accounts cannot fit in 4 x 20
    plans = dict(project.plans)
    with pytest.raises(ConstraintError, match="at most 20"):
        build_plan(project, k=4, balance_on="population")
    assert project.plans == plans


def test_rebalance_keeps_units_near_home_under_the_distance_rule() -> None:
    project = squeezed_project()
    homes = [cell_centre(0, 3), cell_centre(4, 1), cell_centre(1, 5), cell_centre(4, 6)]
    for code, home in enumerate(homes):
        project.apply(UpdateTerritory(code, home_base=home))
    set_constraints(project, max_distance_km=2.5)
    assert check_plan(project)  # Territory 2 holds far units already
    plan, _, _ = rebalance_plan(project, max_moves=40, balance_on="population")
    assert check_plan(project, plan) == []


def test_rules_absent_change_nothing() -> None:
    a, b = squeezed_project(), squeezed_project()
    b.settings["constraints"] = {}
    pa, _, _ = rebalance_plan(a, max_moves=30, balance_on="population")
    pb, _, _ = rebalance_plan(b, max_moves=30, balance_on="population")
    assert np.array_equal(pa.assignment, pb.assignment)

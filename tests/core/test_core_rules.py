"""Hard rules on painting: an edit that would break one is refused and says why."""

from __future__ import annotations

import numpy as np
import pytest
from td_rules import cell, cell_centre, two_state_project

from territory_designer.core.operations import AssignUnits, MergeTerritories, UpdateTerritory
from territory_designer.core.rules import (
    ConstraintError,
    Constraints,
    check_plan,
    set_constraints,
    set_licences,
)
from territory_designer.io.project_file import load_project, save_project

NC_UNIT, SC_UNIT = cell(0, 3), cell(0, 4)  # neighbours across the state line


def test_a_project_without_rules_paints_as_before() -> None:
    project = two_state_project()
    assert not Constraints.from_settings(project.settings).any_hard
    project.apply(AssignUnits([SC_UNIT], 0))
    assert project.plan.assignment[SC_UNIT] == 0
    assert check_plan(project) == []


def test_painting_across_the_stay_within_field_is_refused_with_the_reason() -> None:
    project = two_state_project()
    set_constraints(project, stay_within="state")
    before = project.plan.assignment.copy()
    with pytest.raises(ConstraintError, match=r"Territory 1 stays within state NC.*SC"):
        project.apply(AssignUnits([SC_UNIT], 0))
    assert np.array_equal(project.plan.assignment, before)
    project.apply(AssignUnits([cell(3, 0)], 0))  # same state: fine
    assert project.plan.assignment[cell(3, 0)] == 0
    assert check_plan(project) == []


def test_a_brush_stroke_leaves_out_the_units_that_break_a_rule_and_counts_them() -> None:
    project = two_state_project()
    set_constraints(project, stay_within="state")
    op = AssignUnits([], 0)
    project.apply(op)
    op.extend(project, [cell(3, 0), cell(3, 3), SC_UNIT, cell(1, 5)])
    assert op.refused == 2 and "stays within state NC" in op.refused_reason
    assert project.plan.assignment[SC_UNIT] == 2
    assert check_plan(project) == []


def test_a_rep_paints_only_in_their_licensed_states() -> None:
    project = two_state_project()
    set_constraints(project, licensed_states_field="licences", state_field="state")
    set_licences(project, "Ann", "NC")
    with pytest.raises(ConstraintError, match=r"Ann is licensed only in NC.*SC"):
        project.apply(AssignUnits([SC_UNIT], 0))
    set_licences(project, "Ann", "NC;SC")
    project.apply(AssignUnits([SC_UNIT], 0))
    assert project.plan.assignment[SC_UNIT] == 0
    assert check_plan(project) == []


def test_a_territory_licence_overrides_its_reps() -> None:
    project = two_state_project()
    set_constraints(project, licensed_states_field="licences", state_field="state")
    set_licences(project, "Ann", "NC;SC")
    set_licences(project, "T1", "NC", by_rep=False)
    with pytest.raises(ConstraintError, match="licensed only in NC"):
        project.apply(AssignUnits([SC_UNIT], 0))


def test_at_most_n_accounts_per_territory() -> None:
    project = two_state_project()
    set_constraints(project, max_accounts=26)  # each quarter holds 24
    units = [cell(0, 4), cell(1, 4)]  # 2 + 3 accounts: only the first fits
    with pytest.raises(ConstraintError, match=r"at most 26 accounts"):
        project.apply(AssignUnits(units, 0))
    op = AssignUnits([], 0)
    project.apply(op)
    op.extend(project, units)
    assert op.refused == 1
    assert project.metrics.values("accounts")[0] <= 26
    assert check_plan(project) == []


def test_a_unit_beyond_the_home_base_distance_is_refused() -> None:
    project = two_state_project()
    set_constraints(project, max_distance_km=4.5)
    project.apply(UpdateTerritory(0, home_base=cell_centre(0, 0)))
    with pytest.raises(ConstraintError, match=r"more than 4.5 km"):
        project.apply(AssignUnits([cell(0, 5)], 0))  # 5 km east
    assert project.plan.assignment[cell(0, 5)] == 2
    project.apply(AssignUnits([cell(1, 4)], 0))  # 4.1 km
    assert project.plan.assignment[cell(1, 4)] == 0


def test_merging_across_states_is_refused() -> None:
    project = two_state_project()
    set_constraints(project, stay_within="state")
    with pytest.raises(ConstraintError, match="stays within state"):
        project.apply(MergeTerritories(0, [2]))
    project.apply(MergeTerritories(0, [1]))  # both NC
    assert check_plan(project) == []


def test_check_plan_names_each_broken_rule() -> None:
    project = two_state_project()
    project.apply(AssignUnits([SC_UNIT], 0))
    set_constraints(project, stay_within="state", max_accounts=20)
    rules = {v.rule for v in check_plan(project)}
    assert rules == {"stay_within", "max_accounts"}


def test_rules_survive_save_and_open(tmp_path) -> None:
    project = two_state_project()
    set_constraints(project, stay_within="state", max_accounts=30, max_distance_km=12.5)
    set_licences(project, "Ann", "NC")
    path = tmp_path / "rules.tdproj"
    save_project(project, path)
    again = load_project(path)
    rules = Constraints.from_settings(again.settings)
    assert (rules.stay_within, rules.max_accounts, rules.max_distance_km) == ("state", 30, 12.5)
    assert again.settings["rep_attributes"]["Ann"]["licensed_states"] == "NC"


def test_a_rule_naming_a_missing_field_is_refused() -> None:
    project = two_state_project()
    with pytest.raises(Exception, match=r"unit field 'region_x'.*has: .*state"):
        set_constraints(project, stay_within="region_x")
    assert "constraints" not in project.settings


def test_a_rule_on_a_field_the_layer_lacks_does_not_block_painting() -> None:
    project = two_state_project()  # as a template made for other data would leave it
    project.settings["constraints"] = {"stay_within": "regulatory_region", "state_field": "st"}
    project.settings["constraints"]["licensed_states_field"] = "licensed_states"
    set_licences(project, "Ann", "NC")
    project.apply(AssignUnits([SC_UNIT], 0))
    assert project.plan.assignment[SC_UNIT] == 0
    assert check_plan(project) == []
    from territory_designer.core.rules import inactive_rules

    assert len(inactive_rules(project)) == 2


def test_a_pin_keeps_the_licence_and_the_account_limit_but_not_geography() -> None:
    from td_rules import with_product_accounts

    from territory_designer.core.operations import SetAccountOverride

    project = with_product_accounts(two_state_project())  # 3 accounts per cell
    set_constraints(project, licensed_states_field="licensed_states", state_field="state")
    set_licences(project, "Ann", "NC")
    sc_account = f"A{SC_UNIT:03d}-0"
    with pytest.raises(ConstraintError, match=f"Ann is licensed only in NC; account {sc_account}"):
        project.apply(SetAccountOverride(sc_account, 0))
    set_constraints(project, stay_within="state")  # geographic: a pin is exempt
    project.apply(SetAccountOverride(f"A{cell(5, 0):03d}-0", 0))  # NC, from Territory 2
    set_constraints(project, max_accounts=37)
    with pytest.raises(ConstraintError, match="at most 37 accounts"):
        project.apply(SetAccountOverride(f"A{cell(5, 0):03d}-1", 0))
    assert check_plan(project) == []
    set_constraints(project, max_accounts=None)
    project.plan.account_overrides[sc_account] = 0  # as an old file could hold it
    assert [v.rule for v in check_plan(project)] == ["licensed_states"]

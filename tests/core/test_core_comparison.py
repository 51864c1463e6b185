"""Plan comparison on a small case whose every figure is known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from td_factories import grid_units

from territory_designer.core.accounts import AccountTable
from territory_designer.core.adjacency import compute_adjacency
from territory_designer.core.comparison import compare_plans
from territory_designer.core.errors import EditError
from territory_designer.core.operations import AssignUnits
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.plan_operations import AddPlan
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer


def known_case(same_rep: bool = False) -> Project:
    """1 x 4 grid: units 0,1 in A (Ann), 2,3 in B (Bob). Plan "After": unit 1 -> B and
    account a4 pinned to A. Accounts (revenue): a0 u0 100; a1 u1 200 and a2 u1 50 (one
    customer C1); a3 u2 300; a4 u3 400."""
    g = grid_units(1, 4)
    units = UnitLayer(g.ids, g.names, g.geometry, g.crs, g.attributes.drop(columns="revenue"))
    xy = np.array([units.geometry[u].centroid.coords[0] for u in (0, 1, 1, 2, 3)])
    table = pd.DataFrame(
        {
            "account_id": [f"a{k}" for k in range(5)],
            "name": [f"Account {k}" for k in range(5)],
            "x": xy[:, 0],
            "y": xy[:, 1],
            "unit": [0, 1, 1, 2, 3],
            "located_by": "coordinates",
            "customer_id": ["C0", "C1", "C1", "C3", "C4"],
            "revenue": [100.0, 200.0, 50.0, 300.0, 400.0],
        }
    )
    terr = {
        0: Territory("T01", "North", "#ff0000", "Ann"),
        1: Territory("T02", "South", "#0000ff", "Bob"),
    }
    before = Plan("Before", terr, np.array([0, 0, 1, 1]))
    after = before.copy("After")
    if same_rep:
        after.territories[1].owner = "Ann"
    project = Project(
        units, compute_adjacency(units.geometry), AccountTable(table), [before, after]
    )
    project.set_active_plan("After")
    project.apply(AssignUnits([1], 1))
    project.plan.account_overrides["a4"] = 0
    project.metrics = project.metrics_for(project.plan)
    return project


def test_moves_and_territory_figures():
    c = compare_plans(known_case(), "Before", "After")
    assert c.value_field == "revenue"
    assert c.units[["unit_id", "from_territory", "to_territory"]].values.tolist() == [
        ["0001", "T01", "T02"]
    ]
    assert c.units["accounts"].tolist() == [2] and c.units["revenue"].tolist() == [250]
    moved = c.accounts.set_index("account_id")
    assert sorted(moved.index) == ["a1", "a2", "a4"]
    assert moved.loc["a4", "reason"] == "pinned to North"
    assert moved.loc["a4", ["from_territory", "to_territory"]].tolist() == ["T02", "T01"]
    t = c.territories.set_index("territory")
    assert t.loc["T01", ["units_before", "units_after", "units_change"]].tolist() == [2, 1, -1]
    assert t.loc["T01", ["accounts_before", "accounts_after"]].tolist() == [3, 2]
    assert t.loc["T01", ["revenue_before", "revenue_after", "revenue_change"]].tolist() == [
        350,
        500,
        150,
    ]
    assert t.loc["T02", ["revenue_before", "revenue_after"]].tolist() == [700, 550]


def test_disruption_counts_and_percentages():
    d = compare_plans(known_case(), "Before", "After").disruption
    assert d["units_moved"] == 1 and d["units_moved_pct"] == 25
    assert d["accounts_moved"] == 3 and d["accounts_moved_pct"] == 60
    assert d["value_moved"] == 650 and d["value_moved_pct"] == pytest.approx(650 / 1050 * 100)
    assert d["accounts_changing_rep"] == 3
    assert d["customers_changing_rep"] == 2 and d["customers_changing_rep_pct"] == 50


def test_moving_between_territories_of_one_rep_is_no_rep_change():
    d = compare_plans(known_case(same_rep=True), "Before", "After").disruption
    assert d["accounts_moved"] == 3
    assert d["accounts_changing_rep"] == 1  # only a4, from Bob to Ann
    assert d["value_changing_rep"] == 400
    assert d["customers_changing_rep"] == 1 and d["customers_changing_rep_pct"] == 25


def test_reason_comes_from_the_log_note_and_engine_reasons():
    project = known_case()
    c = compare_plans(project, "Before", "After")
    assert c.units["reason"].iloc[0].startswith("Assign 1 unit to South")
    project.change_log.entries[-1].note = "Ann's workload too high"
    c = compare_plans(project, "Before", "After")
    assert c.units["reason"].tolist() == ["Ann's workload too high"]
    assert c.accounts.set_index("account_id").loc["a1", "reason"] == "Ann's workload too high"


def test_same_plan_has_no_moves_and_unknown_plan_is_refused():
    project = known_case()
    c = compare_plans(project, "After", "After")
    assert len(c.units) == 0 and c.disruption["accounts_moved"] == 0
    with pytest.raises(EditError, match="No plan named 'Nope'"):
        compare_plans(project, "Before", "Nope")
    with pytest.raises(EditError, match="Unknown figure"):
        compare_plans(project, "Before", "After", "profit")


def test_a_project_without_accounts_weighs_moves_in_unit_figures(grid_project):
    grid_project.apply(AddPlan("B", copy_of="Plan 1"))
    grid_project.apply(AssignUnits([0, 1], 1))
    c = compare_plans(grid_project, "Plan 1", "B", "population")
    assert c.disruption["units_moved"] == 2
    assert c.disruption["value_moved"] == float(
        grid_project.weights[[0, 1], grid_project.weight_fields.index("population")].sum()
    )

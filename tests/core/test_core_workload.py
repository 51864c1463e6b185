"""Workload against hand-computed values (issue 12).

Grid: one row of six 1 km x 1 km cells, all in territory A (area 6 km2), home base at the
centre of the first cell. Two accounts:

* ``near``: in cell 5, 5,000 m east of the home base; 12 visits of 30 minutes (its own
  columns). Travel 5 km x 1.3 = 6.5 km at 60 km/h = 6.5 min. Hours 12 x 36.5 / 60 = 7.3.
* ``doc``: at the home base; decile 10 -> 24 visits, segment "Cardiology" -> 20 minutes,
  no travel. Hours 24 x 20 / 60 = 8.

Routing (Beardwood-Halton-Hammersley): 0.7124 x sqrt(2 x 6) = 2.467826 km, x 1.3 =
3.208174 km per cycle; cycles = (12 + 24) / 2 = 18 -> 3.208174 / 60 x 18 = 0.962452 h.
Territory: 7.3 + 8 + 0.962452 = 16.262452 h = 0.013552 of a 1,200 h year.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from td_factories import CELL, ORIGIN

from territory_designer.core.accounts import AccountTable
from territory_designer.core.workload import (
    WORKLOAD_FIELD,
    WorkloadParameters,
    account_workload,
    bhh_tour_km,
    territory_workload,
    workload_parameters,
    workload_table,
)

X0, Y0 = ORIGIN
HOME = (X0 + CELL / 2, Y0 + CELL / 2)


@pytest.fixture
def project(make_grid_project):
    p = make_grid_project(1, 6, layout=["AAAAAA"])
    p.plan.territories[0].home_base = HOME
    table = pd.DataFrame(
        {
            "account_id": ["near", "doc"],
            "name": ["Near Store", "Dr Heart"],
            "x": [HOME[0] + 5000.0, HOME[0]],
            "y": [HOME[1], HOME[1]],
            "unit": [5, 0],
            "located_by": ["coordinates", "coordinates"],
            "visits_per_year": [12.0, np.nan],
            "minutes_per_visit": [30.0, np.nan],
            "decile": [np.nan, 10.0],
            "segment": ["Store", "Cardiology"],
        }
    )
    p.replace_accounts(AccountTable(table))
    p.settings["workload"] = WorkloadParameters(
        visits_by_decile={"10": 24, "1": 2},
        minutes_by_segment={"cardiology": 20},
    ).to_dict()
    return p


def test_hours_per_account_match_hand_values(project):
    w = account_workload(project).set_index("account_id")
    assert w.loc["near", "travel_km"] == pytest.approx(6.5)
    assert w.loc["near", "travel_minutes"] == pytest.approx(6.5)
    assert w.loc["near", "hours"] == pytest.approx(7.3)
    assert (w.loc["doc", "visits"], w.loc["doc", "minutes"]) == (24, 20)
    assert w.loc["doc", "hours"] == pytest.approx(8.0)


def test_territory_adds_bhh_routing_and_shows_share_of_a_year(project):
    assert bhh_tour_km(2, 6.0) == pytest.approx(0.7124 * math.sqrt(12))
    row = territory_workload(project).iloc[0]
    assert row["area_km2"] == pytest.approx(6.0)
    assert row["routing_km"] == pytest.approx(3.208174, abs=1e-6)
    assert row["routing_hours"] == pytest.approx(0.962452, abs=1e-6)
    assert row["hours"] == pytest.approx(16.262452, abs=1e-6)
    assert row["fte"] == pytest.approx(16.262452 / 1200, abs=1e-9)


def test_circuity_speed_and_full_year_are_settable(project):
    params = workload_parameters(project, circuity=1.0, speed_kmh=30.0, full_time_hours=1000)
    near = account_workload(project, params=params).set_index("account_id").loc["near"]
    # 5 km x 1.0 at 30 km/h = 10 min: 12 x 40 / 60 = 8 h.
    assert near["hours"] == pytest.approx(8.0)
    row = territory_workload(project, params=params).iloc[0]
    routing = 0.7124 * math.sqrt(12) / 30 * 18
    assert row["hours"] == pytest.approx(8.0 + 8.0 + routing)
    assert row["fte"] == pytest.approx(row["hours"] / 1000)


def test_without_a_home_base_there_is_no_travel(project):
    project.plan.territories[0].home_base = None
    w = account_workload(project).set_index("account_id")
    assert w.loc["near", "hours"] == pytest.approx(6.0)  # 12 x 30 / 60


def test_defaults_fill_rows_with_neither_column_nor_table_value(project):
    project.settings["workload"] = WorkloadParameters(
        default_visits=5, default_minutes=12
    ).to_dict()
    w = account_workload(project).set_index("account_id")
    assert (w.loc["doc", "visits"], w.loc["doc", "minutes"]) == (5, 12)


def test_stored_field_is_a_metric_the_engine_balances(project):
    project.replace_accounts(workload_table(project))
    assert WORKLOAD_FIELD in project.weight_fields
    table = project.territory_table(WORKLOAD_FIELD)
    assert table.loc[0, WORKLOAD_FIELD] == pytest.approx(15.3)  # 7.3 + 8, no routing


def test_store_workload_is_one_undo_step(project):
    from territory_designer.core.workload import StoreWorkload

    before = project.accounts
    params = workload_parameters(project, speed_kmh=30.0)
    op = project.apply(StoreWorkload(params))
    assert project.settings["workload"]["speed_kmh"] == 30.0
    hours = project.accounts.table.set_index("account_id")[WORKLOAD_FIELD]
    assert hours["near"] == pytest.approx(12 * (30 + 6.5 * 2) / 60)  # 6.5 km at 30 km/h
    op.undo(project)
    assert project.accounts is before
    assert project.settings["workload"]["speed_kmh"] == 60.0


def test_stored_field_counts_travel_from_the_nearest_home_base(project):
    # A second territory whose rep lives by the "near" account: the stored field counts
    # that rep, whoever serves the account today.
    from territory_designer.core.plan import Territory

    project.plan.territories[1] = Territory(
        "T02", "Other", "#123456", home_base=(HOME[0] + 5000, HOME[1])
    )
    assigned = account_workload(project).set_index("account_id")
    nearest = account_workload(project, nearest_home=True).set_index("account_id")
    assert assigned.loc["near", "hours"] == pytest.approx(7.3)  # its territory's rep
    assert nearest.loc["near", "hours"] == pytest.approx(6.0)  # the rep next door
    table = workload_table(project).table.set_index("account_id")
    assert table.loc["near", WORKLOAD_FIELD] == pytest.approx(6.0)


def test_columns_are_found_whatever_their_case_and_spacing(project):
    table = project.accounts.table.rename(
        columns={"minutes_per_visit": "Minutes per Visit", "decile": "DECILE"}
    )
    project.replace_accounts(AccountTable(table))
    w = account_workload(project).set_index("account_id")
    assert w.loc["near", "hours"] == pytest.approx(7.3)  # its own 30 minutes
    assert w.loc["doc", "visits"] == 24  # decile 10 from the "DECILE" column


def test_a_template_applied_after_the_import_finds_the_clients_headers(project):
    from territory_designer.core.templates import apply_template
    from territory_designer.io.templates import load_template

    table = project.accounts.table.rename(columns={"decile": "Rx Decile"})
    project.replace_accounts(AccountTable(table))
    apply_template(project, load_template("pharmaceutical"))
    params = workload_parameters(project)
    assert params.decile_field == "Rx Decile"
    w = account_workload(project, params=params).set_index("account_id")
    assert w.loc["doc", "visits"] == 24  # decile 10 in the pharma template
    assert w.loc["doc", "minutes"] == 20  # cardiology

"""The engine balances on workload (issue 12): after *Store workload*, building on
``workload_hours`` spreads the reps' hours evenly, and more evenly than building on the
account count does."""

from __future__ import annotations

import numpy as np
import shapely

from territory_designer.balance.project_api import build_plan
from territory_designer.core.workload import (
    WORKLOAD_FIELD,
    StoreWorkload,
    workload_parameters,
)


def _spread(project, plan) -> float:
    values = np.array(list(project.metrics_for(plan).values(WORKLOAD_FIELD).values()))
    return float((values.max() - values.min()) / values.mean())


def test_building_on_workload_balances_hours(demo_project):
    project = demo_project
    project.apply(StoreWorkload(workload_parameters(project)))
    assert WORKLOAD_FIELD in project.weight_fields
    on_workload, report = build_plan(project, k=8, balance_on=WORKLOAD_FIELD, tolerance=0.05)
    on_accounts, _ = build_plan(project, k=8, balance_on="accounts", tolerance=0.05)
    assert report.to_dict()["within_tolerance"]
    values = np.array(list(project.metrics_for(on_workload).values(WORKLOAD_FIELD).values()))
    assert (np.abs(values / values.mean() - 1) <= 0.05 + 1e-9).all()
    assert _spread(project, on_workload) < 0.10 < _spread(project, on_accounts)


def test_a_build_from_home_bases_keeps_each_home_in_its_territory(demo_project):
    project = demo_project
    homes = [t.home_base for t in project.plan.territories.values()]
    plan, _ = build_plan(project, home_bases=homes, balance_on="accounts", tolerance=0.05)
    for code, t in plan.territories.items():
        point = shapely.Point(t.home_base)
        unit = next(i for i, g in enumerate(project.units.geometry) if g.covers(point))
        assert plan.assignment[unit] == code, t.id

"""Rebalance under a cap on the accounts or the revenue that may change territory.

A planner caps disruption ("move at most 40 customers"); the plan the engine returns
must respect it, counted independently from the units that actually changed territory.
"""

from __future__ import annotations

import numpy as np
import pytest

from territory_designer.balance.project_api import rebalance_plan
from territory_designer.io.demo import build_demo_project


@pytest.fixture(scope="module")
def demo():
    return build_demo_project()


def _moved(project, plan, field: str) -> tuple[int, float]:  # noqa: ANN001
    """Units that changed territory and the sum of ``field`` over them."""
    moved = plan.assignment != project.plan.assignment
    column = project.weights[:, project.weight_fields.index(field)]
    return int(moved.sum()), float(column[moved].sum())


@pytest.fixture(scope="module")
def uncapped(demo):
    plan, _, _ = rebalance_plan(demo, tolerance=0.02, cost="units")
    return plan


@pytest.mark.parametrize(
    ("field", "cap", "option"),
    [("accounts", 40, "max_accounts_moved"), ("revenue", 2_000_000.0, "max_revenue_moved")],
)
def test_rebalance_respects_the_cap_on_what_moves(demo, uncapped, field, cap, option) -> None:
    before = demo.plan.assignment.copy()
    _, free = _moved(demo, uncapped, field)
    assert free > cap  # without the cap the run moves more: the cap has to bind
    plan, report, result = rebalance_plan(demo, tolerance=0.02, cost="units", **{option: cap})
    units, moved = _moved(demo, plan, field)
    assert 0 < moved <= cap
    assert units == report.units_moved == len(result.moves) > 0
    assert result.stopped_by == "cap reached"
    assert any("within the cap" in note for note in report.notes)
    assert np.array_equal(demo.plan.assignment, before)  # a new plan; the active one stays

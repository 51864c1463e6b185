"""The dock and the metric chooser show each plan's own balance criterion (issue 10, §4)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from territory_designer.balance.project_api import build_plan
from territory_designer.core.operations import AddGeneratedPlan, SetActivePlan
from territory_designer.ui.canvas.spatial import describe_unit
from territory_designer.ui.dialogs.criterion_editor import CriterionEditor
from territory_designer.ui.docks.territory_dock import TerritoryDock, plan_summary_text
from territory_designer.ui.main_toolbar import PlanToolBar
from territory_designer.ui.qt_models.territory_model import Column
from territory_designer.ui.session import Session


@pytest.fixture
def session(qtbot, demo_project):
    """The demo (default metric: revenue) with a plan built on accounts, active."""
    plan, _ = build_plan(demo_project, k=6, balance_on="accounts", tolerance=0.1, name="Acc")
    demo_project.apply(AddGeneratedPlan(plan))
    return Session(demo_project)


def test_switching_plans_shows_each_plans_criterion(qtbot, session):
    dock, bar = TerritoryDock(session), PlanToolBar(session)
    qtbot.addWidget(dock)
    qtbot.addWidget(bar)
    header = dock.model.headerData(Column.METRIC, Qt.Orientation.Horizontal)
    assert header == "Accounts"
    assert bar.metric_combo.currentData() == "accounts"
    assert plan_summary_text(session).startswith("Balanced on Accounts, tolerance ±10%")
    deviations = [abs(dock.model.deviation_pct(c)) for c in session.project.plan.territories]
    assert max(deviations) <= 10.0
    assert session.execute(SetActivePlan("Working draft"))  # hand-painted: project default
    assert dock.model.headerData(Column.METRIC, Qt.Orientation.Horizontal) == "Revenue"
    assert bar.metric_combo.currentData() == "revenue"
    assert plan_summary_text(session).startswith("Balanced on Revenue ·")
    assert session.execute(SetActivePlan("Acc"))
    assert bar.metric_combo.currentData() == "accounts"


def test_choosing_a_metric_shows_it_on_a_built_plan(qtbot, session):
    bar = PlanToolBar(session)
    qtbot.addWidget(bar)
    bar.metric_combo.setCurrentIndex(bar.metric_combo.findData("revenue"))
    assert session.project.balance_field == "revenue"
    assert plan_summary_text(session).startswith("Balanced on Revenue ·")  # no tolerance


def test_the_balance_dialog_starts_from_a_plans_weighted_mix(qtbot, demo_project):
    plan, _ = build_plan(demo_project, k=6, balance_on={"accounts": 0.6, "revenue": 0.4})
    demo_project.apply(AddGeneratedPlan(plan))
    editor = CriterionEditor(demo_project.weight_fields, demo_project.balance_field)
    qtbot.addWidget(editor)
    assert editor.value() == {"accounts": 0.6, "revenue": 0.4}


def test_hovering_a_unit_of_a_mix_plan_shows_its_share(demo_project):
    plan, _ = build_plan(demo_project, k=6, balance_on={"accounts": 0.6, "revenue": 0.4})
    demo_project.apply(AddGeneratedPlan(plan))
    unit = int(demo_project.weights[:, 1].argmax())  # the unit with most accounts
    text = describe_unit(demo_project, unit)  # raised ValueError: not a weight field
    assert "Accounts 60% + revenue 40%: 0.0" in text

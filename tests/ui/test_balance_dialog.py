"""Balance ▸ Build/Rebalance: choices, a worker with cancel, a new undoable plan, the report."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel

import territory_designer.balance.scenario as scenario
from territory_designer.core.errors import InputError
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.balance_dialog import BalanceDialog
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


@pytest.fixture
def make_window(qtbot):
    def make(project):
        prompts = ScriptedPrompts()
        window = MainWindow(project, "Demo", AppSettings(), prompts)
        qtbot.addWidget(window)
        window.show()
        window.balancer.show_after_ms = 0
        return window

    return make


@pytest.fixture
def window(make_window, demo_project):
    return make_window(demo_project)


def _run(qtbot, window, dialog):
    dialog.run_button.click()
    assert window.balancer.task is not None
    qtbot.waitUntil(lambda: window.balancer.task is None, timeout=30000)


def test_build_adds_an_active_plan_with_k_territories_and_undo_removes_it(qtbot, window):
    project = window.session.project
    before = list(project.plans)
    before_active = project.active_plan_name
    window.actions_by_name["balance_build"].trigger()
    dialog = window.balancer.dialog
    assert isinstance(dialog, BalanceDialog) and dialog.isVisible()
    dialog.k_spin.setValue(5)
    dialog.criterion.combo.setCurrentText("revenue")
    dialog.build_name.setText("Five reps")
    _run(qtbot, window, dialog)

    assert project.active_plan_name == "Five reps"
    assert len(project.plan.territories) == 5
    # Five of the eight reps keep a territory, under their names.
    old_names = {t.name for t in project.plans[before_active].territories.values()}
    assert {t.name for t in project.plan.territories.values()} < old_names
    assert (project.plan.assignment >= 0).all()
    result = window.balancer.result_dialog
    assert result is not None and result.isVisible()
    assert "within" in result.figures["Max deviation"]
    assert result.figures["Contiguity"] == "every territory in one piece"
    assert "Runtime" in result.figures
    # Eight territories became five: the build says how much moved from the plan in force.
    assert result.figures["Compared with"] == f"plan '{before_active}'"
    assert int(result.figures["Units moved"].replace(",", "")) > 0
    assert "Five reps" in window.statusBar().currentMessage()

    window.actions_by_name["undo"].trigger()
    assert list(project.plans) == before
    assert project.active_plan_name == "Working draft"


def test_cancel_leaves_the_project_unchanged(qtbot, window):
    project = window.session.project
    plans, active = list(project.plans), project.active_plan_name
    draft = project.plan.assignment.copy()
    steps = window.session.undo_stack.count()
    window.balancer.open_dialog("build")
    window.balancer.dialog.run_button.click()
    task = window.balancer.task
    task.dialog.cancel_button.click()  # the user clicks Cancel while the engine runs
    qtbot.waitUntil(lambda: window.balancer.task is None, timeout=30000)

    assert list(project.plans) == plans
    assert project.active_plan_name == active
    assert (project.plan.assignment == draft).all()
    assert window.session.undo_stack.count() == steps
    assert window.balancer.result_dialog is None
    assert "nothing was changed" in window.statusBar().currentMessage()


def test_rebalance_lists_moves_by_territory_name_and_the_curve(qtbot, window):
    project = window.session.project
    names = {t.name for t in project.plan.territories.values()}
    dialog = window.balancer.open_dialog("rebalance")
    assert dialog.mode() == "rebalance"
    dialog.cap_units_spin.setValue(12)
    _run(qtbot, window, dialog)

    assert project.active_plan_name == "Working draft rebalanced"
    result = window.balancer.result_dialog
    table = result.moves_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    col = {h: c for c, h in enumerate(headers)}
    assert 0 < table.rowCount() <= 12
    for row in range(table.rowCount()):
        assert table.item(row, col["From"]).text() in names
        assert table.item(row, col["To"]).text() in names
        why = table.item(row, col["Why"]).text()
        assert "territory " not in why  # engine indices were turned into names
    assert 0 < int(result.figures["Units moved"]) <= table.rowCount()
    assert result.curve_table is not None and result.curve_table.rowCount() >= 1
    assert [result.tabs.tabText(i) for i in range(result.tabs.count())] == [
        "Quality",
        f"Moves ({table.rowCount()})",
        "Balance vs moves",
    ]


def test_build_from_home_bases_keeps_reps_names_and_owners(qtbot, window):
    project = window.session.project
    reps = {(t.name, t.owner) for t in project.plan.territories.values()}
    dialog = window.balancer.open_dialog("build")
    assert dialog.by_reps.isEnabled()
    dialog.by_reps.setChecked(True)
    assert not dialog.k_spin.isEnabled()
    _run(qtbot, window, dialog)
    assert {(t.name, t.owner) for t in project.plan.territories.values()} == reps


def test_incomplete_choices_keep_the_dialog_open_with_a_reason(qtbot, window):
    dialog = window.balancer.open_dialog("build")
    dialog.criterion.set_weights({"revenue": 0.0})
    dialog.run_button.click()
    assert dialog.isVisible() and window.balancer.task is None
    assert "weight above 0" in dialog.error_label.text()
    dialog.criterion.set_weights({"visits_per_year": 0.6, "revenue": 0.4})
    assert dialog.request().balance_on == {"revenue": 0.4, "visits_per_year": 0.6}

    dialog.set_mode("rebalance")
    dialog.cap_units.setChecked(False)
    dialog.run_button.click()
    assert dialog.isVisible()
    assert "at least one cap" in dialog.error_label.text()


def test_engine_error_is_one_clear_message(qtbot, window, monkeypatch):
    def refuse(project, request, feedback=None):
        raise InputError("3 locked territories leave nothing to build for k=2.")

    monkeypatch.setattr(scenario, "build_scenario", refuse)  # imported when run
    plans = list(window.session.project.plans)
    _run(qtbot, window, window.balancer.open_dialog("build"))
    assert window.prompts.errors == [
        ("Auto-balance", "3 locked territories leave nothing to build for k=2.")
    ]
    assert list(window.session.project.plans) == plans


def test_build_on_a_small_grid(qtbot, make_window, make_grid_project):
    window = make_window(make_grid_project(6, 6, ["AAABBB"] * 3 + ["CCCBBB"] * 3))
    dialog = window.balancer.open_dialog("build")
    assert not dialog.by_reps.isEnabled()  # no home bases in the grid plan
    choices = [dialog.within.itemText(i) for i in range(dialog.within.count())]
    assert choices == ["(no constraint)", "region"]  # text attributes only
    dialog.k_spin.setValue(4)
    dialog.within.setCurrentText("region")
    _run(qtbot, window, dialog)
    project = window.session.project
    plan = project.plan
    assert plan.name == "Balanced k=4"
    assert sorted(set(plan.assignment.tolist())) == sorted(plan.territories)
    region = project.units.attributes["region"].to_numpy()
    for code in plan.territories:  # no territory crosses a region
        assert len(set(region[plan.assignment == code])) == 1


def _set_capacities(qtbot, dialog, shares):
    """Click Capacities…, type the shares into the table, click OK."""
    dialog.capacities_button.click()
    table = dialog.capacities_dialog
    qtbot.waitUntil(table.isVisible)
    for tid, share in shares.items():
        table.spins[tid].setValue(share)
    table.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not table.isVisible()


def test_max_distance_is_only_for_home_bases_and_capacities_list_the_territories(qtbot, window):
    dialog = window.balancer.open_dialog("build")
    assert not dialog.max_distance.isEnabled()
    dialog.k_spin.setValue(5)
    dialog.capacities_button.click()
    rows = dialog.capacities_dialog
    names = [rows.table.item(r, 0).text() for r in range(rows.table.rowCount())]
    assert [n.split()[0] for n in names] == ["T01", "T02", "T03", "T04", "T05"]
    assert all(spin.value() == 1.0 for spin in rows.spins.values())
    rows.reject()
    assert dialog.request().shares is None and dialog.request().max_distance is None

    dialog.by_reps.setChecked(True)
    assert dialog.max_distance.isEnabled()
    assert dialog.max_distance.text() == "No limit"
    _set_capacities(qtbot, dialog, {"T03": 0.5})
    assert "T03 0.5" in dialog.capacities_label.text()
    rows = dialog.capacities_dialog
    assert "Triad" in rows.table.item(2, 0).text()  # the rep's territory name
    dialog.by_count.setChecked(True)
    assert not dialog.max_distance.isEnabled()


def test_rebalance_ranks_moves_by_the_chosen_disruption(qtbot, window, monkeypatch):
    import territory_designer.balance.scenario as scenario

    calls = []
    real = scenario.rebalance_plan

    def spy(project, **kwargs):
        calls.append(kwargs)
        return real(project, **kwargs)

    monkeypatch.setattr(scenario, "rebalance_plan", spy)
    dialog = window.balancer.open_dialog("rebalance")
    assert dialog.rank_by.currentData() == "accounts"  # the demo has accounts
    dialog.rank_by.setCurrentIndex(dialog.rank_by.findData("revenue"))
    dialog.cap_units_spin.setValue(12)
    _run(qtbot, window, dialog)

    assert calls[-1]["cost"] == "revenue"
    assert window.session.project.active_plan_name == "Working draft rebalanced"


def test_capacities_and_distance_reach_the_engine(qtbot, window, monkeypatch):
    import territory_designer.balance.scenario as scenario

    calls = []
    real_build_plan = scenario.build_plan

    def spy(project, **kwargs):
        calls.append(kwargs)
        return real_build_plan(project, **kwargs)

    monkeypatch.setattr(scenario, "build_plan", spy)
    project = window.session.project
    dialog = window.balancer.open_dialog("build")
    dialog.by_reps.setChecked(True)
    dialog.max_distance.setValue(400)
    _set_capacities(qtbot, dialog, {"T03": 0.5})
    _run(qtbot, window, dialog)

    assert calls[-1]["max_distance"] == 400_000.0
    assert calls[-1]["shares"] == [1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0]
    plan = project.plan
    revenue = project.weights[:, project.weight_fields.index("revenue")]
    by_id = {t.id: (code, t) for code, t in plan.territories.items()}
    triad_code, triad = by_id["T03"]
    assert triad.name == "Triad"
    assert triad.target == pytest.approx(by_id["T01"][1].target / 2)
    totals = {tid: revenue[plan.assignment == code].sum() for tid, (code, _) in by_id.items()}
    others = [v for tid, v in totals.items() if tid != "T03"]
    assert totals["T03"] == pytest.approx(sum(others) / len(others) / 2, rel=0.15)


def test_a_half_capacity_territory_built_by_count_is_smaller(qtbot, window):
    project = window.session.project
    dialog = window.balancer.open_dialog("build")
    dialog.k_spin.setValue(4)
    assert dialog.keep_identities.isEnabled() and dialog.keep_identities.isChecked()
    _set_capacities(qtbot, dialog, {"T02": 0.5})
    assert not dialog.keep_identities.isEnabled()  # capacities name the new territories
    assert "per new territory" in dialog.keep_identities.toolTip()
    _run(qtbot, window, dialog)
    plan = project.plan
    revenue = project.weights[:, project.weight_fields.index("revenue")]
    totals = {t.id: revenue[plan.assignment == c].sum() for c, t in plan.territories.items()}
    assert totals["T02"] == pytest.approx(totals["T01"] / 2, rel=0.15)
    assert all(t.target for t in plan.territories.values())


def test_result_rows_give_min_pp_beside_mean():
    from territory_designer.balance.quality import QualityReport
    from territory_designer.ui.dialogs.balance_result import report_rows

    report = QualityReport(
        territories=3,
        max_abs_deviation_pct=1.0,
        min_deviation_pct=-1.0,
        max_deviation_pct=1.0,
        cv=0.01,
        contiguous=True,
        noncontiguous=0,
        extra_pieces=0,
        unassigned=0,
        pp_mean=0.41,
        pp_min=0.17,
        cut_edges=9,
        tolerance_pct=5.0,
        within_tolerance=True,
        lower_bound_pct=0.0,
    )
    assert dict(report_rows(report))["Compactness (Polsby-Popper)"] == "mean 0.41, min 0.17"


def test_search_time_field_asks_for_thorough_mode(qtbot, window):
    dialog = window.balancer.open_dialog("build")
    assert dialog.request().time_limit is None  # the usual search by default
    dialog.time_limit.setValue(10)
    assert dialog.request().time_limit == 10.0


def test_cancel_in_thorough_mode_adds_the_best_plan_found_so_far(qtbot, window):
    project = window.session.project
    plans = list(project.plans)
    dialog = window.balancer.open_dialog("build")
    dialog.k_spin.setValue(5)
    dialog.time_limit.setValue(600)  # thorough mode: far longer than the test waits
    dialog.build_name.setText("Thorough, cancelled")
    dialog.run_button.click()
    task = window.balancer.task
    messages: list[str] = []
    task.sig_progress.connect(lambda _percent, message: messages.append(message))
    qtbot.waitUntil(lambda: any(m.startswith("Searching further") for m in messages), timeout=60000)
    task.dialog.cancel_button.click()  # the user stops the long search
    qtbot.waitUntil(lambda: window.balancer.task is None, timeout=60000)

    assert list(project.plans) == [*plans, "Thorough, cancelled"]
    assert project.active_plan_name == "Thorough, cancelled"
    assert len(project.plan.territories) == 5 and (project.plan.assignment >= 0).all()
    assert "Added plan" in window.statusBar().currentMessage()
    result = window.balancer.result_dialog
    assert result is not None and result.figures["Contiguity"] == "every territory in one piece"
    notes = [label.text() for label in result.findChildren(QLabel)]
    assert any("Stopped by the user: the best plan found so far is kept" in n for n in notes)

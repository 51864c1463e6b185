"""Quotas, plan start dates and the monthly review through the real window (qtbot)."""

from __future__ import annotations

import openpyxl
from perf_factories import two_territory_project
from test_review import drifted  # noqa: F401 - the fixture

from territory_designer.core.attribution import PLAN_START_KEY
from territory_designer.core.performance import QUOTAS_KEY
from territory_designer.io.project_file import load_project
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


def _window(qtbot, project):
    window = MainWindow(project, "Sales", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    return window


def _menu_action(window, menu, name):
    action = window.actions_by_name[name]
    assert action in window.menus[menu].actions()
    action.trigger()
    dialog = window.sales_targets_dialog
    assert dialog.isVisible()
    return dialog


def test_quotas_are_set_in_a_table_as_one_undo_step(qtbot):
    window = _window(qtbot, two_territory_project())
    project = window.session.project
    dialog = _menu_action(window, "territory", "set_quotas")
    assert [dialog.table.item(r, 0).text() for r in range(2)] == ["T01", "T02"]
    dialog.set_quota("T01", "abc")
    dialog.accept()
    assert dialog.isVisible() and "Territory T01: 'abc' is not a number" in dialog.message.text()
    dialog.set_quota("T01", "1,200")
    dialog.set_quota("T02", "800")
    dialog.accept()
    assert project.settings[QUOTAS_KEY] == {"T01": 1200.0, "T02": 800.0}
    # The Performance dock now measures attainment against the quotas.
    window.actions_by_name["performance"].trigger()
    dock = window.performance_dock
    qtbot.waitUntil(lambda: not dock.updating and dock.table.rowCount() == 2, timeout=15000)
    assert "quota" in dock.message.text()
    # Clearing a cell removes that quota; one undo restores both.
    dialog = _menu_action(window, "territory", "set_quotas")
    assert dialog.table.item(1, 2).text() == "800"
    dialog.set_quota("T02", "")
    dialog.accept()
    assert project.settings[QUOTAS_KEY] == {"T01": 1200.0}
    window.session.undo_stack.undo()
    assert project.settings[QUOTAS_KEY] == {"T01": 1200.0, "T02": 800.0}
    window.session.undo_stack.undo()
    assert QUOTAS_KEY not in project.settings


def test_plan_start_is_set_from_the_plans_menu(qtbot):
    from PySide6.QtCore import QDate

    window = _window(qtbot, two_territory_project())
    project = window.session.project
    dialog = _menu_action(window, "plans", "set_plan_start")
    assert dialog.plan_box.currentText() == project.active_plan_name
    dialog.date_edit.setDate(QDate(2024, 3, 1))
    dialog.accept()
    assert project.settings[PLAN_START_KEY] == {project.active_plan_name: "2024-03-01"}
    # The dialog shows the stored date next time; undo removes it.
    dialog = _menu_action(window, "plans", "set_plan_start")
    assert dialog.date_edit.date() == QDate(2024, 3, 1)
    dialog.reject()
    window.session.undo_stack.undo()
    assert PLAN_START_KEY not in project.settings


def test_the_monthly_review_pack_from_the_export_menu(qtbot, drifted, tmp_path):  # noqa: F811
    project = load_project(drifted)
    window = _window(qtbot, project)
    plans_before = list(project.plans)
    dialog = _menu_action(window, "export", "monthly_review")
    assert dialog.folder_edit.text() == str(drifted.resolve().parent)
    dialog.period_edit.setText("2026-13")
    dialog.accept()
    assert dialog.isVisible() and dialog.message.text()
    out = tmp_path / "pack"
    dialog.period_edit.setText("2026-11")
    dialog.moves_box.setValue(5)
    dialog.folder_edit.setText(str(out))
    dialog.accept()
    qtbot.waitUntil(lambda: hasattr(window, "last_review"), timeout=30000)
    review, xlsx, pdf = window.last_review
    assert [d.territory_id for d in review.drifts] == ["T01", "T02"]
    assert project.active_plan_name == "Review 2026-11"
    assert "sales_12m" in project.accounts.table.columns
    book = openpyxl.load_workbook(out / "review-2026-11.xlsx")
    assert [r[0] for r in book["Drift"].iter_rows(min_row=2, values_only=True)] == ["T01", "T02"]
    assert pdf.read_bytes().startswith(b"%PDF")
    # One undo step removes both the plan and the stored year sales.
    stack = window.session.undo_stack
    assert stack.undoText() == "Monthly review 2026-11"
    stack.undo()
    assert list(project.plans) == plans_before
    assert "sales_12m" not in project.accounts.table.columns


def test_a_review_of_a_period_without_sales_leaves_the_project_unchanged(
    qtbot,
    drifted,  # noqa: F811
    tmp_path,
):
    project = load_project(drifted)
    window = _window(qtbot, project)
    dialog = _menu_action(window, "export", "monthly_review")
    dialog.period_edit.setText("2027-03")
    dialog.folder_edit.setText(str(tmp_path))
    dialog.accept()
    qtbot.waitUntil(lambda: bool(window.prompts.errors), timeout=30000)
    title, message = window.prompts.errors[0]
    assert "No order lines in 2027-03" in message and "2025-12 to 2026-11" in message
    assert list(project.plans) == ["Plan 1"] and window.session.undo_stack.count() == 0

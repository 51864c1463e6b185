"""File › Import › Responses… through the real window: the reviewed plan is added in one
undoable step and the outcome is reported."""

from __future__ import annotations

import openpyxl
import pytest

from territory_designer.core.operations import AssignUnits
from territory_designer.reports.proposal import DECISION_COL, HEADER_ROW, write_proposal
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_project):
    plan = demo_project.plan
    demo_project.apply(AssignUnits(plan.units_of(1)[:2], 0))
    w = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(w)
    w.show()
    return w


def test_import_responses_adds_the_reviewed_plan_undoably(window, tmp_path):
    project = window.session.project
    files = write_proposal(project, tmp_path / "p")
    assert "export_proposal" in window.actions_by_name  # File › Export lists the exporter
    maria = next(f for f in files if "Maria Lopez" in f.name)
    wb = openpyxl.load_workbook(maria)
    ws = wb["Proposal"]
    ws.cell(HEADER_ROW + 1, DECISION_COL, "Accept")
    ws.cell(HEADER_ROW + 2, DECISION_COL, "Reject")
    wb.save(maria)
    window.prompts.response_files = (str(maria),)
    window.actions_by_name["import_responses"].trigger()
    assert project.active_plan_name == "Working draft approved"
    assert window.plans_dock.table.rowCount() == 3
    title, html = window.prompts.help_pages[-1]
    assert title == "Responses imported" and "1 moves accepted, 1 rejections" in html
    assert any(
        e.kind == "review" and e.action.startswith("Rejected by Maria Lopez")
        for e in project.change_log.entries
    )
    window.session.undo_stack.undo()
    assert "Working draft approved" not in project.plans
    assert not any(e.kind == "review" for e in project.change_log.entries)


def test_a_workbook_that_is_not_a_proposal_is_an_error_not_a_traceback(window, tmp_path):
    bad = tmp_path / "x.xlsx"
    openpyxl.Workbook().save(bad)
    window.prompts.response_files = (str(bad),)
    window.actions_by_name["import_responses"].trigger()
    assert window.prompts.errors[-1][0] == "Responses not imported"
    assert "not a proposal workbook" in window.prompts.errors[-1][1]
    assert list(window.session.project.plans) == ["Baseline 2026", "Working draft"]


def test_file_export_proposal_writes_one_workbook_per_rep(qtbot, window, tmp_path):
    window.exports.show_after_ms = 0
    window.actions_by_name["export_proposal"].trigger()
    dialog = window.exports.dialog
    assert dialog.isVisible()
    dialog.path_edit.setText(str(tmp_path / "review"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: window.exports.task is None, timeout=60000)
    assert window.prompts.errors == []
    names = sorted(f.name for f in (tmp_path / "review").iterdir())
    assert names == ["Proposal - James Carter.xlsx", "Proposal - Maria Lopez.xlsx"]

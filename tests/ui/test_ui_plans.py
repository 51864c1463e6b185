"""The Plans dock and menu driven through the real window: every plan edit is undoable."""

from __future__ import annotations

from PySide6.QtCore import Qt

from territory_designer.core.operations import SetActivePlan
from territory_designer.ui.docks.plans_dock import NAME, ROLE


def names_in_dock(window):
    table = window.plans_dock.table
    return [table.item(r, NAME).text() for r in range(table.rowCount())]


def names_in_toolbar(window):
    combo = window.plan_toolbar.plan_combo
    return [combo.itemData(i) for i in range(combo.count())]


def test_menu_duplicate_rename_baseline_delete_and_undo_everything(window, qtbot):
    project = window.session.project
    assert window.menus["plans"].title() == "&Plans"
    start = list(project.plans)
    window.actions_by_name["plan_duplicate"].trigger()
    assert project.active_plan_name == "Working draft copy"
    assert names_in_dock(window) == [*start, "Working draft copy"]
    assert window.plan_toolbar.plan_combo.currentData() == "Working draft copy"
    # Rename in place: edit the name cell as a user would.
    dock = window.plans_dock
    item = dock.table.item(2, NAME)
    item.setText("Option B")
    assert "Option B" in project.plans and project.active_plan_name == "Option B"
    assert names_in_toolbar(window) == [*start, "Option B"]
    window.actions_by_name["plan_baseline"].trigger()
    assert project.baseline_plan_name == "Option B"
    assert dock.table.item(2, ROLE).text() == "active, baseline"
    window.actions_by_name["plan_delete"].trigger()
    assert list(project.plans) == start
    stack = window.session.undo_stack
    assert stack.count() == 4
    for _ in range(4):
        stack.undo()
    assert list(project.plans) == start
    assert project.baseline_plan_name == "Baseline 2026"
    assert project.active_plan_name == "Working draft"
    assert names_in_dock(window) == start
    for _ in range(4):
        stack.redo()
    assert list(project.plans) == start and project.baseline_plan_name is None


def test_a_refused_rename_shows_the_old_name_and_says_why(window, qtbot):
    dock = window.plans_dock
    with qtbot.waitSignal(window.session.sig_status) as status:
        dock.table.item(1, NAME).setText("Baseline 2026")
    assert "already exists" in status.args[0]
    assert names_in_dock(window) == ["Baseline 2026", "Working draft"]


def test_double_click_opens_a_plan_and_new_plan_is_empty(window, qtbot):
    dock = window.plans_dock
    dock.table.selectRow(0)
    dock.buttons["activate"].click()
    assert window.session.project.active_plan_name == "Baseline 2026"
    dock.buttons["new"].click()
    project = window.session.project
    assert project.active_plan_name == "New plan"
    assert (project.plan.assignment == -1).all()
    assert window.canvas is not None  # the map follows the plan switch without error


def test_the_only_plan_cannot_be_deleted_in_the_window(window, qtbot):
    dock = window.plans_dock
    dock.select_plan("Baseline 2026")
    assert dock.delete_plan()
    assert not dock.buttons["delete"].isEnabled()
    assert not dock.delete_plan()
    assert list(window.session.project.plans) == ["Working draft"]


def test_dock_survives_project_replacement(window, demo_project):
    window.session.replace_project(demo_project)
    assert names_in_dock(window) == ["Baseline 2026", "Working draft"]
    assert window.plans_dock.table.item(1, NAME).font().bold()
    assert Qt.ItemFlag.ItemIsEditable & window.plans_dock.table.item(0, NAME).flags()


def test_undo_takes_an_edit_out_of_the_change_log_and_redo_puts_it_back(window):
    session = window.session
    project = session.project
    plan = project.plan
    codes = sorted(plan.territories)
    assert session.assign(plan.units_of(codes[1])[:2], codes[0])  # a painting stroke
    window.actions_by_name["plan_duplicate"].trigger()
    log = project.change_log
    assert [e.kind for e in log.entries] == ["edit", "plan"]
    assert log.entries[0].units and log.entries[0].plan == "Working draft"
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert len(log) == 0
    session.undo_stack.redo()
    assert [e.kind for e in log.entries] == ["edit"]


def test_change_log_dock_filters_edits_notes_and_exports(window, tmp_path):
    import openpyxl

    session = window.session
    plan = session.project.plan
    codes = sorted(plan.territories)
    session.assign(plan.units_of(codes[1])[:2], codes[0])
    session.assign(plan.units_of(codes[2])[:1], codes[0])
    dock = window.change_log_dock
    dock.refresh()
    assert dock.table.rowCount() == 2
    assert dock.table.item(0, 4).text().startswith("Assign 1 unit")  # newest first
    # Type a note in the Note cell: one undoable step.
    dock.table.item(0, 8).setText("Rep moved house")
    assert session.project.change_log.entries[-1].note == "Rep moved house"
    dock.search.setText("moved house")
    assert dock.table.rowCount() == 1 and dock.windowTitle() == "Change Log (1 of 2)"
    session.undo_stack.undo()
    dock.refresh()
    assert session.project.change_log.entries[-1].note == ""
    assert dock.table.rowCount() == 0
    dock.search.clear()
    dock.note_edit.setText("Reviewed with the district manager")
    dock.note_edit.returnPressed.emit()
    assert session.project.change_log.entries[-1].kind == "note"
    window.prompts.xlsx_path = str(tmp_path / "log.xlsx")
    window.actions_by_name["export_change_log"].trigger()
    rows = list(openpyxl.load_workbook(tmp_path / "log.xlsx")["Change log"].values)
    assert rows[0][:3] == ("Time", "User", "Plan") and len(rows) == 4
    assert rows[-1][-1] == "Reviewed with the district manager"


def test_territory_definition_dialog_edits_the_active_territory_undoably(window):
    session = window.session
    code = session.active_code
    window.actions_by_name["territory_definition"].trigger()
    dialog = window.definition_dialog
    assert dialog.isVisible()
    dialog.editor.setPlainText("  The Piedmont's banks and their suppliers  ")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert session.project.plan.territories[code].definition == (
        "The Piedmont's banks and their suppliers"
    )
    assert session.undo_stack.undoText().startswith("Define")
    session.undo_stack.undo()
    assert session.project.plan.territories[code].definition == ""


def test_compare_with_baseline_to_excel_from_the_plans_menu(window, tmp_path):
    import openpyxl

    session = window.session
    plan = session.project.plan
    session.assign(plan.units_of(1)[:2], 0)
    window.prompts.xlsx_path = str(tmp_path / "cmp.xlsx")
    window.actions_by_name["plan_compare_excel"].trigger()
    wb = openpyxl.load_workbook(tmp_path / "cmp.xlsx")
    assert wb["Summary"]["A1"].value == "Changes from Baseline 2026 to Working draft"
    assert wb["Units moved"].max_row == 3  # header and the two units
    session.execute(SetActivePlan("Baseline 2026"))
    window.actions_by_name["plan_compare_excel"].trigger()
    assert window.prompts.errors[-1][0] == "Nothing to compare"


def test_a_long_change_log_lists_the_newest_entries_and_exports_them_all(window, tmp_path):
    import openpyxl

    from territory_designer.core.change_log import ChangeEntry
    from territory_designer.ui.docks.change_log_dock import MAX_ROWS

    log = window.session.project.change_log
    for k in range(MAX_ROWS + 100):
        log.add(ChangeEntry(f"2026-01-01T00:{k // 60:02d}:{k % 60:02d}", "u", "P", f"e{k}"))
    dock = window.change_log_dock
    dock.refresh()
    assert dock.table.rowCount() == MAX_ROWS
    assert dock.table.item(0, 4).text() == f"e{MAX_ROWS + 99}"
    assert dock.windowTitle() == f"Change Log ({MAX_ROWS + 100})"
    window.prompts.xlsx_path = str(tmp_path / "all.xlsx")
    dock.export()
    assert openpyxl.load_workbook(tmp_path / "all.xlsx").active.max_row == MAX_ROWS + 101

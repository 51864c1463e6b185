"""Issue 11: the attribute table (units and accounts) and fill by attribute, driven through
the real window: sort, filter by text or query, selection both ways, assign and lock as
one undo step each."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_project):
    window = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


@pytest.fixture
def dock(qtbot, window):
    action = window.actions_by_name["attribute_table"]
    assert action.shortcut() == QKeySequence("Ctrl+Shift+T")
    assert "Attribute" in action.text()
    action.trigger()
    dock = window.attribute_table_dock
    qtbot.waitUntil(dock.isVisible)
    return dock


def code_of(project, name):
    return next(c for c, t in project.plan.territories.items() if t.name == name)


def column(model, name):
    return model.field_names().index(name)


def shown(model, name, rows=None):
    col = column(model, name)
    rows = range(model.rowCount()) if rows is None else rows
    return [model.data(model.index(r, col)) for r in rows]


def filter_by(qtbot, page, text):
    page.filter_edit.clear()
    qtbot.keyClicks(page.filter_edit, text)
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Return)


def test_view_menu_opens_both_tabs_with_every_field_and_territory(window, dock):
    project = window.session.project
    assert window.menus["view"].actions().count(window.actions_by_name["attribute_table"]) == 1
    units = dock.units_model
    assert units.rowCount() == len(project.units) == 100
    names = units.field_names()
    assert names[:4] == ["id", "name", "territory", "locked"]
    for field in ("births_1974", "accounts", "revenue", "potential"):
        assert field in names
    wake = project.units.index_of("37183")
    row = int(np.flatnonzero(units.rows == wake)[0])
    assert shown(units, "name", [row]) == ["Wake"]
    assert shown(units, "territory", [row]) == ["Triangle"]
    accounts = dock.accounts_model
    assert accounts.rowCount() == len(project.accounts)
    assert accounts.field_names()[:4] == ["id", "name", "unit", "territory"]
    assert {"segment", "revenue", "city"} <= set(accounts.field_names())
    assert "x" not in accounts.field_names()
    # No other action answers the same keys (an ambiguous shortcut does nothing).
    keys = [a.shortcut() for a in window.findChildren(type(window.actions_by_name["save"]))]
    assert keys.count(QKeySequence("Ctrl+Shift+T")) == 1


def test_header_click_sorts_numbers_as_numbers(qtbot, window, dock):
    page = dock.units_page
    model = dock.units_model
    header = page.view.horizontalHeader()
    col = column(model, "revenue")
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    values = [float(v.replace(",", "")) for v in shown(model, "revenue")]
    assert values == sorted(values) or values == sorted(values, reverse=True)
    first = values[0]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    again = [float(v.replace(",", "")) for v in shown(model, "revenue")]
    assert again == values[::-1] or again[0] != first


def test_filter_by_text_or_query_and_say_why_not(qtbot, window, dock):
    page = dock.units_page
    filter_by(qtbot, page, "name in (Wake, Durham)")
    assert sorted(shown(dock.units_model, "name")) == ["Durham", "Wake"]
    assert "2 of 100 units" in page.status.text() and "Where name in" in page.status.text()
    filter_by(qtbot, page, "revenue > 10000000")
    assert dock.units_model.rowCount() == 0 or all(
        float(v.replace(",", "")) > 1e7 for v in shown(dock.units_model, "revenue")
    )
    filter_by(qtbot, page, "wake")
    assert "Wake" in shown(dock.units_model, "name")
    filter_by(qtbot, page, "stat = NC")
    assert "Unknown field 'stat'" in page.status.text()
    assert dock.units_model.rowCount() == 0  # no cell contains the text either
    page.filter_edit.clear()
    qtbot.waitUntil(lambda: dock.units_model.rowCount() == 100, timeout=15000)
    # Typing in the filter never switches the map's tool (b is the brush, l the lasso).
    window.canvas.set_tool("pan")
    filter_by(qtbot, page, "blb")
    assert window.canvas.tool == "pan"


def select_rows(qtbot, page, names):
    rows = [r for r in range(page.model.rowCount()) if shown(page.model, "name", [r])[0] in names]
    page.view.clearSelection()
    for r in rows:
        page.view.selectionModel().select(
            page.model.index(r, 0),
            page.view.selectionModel().SelectionFlag.Select
            | page.view.selectionModel().SelectionFlag.Rows,
        )
    return rows


def test_selection_follows_both_ways(qtbot, window, dock):
    project = window.session.project
    page = dock.units_page
    select_rows(qtbot, page, {"Wake", "Durham"})
    wanted = sorted(project.units.index_of(i) for i in ("37183", "37063"))
    qtbot.waitUntil(lambda: window.session.selection.tolist() == wanted, timeout=15000)
    assert "2 units selected" in window.tool_status.text()
    # The accounts tab, once shown, has the accounts of those units selected.
    dock.tabs.setCurrentIndex(1)
    held = np.isin(project.accounts.table["unit"].to_numpy(), wanted)
    assert dock.accounts_page.selected_rows().tolist() == np.flatnonzero(held).tolist()
    dock.tabs.setCurrentIndex(0)
    assert page.selected_rows().tolist() == wanted
    # Map -> table: a selection made elsewhere selects the rows.
    mecklenburg = project.units.index_of("37119")
    window.session.set_selection(np.array([mecklenburg]))
    assert page.selected_rows().tolist() == [mecklenburg]
    dock.zoom_button.click()
    x0, y0, x1, y1 = window.canvas.visible_project_rect()
    cx, cy = project.units.centroid[mecklenburg]
    assert x0 < cx < x1 and y0 < cy < y1
    assert (x1 - x0) < 0.5 * (project.units.bounds[2] - project.units.bounds[0])


def test_assign_selection_is_one_undo_step_and_skips_locked_units(qtbot, window, dock):
    project = window.session.project
    stack = window.session.undo_stack
    page = dock.units_page
    wake, durham = project.units.index_of("37183"), project.units.index_of("37063")
    coastal = code_of(project, "Coastal")
    before = project.plan.assignment.copy()
    window.session.set_selection(np.array([wake]))
    window.actions_by_name["units_lock"].trigger()  # Territory > Lock Selected Units
    assert project.plan.locked_units[wake]
    qtbot.waitUntil(lambda: "yes" in shown(dock.units_model, "locked"), timeout=15000)
    select_rows(qtbot, page, {"Wake", "Durham"})
    dock.territory_box.setCurrentIndex(dock.territory_box.findData(coastal))
    count = stack.count()
    qtbot.mouseClick(dock.assign_button, Qt.MouseButton.LeftButton)
    assert stack.count() == count + 1
    assert project.plan.assignment[durham] == coastal
    assert project.plan.assignment[wake] == before[wake]  # locked: skipped
    assert "1 locked unit skipped" in window.statusBar().currentMessage()
    qtbot.waitUntil(
        lambda: (
            shown(
                dock.units_model,
                "territory",
                [int(np.flatnonzero(dock.units_model.rows == durham)[0])],
            )
            == ["Coastal"]
        ),
        timeout=2000,
    )
    stack.undo()
    assert project.plan.assignment.tolist() == before.tolist()
    stack.undo()  # the lock
    assert not project.plan.locked_units.any()


def test_context_menu_assigns_and_the_accounts_tab_moves_their_units(qtbot, window, dock):
    project = window.session.project
    page = dock.units_page
    durham = project.units.index_of("37063")
    mountains = code_of(project, "Mountains")
    select_rows(qtbot, page, {"Durham"})
    menu = dock.context_menu(page)
    assign = next(a.menu() for a in menu.actions() if a.menu() and "Assign" in a.text())
    target = next(a for a in assign.actions() if a.text().startswith("Mountains"))
    target.trigger()
    assert project.plan.assignment[durham] == mountains
    # Accounts: selecting accounts selects the units that hold them; assigning moves them.
    dock.tabs.setCurrentIndex(1)
    acc = dock.accounts_page
    filter_by(qtbot, acc, "unit = 37183")
    acc.view.selectAll()
    wake = project.units.index_of("37183")
    qtbot.waitUntil(lambda: window.session.selection.tolist() == [wake], timeout=15000)
    menu = dock.context_menu(acc)
    assign = next(a.menu() for a in menu.actions() if a.menu() and "Their Units" in a.text())
    next(a for a in assign.actions() if a.text() == "(unassign)").trigger()
    assert project.plan.assignment[wake] == -1
    qtbot.waitUntil(lambda: set(shown(dock.accounts_model, "territory")) == {""}, timeout=15000)


def test_assign_by_attribute_shows_the_count_and_is_one_undo_step(qtbot, window):
    project = window.session.project
    stack = window.session.undo_stack
    window.actions_by_name["territory_fill_by_attribute"].trigger()
    dialog = window.fill_dialog
    qtbot.waitUntil(dialog.isVisible)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.set_condition("revenue", "<", "lots")
    assert "Field 'revenue' holds numbers" in dialog.count_label.text()
    assert not ok.isEnabled()
    dialog.set_condition("name", "in", "Wake, Durham, Orange")
    assert "3 units</b> match name in (Wake, Durham, Orange)" in dialog.count_label.text()
    coastal = code_of(project, "Coastal")
    dialog.target_box.setCurrentIndex(dialog.target_box.findData(coastal))
    before = project.plan.assignment.copy()
    count = stack.count()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    units = [project.units.index_of(i) for i in ("37183", "37063", "37135")]
    assert (project.plan.assignment[units] == coastal).all()
    assert stack.count() == count + 1
    assert "Assigned 3 units to Coastal" in window.statusBar().currentMessage()
    assert stack.undoText() == "Assign 3 units to Coastal where name in (Wake, Durham, Orange)"
    stack.undo()
    assert project.plan.assignment.tolist() == before.tolist()
    stack.redo()
    assert (project.plan.assignment[units] == coastal).all()


def test_assign_by_attribute_counts_locked_units_and_territories(qtbot, window):
    project = window.session.project
    triangle = code_of(project, "Triangle")
    window.session.set_selection(np.array([project.units.index_of("37183")]))
    window.actions_by_name["units_lock"].trigger()
    window.session.set_active_territory(triangle)
    window.actions_by_name["territory_lock"].trigger()  # lock Triangle itself
    window.actions_by_name["territory_fill_by_attribute"].trigger()
    dialog = window.fill_dialog
    dialog.set_condition("territory", "=", "Triangle")
    n = len(project.plan.units_of(triangle))
    assert f"{n} units</b> match" in dialog.count_label.text()
    assert f"{n} of them locked (skipped)" in dialog.count_label.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.reject()


def test_a_table_nobody_opened_reads_nothing_and_catches_up_when_shown(qtbot, window):
    dock = window.attribute_table_dock
    assert not dock.isVisible() and dock.units_model.rowCount() == 0
    action = window.actions_by_name["attribute_table"]
    action.trigger()
    qtbot.waitUntil(dock.isVisible)
    assert dock.units_model.rowCount() == 100
    action.trigger()  # hide it, then paint while hidden
    qtbot.waitUntil(lambda: not dock.isVisible())
    project = window.session.project
    wake = project.units.index_of("37183")
    window.session.assign(np.array([wake]), code_of(project, "Coastal"))
    action.trigger()
    qtbot.waitUntil(dock.isVisible)
    row = int(np.flatnonzero(dock.units_model.rows == wake)[0])
    assert shown(dock.units_model, "territory", [row]) == ["Coastal"]
    assert shown(dock.units_model, "revenue", [row])[0].count(",") == 2  # 3,930,200


def test_accounts_can_be_pinned_from_the_table_in_one_undo_step(qtbot, window, dock):
    project = window.session.project
    stack = window.session.undo_stack
    dock.tabs.setCurrentIndex(1)
    page = dock.accounts_page
    filter_by(qtbot, page, "city = Raleigh and segment = Hospital")
    n = dock.accounts_model.rowCount()
    assert n >= 1 and set(shown(dock.accounts_model, "territory")) == {"Triangle"}
    page.view.selectAll()
    coastal = code_of(project, "Coastal")
    before = project.territory_table().set_index("name")["accounts"].to_dict()
    menu = dock.context_menu(page)
    pin = next(a.menu() for a in menu.actions() if a.menu() and a.text().startswith("Pin"))
    assert f"({n} account" in pin.title()
    count = stack.count()
    next(a for a in pin.actions() if a.text().startswith("Coastal")).trigger()
    assert stack.count() == count + 1
    after = project.territory_table().set_index("name")["accounts"].to_dict()
    assert after["Coastal"] == before["Coastal"] + n
    assert after["Triangle"] == before["Triangle"] - n
    # The table shows the pin (the filter still finds the rows: city and segment).
    qtbot.waitUntil(
        lambda: set(shown(dock.accounts_model, "territory")) == {"Coastal"}, timeout=2000
    )
    assert set(shown(dock.accounts_model, "pinned")) == {"yes"}
    assert all(project.plan.account_overrides[a] == coastal for a in project.plan.account_overrides)
    stack.undo()
    assert project.plan.account_overrides == {}


def test_switching_tabs_shows_the_selected_rows(qtbot, window, dock):
    project = window.session.project
    wake = project.units.index_of("37183")
    window.session.set_selection(np.array([wake]))
    dock.tabs.setCurrentIndex(1)
    page = dock.accounts_page
    qtbot.waitUntil(lambda: page.view.isVisible())
    first = int(np.flatnonzero(np.isin(dock.accounts_model.rows, page.selected_rows()))[0])
    top = page.view.rowAt(0)
    bottom = page.view.rowAt(page.view.viewport().height() - 1)
    assert top <= first <= (bottom if bottom >= 0 else dock.accounts_model.rowCount())


def test_a_chosen_account_stays_chosen_across_tab_switches(qtbot, window, dock):
    project = window.session.project
    dock.tabs.setCurrentIndex(1)
    page = dock.accounts_page
    filter_by(qtbot, page, "A00103")
    page.view.selectRow(0)
    account = project.account_index["A00103"]
    unit = int(project.accounts.table["unit"].iloc[account])
    qtbot.waitUntil(lambda: window.session.selection.tolist() == [unit], timeout=15000)
    page.filter_edit.clear()
    page.apply_filter()
    page.select_rows(np.array([account]))  # the filter reset the rows; the user picks again
    dock.tabs.setCurrentIndex(0)
    assert dock.units_page.selected_rows().tolist() == [unit]
    dock.tabs.setCurrentIndex(1)
    assert page.selected_rows().tolist() == [account]  # not every account of the unit


def test_sorting_and_filtering_keep_the_selection(qtbot, window, dock):
    project = window.session.project
    page = dock.units_page
    wanted = sorted(project.units.index_of(i) for i in ("37183", "37063"))
    window.session.set_selection(np.array(wanted))
    assert page.selected_rows().tolist() == wanted
    page.view.sortByColumn(column(dock.units_model, "revenue"), Qt.SortOrder.DescendingOrder)
    assert page.selected_rows().tolist() == wanted
    assert sorted(shown(dock.units_model, "name", page.model.view_rows_of(wanted))) == [
        "Durham",
        "Wake",
    ]
    filter_by(qtbot, page, "wake")
    qtbot.wait(50)
    assert window.session.selection.tolist() == wanted  # hiding a row does not deselect it
    page.filter_edit.clear()
    page.apply_filter()
    qtbot.wait(50)
    assert page.selected_rows().tolist() == wanted
    assert window.session.selection.tolist() == wanted


def test_a_project_without_accounts_and_a_project_opened_later(qtbot, make_grid_project):
    project = make_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."])
    window = MainWindow(project, "Grid", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    window.actions_by_name["attribute_table"].trigger()
    dock = window.attribute_table_dock
    qtbot.waitUntil(dock.isVisible)
    assert dock.units_model.rowCount() == 24 and dock.accounts_model.rowCount() == 0
    assert "accounts" not in dock.units_model.field_names()  # no account list: no count
    assert dock.accounts_page.status.text() == "0 accounts"
    filter_by(qtbot, dock.units_page, "region = R1 and territory = T02")
    assert dock.units_model.rowCount() == 6
    # Opening another project reads it at once (and forgets the old rows' selection).
    window.session.set_selection(np.array([3]))
    other = make_grid_project(2, 3, ["ABB", "AA."])
    window.session.replace_project(other)
    dock.units_page.filter_edit.clear()
    dock.units_page.apply_filter()
    assert dock.units_model.rowCount() == 6
    assert dock.territory_box.count() == 3  # A, B and (unassign)
    assert dock.units_page.selected_rows().size == 0


def test_selected_only_shows_the_accounts_of_the_map_selection(qtbot, window, dock):
    project = window.session.project
    dock.tabs.setCurrentIndex(1)
    page = dock.accounts_page
    page.selected_only.click()
    assert dock.accounts_model.rowCount() == 0  # nothing selected on the map yet
    wake = project.units.index_of("37183")
    window.session.set_selection(np.array([wake]))
    in_wake = int(np.count_nonzero(project.accounts.table["unit"].to_numpy() == wake))
    assert dock.accounts_model.rowCount() == in_wake == page.selected_rows().size
    assert f"{in_wake} of 1,480 accounts (selected only)" in page.status.text()
    # A click on one of them selects its unit on the map but keeps the list.
    page.view.selectRow(2)
    qtbot.wait(50)
    assert dock.accounts_model.rowCount() == in_wake
    assert page.selected_rows().size == 1 and window.session.selection.tolist() == [wake]
    page.selected_only.click()
    assert dock.accounts_model.rowCount() == len(project.accounts)
    assert page.selected_rows().size == 1


def test_switching_plans_shows_that_plans_territories_and_locks(qtbot, make_grid_project):
    from territory_designer.core.operations import SetActivePlan

    project = make_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."], plans=2)
    project.plans["Plan 2"].assignment[:] = 1  # all B
    project.plans["Plan 2"].locked_units[0] = True
    window = MainWindow(project, "Grid", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    window.actions_by_name["attribute_table"].trigger()
    dock = window.attribute_table_dock
    qtbot.waitUntil(dock.isVisible)
    assert set(shown(dock.units_model, "territory")) == {
        "Territory A",
        "Territory B",
        "Territory C",
        "",
    }
    window.session.execute(SetActivePlan("Plan 2"))
    qtbot.waitUntil(
        lambda: set(shown(dock.units_model, "territory")) == {"Territory B"}, timeout=2000
    )
    assert shown(dock.units_model, "locked").count("yes") == 1


def test_right_click_on_a_cell_offers_to_assign_every_unit_with_that_value(qtbot, window, dock):
    project = window.session.project
    model = dock.units_model
    wake = project.units.index_of("37183")
    row = int(np.flatnonzero(model.rows == wake)[0])
    menu = dock.context_menu(dock.units_page, row, column(model, "territory"))
    action = next(a for a in menu.actions() if a.objectName() == "assign_where_cell")
    assert action.text() == "Assign Every Unit Where territory = Triangle…"
    action.trigger()
    dialog = window.fill_dialog
    triangle = len(project.plan.units_of(code_of(project, "Triangle")))
    assert f"{triangle} units</b> match territory = Triangle" in dialog.count_label.text()
    dialog.reject()
    # A large amount is matched exactly, not as the rounded figure shown.
    menu = dock.context_menu(dock.units_page, row, column(model, "revenue"))
    next(a for a in menu.actions() if a.objectName() == "assign_where_cell").trigger()
    assert "1 unit</b> match revenue = 3930200" in window.fill_dialog.count_label.text()
    window.fill_dialog.reject()


def test_the_territory_box_follows_renames_and_locks(qtbot, window, dock):
    from territory_designer.core.operations import UpdateTerritory

    project = window.session.project
    coastal = code_of(project, "Coastal")
    window.session.execute(UpdateTerritory(coastal, name="Shore", locked=True))
    k = dock.territory_box.findData(coastal)
    assert dock.territory_box.itemText(k) == "Shore (T04) — locked"
    dock.territory_box.setCurrentIndex(k)
    dock.units_page.view.selectRow(0)
    qtbot.waitUntil(lambda: window.session.selection.size == 1, timeout=15000)
    before = project.plan.assignment.copy()
    assert not dock.assign_selection()
    assert "locked" in window.statusBar().currentMessage()
    assert project.plan.assignment.tolist() == before.tolist()


def test_copy_rows_pastes_into_a_sheet_and_double_click_zooms(qtbot, window, dock):
    from PySide6.QtGui import QGuiApplication

    project = window.session.project
    page = dock.units_page
    filter_by(qtbot, page, "name in (Wake, Durham)")
    page.view.selectAll()
    page.view.setFocus()
    qtbot.keySequence(page.view, QKeySequence.StandardKey.Copy)
    lines = QGuiApplication.clipboard().text().splitlines()
    header = lines[0].split("\t")
    assert header[:4] == ["id", "name", "territory", "locked"] and len(lines) == 3
    wake = next(line.split("\t") for line in lines[1:] if "\tWake\t" in line)
    assert wake[0] == "37183" and wake[2] == "Triangle"
    assert wake[header.index("revenue")] == "3930200"  # in full, no separators
    # Double-clicking a row frames it on the map.
    window.canvas.zoom_to_all()
    index = page.model.index(0, 1)
    rect = page.view.visualRect(index)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    unit = int(page.model.rows[0])
    assert window.session.selection.tolist() == [unit]
    x0, y0, x1, y1 = window.canvas.visible_project_rect()
    assert (x1 - x0) < 0.5 * (project.units.bounds[2] - project.units.bounds[0])


def test_copied_cells_never_start_a_formula():
    from territory_designer.ui.qt_models.attribute_model import _cell_for_sheet

    assert _cell_for_sheet("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell_for_sheet("-12.5") == "-12.5"
    assert _cell_for_sheet("-bad") == "'-bad"
    assert _cell_for_sheet("a\tb\nc") == "a b c"


def pick_from_list(qtbot, box, text):
    box.showPopup()
    view = box.view()
    index = box.model().index(box.findText(text), 0)
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )


def test_values_picked_from_the_list_add_up_in_an_in_list(qtbot, window):
    window.actions_by_name["territory_fill_by_attribute"].trigger()
    dialog = window.fill_dialog
    dialog.set_condition("name", "in", "Wake")
    box = dialog.value_box
    pick_from_list(qtbot, box, "Durham")
    assert box.currentText() == "Wake, Durham"
    assert "2 units</b> match name in (Wake, Durham)" in dialog.count_label.text()
    pick_from_list(qtbot, box, "Wake")  # already listed: kept once
    assert box.currentText() == "Wake, Durham"
    dialog.set_condition("name", "=", "Wake")
    pick_from_list(qtbot, box, "Durham")
    assert box.currentText() == "Durham"  # '=' takes one value: the pick replaces it
    dialog.reject()

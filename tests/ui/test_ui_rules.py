"""Rules, hierarchy and alignments in the real window (offscreen): a paint that would break
a rule is refused with the reason in the status bar; the Rules dialog, the Hierarchy dock,
colouring by district and File › Import › Alignment… work on real files."""

from __future__ import annotations

import numpy as np
import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from td_rules import cell, cell_centre, two_state_project

from territory_designer.core.colors import palette_color
from territory_designer.core.hierarchy import SetParents
from territory_designer.core.rules import check_plan, set_constraints, set_licences
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


def open_window(qtbot, project, prompts=None):
    window = MainWindow(project, "Rules", AppSettings(), prompts or ScriptedPrompts())
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.canvas.zoom_to_all()
    window.canvas.set_brush_radius_px(6)
    window.canvas.wait_idle()
    return window


def drag(qtbot, window, cells):
    canvas = window.canvas
    view = canvas.viewport()
    points = [canvas.viewport_pos_from_project_xy(*cell_centre(r, c)) for r, c in cells]
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(view, left, pos=points[0])
    for p in points[1:]:
        qtbot.mouseMove(view, p)
    qtbot.mouseRelease(view, left, pos=points[-1])


def test_painting_across_the_state_line_is_refused_with_the_reason(qtbot):
    project = two_state_project()
    set_constraints(project, stay_within="state")
    window = open_window(qtbot, project)
    window.session.set_active_territory(0)
    window.canvas.set_tool("brush")
    drag(qtbot, window, [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0, 6)])
    plan = window.session.project.plan
    assert plan.assignment[cell(0, 3)] == 0
    assert (plan.assignment[[cell(0, 4), cell(0, 5), cell(0, 6)]] == 2).all()
    assert check_plan(window.session.project) == []
    message = window.statusBar().currentMessage()
    assert message.startswith("Refused") and "stays within state NC" in message


def test_a_rep_cannot_paint_outside_their_licence_through_the_window(qtbot):
    project = two_state_project()
    set_constraints(project, licensed_states_field="licensed_states", state_field="state")
    set_licences(project, "Cy", "SC")
    window = open_window(qtbot, project)
    window.session.set_active_territory(2)  # Cy's territory
    window.canvas.set_tool("brush")
    drag(qtbot, window, [(1, 5), (1, 4), (1, 3), (1, 2)])
    plan = window.session.project.plan
    assert (plan.assignment[[cell(1, 2), cell(1, 3)]] == 0).all()
    assert "Cy is licensed only in SC" in window.statusBar().currentMessage()
    assert check_plan(window.session.project) == []


def test_rules_dialog_sets_rules_undoably(qtbot):
    window = open_window(qtbot, two_state_project())
    window.actions_by_name["rules"].trigger()
    dialog = window.rules_dialog
    dialog.stay_within.setCurrentText("state")
    dialog.max_accounts.setValue(30)
    dialog.licence_field.setText("licensed_states")
    dialog.state_field.setCurrentText("state")
    dialog.licences.setText("NC, SC")
    assert "Every rule holds" in dialog.report.toPlainText()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    settings = window.session.project.settings
    assert settings["constraints"]["stay_within"] == "state"
    assert settings["constraints"]["max_accounts"] == 30
    assert settings["rep_attributes"]["Ann"]["licensed_states"] == "NC;SC"
    window.actions_by_name["undo"].trigger()
    assert "constraints" not in settings or not settings["constraints"]


def test_place_in_hierarchy_dock_and_colour_by_district(qtbot):
    window = open_window(qtbot, two_state_project())
    session = window.session
    session.set_active_territory(0)
    window.actions_by_name["place_in_hierarchy"].trigger()
    dialog = window.parents_dialog
    dialog.fields[0].setText("D1")
    dialog.fields[1].setText("East")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert session.execute(SetParents(1, ["D1"]))
    assert session.execute(SetParents(2, ["D2", "East"]))
    assert session.execute(SetParents(3, ["D3", "West"]))
    dock = window.hierarchy_dock
    dock.refresh()
    tops = {dock.tree.topLevelItem(i).text(0): dock.tree.topLevelItem(i) for i in range(2)}
    assert set(tops) == {"region East", "region West"}
    east = tops["region East"]
    assert east.text(1) == "36"  # units of Territories 1-3 rolled up
    window.level_colouring.colour_by("district")
    items = window.canvas.units.items
    colour = items[cell(0, 0)].brush().color().name()
    assert colour == palette_color(0)  # D1, the first district
    assert items[cell(5, 0)].brush().color().name() == colour  # Territory 2, also D1
    assert items[cell(0, 7)].brush().color().name() == palette_color(1)  # D2
    session.assign(np.array([cell(0, 4)]), 0)  # a D2 unit painted into D1
    assert items[cell(0, 4)].brush().color().name() == palette_color(0)
    window.level_colouring.colour_by(None)
    assert window.canvas.units.classes is None


def test_the_hidden_hierarchy_dock_is_filled_when_shown(qtbot):
    window = open_window(qtbot, two_state_project())
    session = window.session
    dock = window.hierarchy_dock

    def named(text):
        flags = Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive
        return dock.tree.findItems(text, flags, 0)

    assert not dock.shown  # tabbed behind the Territories dock
    assert dock.tree.topLevelItemCount() == 0  # not built at start
    assert session.execute(SetParents(1, ["D1"]))
    dock.raise_()
    qtbot.waitUntil(lambda: len(named("district D1")) == 1)
    window.territory_dock.raise_()
    qtbot.waitUntil(lambda: not dock.shown)
    assert session.execute(SetParents(2, ["D2"]))  # while hidden
    dock.raise_()
    qtbot.waitUntil(lambda: len(named("district D2")) == 1)
    assert len(named("district D1")) == 1


def write_alignment(path, bad=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Today"
    ws.append(["Unit", "Territory", "Rep", "District", "Region"])
    for k in range(48):
        t, d, r = ("N1", "DN", "East") if k % 8 < 4 else ("S1", "DS", "South")
        ws.append([f"{k:04d}" if not (bad and k == 5) else "9999", t, f"Rep {t}", d, r])
    wb.save(path)
    return path


def test_import_alignment_from_the_file_menu(qtbot, tmp_path):
    prompts = ScriptedPrompts()
    window = open_window(qtbot, two_state_project(), prompts)
    project = window.session.project
    before = dict(project.plans)
    prompts.ask_alignment_file = lambda parent: str(write_alignment(tmp_path / "bad.xlsx", True))
    window.actions_by_name["import_alignment"].trigger()
    assert prompts.errors
    assert "bad.xlsx, sheet Today, row 7, column A (Unit)" in prompts.errors[0][1]
    assert dict(project.plans) == before
    prompts.ask_alignment_file = lambda parent: str(write_alignment(tmp_path / "good.xlsx"))
    window.actions_by_name["import_alignment"].trigger()
    assert project.active_plan_name == "Alignment good"
    assert {t.id for t in project.plan.territories.values()} == {"N1", "S1"}
    assert "2 territories" in window.statusBar().currentMessage()
    window.actions_by_name["undo"].trigger()
    assert dict(project.plans) == before


def test_the_legend_names_the_districts_while_the_map_shows_them(qtbot):
    window = open_window(qtbot, two_state_project())
    session = window.session
    for code, district in enumerate(["D1", "D1", "D2", "D3"]):
        assert session.execute(SetParents(code, [district], {"D1": "Piedmont"}))
    window.level_colouring.colour_by("district")
    legend = window.canvas.overlays.legend
    assert legend.title == "District"
    assert [text for _c, text in legend.rows] == ["Piedmont", "D2", "D3"]
    session.assign(np.array([cell(0, 4)]), 0)
    qtbot.wait(400)  # the canvas's own refresh after an edit
    assert legend.title == "District"
    window.level_colouring.colour_by(None)
    assert legend.title == "Territories"


def test_new_overlay_from_the_plans_menu(qtbot):
    from td_rules import with_product_accounts

    window = open_window(qtbot, with_product_accounts(two_state_project()))
    project = window.session.project
    window.actions_by_name["overlay_new"].trigger()
    dialog = window.overlay_dialog
    assert dialog.column.currentText() == "product_line"
    assert [dialog.line.itemText(i) for i in range(dialog.line.count())] == ["Cloud", "Devices"]
    dialog.line.setCurrentText("Devices")
    assert dialog.name.text() == "Overlay Devices"
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert project.active_plan_name == "Overlay Devices"
    assert "revenue [Devices]" in project.weight_fields
    assert sum(project.metrics.values("accounts [Devices]").values()) == 96
    assert "96 Devices accounts" in window.statusBar().currentMessage()
    window.actions_by_name["undo"].trigger()
    assert "Overlay Devices" not in project.plans
    assert "revenue [Devices]" not in project.weight_fields


def test_a_refused_hierarchy_edit_keeps_the_dialog_open_with_the_reason(qtbot):
    window = open_window(qtbot, two_state_project())
    session = window.session
    assert session.execute(SetParents(1, ["D1", "East"]))
    session.set_active_territory(0)
    window.actions_by_name["place_in_hierarchy"].trigger()
    dialog = window.parents_dialog
    dialog.fields[0].setText("East")  # a region given as the district
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert "'East' is a region, not a district." in dialog.error.text()
    assert session.undo_stack.count() == 1  # only the edit above

"""Issue 11: set or drag a rep's home base on the map; each is one undo step and saved."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence

from territory_designer.core.errors import EditError
from territory_designer.core.operations import UpdateTerritory
from territory_designer.io.project_file import load_project, save_project
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.canvas.paths import project_xy
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, demo_project) -> MainWindow:
    window = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    qtbot.waitExposed(window)
    window.canvas.zoom_to_all()
    window.canvas.wait_idle()
    return window


def _xy_at(window: MainWindow, pos: QPoint) -> tuple[float, float]:
    return project_xy(window.canvas.mapToScene(pos))


def _marker_pos(window: MainWindow, code: int) -> QPoint:
    """A viewport point on a territory's home marker (the house stands on its anchor)."""
    item = window.canvas.territories.home_items()[code]
    return window.canvas.mapFromScene(item.pos()) + QPoint(0, -4)


def _territory(window: MainWindow, name: str) -> int:
    plan = window.session.project.plan
    return next(c for c, t in plan.territories.items() if t.name == name)


def test_a_click_sets_the_active_territorys_home_base_in_one_undo_step(qtbot, window):
    session, canvas = window.session, window.canvas
    code = _territory(window, "Triad")
    session.set_active_territory(code)
    old = session.project.plan.territories[code].home_base
    window.actions_by_name["territory_set_home"].trigger()  # Territory › Set Home Base on Map
    assert canvas.tool == "home"
    assert "Home Base → Triad" in window.tool_status.text()
    # A spot of the map away from every marker and label.
    unit = session.project.units.index_of("37169")  # Stokes county, in the Triad
    target = canvas.viewport_pos_from_project_xy(*session.project.units.centroid[unit])
    target += QPoint(9, 9)
    steps = session.undo_stack.count()
    qtbot.mouseClick(canvas.viewport(), LEFT, pos=target)
    new = session.project.plan.territories[code].home_base
    assert new == pytest.approx(_xy_at(window, target), abs=1 / canvas.scale_px_per_unit())
    assert session.undo_stack.count() == steps + 1
    assert session.undo_stack.undoText() == "Move home base of Triad"
    canvas.wait_idle()
    marker = canvas.territories.home_items()[code]
    assert (canvas.mapFromScene(marker.pos()) - target).manhattanLength() <= 1
    session.undo_stack.undo()
    assert session.project.plan.territories[code].home_base == old
    session.undo_stack.redo()
    assert session.project.plan.territories[code].home_base == new


def test_dragging_a_marker_moves_that_home_base_once_on_release(qtbot, window):
    session, canvas = window.session, window.canvas
    code = _territory(window, "Coastal")
    session.set_active_territory(_territory(window, "Mountains"))  # any other territory
    canvas.set_tool("home")
    old = session.project.plan.territories[code].home_base
    start = _marker_pos(window, code)
    end = start + QPoint(-60, -25)
    steps = session.undo_stack.count()
    view = canvas.viewport()
    qtbot.mousePress(view, LEFT, pos=start)
    for t in np.linspace(0, 1, 6)[1:]:
        qtbot.mouseMove(view, start + (end - start) * float(t))
    assert session.project.plan.territories[code].home_base == old  # nothing until release
    assert session.undo_stack.count() == steps
    qtbot.mouseRelease(view, LEFT, pos=end)
    moved = session.project.plan.territories[code].home_base
    px = 1 / canvas.scale_px_per_unit()
    expected = np.array(old) + np.array([-60 * px, 25 * px])  # screen y points down
    assert moved == pytest.approx(tuple(expected), abs=2 * px)
    assert session.undo_stack.count() == steps + 1
    assert session.undo_stack.undoText() == "Move home base of Coastal"
    territories = session.project.plan.territories
    assert territories[_territory(window, "Mountains")].home_base is not None  # untouched
    session.undo_stack.undo()
    assert session.project.plan.territories[code].home_base == old


def test_escape_puts_a_dragged_marker_back_and_changes_nothing(qtbot, window):
    session, canvas = window.session, window.canvas
    code = _territory(window, "Sandhills")
    canvas.set_tool("home")
    old = session.project.plan.territories[code].home_base
    marker = canvas.territories.home_items()[code]
    origin = marker.pos()
    start = _marker_pos(window, code)
    steps = session.undo_stack.count()
    canvas.setFocus()
    qtbot.mousePress(canvas.viewport(), LEFT, pos=start)
    qtbot.mouseMove(canvas.viewport(), start + QPoint(40, 40))
    assert marker.pos() != origin  # the marker follows the mouse
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert marker.pos() == origin
    qtbot.mouseRelease(canvas.viewport(), LEFT, pos=start + QPoint(40, 40))
    assert session.project.plan.territories[code].home_base == old
    assert session.undo_stack.count() == steps


def test_clicking_a_marker_picks_its_territory_without_moving_it(qtbot, window):
    session, canvas = window.session, window.canvas
    code = _territory(window, "Inner Banks")
    session.set_active_territory(_territory(window, "Triad"))
    canvas.set_tool("home")
    old = session.project.plan.territories[code].home_base
    steps = session.undo_stack.count()
    qtbot.mouseClick(canvas.viewport(), LEFT, pos=_marker_pos(window, code))
    assert session.active_code == code
    assert session.project.plan.territories[code].home_base == old
    assert session.undo_stack.count() == steps


def test_home_bases_set_on_the_map_are_saved_and_can_be_cleared(qtbot, window, tmp_path):
    session, canvas = window.session, window.canvas
    code = _territory(window, "Foothills")
    session.set_active_territory(code)
    canvas.set_tool("home")
    unit = session.project.units.index_of("37035")  # Catawba
    target = canvas.viewport_pos_from_project_xy(*session.project.units.centroid[unit])
    target += QPoint(8, 8)
    qtbot.mouseClick(canvas.viewport(), LEFT, pos=target)
    home = session.project.plan.territories[code].home_base
    path = save_project(session.project, tmp_path / "homes.tdproj")
    reopened = load_project(path)
    assert reopened.plan.territories[code].home_base == pytest.approx(home)
    window.actions_by_name["territory_clear_home"].trigger()
    assert session.project.plan.territories[code].home_base is None
    assert session.undo_stack.undoText() == "Clear home base of Foothills"
    canvas.wait_idle()
    assert code not in canvas.territories.home_items()
    assert not window.actions_by_name["territory_clear_home"].isEnabled()
    session.undo_stack.undo()
    assert session.project.plan.territories[code].home_base == pytest.approx(home)


def test_without_an_active_territory_a_click_says_what_to_do(qtbot, window):
    session, canvas = window.session, window.canvas
    session.set_active_territory(-1)  # "(unassign)"
    canvas.set_tool("home")
    before = {c: t.home_base for c, t in session.project.plan.territories.items()}
    qtbot.mouseClick(canvas.viewport(), LEFT, pos=QPoint(30, 30))
    assert "Choose a territory" in window.statusBar().currentMessage()
    assert {c: t.home_base for c, t in session.project.plan.territories.items()} == before


def test_the_tool_key_is_m_and_clashes_with_no_other_shortcut(qtbot, window):
    canvas = window.canvas
    action = window.tools_toolbar.tool_actions["home"]
    assert action.shortcut() == QKeySequence("M")
    keys = [
        s.toString()
        for a in [*window.findChildren(type(action)), *canvas.actions()]
        if a is not action
        for s in a.shortcuts()
    ]
    assert "M" not in keys
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    assert canvas.tool == "home"


@pytest.mark.parametrize("bad", [("a", 1), (1.0,), (float("nan"), 2.0)])
def test_a_home_base_must_be_a_point(grid_project, bad):
    code = next(iter(grid_project.plan.territories))
    old = grid_project.plan.territories[code].home_base
    with pytest.raises(EditError, match="home-base point"):
        grid_project.apply(UpdateTerritory(code, home_base=bad))
    assert grid_project.plan.territories[code].home_base == old


def test_the_cursor_says_a_marker_can_be_dragged(qtbot, window):
    canvas = window.canvas
    canvas.set_tool("home")
    qtbot.wait(50)  # the window's layout has settled
    code = _territory(window, "Triangle")
    qtbot.mouseMove(canvas.viewport(), _marker_pos(window, code))
    assert canvas.viewport().cursor().shape() == Qt.CursorShape.OpenHandCursor
    qtbot.mouseMove(canvas.viewport(), QPoint(5, canvas.viewport().height() - 60))
    assert canvas.viewport().cursor().shape() == Qt.CursorShape.CrossCursor


def test_help_lists_the_home_base_key_once_among_the_map_keys(window):
    window.actions_by_name["help_shortcuts"].trigger()
    _title, html = window.prompts.help_pages[-1]
    menu_part, map_part = html.split("On the map", 1)
    assert "Set Home Base on Map" not in menu_part
    assert map_part.count("Set Home Base on Map") == 1

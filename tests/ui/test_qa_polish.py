"""QA polish: labels of territories seen when zoomed in, a readable deviation bar, and a
status bar that does not repeat the dock."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF
from td_factories import build_grid_project

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.canvas.map_canvas import MapCanvas
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.docks.delegates import deviation_bar, deviation_layout
from territory_designer.ui.main_window import MainWindow
from territory_designer.ui.qt_models.territory_model import Column
from territory_designer.ui.session import Session

N = 10


def _label_on_screen(canvas: MapCanvas, code: int) -> bool:
    text = canvas.territories._labels[code][1]
    return text.isVisible() and canvas.viewport().rect().contains(canvas.mapFromScene(text.pos()))


def test_zoomed_in_map_names_every_territory_in_view_inside_its_visible_part(qtbot):
    # A left, B right; both label points sit mid-height, far from the bottom rows.
    session = Session(build_grid_project(N, N, ["AAAAABBBBB"] * N))
    canvas = MapCanvas(session)
    qtbot.addWidget(canvas)
    canvas.resize(600, 600)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.wait_idle()
    assert _label_on_screen(canvas, 0) and _label_on_screen(canvas, 1)
    # Zoom onto the bottom of the shared border: neither label point is on screen.
    session.set_selection([row * N + col for row in (0, 1) for col in range(3, 7)])
    canvas.zoom_to_selection()
    assert not _label_on_screen(canvas, 0) and not _label_on_screen(canvas, 1)
    # Once the zoom settles, both territories are named, each inside its own visible part.
    qtbot.waitUntil(
        lambda: _label_on_screen(canvas, 0) and _label_on_screen(canvas, 1), timeout=2000
    )
    assignment = session.project.plan.assignment
    for code in (0, 1):
        pos = canvas.territories._labels[code][1].pos()
        assert assignment[canvas.units_at(pos)].tolist() == [code]
    # Back at the whole map, the labels return to their own points.
    canvas.zoom_to_all()
    canvas.wait_idle()
    assert _label_on_screen(canvas, 0) and _label_on_screen(canvas, 1)


def test_small_deviation_draws_a_visible_bar_in_the_default_dock(qtbot, demo_project):
    window = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window._default_dock_width()  # noqa: SLF001 - the layout a first start gets
    view = window.territory_dock.view
    qtbot.waitUntil(lambda: view.columnWidth(Column.DEVIATION) >= 150, timeout=15000)
    bold = QFont(view.font())
    bold.setBold(True)
    metrics = QFontMetricsF(bold)
    cell = QRectF(0, 0, view.columnWidth(Column.DEVIATION), 24).adjusted(3, 3, -3, -3)
    text_rect, zone = deviation_layout(cell, metrics)
    assert metrics.horizontalAdvance("+126.5%") <= text_rect.width() - 2
    assert deviation_bar(zone, 4.0).width() >= 8
    assert deviation_bar(zone, -4.0).right() == zone.center().x()
    assert deviation_bar(zone, 0.3).width() >= 2  # never lost under the centre tick
    assert deviation_bar(zone, 60.0).width() == zone.width() / 2  # clipped at the edge


def test_status_bar_says_what_a_click_does_instead_of_repeating_the_dock(qtbot, demo_project):
    window = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    dock_text = window.territory_dock.summary_label.text()
    status = window.tool_status
    assert "Max deviation" in dock_text
    assert "Max deviation" not in status.text() and "contiguous" not in status.text()
    active = demo_project.plan.territories[window.session.active_code].name
    assert status.text() == f"Brush 12 px → {active}"
    window.tools_toolbar.brush_spin.setValue(30)
    assert status.text() == f"Brush 30 px → {active}"
    window.canvas.set_tool("eraser")
    assert status.text() == "Eraser 30 px → unassigned"
    other = sorted(demo_project.plan.territories)[-1]
    window.canvas.set_tool("lasso")
    window.session.set_active_territory(other)
    assert status.text() == f"Lasso → {demo_project.plan.territories[other].name}"
    window.session.set_selection([0, 1, 2])
    assert status.text().endswith("· 3 units selected")

"""Issue 11: the map's legend, scale bar, hover tooltip and colouring by a metric."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication
from td_factories import build_grid_project

from territory_designer.core.operations import UpdateTerritory
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.canvas.choropleth import RAMP, quantile_classes
from territory_designer.ui.canvas.overlays import nice_length
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


@pytest.fixture
def open_window(qtbot):
    def make(project):
        window = MainWindow(project, "Untitled", AppSettings(), ScriptedPrompts())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def hover(window: MainWindow, unit: int) -> None:
    canvas = window.canvas
    x, y = window.session.project.units.centroid[unit]
    pos = canvas.viewport_pos_from_project_xy(x, y)
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(canvas.viewport().mapToGlobal(pos)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas.viewport(), move)


def pixel(window: MainWindow, unit: int) -> QColor:
    canvas = window.canvas
    canvas.wait_idle()
    x, y = window.session.project.units.centroid[unit]
    pos = canvas.viewport_pos_from_project_xy(x, y)
    return canvas.viewport().grab().toImage().pixelColor(pos + QPoint(2, 2))


def test_legend_lists_the_territories_and_follows_edits(qtbot, open_window):
    window = open_window(build_grid_project(4, 6, ["AAABB.", "AAABB.", "CCCBB.", "CCCBB."]))
    legend = window.canvas.overlays.legend
    assert legend.isVisible() and legend.title == "Territories"
    assert [t for _c, t in legend.rows] == [
        "Territory A",
        "Territory B",
        "Territory C",
        "Unassigned",
    ]
    assert legend.rows[0][0].name() == window.session.project.plan.territories[0].color
    window.session.execute(UpdateTerritory(1, name="Bay Area", color="#123456"))
    qtbot.waitUntil(lambda: ("#123456", "Bay Area") in [(c.name(), t) for c, t in legend.rows if c])
    window.session.assign(np.array([5, 11, 17, 23]), 0)  # nothing unassigned any more
    qtbot.waitUntil(lambda: "Unassigned" not in [t for _c, t in legend.rows])
    # The View menu hides and shows it.
    window.actions_by_name["layer_legend"].setChecked(False)
    assert not legend.isVisible()
    window.actions_by_name["layer_legend"].setChecked(True)
    assert legend.isVisible()


def test_scale_bar_length_matches_the_map(qtbot, open_window):
    window = open_window(build_grid_project(4, 6, ["AAABBB"] * 4))
    canvas, bar = window.canvas, window.canvas.overlays.scale_bar
    assert bar.isVisible()
    px_per_m = canvas.scale_px_per_unit()
    assert bar.bar_px == pytest.approx(bar.length_m * px_per_m, abs=1)
    assert 30 <= bar.bar_px <= 140
    before = bar.length_m
    canvas.zoom_in()
    canvas.zoom_in()
    canvas.zoom_in()
    assert bar.length_m < before
    assert bar.bar_px == pytest.approx(bar.length_m * canvas.scale_px_per_unit(), abs=1)
    # The grid's squares are 1 km: the label speaks in the map's units.
    assert nice_length(25.0) == (2000.0, "2 km")
    assert nice_length(0.5) == (50.0, "50 m")
    assert nice_length(3000.0) == (200_000.0, "200 km")


def test_hover_tooltip_gives_the_unit_and_its_territory_figures(qtbot, open_window, demo_project):
    window = open_window(demo_project)
    project = window.session.project
    wake = project.units.index_of("37183")
    hover(window, wake)
    tip = window.canvas.viewport().toolTip()
    t = project.plan.territories[int(project.plan.assignment[wake])]
    assert "Wake" in tip and t.name in tip and t.owner in tip
    units = int((project.plan.assignment == project.plan.assignment[wake]).sum())
    assert f"{units:,} units" in tip and "accounts" in tip and "% from target" in tip


def test_colour_by_a_metric_fills_units_by_class_with_its_legend(qtbot, open_window, demo_project):
    window = open_window(demo_project)
    project, canvas = window.session.project, window.canvas
    window._rebuild_color_menu()  # noqa: SLF001 - what opening the menu does
    choice = next(a for a in window.color_menu.actions() if a.data() == "revenue")
    choice.trigger()
    assert canvas.color_field == "revenue"
    values = project.unit_values("revenue")
    classes = quantile_classes("revenue", values)
    legend = canvas.overlays.legend
    assert legend.title == "Revenue" and len(legend.rows) == len(classes.colors) + 1
    top, low = int(np.argmax(values)), int(np.argmin(np.where(values > 0, values, np.inf)))
    canvas.zoom_to_all()
    for layer in ("accounts", "labels", "home_bases", "unit_borders"):  # only the fills
        canvas.set_layer_visible(layer, False)
    assert pixel(window, top).name() == RAMP[-1]
    assert pixel(window, low).name() == RAMP[0]
    # Painting still works and does not repaint the metric colours.
    code = int(project.plan.assignment[low])
    other = next(c for c in project.plan.territories if c != code)
    window.session.assign(np.array([low]), other)
    assert pixel(window, low).name() == RAMP[0]
    # Back to territories: the unit takes its new territory's colour, the legend its names.
    next(a for a in window.color_menu.actions() if a.data() is None).trigger()
    assert pixel(window, low).name() == project.plan.territories[other].color
    assert legend.title == "Territories"

"""Signed figures (growth %) on the map: a diverging scale, and the View menu says so."""

from __future__ import annotations

import numpy as np
import pandas as pd
from perf_factories import two_territory_project

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.canvas.choropleth import (
    DIVERGING,
    RAMP,
    classes_of,
    diverging_classes,
)
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow

NEUTRAL = len(DIVERGING) // 2


def test_negative_values_are_red_zero_neutral_positive_blue_and_nan_uncoloured():
    values = np.array([-40.0, -10.0, -2.0, 0.0, np.nan, 2.0, 10.0, 40.0])
    classes = diverging_classes("Growth %", values)
    assert classes.colors == DIVERGING and classes.lower == -40.0
    bins = classes.bins
    assert (bins[:3] < NEUTRAL).all() and bins[3] == NEUTRAL and bins[4] == -1
    assert (bins[5:] > NEUTRAL).all()
    # Symmetric: -10 % and +10 % are equally deep; bigger losses are darker.
    assert NEUTRAL - bins[1] == bins[6] - NEUTRAL
    assert bins[0] < bins[1] < bins[2]
    # Upper bounds ascending, one per class; the neutral class is exactly zero.
    assert len(classes.breaks) == len(DIVERGING) and np.all(np.diff(classes.breaks) >= 0)
    assert classes.breaks[NEUTRAL - 1] == 0 == classes.breaks[NEUTRAL]


def test_positive_only_figures_keep_the_quantile_ramp():
    assert classes_of("Sales", np.array([1.0, 5.0, 0.0, 9.0])).colors[-1] == RAMP[-1]
    assert classes_of("Growth", np.array([1.0, -5.0])).colors == DIVERGING
    only_zero = diverging_classes("Growth", np.array([0.0, np.nan]))
    assert only_zero.bins.tolist() == [0, -1] and only_zero.colors == (DIVERGING[NEUTRAL],)


def _pixel(canvas, project, unit):
    canvas.wait_idle()
    x, y = project.units.centroid[unit]
    pos = canvas.viewport_pos_from_project_xy(x, y)
    return canvas.viewport().grab().toImage().pixelColor(pos)


def _checked(window):
    window.color_menu.aboutToShow.emit()
    return [a.text() for a in window.color_menu.actions() if a.isChecked()]


def test_growth_is_offered_on_the_map_and_the_view_menu_names_it(qtbot):
    project = two_territory_project()
    # 2025: T01 sells 120 (430 in 2024: -72 %), T02 400 (300 in 2024: +33 %).
    extra = pd.DataFrame([("b1", "2025-02-01", 400.0)], columns=project.transactions.columns)
    project.transactions = pd.concat([project.transactions, extra], ignore_index=True)
    window = MainWindow(project, "Sales", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.actions_by_name["performance"].trigger()
    dock = window.performance_dock
    qtbot.waitUntil(lambda: dock.isVisible() and not dock.updating, timeout=15000)
    dock.period_box.setCurrentText("year")
    qtbot.waitUntil(lambda: not dock.updating, timeout=15000)
    assert _checked(window) == ["Territory"]
    dock.map_colours.box.setCurrentText("Growth % (territory)")
    canvas = window.canvas
    classes = canvas.units.classes
    assert classes.colors == DIVERGING
    assert classes.bins[0] < NEUTRAL < classes.bins[1]  # T01 lost, T02 grew
    loss, gain = _pixel(canvas, project, 0), _pixel(canvas, project, 1)
    assert loss.red() > loss.blue() and gain.blue() > gain.red()
    assert "losses red, gains blue" in dock.map_colours.message.text()
    legend = canvas.overlays.legend
    assert legend.rows[0][1].startswith(("-", "−"))  # the legend starts with a loss
    assert _checked(window) == ["Growth % (territory) (Performance)"]
    # Back to the territories: the menu says so again.
    dock.map_colours.box.setCurrentText("Territories")
    assert canvas.units.classes is None and _checked(window) == ["Territory"]


def test_a_kept_metric_with_negative_values_is_coloured_diverging(qtbot):
    from territory_designer.core.history_operations import SetUnitField

    project = two_territory_project()
    project.apply(SetUnitField("gap", np.array([-50.0, 80.0]), "Keep gap"))
    window = MainWindow(project, "Sales", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    window.canvas.set_color_by("gap")
    assert window.canvas.units.classes.colors == DIVERGING
    bins = window.canvas.units.classes.bins
    assert bins[0] < NEUTRAL < bins[1] == len(DIVERGING) - 1  # 80 is the largest magnitude

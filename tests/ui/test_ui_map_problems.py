"""Issue 11: the Problems dock lists what is wrong with the plan; a row zooms there."""

from __future__ import annotations

import numpy as np
from td_factories import build_grid_project

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


def test_problems_dock_lists_and_zooms_and_follows_edits(qtbot):
    project = build_grid_project(10, 10, ["AAAAABBBBB"] * 9 + ["AAAAABBBA."])
    window = MainWindow(project, "U", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    dock = window.problems_dock
    rows = [dock.view.item(r).text() for r in range(dock.view.count())]
    assert any("1 unit unassigned" in r for r in rows)
    assert any("Territory A: piece 2 of 2 (1 unit)" in r for r in rows)
    assert dock.windowTitle() == "Problems (2)" or dock.windowTitle().startswith("Problems (")
    # Choosing the piece selects its unit and frames it.
    row = next(r for r in range(dock.view.count()) if "piece 2" in dock.view.item(r).text())
    dock.view.itemClicked.emit(dock.view.item(row))
    island = int(window.session.selection[0])
    assert window.session.selection.tolist() == [island]
    x0, y0, x1, y1 = window.canvas.visible_project_rect()
    cx, cy = project.units.centroid[island]
    assert x0 < cx < x1 and y0 < cy < y1 and (x1 - x0) < 5_000
    # Painting the island and the gap into B clears both problems.
    unassigned = int(np.flatnonzero(project.plan.assignment < 0)[0])
    window.session.assign(np.array([island, unassigned]), 1)
    qtbot.waitUntil(lambda: dock.problems == [], timeout=15000)
    assert dock.view.item(0).text() == "No problems found in this plan."

"""Issue 11: the search box finds a unit, a territory, an account or a city; Enter goes there."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

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
    qtbot.waitUntil(lambda: window.canvas.basemap.layer is not None, timeout=30000)
    return window


def search(qtbot, window, text):
    box = window.search_box
    window.actions_by_name["find"].trigger()  # Ctrl+F
    assert box.hasFocus()
    box.clear()
    if text.isascii():
        qtbot.keyClicks(box, text)
    else:  # QTest types ASCII only (a dash as picked from the list)
        box.setText(text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_unit_by_id_or_name_is_selected_and_framed(qtbot, window):
    project = window.session.project
    wake = project.units.index_of("37183")
    search(qtbot, window, "37183")
    assert window.session.selection.tolist() == [wake]
    x0, y0, x1, y1 = window.canvas.visible_project_rect()
    assert (x1 - x0) < 0.5 * (project.units.bounds[2] - project.units.bounds[0])
    cx, cy = project.units.centroid[wake]
    assert x0 < cx < x1 and y0 < cy < y1
    window.canvas.zoom_to_all()
    search(qtbot, window, "durham")
    assert project.units.names[window.session.selection[0]] == "Durham"


def test_territory_becomes_active_and_fills_the_view(qtbot, window):
    project = window.session.project
    search(qtbot, window, "Inner Ban")
    code = next(c for c, t in project.plan.territories.items() if t.name == "Inner Banks")
    assert window.session.active_code == code
    assert set(window.session.selection.tolist()) == set(project.plan.units_of(code).tolist())


def test_account_and_city_take_you_to_their_unit(qtbot, window):
    project = window.session.project
    table = project.accounts.table
    row = table.iloc[10]
    search(qtbot, window, str(row["account_id"]))
    assert window.session.selection.tolist() == [int(row["unit"])]
    search(qtbot, window, "Asheville — city")
    assert project.units.names[window.session.selection[0]] == "Buncombe"


def test_nothing_found_says_so_and_changes_nothing(qtbot, window):
    messages = []
    window.session.sig_status.connect(messages.append)
    before = window.canvas.visible_project_rect()
    search(qtbot, window, "Atlantis")
    assert "Nothing called" in messages[-1]
    assert window.canvas.visible_project_rect() == before
    assert np.asarray(window.session.selection).size == 0

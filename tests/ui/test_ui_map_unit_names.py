"""Issue 11: unit names on the map when zoomed in — visible units only, never overlapping."""

from __future__ import annotations

import numpy as np
import pytest
from td_factories import build_grid_project

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


def _open(qtbot, project) -> MainWindow:
    window = MainWindow(project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    qtbot.waitExposed(window)
    window.canvas.wait_idle()
    return window


def _zoom_to(window: MainWindow, unit_ids: list[str]) -> None:
    session, canvas = window.session, window.canvas
    session.set_selection(session.project.units.indices_of(unit_ids))
    canvas.zoom_to_selection()
    session.set_selection([])
    canvas.wait_idle()


@pytest.fixture
def window(qtbot, demo_project) -> MainWindow:
    window = _open(qtbot, demo_project)
    qtbot.waitUntil(lambda: window.canvas.basemap.layer is not None, timeout=30000)
    window.canvas.wait_idle()
    return window


def test_names_appear_only_when_zoomed_in_and_only_for_units_in_view(window):
    canvas, project = window.canvas, window.session.project
    labels = canvas.unit_labels
    canvas.zoom_to_all()
    canvas.wait_idle()
    assert labels.shown == []  # the whole state: territory names only
    _zoom_to(window, ["37183", "37063", "37069"])  # Wake, Durham, Franklin
    assert len(labels.shown) >= 4
    xmin, ymin, xmax, ymax = canvas.visible_project_rect()
    for k in labels.shown:
        x, y = project.units.centroid[k]
        assert xmin <= x <= xmax and ymin <= y <= ymax
        assert labels.name(k) == project.units.names[k]
        assert labels._items[k].isVisible()  # noqa: SLF001 - the item drawn
    assert "Franklin" in {labels.name(k) for k in labels.shown}


def test_names_overlap_neither_each_other_nor_other_map_text(window):
    canvas = window.canvas
    _zoom_to(window, ["37183", "37063", "37069", "37101", "37037"])
    shown = canvas.unit_labels.shown_rects
    assert len(shown) >= 4
    for i, a in enumerate(shown):
        assert not any(a.intersects(b) for b in shown[i + 1 :])
    others = (
        canvas.territories.label_rects_px()
        + canvas.territories.home_rects_px()
        + canvas.basemap.layer.shown_rects
        + canvas.overlay_rects_px()  # the legend and the scale bar
    )
    assert len(canvas.overlay_rects_px()) == 2
    for a in shown:
        assert not any(a.intersects(b) for b in others)


def test_view_menu_switches_unit_names_off_and_on(window):
    canvas = window.canvas
    _zoom_to(window, ["37183", "37069"])
    assert canvas.unit_labels.shown
    action = window.actions_by_name["layer_unit_names"]
    view_actions = window.menus["view"].actions()
    assert (
        view_actions.index(action) == view_actions.index(window.actions_by_name["layer_labels"]) + 1
    )
    action.setChecked(False)
    canvas.wait_idle()
    assert canvas.unit_labels.shown == []
    assert not any(item.isVisible() for item in canvas.unit_labels._items.values())  # noqa: SLF001
    action.setChecked(True)
    canvas.wait_idle()
    assert canvas.unit_labels.shown


def test_units_without_names_show_their_ids(qtbot):
    project = build_grid_project(6, 6, ["AAABBB"] * 3 + ["CCCDDD"] * 3)
    project.units.names = np.array([""] * len(project.units), dtype=object)
    window = _open(qtbot, project)
    canvas = window.canvas
    canvas.zoom_to_all()  # 6 x 6 cells fill the view: each cell is large on screen
    canvas.wait_idle()
    labels = canvas.unit_labels
    assert labels.shown
    assert {labels.name(k) for k in labels.shown} <= set(project.units.ids)


def test_names_stay_clear_of_a_territory_label_that_moved_after_an_edit(qtbot, window):
    canvas, session = window.canvas, window.session
    _zoom_to(window, ["37183", "37063", "37069", "37101", "37037"])
    project = session.project
    # Paint Wake into Durham's neighbour territory: labels move at once, names follow.
    wake = project.units.index_of("37183")
    other = int(project.plan.assignment[project.units.index_of("37001")])
    session.assign(np.array([wake]), other)
    canvas.wait_idle()
    territory_labels = canvas.territories.label_rects_px()
    for a in canvas.unit_labels.shown_rects:
        assert not any(a.intersects(b) for b in territory_labels)


def test_an_edit_does_not_redraw_names_that_stay(qtbot, window, monkeypatch):
    """Names keep their cached pixels across edits (redrawing haloed text is costly)."""
    from territory_designer.ui.canvas.halo_text import HaloText

    canvas, session = window.canvas, window.session
    _zoom_to(window, ["37183", "37063", "37069", "37101", "37037"])
    canvas.viewport().repaint()
    cities = list(canvas.basemap.layer.shown_cities)
    names = list(canvas.unit_labels.shown)
    assert cities and names
    painted = []
    original = HaloText.paint
    monkeypatch.setattr(
        HaloText, "paint", lambda self, *a: (painted.append(self.text()), original(self, *a))
    )
    project = session.project
    far = project.units.index_of("37039")  # Cherokee, at the far west end
    session.assign(np.array([far]), int(project.plan.assignment[project.units.index_of("37001")]))
    canvas.wait_idle()
    canvas.viewport().repaint()
    assert canvas.basemap.layer.shown_cities == cities and canvas.unit_labels.shown == names
    assert painted == []

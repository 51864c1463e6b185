"""Unit items are built after the first frame of the overview (issue 17: a 300,000-unit
project opens in 10 s): in chunks on the event loop once the map has been painted, or at
once when something needs them. Whenever an item is made, it shows the unit as it is then
(territory colour after edits, metric classes, level of detail, outlines)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from PySide6.QtGui import QColor
from td_factories import CELL, ORIGIN, build_grid_project

from territory_designer.core.operations import AssignUnits, UpdateTerritory
from territory_designer.ui.canvas import unit_layer
from territory_designer.ui.canvas.map_canvas import MapCanvas
from territory_designer.ui.session import Session

M = 100  # 10,000 units of 1 km: too small on screen to outline, so the overview is shown


def _project():
    codes = (np.arange(M * M) % M >= M // 2).astype(np.int32)  # left half 0, right half 1
    return build_grid_project(M, M, codes)


@pytest.fixture
def chunked(monkeypatch):
    monkeypatch.setattr(unit_layer, "ITEMS_PER_CHUNK", 1500)


def _canvas(qtbot, project) -> MapCanvas:
    canvas = MapCanvas(Session(project))
    qtbot.addWidget(canvas)
    canvas.resize(500, 500)
    return canvas


def _fill(canvas: MapCanvas, u: int) -> str:
    return canvas.units.items[u].brush().color().name()


def _expected_fills(project) -> list[str]:
    plan = project.plan
    return [plan.territories[int(c)].color.lower() for c in plan.assignment]


def test_overview_opens_without_unit_items_and_builds_them_after_the_first_paint(qtbot, chunked):
    project = _project()
    canvas = _canvas(qtbot, project)
    units = canvas.units
    assert units.overview
    assert units.items_built == 0 and not units.parent.childItems()
    canvas.show()
    qtbot.waitExposed(canvas)
    qtbot.waitUntil(lambda: units.items_built > 0)
    assert not units.items_complete  # chunks, not one long stall
    assert units.items_built % 1500 == 0
    assert not units.parent.isVisible()  # under the overview's fills
    qtbot.waitUntil(lambda: units.items_complete, timeout=10000)
    assert all(item.scene() is canvas.scene() for item in units.items)
    assert not units.parent.isVisible()  # still the overview
    assert [_fill(canvas, u) for u in range(M * M)] == _expected_fills(project)


def test_edits_while_items_are_built_reach_every_unit(qtbot, chunked):
    project = _project()
    canvas = _canvas(qtbot, project)
    units = canvas.units
    canvas.show()
    qtbot.waitExposed(canvas)
    qtbot.waitUntil(lambda: units.items_built > 0)
    built = units.items_built
    # A block of rows on both sides of the built items, then a territory's new colour.
    block = np.arange(built - 300, built + 300)
    project.apply(AssignUnits(block, 1))
    project.apply(UpdateTerritory(0, color="#123456"))
    canvas.wait_idle()
    qtbot.waitUntil(lambda: units.items_complete, timeout=10000)
    assert [_fill(canvas, u) for u in range(M * M)] == _expected_fills(project)
    assert _fill(canvas, 0) == "#123456" and _fill(canvas, int(block[-1])) != "#123456"


def test_zooming_in_builds_every_item_at_once_in_the_fine_detail(qtbot, chunked):
    project = _project()
    canvas = _canvas(qtbot, project)
    for _ in range(12):
        canvas.zoom_in()
    units = canvas.units
    assert not units.overview and units.lod == 1 and units.borders_shown
    assert units.items_complete and units.parent.isVisible()
    fine = units.paths(1)
    assert all(units.items[u].path() == fine[u] for u in (0, 4321, M * M - 1))
    assert units.items[7].pen().style() != units._no_pen.style()  # outlined
    assert [_fill(canvas, u) for u in range(M * M)] == _expected_fills(project)


def test_colouring_by_a_metric_builds_the_items_in_their_classes(qtbot, chunked):
    project = _project()
    canvas = _canvas(qtbot, project)
    assert canvas.units.items_built == 0
    canvas.set_color_by("revenue")
    units = canvas.units
    assert units.items_complete and units.parent.isVisible() and not units.overview
    classes = units.classes
    for u in (0, 55, 9999):
        b = int(classes.bins[u])
        assert units.items[u].brush().color() == QColor(classes.colors[b])
    canvas.set_color_by(None)  # back to territory colours and the overview
    assert units.overview and not units.parent.isVisible()
    assert [_fill(canvas, u) for u in range(M * M)] == _expected_fills(project)


def test_a_project_replaced_before_the_items_are_built_stops_the_chunks(qtbot, chunked):
    canvas = _canvas(qtbot, _project())
    old = canvas.units
    canvas.show()
    qtbot.waitExposed(canvas)
    qtbot.waitUntil(lambda: old.items_built > 0)
    canvas.session.replace_project(build_grid_project(3, 4, ["ABBB", "AABB", "AAAB"]))
    built = old.items_built
    qtbot.wait(50)
    assert old.items_built == built and old.parent.scene() is None
    assert len(canvas.units.items) == 12


def test_a_large_layer_draws_its_overview_from_the_fine_level(qtbot, monkeypatch):
    """Layers over LARGE_LAYER_UNITS have a coarse level simplified polygon by polygon,
    whose neighbours part: traced from it, every unit edge was a territory border and the
    300,000-unit map was drawn black."""
    from territory_designer.core import units as units_module

    m = 30
    project = build_grid_project(m, m, (np.arange(m * m) % m >= m // 2).astype(np.int32))
    fine = project.units.lod[1]
    # A coarse level whose neighbours share no edge (as polygon-by-polygon simplification
    # leaves them, at worst).
    coarse = shapely.buffer(fine, -250.0, join_style="mitre")
    project.units.lod = (coarse, fine)
    monkeypatch.setattr(units_module, "LARGE_LAYER_UNITS", m * m - 1)
    canvas = _canvas(qtbot, project)
    canvas.resize(150, 150)  # cells of about 5 px: too small to outline
    canvas.show()
    qtbot.waitExposed(canvas)
    assert canvas.units.overview and canvas.units.lod == 1 and canvas.territories.lod == 1
    borders = canvas.territories.segments().borders(project.plan.assignment)
    # Each half: 15 x 30 cells, so 15 + 15 + 30 + 30 unit edges on its outline.
    assert {c: s.size for c, s in borders.items()} == {0: 90, 1: 90}
    # The fills are the fine cells: no background between neighbours.
    canvas.set_layer_visible("labels", False)
    canvas.wait_idle()
    image = canvas.viewport().grab().toImage()
    for col in (3, 4, 5):  # on the edges between cells of one territory
        edge = canvas.viewport_pos_from_project_xy(ORIGIN[0] + col * CELL, ORIGIN[1] + 5.5 * CELL)
        assert image.pixelColor(edge).name() == project.plan.territories[0].color.lower()
    monkeypatch.setattr(units_module, "LARGE_LAYER_UNITS", 200_000)  # a small layer again
    small = _canvas(qtbot, project)
    assert small.units.lod == 0 and small.territories.lod == 0


def test_a_first_view_with_unit_outlines_shows_every_unit_item(qtbot):
    """Units big enough to outline: no overview, the items are made with the canvas."""
    project = build_grid_project(4, 6, ["AABBBB", "AABBBB", "AAABBB", "AAABBB"])
    canvas = _canvas(qtbot, project)
    units = canvas.units
    assert not units.overview and units.borders_shown
    assert units.items_complete and units.parent.isVisible()
    canvas.show()
    qtbot.waitExposed(canvas)
    assert all(item.isVisible() and item.scene() is canvas.scene() for item in units.items)
    assert [_fill(canvas, u) for u in range(24)] == _expected_fills(project)

"""Map canvas: painting tools driven by mouse events, refresh from the model, zoom.

Grids come from ``td_factories``: unit ``k`` is the 1 km square at row ``k // m``,
column ``k % m`` (row 0 at the bottom) in EPSG:3857, so the units under a gesture are
known exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication
from td_factories import CELL, ORIGIN, build_grid_project

from territory_designer.core.operations import AssignUnits, SetUnitsLocked, UpdateTerritory
from territory_designer.core.plan import UNASSIGNED
from territory_designer.ui.canvas.map_canvas import MapCanvas
from territory_designer.ui.session import Session

N = 10  # grid side
BLANK_A = ["A" + "." * (N - 1)] + ["." * N] * (N - 1)  # one unit of A, top-left; rest free


def cell_xy(col: float, row: float) -> tuple[float, float]:
    """Project coordinates of a point given in cell units (0,0 = grid's bottom-left)."""
    return ORIGIN[0] + col * CELL, ORIGIN[1] + row * CELL


def unit(row: int, col: int, m: int = N) -> int:
    return row * m + col


@pytest.fixture
def make_canvas(qtbot):
    def make(project, size=(600, 600)):
        session = Session(project)
        canvas = MapCanvas(session)
        qtbot.addWidget(canvas)
        canvas.resize(*size)
        canvas.show()
        qtbot.waitExposed(canvas)
        canvas.zoom_to_all()
        canvas.set_brush_radius_px(8)
        canvas.wait_idle()
        return canvas, session

    return make


def vp(canvas: MapCanvas, col: float, row: float) -> QPoint:
    return canvas.viewport_pos_from_project_xy(*cell_xy(col, row))


def drag(qtbot, canvas: MapCanvas, points: list[tuple[float, float]], steps: int = 6) -> None:
    """Press at the first point (cell units), move through the others, release at the last."""
    view = canvas.viewport()
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(view, left, pos=vp(canvas, *points[0]))
    for (c0, r0), (c1, r1) in zip(points[:-1], points[1:], strict=True):
        for t in np.linspace(0, 1, steps + 1)[1:]:
            qtbot.mouseMove(view, vp(canvas, c0 + t * (c1 - c0), r0 + t * (r1 - r0)))
    qtbot.mouseRelease(view, left, pos=vp(canvas, *points[-1]))


def pixel(canvas: MapCanvas, col: float, row: float) -> str:
    canvas.wait_idle()
    image = canvas.viewport().grab().toImage()
    return image.pixelColor(vp(canvas, col, row)).name()


def test_brush_stroke_assigns_exactly_the_units_under_it_as_one_undo_step(qtbot, make_canvas):
    canvas, session = make_canvas(build_grid_project(N, N, BLANK_A))
    plan = session.project.plan
    before = plan.assignment.copy()
    canvas.set_tool("brush")
    drag(qtbot, canvas, [(2.5, 5.5), (7.5, 5.5)])  # along row 5, centre of columns 2..7
    painted = np.flatnonzero(plan.assignment != before)
    assert painted.tolist() == [unit(5, c) for c in range(2, 8)]
    assert (plan.assignment[painted] == 0).all()
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    np.testing.assert_array_equal(plan.assignment, before)


def test_brush_circle_follows_the_cursor_and_size_is_clamped(qtbot, make_canvas):
    canvas, _ = make_canvas(build_grid_project(N, N, BLANK_A))
    canvas.set_tool("brush")
    qtbot.mouseMove(canvas.viewport(), vp(canvas, 3.5, 3.5))
    assert canvas.tools.circle.isVisible()
    centre = canvas.mapFromScene(canvas.tools.circle.pos())
    assert (centre - vp(canvas, 3.5, 3.5)).manhattanLength() <= 1
    canvas.set_brush_radius_px(1000)
    assert canvas.brush_radius_px == 200
    canvas.set_brush_radius_px(0)
    assert canvas.brush_radius_px == 2


def test_lasso_assigns_units_whose_centre_is_inside(qtbot, make_canvas):
    canvas, session = make_canvas(build_grid_project(N, N, BLANK_A))
    canvas.set_tool("lasso")
    triangle = [(1.6, 1.6), (5.9, 1.6), (1.6, 5.9), (1.6, 1.6)]
    drag(qtbot, canvas, triangle)
    # Centres (c + .5, r + .5) inside the triangle: c, r >= 2 and c + r + 1 <= 7.5.
    expected = sorted(
        unit(r, c) for r in range(N) for c in range(N) if c >= 2 and r >= 2 and c + r <= 6
    )
    assigned = np.flatnonzero(session.project.plan.assignment == 0)
    assert sorted(set(assigned.tolist()) - {unit(N - 1, 0)}) == expected
    assert session.undo_stack.count() == 1
    assert not canvas.tools.outline.isVisible()


def test_rectangle_assigns_units_whose_centre_is_inside(qtbot, make_canvas):
    canvas, session = make_canvas(build_grid_project(N, N, BLANK_A))
    canvas.set_tool("rectangle")
    drag(qtbot, canvas, [(2.2, 3.2), (5.8, 6.8)])
    expected = sorted(unit(r, c) for r in range(3, 7) for c in range(2, 6))
    assigned = set(np.flatnonzero(session.project.plan.assignment == 0).tolist())
    assert sorted(assigned - {unit(N - 1, 0)}) == expected


def test_click_assigns_the_unit_under_the_cursor(qtbot, make_canvas):
    canvas, session = make_canvas(build_grid_project(N, N, BLANK_A))
    canvas.set_tool("click")
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=vp(canvas, 4.5, 2.5))
    assert np.flatnonzero(session.project.plan.assignment == 0).tolist() == [
        unit(2, 4),
        unit(N - 1, 0),
    ]


def test_eraser_unassigns(qtbot, make_canvas):
    canvas, session = make_canvas(build_grid_project(N, N, ["A" * N] * N))
    canvas.set_tool("eraser")
    drag(qtbot, canvas, [(3.5, 1.5), (3.5, 4.5)])  # column 3, rows 1..4
    erased = np.flatnonzero(session.project.plan.assignment == UNASSIGNED)
    assert erased.tolist() == [unit(r, 3) for r in range(1, 5)]


def test_pick_makes_the_clicked_territory_active_and_returns_to_painting(qtbot, make_canvas):
    layout = ["AAAAABBBBB"] * N
    canvas, session = make_canvas(build_grid_project(N, N, layout))
    session.set_active_territory(0)
    canvas.set_tool("rectangle")
    changed = []
    canvas.sig_tool_changed.connect(changed.append)
    canvas.set_tool("pick")
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=vp(canvas, 7.5, 4.5))
    assert session.active_code == 1
    assert canvas.tool == "rectangle"
    assert changed == ["pick", "rectangle"]


def test_locked_units_are_skipped_and_the_status_says_so(qtbot, make_canvas):
    layout = ["AAAAABBBBB"] * N
    canvas, session = make_canvas(build_grid_project(N, N, layout))
    assert session.execute(UpdateTerritory(1, locked=True))
    assert session.execute(SetUnitsLocked([unit(2, 1)], True))
    messages = []
    session.sig_status.connect(messages.append)
    session.set_active_territory(0)
    canvas.set_tool("brush")
    drag(qtbot, canvas, [(3.5, 2.5), (8.5, 2.5)])  # row 2 from A into locked B
    row = session.project.plan.assignment[unit(2, 0) : unit(2, N)]
    assert row.tolist() == [0] * 5 + [1] * 5
    canvas.set_tool("eraser")
    drag(qtbot, canvas, [(0.5, 2.5), (2.5, 2.5)])  # unit (2, 1) is locked itself
    row = session.project.plan.assignment[unit(2, 0) : unit(2, N)]
    assert row.tolist() == [-1, 0, -1] + [0] * 2 + [1] * 5
    assert any("locked" in m for m in messages)
    assert not canvas.units.locked_item.path().isEmpty()


def test_colours_follow_assignment_changes_made_in_the_core(qtbot, make_canvas):
    layout = ["AAAAABBBBB"] * N
    project = build_grid_project(N, N, layout)
    canvas, session = make_canvas(project)
    canvas.set_layer_visible("labels", False)
    colour_a = project.plan.territories[0].color
    colour_b = project.plan.territories[1].color
    assert pixel(canvas, 1.5, 1.5) == colour_a
    project.apply(AssignUnits([unit(1, 1)], 1))  # straight through the core
    assert pixel(canvas, 1.5, 1.5) == colour_b
    session.execute(UpdateTerritory(1, color="#123456"))
    assert pixel(canvas, 1.5, 1.5) == "#123456"
    assert pixel(canvas, 8.5, 8.5) == "#123456"
    project.apply(AssignUnits([unit(1, 1)], UNASSIGNED))
    assert pixel(canvas, 1.5, 1.5) not in (colour_a, "#123456")


def test_overview_draws_whole_territories_and_follows_edits(qtbot, make_canvas):
    m = 100  # 10,000 units: too small on screen for their outlines
    codes = (np.arange(m * m) % m >= m // 2).astype(np.int32)
    project = build_grid_project(m, m, codes)
    canvas, _ = make_canvas(project)
    canvas.set_layer_visible("labels", False)
    assert canvas.units.overview
    block = [r * m + c for r in range(10, 20) for c in range(10, 20)]
    project.apply(AssignUnits(block, 1))
    assert pixel(canvas, 15, 15) == project.plan.territories[1].color
    assert pixel(canvas, 5, 5) == project.plan.territories[0].color
    for _ in range(12):
        canvas.zoom_in()
    assert not canvas.units.overview and canvas.units.lod == 1


def test_select_tool_sets_the_selection_without_assigning(qtbot, make_canvas):
    canvas, session = make_canvas(build_grid_project(N, N, BLANK_A))
    before = session.project.plan.assignment.copy()
    canvas.set_tool("select")
    drag(qtbot, canvas, [(0.2, 0.2), (2.8, 1.8)])
    assert session.selection.tolist() == [unit(r, c) for r in range(2) for c in range(3)]
    np.testing.assert_array_equal(session.project.plan.assignment, before)
    assert not canvas.units.selection_item.path().isEmpty()


def test_zoom_to_territory_shows_that_territory(qtbot, make_canvas):
    layout = ["..AA" + "." * (N - 4)] * 2 + ["." * N] * (N - 2)
    canvas, session = make_canvas(build_grid_project(N, N, layout))
    full = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    canvas.zoom_to_territory(0)
    shown = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    bounds = shapely.total_bounds(session.project.units.geometry[session.project.plan.units_of(0)])
    corner_a = canvas.scene_from_project_xy(bounds[0], bounds[1])
    corner_b = canvas.scene_from_project_xy(bounds[2], bounds[3])
    assert shown.contains(corner_a) and shown.contains(corner_b)
    assert shown.width() < full.width() / 3
    session.set_selection(np.array([unit(0, 9)]))
    canvas.zoom_to_selection()
    shown = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert shown.contains(canvas.scene_from_project_xy(*cell_xy(9.5, 0.5)))
    canvas.zoom_to_all()
    assert canvas.mapToScene(canvas.viewport().rect()).boundingRect().width() >= full.width() * 0.99


def test_wheel_keys_and_middle_drag_navigate(qtbot, make_canvas):
    canvas, _ = make_canvas(build_grid_project(N, N, BLANK_A))
    scale = canvas.scale_px_per_unit()
    target = vp(canvas, 7.5, 7.5)
    wheel = QWheelEvent(
        QPointF(target),
        QPointF(canvas.viewport().mapToGlobal(target)),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.scale_px_per_unit() > scale * 1.4
    # Zooming about the cursor keeps the point under it in place.
    assert (vp(canvas, 7.5, 7.5) - target).manhattanLength() <= 3
    scale = canvas.scale_px_per_unit()
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.scale_px_per_unit() < scale
    before = vp(canvas, 5, 5)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert vp(canvas, 5, 5).x() > before.x()
    before = vp(canvas, 5, 5)
    view, mid = canvas.viewport(), Qt.MouseButton.MiddleButton
    qtbot.mousePress(view, mid, pos=QPoint(300, 300))
    qtbot.mouseMove(view, QPoint(340, 320))
    qtbot.mouseRelease(view, mid, pos=QPoint(340, 320))
    moved = vp(canvas, 5, 5) - before
    assert abs(moved.x() - 40) <= 2 and abs(moved.y() - 20) <= 2


def test_hover_reports_unit_territory_and_balance_figure(qtbot, make_canvas):
    layout = ["AAAAABBBBB"] * N
    canvas, session = make_canvas(build_grid_project(N, N, layout))
    texts = []
    canvas.sig_hover.connect(texts.append)
    # A hover is a move with no button pressed. QTest's mouseMove depends on the cursor
    # state earlier tests left behind, so deliver the event to the viewport directly.
    pos = QPointF(vp(canvas, 7.5, 0.5))
    global_pos = QPointF(canvas.viewport().mapToGlobal(pos.toPoint()))
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        pos,
        global_pos,
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas.viewport(), move)
    units = session.project.units
    k = unit(0, 7)
    assert texts[-1].startswith(f"{units.names[k]} ({units.ids[k]}) — Territory: Territory B")
    assert session.project.balance_field in texts[-1]
    tip = canvas.viewport().toolTip()  # the unit's figures, then its territory's
    assert tip.startswith(f"<b>{units.names[k]}</b>") and "<b>Territory B</b>" in tip


def test_replacing_the_project_rebuilds_the_map(qtbot, make_canvas):
    canvas, session = make_canvas(build_grid_project(N, N, BLANK_A))
    session.replace_project(build_grid_project(3, 4, ["ABBB", "AABB", "AAAB"]))
    canvas.wait_idle()
    assert len(canvas.units.items) == 12
    assert canvas.units_at(canvas.scene_from_project_xy(*cell_xy(3.5, 2.5))).tolist() == [11]


def test_demo_map_draws_every_territory_and_layer_toggles(
    qtbot, make_canvas, demo_project, tmp_path
):
    canvas, session = make_canvas(demo_project, size=(1000, 560))
    plan = session.project.plan
    borders = canvas.territories._borders
    assert set(borders) == set(plan.territories)
    assert all(not item.path().isEmpty() for item in borders.values())
    labels = [pair[1] for pair in canvas.territories._labels.values()]
    assert {item.text() for item in labels} == {t.name for t in plan.territories.values()}
    assert canvas.units.accounts_item is not None and canvas.units.accounts_item.isVisible()
    canvas.set_layer_visible("accounts", False)
    assert not canvas.units.accounts_item.isVisible()
    canvas.set_layer_visible("labels", False)
    assert not any(item.isVisible() for item in labels)
    # A unit deep inside a territory shows that territory's colour.
    k = int(np.argmax(session.project.units.area))
    x, y = session.project.units.centroid[k]
    image = canvas.viewport().grab().toImage()
    colour = image.pixelColor(canvas.viewport_pos_from_project_xy(x, y))
    expected = plan.territories[int(plan.assignment[k])].color
    assert colour.name() == QColor(expected).name()
    assert canvas.grab().save(str(tmp_path / "canvas_demo.png"))


def _dark_pixels_near(image, point: QPoint, reach: int = 2) -> int:
    """How many territory-border-coloured pixels lie within ``reach`` px of ``point``."""
    from territory_designer.ui.canvas.territory_layer import BORDER_COLOR

    return sum(
        image.pixelColor(point + QPoint(dx, dy)) == BORDER_COLOR
        for dx in range(-reach, reach + 1)
        for dy in range(-reach, reach + 1)
    )


def test_territory_border_moves_with_a_stroke_at_once(qtbot, make_canvas):
    layout = ["AAAAABBBBB"] * N
    canvas, session = make_canvas(build_grid_project(N, N, layout))
    canvas.set_layer_visible("labels", False)
    canvas.set_layer_visible("unit_borders", False)
    rows = [1.5, 4.5, 7.5]
    image = canvas.viewport().grab().toImage()
    assert all(_dark_pixels_near(image, vp(canvas, 5, r)) for r in rows)
    assert not any(_dark_pixels_near(image, vp(canvas, 6, r)) for r in rows)
    session.set_active_territory(0)
    canvas.set_tool("brush")
    drag(qtbot, canvas, [(5.5, 0.5), (5.5, 9.5)])  # column 5 goes from B to A
    assert (session.project.plan.assignment[[unit(r, 5) for r in range(N)]] == 0).all()
    QApplication.processEvents()  # one pass of the event loop: no worker thread to wait for
    image = canvas.viewport().grab().toImage()
    colour_a = QColor(session.project.plan.territories[0].color)
    for r in rows:
        assert _dark_pixels_near(image, vp(canvas, 6, r)), f"no border on the new edge, row {r}"
        assert not _dark_pixels_near(image, vp(canvas, 5, r)), f"border left behind, row {r}"
        assert image.pixelColor(vp(canvas, 5, r)) == colour_a


def test_label_of_a_concave_territory_sits_inside_it_and_follows_edits(qtbot, make_canvas):
    # A "U" of territory A around free units: its centroid lies outside it.
    layout = ["A........A"] * 8 + ["AAAAAAAAAA"] * 2
    canvas, session = make_canvas(build_grid_project(N, N, layout))
    plan = session.project.plan
    text = canvas.territories._labels[0][1]
    assert text.isVisible()
    assert plan.assignment[canvas.units_at(text.pos())].tolist() == [0]
    # Cutting the base splits A into two columns: the label stays on one of them.
    session.execute(AssignUnits([unit(r, c) for r in range(2) for c in range(N)], UNASSIGNED))
    QApplication.processEvents()
    assert plan.assignment[canvas.units_at(text.pos())].tolist() == [0]

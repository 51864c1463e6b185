"""The painting and selection tools of the map canvas.

A tool turns left-button gestures into Session calls: the brush and the eraser open a
stroke on press, extend it with the units under the swept circle as the mouse moves, and
close it on release (one undo step); lasso and rectangle assign on release; click assigns
one unit; pick makes the clicked unit's territory active; select changes the selection;
home sets or drags a rep's home base (:mod:`~territory_designer.ui.canvas.home_base_tool`).
Locked units are refused by the core and reported by the Session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem

from territory_designer.core.plan import UNASSIGNED
from territory_designer.ui.canvas.home_base_tool import HomeBaseTool
from territory_designer.ui.canvas.paths import project_xy
from territory_designer.ui.canvas.z_order import Z_TOOL

if TYPE_CHECKING:
    from territory_designer.ui.canvas.map_canvas import MapCanvas

TOOLS = ("pan", "click", "brush", "lasso", "rectangle", "eraser", "pick", "select", "home")
PAINT_TOOLS = ("click", "brush", "lasso", "rectangle", "eraser")


class ToolController:
    """Runs the active tool's gestures for a :class:`MapCanvas`."""

    def __init__(self, canvas: MapCanvas) -> None:
        self.canvas = canvas
        self._drag: list[tuple[float, float]] = []
        self._last: tuple[float, float] | None = None
        pen = QPen(QColor(20, 20, 20), 1.5)
        pen.setCosmetic(True)
        self.circle = QGraphicsEllipseItem()
        self.circle.setPen(pen)
        self.circle.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.circle.setZValue(Z_TOOL)
        self.circle.setVisible(False)
        dash = QPen(QColor(20, 20, 20), 1.5, Qt.PenStyle.DashLine)
        dash.setCosmetic(True)
        self.outline = QGraphicsPathItem()
        self.outline.setPen(dash)
        self.outline.setBrush(QColor(40, 120, 220, 40))
        self.outline.setZValue(Z_TOOL)
        self.outline.setVisible(False)
        self.home = HomeBaseTool(canvas)

    def add_to_scene(self) -> None:
        """(Re)insert the tool overlays into the canvas' scene."""
        scene = self.canvas.scene()
        for item in (self.circle, self.outline):
            if item.scene() is not scene:
                scene.addItem(item)

    @property
    def active(self) -> bool:
        """True while a gesture is in progress."""
        return self._last is not None

    # -- helpers --------------------------------------------------------------------------
    @property
    def _session(self):  # noqa: ANN202 - Session, avoided import cycle
        return self.canvas.session

    def _radius(self) -> float:
        """Brush radius in map units."""
        return self.canvas.brush_radius_px / max(self.canvas.scale_px_per_unit(), 1e-12)

    def update_circle(self, scene_pos: QPointF | None) -> None:
        """Move the brush outline to the cursor (hidden for other tools)."""
        if self.canvas.tool == "home" and not self.active and scene_pos is not None:
            self.home.hover(scene_pos)
        show = scene_pos is not None and self.canvas.tool in ("brush", "eraser")
        self.circle.setVisible(show)
        if show:
            r = float(self.canvas.brush_radius_px)
            self.circle.setRect(QRectF(-r, -r, 2 * r, 2 * r))
            self.circle.setPos(scene_pos)

    # -- gestures -------------------------------------------------------------------------
    def press(self, scene_pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        """Left button pressed at ``scene_pos``."""
        tool, session, index = self.canvas.tool, self._session, self.canvas.index
        x, y = project_xy(scene_pos)
        if tool == "home":
            self._last = (x, y) if self.home.press(scene_pos) else None
            return
        self._last = (x, y)
        self._drag = [(x, y)]
        self._modifiers = modifiers
        if tool in ("brush", "eraser"):
            # "(unassign)" chosen as the active territory makes the brush an eraser.
            code = UNASSIGNED if tool == "eraser" else session.active_code
            if code == UNASSIGNED and tool == "brush" and not self._can_unassign():
                self._last = None
                return
            if session.begin_stroke(code):
                session.extend_stroke(index.units_in_brush(np.array([[x, y]]), self._radius()))
            else:
                self._last = None
        elif tool == "click":
            unit = index.unit_at(x, y)
            if unit >= 0:
                self._assign(np.array([unit]))
            self._last = None
        elif tool == "pick":
            unit = index.unit_at(x, y)
            if unit >= 0:
                self.canvas.pick_territory_of(unit)
            self._last = None
        elif tool in ("lasso", "rectangle", "select"):
            self._update_outline()

    def move(self, scene_pos: QPointF) -> None:
        """Mouse moved with the left button down."""
        if self._last is None:
            return
        x, y = project_xy(scene_pos)
        tool = self.canvas.tool
        if tool == "home":
            self.home.move(scene_pos)
            return
        if tool in ("brush", "eraser"):
            seg = np.array([self._last, (x, y)])
            self._session.extend_stroke(self.canvas.index.units_in_brush(seg, self._radius()))
        elif tool == "lasso":
            self._drag.append((x, y))
        else:
            self._drag[1:] = [(x, y)]
        self._last = (x, y)
        self._update_outline()

    def release(self, scene_pos: QPointF) -> None:
        """Left button released: finish the gesture."""
        if self._last is None:
            return
        if self.canvas.tool == "home":
            self._last = None
            self.home.release(scene_pos)
            return
        self.move(scene_pos)
        tool, index = self.canvas.tool, self.canvas.index
        self._last = None
        self.outline.setVisible(False)
        if tool in ("brush", "eraser"):
            self._session.end_stroke()
        elif tool == "lasso":
            self._assign(index.units_in_polygon(np.array(self._drag)))
        elif tool == "rectangle":
            (x0, y0), (x1, y1) = self._drag[0], self._drag[-1]
            self._assign(index.units_in_rect(x0, y0, x1, y1))
        elif tool == "select":
            self._select()
        self._drag = []

    def cancel(self) -> None:
        """Abandon the gesture (Escape, tool change, project replaced)."""
        if self._last is not None and self._session.stroke_open:
            self._session.cancel_stroke()
        self.home.cancel()
        self._last = None
        self._drag = []
        self.outline.setVisible(False)

    # -- actions --------------------------------------------------------------------------
    def _assign(self, units: np.ndarray) -> None:
        session = self._session
        if units.size == 0:
            return
        if session.active_code == UNASSIGNED and not self._can_unassign():
            return
        session.assign(units)

    def _can_unassign(self) -> bool:
        """Whether painting with "(unassign)" can do anything; says why not when not."""
        if self._session.project.plan.territories:
            return True
        self._session.sig_status.emit(
            "No territories yet: add one (Territory › New Territory) to paint with."
        )
        return False

    def _select(self) -> None:
        session, index = self._session, self.canvas.index
        (x0, y0), (x1, y1) = self._drag[0], self._drag[-1]
        tiny = 3.0 / max(self.canvas.scale_px_per_unit(), 1e-12)
        if abs(x1 - x0) < tiny and abs(y1 - y0) < tiny:
            unit = index.unit_at(x1, y1)
            units = np.array([unit] if unit >= 0 else [], dtype=np.int64)
        else:
            units = index.units_in_rect(x0, y0, x1, y1)
        mods = self._modifiers
        add = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
        if mods & add:
            units = np.union1d(session.selection, units)
        session.set_selection(units)

    def _update_outline(self) -> None:
        tool = self.canvas.tool
        if tool not in ("lasso", "rectangle", "select") or not self._drag:
            self.outline.setVisible(False)
            return
        pts = self._drag
        if tool != "lasso":
            (x0, y0), (x1, y1) = pts[0], pts[-1]
            pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        path = QPainterPath()
        scene = [self.canvas.scene_from_project_xy(x, y) for x, y in pts]
        path.moveTo(scene[0])
        for p in scene[1:]:
            path.lineTo(p)
        path.closeSubpath()
        self.outline.setPath(path)
        self.outline.setVisible(True)

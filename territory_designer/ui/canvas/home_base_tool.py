"""The home-base tool: set the active territory's rep home base, or drag a marker.

With the tool active, a click on the map puts the active territory's home base there; a
press on any home-base marker picks it up, and releasing it elsewhere moves that
territory's home base. Either is one :class:`~territory_designer.core.operations.
UpdateTerritory` (one undo step); the marker follows the mouse meanwhile without
changing the project, and Escape or a right click puts it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QGraphicsItem

from territory_designer.core.operations import UpdateTerritory
from territory_designer.core.plan import UNASSIGNED
from territory_designer.ui.canvas.paths import project_xy

if TYPE_CHECKING:
    from territory_designer.ui.canvas.map_canvas import MapCanvas

#: Pixels around the cursor that still count as pressing a marker.
GRAB_PX = 4
#: A marker moved less than this many pixels was clicked, not dragged.
DRAG_PX = 3


class HomeBaseTool:
    """Gestures of the ``"home"`` tool of a :class:`MapCanvas`."""

    def __init__(self, canvas: MapCanvas) -> None:
        self.canvas = canvas
        self._code: int | None = None  # territory whose marker is being dragged
        self._item: QGraphicsItem | None = None
        self._origin = QPointF()
        self._grab = QPointF()  # from the marker's anchor to where it was picked up
        self._press_px = QPointF()

    @property
    def dragging(self) -> int | None:
        """Territory whose marker is being dragged (None when none is)."""
        return self._code

    def marker_at(self, scene_pos: QPointF) -> int | None:
        """Territory of the home-base marker under ``scene_pos`` (None when none is).

        Tested against each marker's box on screen (a house standing on its point, at
        the marker's current size), nearest first; a few pixels around count.
        """
        p = QPointF(self.canvas.mapFromScene(scene_pos))
        best, best_d = None, float("inf")
        for code, item in self.canvas.territories.home_items().items():
            if not item.isVisible():
                continue
            box = item.boundingRect()  # in pixels, anchored at the home base
            f = item.scale()
            at = QPointF(self.canvas.mapFromScene(item.pos()))
            dx, dy = p.x() - at.x(), p.y() - at.y()
            inside = (
                box.left() * f - GRAB_PX <= dx <= box.right() * f + GRAB_PX
                and box.top() * f - GRAB_PX <= dy <= box.bottom() * f + GRAB_PX
            )
            d = abs(dx) + abs(dy - box.center().y() * f)
            if inside and d < best_d:
                best, best_d = code, d
        return best

    def hover(self, scene_pos: QPointF | None) -> None:
        """The mouse moved (no button): an open hand over a marker says it can be dragged."""
        over = scene_pos is not None and self.marker_at(scene_pos) is not None
        shape = Qt.CursorShape.OpenHandCursor if over else Qt.CursorShape.CrossCursor
        if self.canvas.viewport().cursor().shape() != shape:
            self.canvas.viewport().setCursor(shape)

    def press(self, scene_pos: QPointF) -> bool:
        """Left button down; True while a gesture goes on until the release."""
        code = self.marker_at(scene_pos)
        if code is not None:
            self._code = code
            self._item = self.canvas.territories.home_items()[code]
            self._origin = self._item.pos()
            self._grab = scene_pos - self._origin  # the marker does not jump to the cursor
            self.canvas.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        self._press_px = QPointF(self.canvas.mapFromScene(scene_pos))
        return True

    def move(self, scene_pos: QPointF) -> None:
        """The mouse moved with the button down: the picked-up marker follows it."""
        if self._item is not None:
            self._item.setPos(scene_pos - self._grab)

    def release(self, scene_pos: QPointF) -> None:
        """Button up: move the dragged marker's home base, or set the active one's."""
        code, item = self._code, self._item
        self._code, self._item = None, None
        self.hover(scene_pos)
        session = self.canvas.session
        if code is not None:
            moved = QPointF(self.canvas.mapFromScene(scene_pos)) - self._press_px
            if abs(moved.x()) + abs(moved.y()) < DRAG_PX:
                item.setPos(self._origin)
                session.set_active_territory(code)  # a click on a marker picks its territory
                return
            home = project_xy(scene_pos - self._grab)
            if session.execute(UpdateTerritory(code, home_base=home)):
                session.sig_status.emit(session.undo_stack.undoText())
            else:
                item.setPos(self._origin)
            return
        code = session.active_code
        if code == UNASSIGNED or code not in session.project.plan.territories:
            session.sig_status.emit("Choose a territory first: its rep's home base goes here.")
            return
        if session.execute(UpdateTerritory(code, home_base=project_xy(scene_pos))):
            hidden = not self.canvas.layer_visible("home_bases")
            note = " (home bases are hidden: View › Home bases)" if hidden else ""
            session.sig_status.emit(session.undo_stack.undoText() + note)

    def cancel(self) -> None:
        """Put a dragged marker back where it was (Escape, right click, tool change)."""
        if self._item is not None:
            self._item.setPos(self._origin)
        self._code, self._item = None, None

"""The home-base tool: set the active territory's rep home base, or drag a marker.

With the tool active, a click on the map puts the active territory's home base there; a
press on any home-base marker picks it up, and releasing it elsewhere moves that
territory's home base. Either is one :class:`~territory_designer.core.operations.
UpdateTerritory` (one undo step); the marker follows the mouse meanwhile without
changing the project, and Escape or a right click puts it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRect
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
        """Territory of the home-base marker under ``scene_pos`` (None when none is)."""
        homes = self.canvas.territories.home_items()
        if not homes:
            return None
        codes = {id(item): code for code, item in homes.items()}
        p = self.canvas.mapFromScene(scene_pos)
        near = QRect(p.x() - GRAB_PX, p.y() - GRAB_PX, 2 * GRAB_PX + 1, 2 * GRAB_PX + 1)
        for item in self.canvas.items(near):
            code = codes.get(id(item))
            if code is not None and item.isVisible():
                return code
        return None

    def press(self, scene_pos: QPointF) -> bool:
        """Left button down; True while a gesture goes on until the release."""
        code = self.marker_at(scene_pos)
        if code is not None:
            self._code = code
            self._item = self.canvas.territories.home_items()[code]
            self._origin = self._item.pos()
            self._grab = scene_pos - self._origin  # the marker does not jump to the cursor
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
        session = self.canvas.session
        if code is not None:
            moved = QPointF(self.canvas.mapFromScene(scene_pos)) - self._press_px
            if abs(moved.x()) + abs(moved.y()) < DRAG_PX:
                item.setPos(self._origin)
                session.set_active_territory(code)  # a click on a marker picks its territory
                return
            home = project_xy(scene_pos - self._grab)
            if not session.execute(UpdateTerritory(code, home_base=home)):
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

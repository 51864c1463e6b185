"""View › Show Changes vs Baseline and View › Plans Side by Side.

Show Changes: the active plan against the baseline (or the plan before it), each moved
unit filled with the colour of the territory that gains it and outlined, every other unit
grey; the legend names the gaining territories. Side by side: two plans on two maps that
pan and zoom together (:mod:`territory_designer.ui.dialogs.side_by_side`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from territory_designer.core.comparison import change_classes
from territory_designer.reports.comparison import comparison_plan
from territory_designer.ui.canvas.choropleth import Classes
from territory_designer.ui.canvas.z_order import Z_SELECTION

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow

#: Outline of the moved units, just under the selection.
Z_CHANGES = Z_SELECTION - 0.5


class ChangeView:
    """Keeps the canvas's change colouring in step with the plan while it is on."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.canvas = window.canvas
        self.on = False
        self.moved = np.empty(0, dtype=np.int64)
        self.against: str | None = None
        self._color_field: str | None = None
        self.outline = QGraphicsPathItem()
        pen = QPen(QColor(20, 20, 20), 2.0)
        pen.setCosmetic(True)
        self.outline.setPen(pen)
        self.outline.setZValue(Z_CHANGES)
        self._timer = QTimer(window)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        s = window.session
        for sig in (
            s.sig_assignment_changed,
            s.sig_plan_changed,
            s.sig_structure_changed,
            s.sig_territories_changed,
        ):
            sig.connect(self._schedule)
        s.sig_project_replaced.connect(self._on_project_replaced)

    def _schedule(self, *_args: object) -> None:
        if self.on and not self._timer.isActive():
            self._timer.start()

    def _on_project_replaced(self) -> None:
        self.outline = self._fresh_outline()  # the old scene item went with the old scene
        self._schedule()

    def _fresh_outline(self) -> QGraphicsPathItem:
        item = QGraphicsPathItem()
        item.setPen(self.outline.pen())
        item.setZValue(Z_CHANGES)
        return item

    def set_on(self, on: bool) -> None:
        """Show (True) or leave (False) the change view."""
        if on and not self.on:
            self._color_field = self.canvas.color_field  # given back when the view ends
        self.on = bool(on)
        if self.on:
            self.refresh()
        else:
            self._timer.stop()
            if self.outline.scene() is not None:
                self.outline.scene().removeItem(self.outline)
            self.moved = np.empty(0, dtype=np.int64)
            self.canvas.set_color_classes(None)
            field = self._color_field
            if field in self.window.session.project.weight_fields:
                self.canvas.set_color_by(field)

    def refresh(self) -> None:
        """Recompute the moved units and recolour."""
        if not self.on:
            return
        project = self.window.session.project
        plan = project.plan
        base = comparison_plan(project, plan)
        self.against = base.name if base is not None else None
        if base is None:
            bins, gaining = np.full(len(project.units), -1, dtype=np.int64), []
        else:
            bins, gaining = change_classes(project, base, plan)
        terr = [plan.territories[c] for c in gaining]
        classes = Classes(
            f"Changes vs {self.against}" if self.against else "No plan to compare with",
            np.arange(1, len(terr) + 1, dtype=float),
            tuple(t.color for t in terr),
            0.0,
            bins,
            labels=tuple(f"to {t.name}" for t in terr),
            none_label="unchanged",
        )
        self.canvas.set_color_classes(classes)
        self.moved = np.flatnonzero(bins >= 0)
        path = QPainterPath()
        paths = self.canvas.units.paths(self.canvas.units.lod)
        for u in self.moved.tolist():
            path.addPath(paths[u])
        self.outline.setPath(path)
        if self.outline.scene() is None:
            self.canvas.scene().addItem(self.outline)
        n = self.moved.size
        text = (
            f"{n} unit{'s' if n != 1 else ''} moved vs {self.against}"
            if self.against
            else "No baseline or earlier plan to compare with"
        )
        self.window.statusBar().showMessage(text, 6000)


def install(window: MainWindow) -> None:
    """Add View › Show Changes (checkable)."""
    view = ChangeView(window)
    window.change_view = view  # type: ignore[attr-defined]
    action = window.add_action(
        window.menus["view"],
        "view_changes",
        "Show &Changes vs Baseline",
        lambda: view.set_on(action.isChecked()),
        "Ctrl+Shift+C",
        "Colour the units that moved by the territory that gains them",
    )
    action.setCheckable(True)
    window.add_action(
        window.menus["view"],
        "view_side_by_side",
        "Plans Side &by Side…",
        lambda: open_side_by_side(window),
        tip="Two plans on two maps that pan and zoom together",
    )


def open_side_by_side(window: MainWindow) -> object:
    """Open (or bring back) the side-by-side view of two plans."""
    from territory_designer.ui.dialogs.side_by_side import SideBySideDialog

    dialog = getattr(window, "side_by_side", None)
    if dialog is None or not dialog.isVisible():
        dialog = SideBySideDialog(window.session, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(window, "side_by_side", None))
        window.side_by_side = dialog  # type: ignore[attr-defined]
    dialog.show()
    dialog.raise_()
    return dialog

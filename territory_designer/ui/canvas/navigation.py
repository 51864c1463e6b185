"""Zoom and pan of the map canvas: fit to the map, a territory or the selection; wheel
zoom about the cursor; arrow keys and +/- keys.

A plain mixin over :class:`QGraphicsView`; the canvas provides ``session``, ``_map_rect``,
``_main_rect``, ``_fit_all``, ``_fit_main``, ``scale_px_per_unit()`` and ``_update_detail()``.
"""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QGraphicsView

from territory_designer.ui.canvas.paths import scene_point

ZOOM_STEP = 1.25


class NavigationMixin:
    """Zoom and pan methods of :class:`~territory_designer.ui.canvas.map_canvas.MapCanvas`."""

    def zoom_to_all(self) -> None:
        """Show the whole map (and keep showing it when the view is resized)."""
        self._fit(self._map_rect)
        self._fit_all = True

    def zoom_to_main(self) -> None:
        """Show the main body of the map: the first view of a project.

        On a national US layer this frames the lower 48, not Alaska, Hawaii and Puerto Rico
        as well (see :func:`territory_designer.core.map_layout.map_layout`); elsewhere it is
        the whole map. Kept when the view is resized, until the user zooms or pans.
        """
        self._fit(self._main_rect)
        self._fit_main = True

    def zoom_to_selection(self) -> None:
        """Show the selected units (the whole map when nothing is selected)."""
        self._fit_units(self.session.selection)

    def zoom_to_territory(self, code: int) -> None:
        """Show a territory's units."""
        self._fit_units(self.session.project.plan.units_of(int(code)))

    def zoom_to_points(self, xy: np.ndarray) -> None:
        """Show project points (accounts outside every unit, say), with room around them."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        (xmin, ymin), (xmax, ymax) = xy.min(axis=0), xy.max(axis=0)
        pad = max(xmax - xmin, ymax - ymin, self._typical_unit * 3)
        self._fit(
            QRectF(
                scene_point(xmin - pad, ymax + pad), scene_point(xmax + pad, ymin - pad)
            ).normalized()
        )

    def zoom_in(self) -> None:
        """Zoom in one step about the view centre."""
        self._zoom(ZOOM_STEP, anchor=None)

    def zoom_out(self) -> None:
        """Zoom out one step about the view centre."""
        self._zoom(1 / ZOOM_STEP, anchor=None)

    def resizeEvent(self, event: object) -> None:
        QGraphicsView.resizeEvent(self, event)
        if self._fit_all:
            self.zoom_to_all()
        elif self._fit_main:
            self.zoom_to_main()

    def _fit(self, rect: QRectF) -> None:
        self._fit_all = self._fit_main = False
        if rect.isEmpty():
            rect = rect.adjusted(-1, -1, 1, 1)
        margin = max(rect.width(), rect.height()) * 0.03
        self.fitInView(
            rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio
        )
        self._update_detail()

    def _fit_units(self, units: np.ndarray) -> None:
        units = np.asarray(units, dtype=np.int64)
        if units.size == 0:
            self.zoom_to_all()
            return
        xmin, ymin, xmax, ymax = shapely.total_bounds(self.session.project.units.lod[0][units])
        self._fit(QRectF(scene_point(xmin, ymax), scene_point(xmax, ymin)).normalized())

    def _zoom(self, factor: float, anchor: QPoint | None) -> None:
        scale = self.scale_px_per_unit()
        fit = min(self.viewport().width(), self.viewport().height()) / max(
            self._map_rect.width(), self._map_rect.height(), 1e-9
        )
        self._fit_all = self._fit_main = False
        new = min(max(scale * factor, fit * 0.25), fit * 5000)
        factor = new / scale
        if abs(factor - 1) < 1e-9:
            return
        before = self.mapToScene(anchor) if anchor is not None else None
        self.scale(factor, factor)  # about the view centre
        if before is not None:
            self._pan_by_scene(before - self.mapToScene(anchor))
        self._update_detail()

    def _pan_by_scene(self, delta: QPointF) -> None:
        centre = self.mapToScene(self.viewport().rect().center()) + delta
        self.centerOn(centre)

    def _pan_by_pixels(self, dx: int, dy: int) -> None:
        self._fit_all = self._fit_main = False
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() - dx)
        v.setValue(v.value() - dy)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self._zoom(ZOOM_STEP**steps, anchor=event.position().toPoint())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        step = max(self.viewport().width(), self.viewport().height()) // 8
        moves = {
            Qt.Key.Key_Left: (step, 0),
            Qt.Key.Key_Right: (-step, 0),
            Qt.Key.Key_Up: (0, step),
            Qt.Key.Key_Down: (0, -step),
        }
        if key in moves:
            self._pan_by_pixels(*moves[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key == Qt.Key.Key_Escape:
            self.tools.cancel()
        else:
            QGraphicsView.keyPressEvent(self, event)
            return
        event.accept()

"""The offline basemap on the canvas: land, lakes, borders, and city labels by zoom.

Land and lakes lie under the units, borders just over their fills (so a state line reads
through the territory colours), city names under the territory labels. Cities are
labelled largest first while they fit on screen without overlapping, so zooming in
brings in the towns.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from territory_designer.io.basemap import Basemap, load_basemap
from territory_designer.ui.canvas.paths import combined_path, scene_point
from territory_designer.ui.canvas.z_order import Z_BASEMAP, Z_BASEMAP_LINES, Z_CITIES

SEA = QColor(214, 228, 238)
LAND = QColor(244, 242, 236)
COAST = QColor(140, 165, 185)
COUNTRY = QColor(90, 90, 90, 200)
STATE = QColor(90, 90, 90, 150)
CITY = QColor(40, 40, 40)
#: Most city names shown at once.
MAX_CITY_LABELS = 40


class BasemapLayer:
    """Scene items of a :class:`~territory_designer.io.basemap.Basemap`."""

    def __init__(self, scene: QGraphicsScene, basemap: Basemap) -> None:
        self.scene = scene
        self.basemap = basemap
        self.visible = True
        self.items: list[QGraphicsItem] = []
        self._add(basemap.land, QBrush(LAND), _pen(COAST, 1.0), Z_BASEMAP)
        self._add(basemap.lakes, QBrush(SEA), _pen(COAST, 0.8), Z_BASEMAP + 0.1)
        self._add(basemap.states, None, _pen(STATE, 1.0, Qt.PenStyle.DashLine), Z_BASEMAP_LINES)
        self._add(basemap.countries, None, _pen(COUNTRY, 1.6), Z_BASEMAP_LINES)
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._metrics = QFontMetricsF(self._font)
        self._labels: dict[int, QGraphicsSimpleTextItem] = {}
        self.shown_cities: list[str] = []

    def _add(self, geom: object, brush: QBrush | None, pen: QPen, z: float) -> None:
        path = combined_path(np.array([geom], dtype=object))
        if path.isEmpty():
            return
        item = QGraphicsPathItem(path)
        item.setBrush(brush if brush is not None else QBrush(Qt.BrushStyle.NoBrush))
        item.setPen(pen)
        item.setZValue(z)
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.scene.addItem(item)
        self.items.append(item)

    def set_visible(self, visible: bool) -> None:
        """Show or hide every basemap item."""
        self.visible = visible
        for item in [*self.items, *self._labels.values()]:
            item.setVisible(visible)
        if not visible:
            self.shown_cities = []

    def clear(self) -> None:
        """Remove the layer from the scene."""
        for item in [*self.items, *self._labels.values()]:
            self.scene.removeItem(item)
        self.items, self._labels = [], {}

    def place_cities(
        self,
        view: tuple[float, float, float, float],
        px_per_m: float,
        avoid: list[QRectF] | None = None,
    ) -> None:
        """Label the cities in ``view`` (project coordinates), largest first, overlapping
        neither each other nor the boxes in ``avoid`` (the territory labels, in pixels)."""
        b = self.basemap
        for item in self._labels.values():
            item.setVisible(False)
        self.shown_cities = []
        if not self.visible or len(b.city_names) == 0 or px_per_m <= 0:
            return
        x0, y0, x1, y1 = view
        xy = b.city_xy
        inside = np.flatnonzero(
            (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
        )
        blocked = list(avoid or [])
        taken: list[QRectF] = []
        h = self._metrics.height()
        for k in inside[: MAX_CITY_LABELS * 6].tolist():  # already largest first
            name = str(b.city_names[k])
            px, py = xy[k, 0] * px_per_m, -xy[k, 1] * px_per_m
            rect = QRectF(px - 3, py - h / 2 - 1, self._metrics.horizontalAdvance(name) + 10, h + 2)
            if any(rect.intersects(r) for r in taken) or any(rect.intersects(r) for r in blocked):
                continue
            taken.append(rect)
            self._label(k, name).setVisible(True)
            self.shown_cities.append(name)
            if len(taken) >= MAX_CITY_LABELS:
                break

    def _label(self, k: int, name: str) -> QGraphicsSimpleTextItem:
        item = self._labels.get(k)
        if item is None:
            item = QGraphicsSimpleTextItem(f"• {name}")
            item.setFont(self._font)
            item.setBrush(QBrush(CITY))
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            item.setZValue(Z_CITIES)
            # The dot on the city: the text starts half a bullet to the left of it.
            item.setPos(scene_point(*self.basemap.city_xy[k]))
            item.setTransform(item.transform().translate(-3, -self._metrics.height() / 2))
            self.scene.addItem(item)
            self._labels[k] = item
        return item


def _pen(color: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color, width, style)
    pen.setCosmetic(True)
    return pen


class CanvasBasemap(QObject):
    """Loads the basemap of a canvas's project after its first paint and keeps it placed.

    Parameters
    ----------
    canvas : MapCanvas
        The view (its scene, project, visible rectangle and scale are used).
    """

    def __init__(self, canvas: object) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self._waiting = False
        self.layer: BasemapLayer | None = None
        self.visible = True
        self.error = ""

    def load_later(self) -> None:
        """Load once the units have been painted: the first map never waits for it."""
        self._waiting = True
        self.canvas.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102, N802
        # While the canvas is torn down its Python side may already be gone.
        if self.__dict__.get("_waiting") and event.type() == QEvent.Type.Paint:
            self._waiting = False
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.load)  # after this paint has reached the screen
        return False

    def load(self) -> None:
        """Build or read the basemap of the canvas's project now (once)."""
        if self.layer is not None:
            return
        project = self.canvas.session.project
        if project.units.crs is None or len(project.units) == 0:
            return
        try:
            basemap = load_basemap(project.units.crs, project.units.bounds)
        except (OSError, ValueError, ImportError) as exc:  # a broken install: no basemap
            self.error = f"No basemap: {exc}"
            self.canvas.session.sig_status.emit(self.error)
            return
        self.layer = BasemapLayer(self.canvas.scene(), basemap)
        self.set_visible(self.visible)

    def set_visible(self, visible: bool) -> None:
        """Show or hide the basemap (the sea colour goes with it)."""
        self.visible = visible
        if self.layer is not None:
            self.layer.set_visible(visible)
        shown = visible and self.layer is not None
        self.canvas.setBackgroundBrush(SEA if shown else self.canvas.BACKGROUND)
        self.place()

    def place(self) -> None:
        """Label the cities of the current view."""
        if self.layer is not None:
            canvas = self.canvas
            self.layer.place_cities(
                canvas.visible_project_rect(),
                canvas.scale_px_per_unit(),
                canvas.territories.label_rects_px(),
            )

    def clear(self) -> None:
        """Drop the layer (the project is being replaced)."""
        if self.layer is not None:
            self.layer.clear()
            self.layer = None

"""Territory outlines, labels and home-base markers.

Each territory's display geometry is dissolved with :func:`shapely.coverage_union_all`
(falling back to :func:`shapely.union_all` for coverages GEOS cannot node) and cached per
level of detail; an edit invalidates only the territories it touched.
"""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from territory_designer.core.plan import Territory
from territory_designer.core.project import Project
from territory_designer.ui.canvas.paths import combined_path, scene_point

Z_BORDERS, Z_HOMES, Z_LABELS = 3.0, 6.0, 7.0
BORDER_COLOR = QColor(30, 30, 30)


def dissolve(geoms: np.ndarray) -> shapely.Geometry | None:
    """Union of a territory's units (None when it has none)."""
    if geoms.size == 0:
        return None
    try:
        return shapely.coverage_union_all(geoms)
    except shapely.errors.GEOSException:
        return shapely.union_all(geoms)


def label_point(geom: shapely.Geometry) -> tuple[float, float]:
    """A well-inside point of the largest part of ``geom`` (for its label)."""
    parts = shapely.get_parts(geom)
    polys = parts[shapely.get_type_id(parts) == 3]
    if polys.size == 0:
        p = shapely.point_on_surface(geom)
        return p.x, p.y
    big = polys[int(np.argmax(shapely.area(polys)))]
    tol = max(np.sqrt(big.area) / 40, 1e-9)
    try:
        centre = shapely.get_coordinates(shapely.maximum_inscribed_circle(big, tol))[0]
        return float(centre[0]), float(centre[1])
    except shapely.errors.GEOSException:
        p = shapely.point_on_surface(big)
        return p.x, p.y


def _home_marker() -> QPainterPath:
    """A small house shape in pixels, anchored at its base centre."""
    path = QPainterPath()
    path.moveTo(-7, 0)
    path.lineTo(-7, -9)
    path.lineTo(0, -16)
    path.lineTo(7, -9)
    path.lineTo(7, 0)
    path.closeSubpath()
    return path


class TerritoryLayer:
    """Scene items drawn per territory: outline, label (with a halo) and home base."""

    def __init__(self, scene: QGraphicsScene, project: Project) -> None:
        self.scene = scene
        self.project = project
        self.lod = 0
        self._dissolved: dict[tuple[int, int], shapely.Geometry | None] = {}
        self._borders: dict[int, QGraphicsPathItem] = {}
        self._labels: dict[int, tuple[QGraphicsSimpleTextItem, QGraphicsSimpleTextItem]] = {}
        self._homes: dict[int, QGraphicsPathItem] = {}
        self._visible = {"labels": True, "home_bases": True}
        self._pen = QPen(BORDER_COLOR, 2.0)
        self._pen.setCosmetic(True)
        self._pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self._font = QFont()
        self._font.setBold(True)
        self._font.setPointSize(9)
        self._marker = _home_marker()

    # -- geometry -------------------------------------------------------------------------
    def territory_geometry(self, code: int, lod: int | None = None) -> shapely.Geometry | None:
        """Dissolved display geometry of a territory (cached)."""
        lod = self.lod if lod is None else lod
        key = (lod, code)
        if key not in self._dissolved:
            units = self.project.plan.units_of(code)
            self._dissolved[key] = dissolve(self.project.units.lod[lod][units])
        return self._dissolved[key]

    def invalidate(self, codes: set[int] | list[int] | None = None) -> None:
        """Forget cached geometry of ``codes`` (all when None)."""
        if codes is None:
            self._dissolved.clear()
            return
        for lod in (0, 1):
            for c in codes:
                self._dissolved.pop((lod, int(c)), None)

    # -- items ----------------------------------------------------------------------------
    def refresh(self, codes: set[int] | list[int] | None = None) -> None:
        """Rebuild outline, label and home base of ``codes`` (every territory when None)."""
        plan = self.project.plan
        if codes is None:
            for code in set(self._borders) | set(self._labels) | set(self._homes):
                if code not in plan.territories:
                    self._remove(code)
            codes = list(plan.territories)
        for code in codes:
            code = int(code)
            t = plan.territories.get(code)
            if t is None:
                self._remove(code)
                continue
            geom = self.territory_geometry(code)
            self._refresh_border(code, geom)
            self._refresh_label(code, t, geom)
            self._refresh_home(code, t)

    def set_lod(self, lod: int) -> None:
        """Draw outlines from the coarse (0) or fine (1) display geometry."""
        if lod != self.lod:
            self.lod = lod
            for code in list(self._borders):
                self._refresh_border(code, self.territory_geometry(code))

    def set_visible(self, name: str, visible: bool) -> None:
        """Show or hide ``"labels"`` or ``"home_bases"``."""
        self._visible[name] = visible
        if name == "labels":
            for halo, text in self._labels.values():
                halo.setVisible(visible)
                text.setVisible(visible)
        elif name == "home_bases":
            for item in self._homes.values():
                item.setVisible(visible)

    def clear(self) -> None:
        """Remove every item (before a project is replaced)."""
        for code in set(self._borders) | set(self._labels) | set(self._homes):
            self._remove(code)
        self._dissolved.clear()

    def _remove(self, code: int) -> None:
        for item in (self._borders.pop(code, None), self._homes.pop(code, None)):
            if item is not None:
                self.scene.removeItem(item)
        for item in self._labels.pop(code, ()):
            self.scene.removeItem(item)

    def _refresh_border(self, code: int, geom: shapely.Geometry | None) -> None:
        item = self._borders.get(code)
        if item is None:
            item = QGraphicsPathItem()
            item.setPen(self._pen)
            item.setBrush(Qt.BrushStyle.NoBrush)
            item.setZValue(Z_BORDERS)
            self.scene.addItem(item)
            self._borders[code] = item
        if geom is None or geom.is_empty:
            item.setPath(QPainterPath())
        else:
            item.setPath(combined_path(np.array([shapely.boundary(geom)], dtype=object)))

    def _refresh_label(self, code: int, t: Territory, geom: shapely.Geometry | None) -> None:
        pair = self._labels.get(code)
        if pair is None:
            halo, text = QGraphicsSimpleTextItem(), QGraphicsSimpleTextItem()
            halo_pen = QPen(QColor(255, 255, 255, 230), 3.0)
            halo_pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            halo.setPen(halo_pen)
            halo.setBrush(QBrush(QColor(255, 255, 255)))
            text.setBrush(QBrush(QColor(15, 15, 15)))
            for z, item in ((Z_LABELS, halo), (Z_LABELS + 0.1, text)):
                item.setFont(self._font)
                item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
                item.setZValue(z)
                self.scene.addItem(item)
            pair = self._labels[code] = (halo, text)
        empty = geom is None or geom.is_empty
        for item in pair:
            item.setText(t.name)
            item.setVisible(self._visible["labels"] and not empty)
            if not empty:
                x, y = label_point(self.territory_geometry(code, 0))
                rect = item.boundingRect()
                item.setTransform(
                    QTransform.fromTranslate(-rect.width() / 2, -rect.height() / 2)
                )
                item.setPos(scene_point(x, y))

    def _refresh_home(self, code: int, t: Territory) -> None:
        item = self._homes.get(code)
        if t.home_base is None:
            if item is not None:
                self.scene.removeItem(self._homes.pop(code))
            return
        if item is None:
            item = QGraphicsPathItem(self._marker)
            pen = QPen(QColor(20, 20, 20), 1.5)
            pen.setCosmetic(True)
            item.setPen(pen)
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            item.setZValue(Z_HOMES)
            self.scene.addItem(item)
            self._homes[code] = item
        item.setBrush(QBrush(QColor(t.color)))
        item.setToolTip(f"Home base of {t.name}" + (f" ({t.owner})" if t.owner else ""))
        item.setPos(scene_point(*t.home_base))
        item.setVisible(self._visible["home_bases"])

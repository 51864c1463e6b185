"""Territory outlines, labels and home-base markers.

Each territory's display geometry is dissolved with :func:`shapely.coverage_union_all`
(falling back to :func:`shapely.union_all` for coverages GEOS cannot node) on a worker
thread (:mod:`~territory_designer.ui.canvas.dissolver`) and cached per level of detail; an
edit invalidates only the territories it touched, whose outline and label follow as soon as
their new union is ready.
"""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from territory_designer.core.plan import Territory
from territory_designer.core.project import Project
from territory_designer.ui.canvas.dissolver import Dissolver
from territory_designer.ui.canvas.paths import combined_path, scene_point

Z_BORDERS, Z_HOMES, Z_LABELS = 3.0, 6.0, 7.0
_MISSING = object()
BORDER_COLOR = QColor(30, 30, 30)


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
        self._generation: dict[int, int] = {}
        self._requested: set[tuple[int, int, int]] = set()
        # Slivers of unclean coverages are far smaller than any real enclave.
        min_hole = 1e-3 * float(np.median(project.units.area))
        self.dissolver = Dissolver(self._on_dissolved, scene, min_hole)
        self._place_timer = QTimer(self.dissolver)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(0)
        self._place_timer.timeout.connect(lambda: self.set_scale(self.scale))
        self._borders: dict[int, QGraphicsPathItem] = {}
        self._labels: dict[int, tuple[QGraphicsSimpleTextItem, QGraphicsSimpleTextItem]] = {}
        self._homes: dict[int, QGraphicsPathItem] = {}
        self._visible = {"labels": True, "home_bases": True}
        self._label_span: dict[int, float] = {}  # territory extent in map units
        self.scale = 1.0  # pixels per map unit, set by the canvas
        self._pen = QPen(BORDER_COLOR, 2.0)
        self._pen.setCosmetic(True)
        self._pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self._font = QFont()
        self._font.setBold(True)
        self._font.setPointSize(9)
        self._marker = _home_marker()

    # -- geometry -------------------------------------------------------------------------
    def territory_geometry(self, code: int, lod: int | None = None) -> object:
        """Dissolved display geometry of a territory, or ``_MISSING`` while it is computed."""
        lod = self.lod if lod is None else lod
        key = (lod, code)
        if key in self._dissolved:
            return self._dissolved[key]
        gen = self._generation.get(code, 0)
        if (lod, code, gen) not in self._requested:
            self._requested.add((lod, code, gen))
            units = self.project.plan.units_of(code)
            self.dissolver.submit(
                lod, code, gen, self.project.units.lod[lod][units],
                lambda: self._generation.get(code, 0) == gen,
            )
        return self._dissolved.get(key, _MISSING)

    def _on_dissolved(self, lod: int, code: int, gen: int, geom: object) -> None:
        self._requested.discard((lod, code, gen))
        if self._generation.get(code, 0) != gen:
            return
        self._dissolved[(lod, code)] = geom
        t = self.project.plan.territories.get(code)
        if t is None:
            return
        if lod == self.lod and code in self._borders:
            self._refresh_border(code, geom)
        if code in self._labels and lod == self.lod:
            self._refresh_label(code, t)
            self._schedule_placement()

    def invalidate(self, codes: set[int] | list[int] | None = None) -> None:
        """Forget cached geometry of ``codes`` (all when None)."""
        codes = list(self._generation) + [k[1] for k in self._dissolved] if codes is None else codes
        for c in {int(c) for c in codes}:
            self._generation[c] = self._generation.get(c, 0) + 1
            for lod in (0, 1):
                self._dissolved.pop((lod, c), None)

    def wait_idle(self) -> None:
        """Block until every requested outline has been computed and drawn."""
        self.dissolver.wait()
        if self._place_timer.isActive():
            self.set_scale(self.scale)

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
            if geom is not _MISSING or code not in self._borders:
                self._refresh_border(code, geom)
            self._refresh_label(code, t)
            self._refresh_home(code, t)
        self._schedule_placement()

    def set_lod(self, lod: int) -> None:
        """Draw outlines from the coarse (0) or fine (1) display geometry."""
        if lod != self.lod:
            self.lod = lod
            for code in list(self._borders):
                geom = self.territory_geometry(code)
                if geom is not _MISSING:
                    self._refresh_border(code, geom)

    def set_border_width(self, width: float) -> None:
        """Outline width in pixels (0: hairline, much cheaper to draw for a whole map)."""
        if width == self._pen.widthF():
            return
        self._pen.setWidthF(width)
        for item in self._borders.values():
            item.setPen(self._pen)

    def set_visible(self, name: str, visible: bool) -> None:
        """Show or hide ``"labels"`` or ``"home_bases"``."""
        self._visible[name] = visible
        if name == "labels":
            self.set_scale(self.scale)
        elif name == "home_bases":
            for item in self._homes.values():
                item.setVisible(visible)

    def clear(self) -> None:
        """Remove every item (before a project is replaced)."""
        for code in set(self._borders) | set(self._labels) | set(self._homes):
            self._remove(code)
        self.invalidate()
        self._dissolved.clear()
        self._place_timer.stop()
        self.dissolver.shutdown()
        self.dissolver.deleteLater()

    def _remove(self, code: int) -> None:
        for item in (self._borders.pop(code, None), self._homes.pop(code, None)):
            if item is not None:
                self.scene.removeItem(item)
        for item in self._labels.pop(code, ()):
            self.scene.removeItem(item)

    def _refresh_border(self, code: int, geom: object) -> None:
        item = self._borders.get(code)
        if item is None:
            item = QGraphicsPathItem()
            item.setPen(self._pen)
            item.setBrush(Qt.BrushStyle.NoBrush)
            item.setZValue(Z_BORDERS)
            self.scene.addItem(item)
            self._borders[code] = item
        if geom is None or geom is _MISSING or geom.is_empty:
            item.setPath(QPainterPath())
        else:
            item.setPath(combined_path(np.array([shapely.boundary(geom)], dtype=object)))

    def _refresh_label(self, code: int, t: Territory) -> None:
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
                # Glyph outlines are costly to draw; a label's pixels do not change with zoom.
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                item.setZValue(z)
                item.setVisible(False)  # until its territory's outline is known
                self.scene.addItem(item)
            pair = self._labels[code] = (halo, text)
        geom = self.territory_geometry(code)
        for item in pair:
            item.setText(t.name)
        if geom is _MISSING:  # keep the old place until the new outline is known
            return
        if geom is None or geom.is_empty:
            self._label_span.pop(code, None)
        else:
            xmin, ymin, xmax, ymax = shapely.bounds(geom)
            self._label_span[code] = (xmax - xmin + ymax - ymin) / 2
            pos = scene_point(*label_point(geom))
            for item in pair:
                rect = item.boundingRect()
                item.setTransform(QTransform.fromTranslate(-rect.width() / 2, -rect.height() / 2))
                item.setPos(pos)
        for item in pair:
            item.setVisible(self._label_fits(code, item))

    def _label_fits(self, code: int, item: QGraphicsSimpleTextItem) -> bool:
        """Show a label only when its territory is wider on screen than the text."""
        span = self._label_span.get(code)
        if not self._visible["labels"] or span is None:
            return False
        return bool(span * self.scale >= item.boundingRect().width())

    def set_scale(self, scale: float) -> None:
        """Zoom changed: show the labels of territories big enough to hold them.

        Labels are placed biggest territory first; one that would overlap a label already
        placed is hidden, so a zoomed-out map of many territories stays readable.
        """
        self.scale = scale
        self._place_timer.stop()
        placed = np.empty((len(self._labels), 4))
        n = 0
        order = sorted(self._labels, key=lambda c: -self._label_span.get(c, 0.0))
        for code in order:
            halo, text = self._labels[code]
            fits = self._label_fits(code, text)
            if fits:
                rect = text.boundingRect()
                x, y = text.pos().x() * scale, text.pos().y() * scale
                w, h = rect.width() / 2, rect.height() / 2
                p = placed[:n]
                fits = not np.any(
                    (x - w < p[:, 2]) & (p[:, 0] < x + w) & (y - h < p[:, 3]) & (p[:, 1] < y + h)
                )
                if fits:
                    placed[n] = (x - w, y - h, x + w, y + h)
                    n += 1
            halo.setVisible(fits)
            text.setVisible(fits)

    def _schedule_placement(self) -> None:
        self._place_timer.start()

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
        # White with a dark outline reads on any fill; the tooltip names the territory.
        item.setBrush(QBrush(QColor(255, 255, 255)))
        item.setToolTip(f"Home base of {t.name}" + (f" ({t.owner})" if t.owner else ""))
        item.setPos(scene_point(*t.home_base))
        item.setVisible(self._visible["home_bases"])

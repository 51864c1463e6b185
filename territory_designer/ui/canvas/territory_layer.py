"""Territory outlines, labels and home-base markers.

Outlines come from the segment table of :mod:`~territory_designer.ui.canvas.borders`
(one per level of detail, built on first use) and labels from
:mod:`~territory_designer.ui.canvas.labels`: no territory is ever dissolved, so after an
edit the touched territories' outlines and labels are rebuilt synchronously, in a few
milliseconds. When the view (:meth:`TerritoryLayer.set_view`) does not contain a
territory's own label point, its label moves into the territory's visible part.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import shapely
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from territory_designer.core.plan import Territory
from territory_designer.core.project import Project
from territory_designer.ui.canvas.borders import BorderSegments
from territory_designer.ui.canvas.labels import label_anchors, visible_anchors
from territory_designer.ui.canvas.paths import scene_point
from territory_designer.ui.canvas.z_order import Z_BORDERS, Z_HOMES, Z_LABELS

BORDER_COLOR = QColor(30, 30, 30)
#: Pixels kept between a label moved into the view and the edge of the view.
LABEL_MARGIN_PX = 6


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


def home_marker_scale(territory_px: float) -> float:
    """Size of the home-base markers for territories ``territory_px`` pixels across.

    Full size once a territory is 80 px across; zoomed out they shrink (to a third at
    most) so they do not hide the small territories they stand in.
    """
    return float(np.clip(territory_px / 80.0, 0.35, 1.0))


class TerritoryLayer:
    """Scene items drawn per territory: outline, label (with a halo) and home base."""

    def __init__(self, scene: QGraphicsScene, project: Project) -> None:
        self.scene = scene
        self.project = project
        self.lod = 0
        self._segments: list[BorderSegments | None] = [None, None]
        self._unit_bounds: np.ndarray | None = None
        self._prefetched: dict[int, Future] = {}
        self._borders: dict[int, QGraphicsPathItem] = {}
        self._labels: dict[int, tuple[QGraphicsSimpleTextItem, QGraphicsSimpleTextItem]] = {}
        self._homes: dict[int, QGraphicsPathItem] = {}
        self.marker_scale = 1.0
        self._visible = {"labels": True, "home_bases": True}
        self._label_span: dict[int, float] = {}  # territory extent in map units
        self._anchors: dict[int, tuple[float, float, float]] = {}  # whole territory
        self._on_edge: np.ndarray | None = None  # units on their territory's border
        self._view: tuple[float, float, float, float] | None = None
        self.scale = 1.0  # pixels per map unit, set by the canvas
        self._pen = QPen(BORDER_COLOR, 2.0)
        self._pen.setCosmetic(True)
        self._pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self._pen.setCapStyle(Qt.PenCapStyle.RoundCap)  # polylines meet without notches
        self._font = QFont()
        self._font.setBold(True)
        self._font.setPointSize(9)
        self._marker = _home_marker()

    # -- geometry -------------------------------------------------------------------------
    def segments(self, lod: int | None = None) -> BorderSegments:
        """Segment table of a level of detail (built on first use)."""
        lod = self.lod if lod is None else lod
        table = self._segments[lod]
        if table is None:
            future = self._prefetched.pop(lod, None)
            table = future.result() if future is not None else None
            if table is None:
                table = BorderSegments(self.project.units.lod[lod])
            self._segments[lod] = table
        return table

    def prefetch(self, lod: int) -> None:
        """Build the segment table of ``lod`` on a worker thread (before it is needed).

        Shapely and numpy release the GIL, so the first zoom to the other level of
        detail does not have to wait for its table; nothing else runs off the GUI thread.
        """
        if self._segments[lod] is not None or lod in self._prefetched:
            return
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="td-borders")
        self._prefetched[lod] = pool.submit(BorderSegments, self.project.units.lod[lod])
        pool.shutdown(wait=False)  # the thread ends with its one task

    def wait_prefetched(self) -> None:
        """Block until tables being built by :meth:`prefetch` are ready (benchmarks)."""
        for future in list(self._prefetched.values()):
            future.exception()

    # -- items ----------------------------------------------------------------------------
    def refresh(self, codes: set[int] | list[int] | None = None) -> None:
        """Rebuild outline, label and home base of ``codes`` (every territory when None)."""
        plan = self.project.plan
        if codes is None:
            for code in set(self._borders) | set(self._labels) | set(self._homes):
                if code not in plan.territories:
                    self._remove(code)
            codes = list(plan.territories)
        live = []
        for code in {int(c) for c in codes}:
            if code in plan.territories:
                live.append(code)
            else:
                self._remove(code)
        if not live:
            return
        table = self.segments()
        borders = table.borders(plan.assignment, live)
        if self._on_edge is None or self._on_edge.size != table.n_units + 1:
            self._on_edge = np.zeros(table.n_units + 1, dtype=bool)  # the last: "outside"
        on_edge = self._on_edge
        on_edge[:-1][np.isin(plan.assignment, live)] = False
        for segs in borders.values():
            on_edge[table.a[segs]] = True
            on_edge[table.b[segs]] = True
        units = self.project.units
        if self._unit_bounds is None:
            self._unit_bounds = shapely.bounds(units.lod[0])
        anchors = label_anchors(
            plan.assignment,
            live,
            units.centroid,
            units.area,
            self._unit_bounds,
            self.project.adjacency.csr,
            on_edge[:-1],
        )
        for code in live:
            t = plan.territories[code]
            self._border_item(code).setPath(table.path(borders[code]))
            self._refresh_label(code, t)
            anchor = anchors.get(code)
            if anchor is None:
                self._anchors.pop(code, None)
            else:
                self._anchors[code] = anchor
            self._refresh_home(code, t)
        self._place_labels(live)
        self.set_scale(self.scale)

    def set_view(self, rect: tuple[float, float, float, float] | None) -> None:
        """The visible map ``(xmin, ymin, xmax, ymax)`` in project coordinates changed.

        A territory whose label, at its own label point, would not lie wholly inside
        ``rect`` but which has units in view gets its label on the visible unit nearest
        the centroid of its visible part; ``None`` puts every label back on its
        territory's own label point.
        """
        self._view = None if rect is None else tuple(float(v) for v in rect)
        self._place_labels(list(self._labels))
        self.set_scale(self.scale)

    def _place_labels(self, codes: list[int]) -> None:
        """Move the labels of ``codes`` to their anchor for the current view.

        A label whose box would cross the edge of the view moves to the visible part of
        its territory at least half its width (and height) from the edge.
        """
        view, anchors = self._view, self._anchors
        if view is not None and self._on_edge is not None:
            xmin, ymin, xmax, ymax = view
            off, mx, my = [], 0.0, 0.0
            for c in codes:
                if c not in anchors or c not in self._labels:
                    continue
                rect = self._labels[c][1].boundingRect()
                dx = (rect.width() / 2 + LABEL_MARGIN_PX) / max(self.scale, 1e-12)
                dy = (rect.height() / 2 + LABEL_MARGIN_PX) / max(self.scale, 1e-12)
                x, y = anchors[c][:2]
                if not (xmin + dx <= x <= xmax - dx and ymin + dy <= y <= ymax - dy):
                    off.append(c)
                    mx, my = max(mx, dx), max(my, dy)
            if off:
                inner = (xmin + mx, ymin + my, xmax - mx, ymax - my)
                if inner[0] >= inner[2] or inner[1] >= inner[3]:
                    inner = view
                units = self.project.units
                shown = visible_anchors(
                    self.project.plan.assignment,
                    units.centroid,
                    units.area,
                    self._unit_bounds,
                    self._on_edge[:-1],
                    inner,
                    off,
                )
                anchors = {**anchors, **{c: shown[c] for c in off if c in shown}}
        for code in codes:
            pair = self._labels.get(code)
            anchor = anchors.get(code)
            if pair is None or anchor is None:
                self._label_span.pop(code, None)
                continue
            x, y, self._label_span[code] = anchor
            pos = scene_point(x, y)
            for item in pair:
                item.setPos(pos)

    def set_lod(self, lod: int) -> None:
        """Draw outlines from the coarse (0) or fine (1) display geometry."""
        if lod == self.lod:
            return
        self.lod = lod
        codes = list(self._borders)
        if not codes:
            return
        table = self.segments()
        borders = table.borders(self.project.plan.assignment, codes)
        for code in codes:
            self._borders[code].setPath(table.path(borders[code]))

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

    def _remove(self, code: int) -> None:
        for item in (self._borders.pop(code, None), self._homes.pop(code, None)):
            if item is not None:
                self.scene.removeItem(item)
        for item in self._labels.pop(code, ()):
            self.scene.removeItem(item)
        self._label_span.pop(code, None)
        self._anchors.pop(code, None)

    def _border_item(self, code: int) -> QGraphicsPathItem:
        item = self._borders.get(code)
        if item is None:
            item = QGraphicsPathItem()
            item.setPen(self._pen)
            item.setBrush(Qt.BrushStyle.NoBrush)
            item.setZValue(Z_BORDERS)
            self.scene.addItem(item)
            self._borders[code] = item
        return item

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
                item.setVisible(False)
                self.scene.addItem(item)
            pair = self._labels[code] = (halo, text)
        for item in pair:
            if item.text() != t.name:
                item.setText(t.name)
                rect = item.boundingRect()
                item.setTransform(QTransform.fromTranslate(-rect.width() / 2, -rect.height() / 2))

    def _label_fits(self, code: int, item: QGraphicsSimpleTextItem) -> bool:
        """Show a label only when its territory is wider on screen than the text."""
        span = self._label_span.get(code)
        if not self._visible["labels"] or span is None:
            return False
        return bool(span * self.scale >= item.boundingRect().width())

    def set_marker_scale(self, factor: float) -> None:
        """Size the home-base markers (1 = full size, in screen pixels)."""
        self.marker_scale = factor
        for item in self._homes.values():
            item.setScale(factor)

    def label_rects_px(self) -> list[QRectF]:
        """Screen-pixel boxes (scene position times scale) of the labels shown now."""
        out = []
        for _halo, text in self._labels.values():
            if text.isVisible():
                rect = text.boundingRect()
                x, y = text.pos().x() * self.scale, text.pos().y() * self.scale
                w, h = rect.width() / 2, rect.height() / 2
                out.append(QRectF(x - w, y - h, 2 * w, 2 * h))
        return out

    def home_items(self) -> dict[int, QGraphicsPathItem]:
        """The home-base marker of each territory that has one, by territory code."""
        return dict(self._homes)

    def home_rects_px(self) -> list[QRectF]:
        """Screen-pixel boxes (scene position times scale) of the home markers shown."""
        if not self._visible["home_bases"]:
            return []
        box = self._marker.boundingRect()
        out = []
        for item in self._homes.values():
            f = item.scale()
            x, y = item.pos().x() * self.scale, item.pos().y() * self.scale
            left, top = x + box.left() * f, y + box.top() * f
            out.append(QRectF(left, top, box.width() * f, box.height() * f))
        return out

    def set_scale(self, scale: float) -> None:
        """Zoom changed: show the labels of territories big enough to hold them.

        Labels are placed biggest territory first; one that would overlap a label already
        placed is hidden, so a zoomed-out map of many territories stays readable.
        """
        self.scale = scale
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
        item.setScale(self.marker_scale)
        item.setVisible(self._visible["home_bases"])

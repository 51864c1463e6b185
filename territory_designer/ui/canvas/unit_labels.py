"""Unit names on the map once zoomed in far enough for units to be large on screen.

Each unit's name (its id when the layer has no name) sits on the unit's representative
point, with a halo. Only units in view whose name fits across them are candidates; the
largest are placed first and a name that would overlap one already placed, a territory
label, a city name or a home-base marker is left out (greedy, in screen pixels). Items
are made on first use and kept, so panning back and forth only shows and hides them.
"""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsScene

from territory_designer.core.project import Project
from territory_designer.ui.canvas.collision import TakenBoxes
from territory_designer.ui.canvas.halo_text import HaloText
from territory_designer.ui.canvas.paths import scene_point
from territory_designer.ui.canvas.z_order import Z_UNIT_NAMES

#: Names appear once a typical (median) unit is this many pixels wide on screen …
TYPICAL_UNIT_PX = 70.0
#: … and then on every unit at least this wide (and wider than its name).
MIN_UNIT_PX = 40.0
#: Most names drawn at once (a full-screen view of small units stays readable).
MAX_UNIT_LABELS = 300
#: Most candidates tried per placement, largest units first (bounds the work).
MAX_CANDIDATES = 2000
INK = QColor(60, 60, 60)


def unit_display_names(project: Project) -> np.ndarray:
    """The name of every unit, or its id where the name is empty."""
    units = project.units
    names = np.asarray(units.names, dtype=object).astype(str)
    blank = np.char.str_len(np.char.strip(names)) == 0
    return np.where(blank, np.asarray(units.ids, dtype=object).astype(str), names)


class UnitLabels:
    """The unit-name items of a canvas's scene, placed for the current view.

    Parameters
    ----------
    scene : QGraphicsScene
        Where the names are drawn.
    project : Project
        Its units' names, representative points and sizes are used.
    """

    def __init__(self, scene: QGraphicsScene, project: Project) -> None:
        self.scene = scene
        self.visible = True
        self.project = project
        self._ready = False  # names, points and sizes are read at the first placement
        self._font = QFont()
        self._font.setPointSizeF(8.0)
        self._font.setItalic(True)  # areas in italics, places (cities) upright with a dot
        self._metrics = QFontMetricsF(self._font)
        self._text_px: dict[int, float] = {}
        self._items: dict[int, HaloText] = {}
        #: Units whose names are shown now, in placement order.
        self.shown: list[int] = []
        #: Their boxes in screen pixels (scene position times scale).
        self.shown_rects: list[QRectF] = []

    def set_visible(self, visible: bool) -> None:
        """Switch unit names on or off (the next :meth:`place` shows them)."""
        self.visible = bool(visible)
        if not visible:
            self._hide_all()

    def clear(self) -> None:
        """Remove every item (the project is being replaced)."""
        for item in self._items.values():
            self.scene.removeItem(item)
        self._items = {}
        self.shown, self.shown_rects = [], []

    def _hide_all(self) -> None:
        for k in self.shown:
            self._items[k].setVisible(False)
        self.shown, self.shown_rects = [], []

    def place(
        self,
        view: tuple[float, float, float, float],
        px_per_m: float,
        avoid: list[QRectF] | None = None,
    ) -> None:
        """Show the names that fit in ``view`` (project coordinates) at ``px_per_m``.

        Parameters
        ----------
        view : tuple of float
            The visible map ``(xmin, ymin, xmax, ymax)``.
        px_per_m : float
            Screen pixels per map unit.
        avoid : list of QRectF, optional
            Boxes already taken by other labels and markers, in screen pixels.
        """
        before = self.shown
        try:
            self._choose(view, px_per_m, avoid)
        finally:
            # Only names that go away are hidden: hiding drops an item's cached pixels.
            keep = set(self.shown)
            for k in before:
                if k not in keep:
                    self._items[k].setVisible(False)

    def _prepare(self) -> None:
        """Read the units' names, points and sizes (not on the first map's path)."""
        units = self.project.units
        self._names = unit_display_names(self.project)
        self._xy = np.asarray(units.centroid, dtype=float)  # a point inside each unit
        bounds = shapely.bounds(units.lod[0])
        self._width = bounds[:, 2] - bounds[:, 0]
        self._typical_width = float(np.median(self._width))
        self._order = np.argsort(-np.asarray(units.area), kind="stable")  # largest first
        self._ready = True

    def _choose(
        self,
        view: tuple[float, float, float, float],
        px_per_m: float,
        avoid: list[QRectF] | None,
    ) -> None:
        self.shown, self.shown_rects = [], []
        if not self.visible:
            return
        if not self._ready:
            self._prepare()
        if not self.visible or self._typical_width * px_per_m < TYPICAL_UNIT_PX:
            return  # not zoomed in far enough: territory names only
        x0, y0, x1, y1 = view
        order, xy = self._order, self._xy
        width_px = self._width[order] * px_per_m
        big = width_px >= MIN_UNIT_PX
        if not big.any():
            return
        cand = order[big]
        px, py = xy[cand, 0], xy[cand, 1]
        cand = cand[(px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)][:MAX_CANDIDATES]
        boxes = TakenBoxes(avoid, MAX_UNIT_LABELS)
        for k in cand.tolist():
            if self._text_width(k) + 4 > self._width[k] * px_per_m:
                continue  # the name would spill over the unit
            item = self._item(k)
            rect = item.box.translated(xy[k, 0] * px_per_m, -xy[k, 1] * px_per_m)
            if not boxes.take(rect):
                continue
            item.setVisible(True)
            self.shown.append(k)
            self.shown_rects.append(rect)
            if len(self.shown) >= MAX_UNIT_LABELS:
                break

    def name(self, unit: int) -> str:
        """The name drawn for ``unit``."""
        if not self._ready:
            self._prepare()
        return str(self._names[unit])

    def _text_width(self, k: int) -> float:
        width = self._text_px.get(k)
        if width is None:
            width = self._text_px[k] = self._metrics.horizontalAdvance(str(self._names[k]))
        return width

    def _item(self, k: int) -> HaloText:
        item = self._items.get(k)
        if item is None:
            item = HaloText(str(self._names[k]), self._font, ink=INK)
            item.setZValue(Z_UNIT_NAMES)
            item.setPos(scene_point(*self._xy[k]))
            item.setVisible(False)
            self.scene.addItem(item)
            self._items[k] = item
        return item

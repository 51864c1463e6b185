"""The offline basemap on the canvas: land, lakes, borders, and city labels by zoom.

Land and lakes lie under the units, borders just over their fills (so a state line reads
through the territory colours), city names under the territory labels. Cities are
labelled largest first while they fit on screen without overlapping, so zooming in
brings in the towns.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene

from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.feedback import Feedback
from territory_designer.io.basemap import Basemap, load_basemap
from territory_designer.ui.canvas.collision import TakenBoxes
from territory_designer.ui.canvas.halo_text import HaloText
from territory_designer.ui.canvas.paths import combined_path, scene_point
from territory_designer.ui.canvas.z_order import Z_BASEMAP, Z_BASEMAP_LINES, Z_CITIES
from territory_designer.ui.workers import Task, weak_task

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
        self._labels: dict[int, HaloText] = {}
        self.shown_cities: list[str] = []
        #: Screen-pixel boxes of the city names shown (other labels keep clear of them).
        self.shown_rects: list[QRectF] = []

    def _add(self, geom: object, brush: QBrush | None, pen: QPen, z: float) -> None:
        path = combined_path(np.array([geom], dtype=object))
        if path.isEmpty():
            return
        item = QGraphicsPathItem(path)
        item.setBrush(brush if brush is not None else QBrush(Qt.BrushStyle.NoBrush))
        item.setPen(pen)
        item.setZValue(z)
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        if brush is not None:
            # Land and lakes (thousands of coastline vertices) never change while the map
            # is edited: a repaint after a stroke blits their pixels instead of filling
            # them again (Qt caches only the part in view, and redraws it after a zoom).
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.scene.addItem(item)
        self.items.append(item)

    def set_visible(self, visible: bool) -> None:
        """Show or hide every basemap item."""
        self.visible = visible
        for item in [*self.items, *self._labels.values()]:
            item.setVisible(visible)
        if not visible:
            self.shown_cities, self.shown_rects = [], []

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
        shown: set[int] = set()
        try:
            self._choose_cities(view, px_per_m, avoid, shown)
        finally:
            # Only names that go away are hidden: hiding drops an item's cached pixels,
            # and drawing a haloed name again costs far more than blitting it.
            for k, item in self._labels.items():
                if k not in shown and item.isVisible():
                    item.setVisible(False)

    def _choose_cities(
        self,
        view: tuple[float, float, float, float],
        px_per_m: float,
        avoid: list[QRectF] | None,
        shown: set[int],
    ) -> None:
        b = self.basemap
        self.shown_cities, self.shown_rects = [], []
        if not self.visible or len(b.city_names) == 0 or px_per_m <= 0:
            return
        x0, y0, x1, y1 = view
        xy = b.city_xy
        inside = np.flatnonzero(
            (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
        )
        boxes = TakenBoxes(avoid, MAX_CITY_LABELS)
        taken: list[QRectF] = []
        for k in inside[: MAX_CITY_LABELS * 6].tolist():  # already largest first
            name = str(b.city_names[k])
            item = self._label(k, name)
            rect = item.box.translated(xy[k, 0] * px_per_m, -xy[k, 1] * px_per_m)
            if not boxes.take(rect):
                continue
            taken.append(rect)
            item.setVisible(True)
            shown.add(k)
            self.shown_cities.append(name)
            if len(taken) >= MAX_CITY_LABELS:
                break
        self.shown_rects = taken

    def _label(self, k: int, name: str) -> HaloText:
        item = self._labels.get(k)
        if item is None:
            # A dot on the city, its name to the right, both haloed over any fill.
            item = HaloText(name, self._font, dot=True, ink=CITY)
            item.setZValue(Z_CITIES)
            item.setPos(scene_point(*self.basemap.city_xy[k]))
            item.setVisible(False)
            self.scene.addItem(item)
            self._labels[k] = item
        return item


def _pen(color: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color, width, style)
    pen.setCosmetic(True)
    return pen


class CanvasBasemap(QObject):
    """Loads the basemap of a canvas's project off the GUI thread and keeps it placed.

    The first cut of a project's basemap takes seconds (it reads, clips and projects the
    bundled layers), so it runs on a worker thread once the units have been painted: the
    territories show at once and the basemap appears when it is ready. A result that
    arrives after the project was replaced (or the basemap cleared) is dropped.

    Parameters
    ----------
    canvas : MapCanvas
        The view (its scene, project, visible rectangle and scale are used).

    Signals
    -------
    sig_loaded()
        The basemap of the current project is on the map.
    """

    sig_loaded = Signal()

    def __init__(self, canvas: object) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self._waiting = False
        self._task: Task | None = None
        self._generation = 0  # bumped by clear(): results of older loads are stale
        self.layer: BasemapLayer | None = None
        self.visible = True
        self.error = ""

    @property
    def loading(self) -> bool:
        """True while the basemap is being read or cut on the worker thread."""
        return self._task is not None

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

    def _source(self) -> tuple[object, tuple] | None:
        """The current project's CRS and extent, or None when it has no basemap."""
        units = self.canvas.session.project.units
        if units.crs is None or len(units) == 0:
            return None
        return units.crs, units.bounds

    def load(self) -> None:
        """Start reading or cutting the current project's basemap on a worker thread."""
        if self.layer is not None or self._task is not None:
            return
        source = self._source()
        if source is None:
            return
        crs, bounds = source
        generation = self._generation

        def work(feedback: Feedback) -> Basemap:
            try:
                return load_basemap(crs, bounds, feedback)
            except (OSError, ValueError, ImportError) as exc:  # a broken install
                raise TerritoryDesignerError(f"No basemap: {exc}") from exc

        # A canvas closed while the cut runs is freed at once; the result goes nowhere.
        task = weak_task(work, self, generation, "_on_loaded", "_on_failed", "_on_done")
        self._task = task
        task.start()

    def load_now(self) -> None:
        """Read or cut the basemap on this thread and show it (benchmarks, scripts)."""
        if self.layer is not None:
            return
        self._cancel_task()
        source = self._source()
        if source is None:
            return
        try:
            basemap = load_basemap(*source)
        except (OSError, ValueError, ImportError) as exc:
            self._on_failed(self._generation, f"No basemap: {exc}")
            return
        self._on_loaded(self._generation, basemap)

    def wait(self, msecs: int = 60000) -> bool:
        """Block until a load running on the worker thread has ended (tests, scripts).

        The result is shown when the event loop next runs.
        """
        return self._task.wait(msecs) if self._task is not None else True

    def _on_loaded(self, generation: int, basemap: Basemap) -> None:
        if generation != self._generation or self.layer is not None:
            return  # the project changed while this one was being cut
        self.error = ""
        self.layer = BasemapLayer(self.canvas.scene(), basemap)
        self.set_visible(self.visible)
        self.sig_loaded.emit()

    def _on_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.error = message
        self.canvas.session.sig_status.emit(message)

    def _on_done(self, _generation: int, task: Task) -> None:
        if self._task is task:
            self._task = None

    def _cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()  # its result, if any, is stale and will be dropped
            self._task = None

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
                canvas.territories.label_rects_px()
                + canvas.territories.home_rects_px()
                + canvas.overlay_rects_px(),
            )

    def clear(self) -> None:
        """Drop the layer and any load still running (the project is being replaced)."""
        self._generation += 1
        self._cancel_task()
        if self.layer is not None:
            self.layer.clear()
            self.layer = None

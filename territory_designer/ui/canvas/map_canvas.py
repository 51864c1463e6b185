"""The native map canvas: units in their territory colours, painted with the mouse.

A :class:`QGraphicsView` over a scene in project coordinates (y flipped). Drawing stays in
C++: one path item per unit, one item for all account points, one outline per territory.
Session signals drive incremental updates: only changed units get a new brush, and only
touched territories get new outlines and labels (coalesced until the event loop is idle,
so a fast brush stroke rebuilds them once per frame at most).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from territory_designer.core.map_layout import map_layout
from territory_designer.core.plan import UNASSIGNED
from territory_designer.core.units import LOD_FRACTIONS
from territory_designer.ui.canvas.accounts_item import refresh_accounts_item
from territory_designer.ui.canvas.after_paint import AfterPaint
from territory_designer.ui.canvas.basemap_layer import CanvasBasemap
from territory_designer.ui.canvas.choropleth import Classes, classes_of
from territory_designer.ui.canvas.navigation import NavigationMixin
from territory_designer.ui.canvas.overlays import Overlays
from territory_designer.ui.canvas.paths import project_xy, scene_point
from territory_designer.ui.canvas.spatial import UnitIndex, describe_unit, unit_tooltip
from territory_designer.ui.canvas.territory_layer import TerritoryLayer, home_marker_scale
from territory_designer.ui.canvas.tools import PAINT_TOOLS, TOOLS, ToolController
from territory_designer.ui.canvas.unit_labels import UnitLabels
from territory_designer.ui.canvas.unit_layer import UnitItems
from territory_designer.ui.gc_guard import collect_on_gui_thread_only
from territory_designer.ui.session import Session

BACKGROUND = QColor(236, 239, 242)
#: Unit outlines are drawn once a typical unit is at least this many pixels across.
UNIT_BORDER_MIN_PX = 6.0
LAYERS = (
    "basemap",
    "accounts",
    "labels",
    "unit_names",
    "unit_borders",
    "home_bases",
    "legend",
    "scale_bar",
)
#: Labels move into the visible part of their territory once zoom or pan has settled.
LABEL_SETTLE_MS = 120


class MapCanvas(NavigationMixin, QGraphicsView):
    """Map view of a :class:`Session`'s project with painting tools.

    Signals
    -------
    sig_hover(text: str)
        Description of the unit under the cursor ('' when none).
    sig_tool_changed(name: str)
        The active tool changed.
    """

    sig_hover = Signal(str)
    sig_tool_changed = Signal(str)
    TOOLS = TOOLS
    BACKGROUND = BACKGROUND

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The canvas runs Python on worker threads (basemap cut, border tables): garbage
        # holding widgets must never be collected there.
        collect_on_gui_thread_only()
        self.session = session
        self._tool = "brush"
        self._previous_paint_tool = "brush"
        self._brush_radius_px = 12
        self._layers_visible = dict.fromkeys(LAYERS, True)
        self._pan_from: QPoint | None = None
        self._fit_all = True
        self._fit_main = False
        self._hover_unit = -1
        self._pending_codes: set[int] = set()
        self._pending_full = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._flush_refresh)
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(LABEL_SETTLE_MS)
        self._view_timer.timeout.connect(self._place_labels_in_view)
        self._setup_view()
        self.color_field: str | None = None  # None: units in their territory's colour
        #: What :meth:`set_color_values` coloured the units by (a performance figure).
        self.color_values_label: str | None = None
        self.overlays = Overlays(self)
        self.basemap = CanvasBasemap(self)
        self.basemap.sig_loaded.connect(self._place_point_labels)  # unit names avoid cities
        self.tools = ToolController(self)
        self._build()
        for sig, slot in (
            (session.sig_assignment_changed, self._on_assignment_changed),
            (session.sig_territories_changed, self._on_territories_changed),
            (session.sig_structure_changed, self._on_structure_changed),
            (session.sig_locks_changed, self._on_locks_changed),
            (session.sig_plan_changed, self._on_plan_changed),
            (session.sig_project_replaced, self._on_project_replaced),
            (session.sig_selection_changed, self._on_selection_changed),
            (session.sig_settings_changed, self._on_settings_changed),
            (session.sig_accounts_changed, self._on_accounts_changed),
        ):
            sig.connect(slot)

    def _setup_view(self) -> None:
        self.setScene(QGraphicsScene(self))
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setBackgroundBrush(BACKGROUND)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)

    def _build(self) -> None:
        project = self.session.project
        self.index = UnitIndex(project)
        self.territories = TerritoryLayer(self.scene(), project)
        # The border table of the first view on a worker thread (numpy and shapely release
        # the GIL) while its fills are made here.
        self._overview_lod = project.units.overview_lod
        self.territories.prefetch(self._overview_lod)
        self.units = UnitItems(self.scene(), project)
        self.unit_labels = UnitLabels(self.scene(), project)
        self.tools.add_to_scene()
        units = project.units
        xmin, ymin, xmax, ymax = units.bounds
        pad = units.extent
        self._map_rect = QRectF(scene_point(xmin, ymax), scene_point(xmax, ymin)).normalized()
        self.scene().setSceneRect(self._map_rect.adjusted(-pad, -pad, pad, pad))
        xmin, ymin, xmax, ymax = map_layout(units.lod[0]).main_bounds
        self._main_rect = QRectF(scene_point(xmin, ymax), scene_point(xmax, ymin)).normalized()
        self._typical_unit = float(np.sqrt(np.median(units.area)))
        k = max(len(project.plan.territories), 1)
        self._typical_territory = float(np.sqrt(units.area.sum() / k))
        self._lod_scale = 0.75 / (units.extent * LOD_FRACTIONS[0])
        # Choose the level of detail first, so only the one shown is built.
        self.zoom_to_main()
        for name, visible in self._layers_visible.items():
            self.set_layer_visible(name, visible)
        self.territories.refresh()
        # What the first frame does not need waits until it has been painted.
        self._after_first_frame = AfterPaint(self.viewport(), self._first_frame_painted)
        self.units.set_selection(self.session.selection)
        # The new unit items are already filled by territory: do not fill them twice.
        field = self.color_field if self.color_field in project.weight_fields else None
        self.set_color_by(field, recolor=field is not None)
        self._view_timer.start()
        self.basemap.load_later()

    def _first_frame_painted(self) -> None:
        """Build the unit items (hidden under the overview's fills) and the border table
        of the other level of detail, for the first zoom."""
        self.units.build_in_chunks()
        for lod in {self._overview_lod, 1} - {self.territories.lod}:
            self.territories.prefetch(lod)

    # -- public API -----------------------------------------------------------------------
    @property
    def tool(self) -> str:
        """The active tool (one of :attr:`TOOLS`)."""
        return self._tool

    def set_tool(self, name: str) -> None:
        """Switch tool."""
        if name not in TOOLS:
            raise ValueError(f"Unknown tool {name!r}; choose one of {TOOLS}.")
        if name == self._tool:
            return
        self.tools.cancel()
        if self._tool in PAINT_TOOLS:
            self._previous_paint_tool = self._tool
        self._tool = name
        cursor = {"pan": Qt.CursorShape.OpenHandCursor, "pick": Qt.CursorShape.PointingHandCursor}
        self.viewport().setCursor(cursor.get(name, Qt.CursorShape.CrossCursor))
        self.tools.update_circle(None)
        self.sig_tool_changed.emit(name)

    @property
    def brush_radius_px(self) -> int:
        """Brush radius on screen, in pixels."""
        return self._brush_radius_px

    def set_brush_radius_px(self, radius: int) -> None:
        """Set the brush radius (clamped to 2..200 pixels)."""
        self._brush_radius_px = int(min(max(int(radius), 2), 200))
        if self.tools.circle.isVisible():
            self.tools.update_circle(self.tools.circle.pos())

    def scale_px_per_unit(self) -> float:
        """Screen pixels per map unit (metre) at the current zoom."""
        return float(self.transform().m11())

    def set_color_by(self, field: str | None, recolor: bool = True) -> None:
        """Colour units by their territory (None) or by a metric's classes (choropleth).

        ``recolor=False`` with ``field=None``: the units are known to be filled by territory
        already (just built), only the legend and detail are updated.
        """
        self.color_field = field
        self.color_values_label = None
        project = self.session.project
        classes = classes_of(field, project.unit_values(field)) if field else None
        if recolor or classes is not None or self.units.classes is not None:
            self.units.set_classes(classes)
        self.overlays.refresh(project, classes)
        self._update_detail()

    def set_color_values(self, label: str, values: np.ndarray) -> None:
        """Colour units by figures that are not a project metric (a territory's retention
        painted on its units, a unit's sales in a period), classed like a metric; signed
        figures (growth %) on a diverging scale centred on zero. NaN: no value."""
        self.color_field = None
        self.color_values_label = label
        classes = classes_of(label, np.asarray(values, dtype=float))
        self.units.set_classes(classes)
        self.overlays.refresh(self.session.project, classes)
        self._update_detail()

    def set_color_classes(self, classes: Classes | None) -> None:
        """Colour units by ready-made classes (categories with legend labels: the change
        view); None gives units back their territory's colour."""
        self.color_field = None
        self.color_values_label = None
        self.units.set_classes(classes)
        self.overlays.refresh(self.session.project, classes)
        self._update_detail()

    def set_layer_visible(self, name: str, visible: bool) -> None:
        """Show or hide a layer of :data:`LAYERS` (the legend and scale bar too)."""
        if name not in LAYERS:
            raise ValueError(f"Unknown layer {name!r}; choose one of {LAYERS}.")
        self._layers_visible[name] = bool(visible)
        if name in ("legend", "scale_bar"):
            getattr(self.overlays, name).setVisible(visible)
        elif name == "basemap":
            self.basemap.set_visible(visible)
            self._view_timer.start()  # unit names may take the cities' room
        elif name == "unit_names":
            self.unit_labels.set_visible(visible)
            self._view_timer.start()
        elif name == "accounts":
            self.units.set_accounts_visible(visible)
        elif name == "unit_borders":
            self._update_detail()
        else:
            self.territories.set_visible(name, visible)

    def layer_visible(self, name: str) -> bool:
        """Whether a layer is shown."""
        return self._layers_visible[name]

    def units_at(self, scene_pos: QPointF) -> np.ndarray:
        """Indices of the units under a scene point."""
        return self.index.units_at(*project_xy(scene_pos))

    def wait_idle(self) -> None:
        """Apply pending refreshes now (tests, benchmarks)."""
        self._refresh_timer.stop()
        self._flush_refresh()
        if self._view_timer.isActive():
            self._view_timer.stop()
            self._place_labels_in_view()

    def visible_project_rect(self) -> tuple[float, float, float, float]:
        """The map shown in the viewport, ``(xmin, ymin, xmax, ymax)`` in project units."""
        rect = self.mapToScene(self.viewport().rect()).boundingRect()
        x0, y0 = project_xy(rect.topLeft())
        x1, y1 = project_xy(rect.bottomRight())
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

    def scene_from_project_xy(self, x: float, y: float) -> QPointF:
        """Scene point of project coordinates."""
        return scene_point(x, y)

    def map_to_scene_xy(self, x: float, y: float) -> QPointF:
        """Alias of :meth:`scene_from_project_xy`."""
        return scene_point(x, y)

    def viewport_pos_from_project_xy(self, x: float, y: float) -> QPoint:
        """Viewport pixel of project coordinates (for tests and tools)."""
        return self.mapFromScene(scene_point(x, y))

    def pick_territory_of(self, unit: int) -> None:
        """Make the territory of ``unit`` active and return to the previous painting tool."""
        code = int(self.session.project.plan.assignment[unit])
        if code == UNASSIGNED:
            self.session.sig_status.emit("That unit belongs to no territory.")
            return
        self.session.set_active_territory(code)
        self.set_tool(self._previous_paint_tool)

    # -- zoom helpers ---------------------------------------------------------------------
    def _update_detail(self) -> None:
        """Choose the level of detail and unit outlines for the current zoom."""
        scale = self.scale_px_per_unit()
        zoomed_in = scale >= self._lod_scale
        lod = 1 if zoomed_in else self._overview_lod
        self.units.set_lod(lod)
        self.territories.set_lod(lod)
        shown = self._layers_visible["unit_borders"] and (
            self._typical_unit * scale >= UNIT_BORDER_MIN_PX
        )
        self.units.set_borders_shown(shown)
        # Units too small to outline: draw whole territories and hairline borders.
        overview = not zoomed_in and not shown
        self.units.set_overview(overview)
        self.territories.set_border_width(0.0 if overview else 2.0)
        self.territories.set_scale(scale)
        self.overlays.scale_bar.set_scale(scale)
        self.territories.set_marker_scale(home_marker_scale(self._typical_territory * scale))
        self.tools.update_circle(self.tools.circle.pos() if self.tools.circle.isVisible() else None)
        self._view_timer.start()

    def _place_labels_in_view(self) -> None:
        """Zoom or pan settled: label every territory visible, inside its visible part."""
        self.territories.set_view(self.visible_project_rect())
        self._place_point_labels()

    def overlay_rects_px(self) -> list[QRectF]:
        """Boxes of the legend and scale bar shown, in the labels' pixel coordinates
        (scene position times scale), so map names do not hide under them."""
        scale = self.scale_px_per_unit()
        out = []
        for widget in (self.overlays.legend, self.overlays.scale_bar):
            if widget.isVisible():
                geometry = widget.geometry().translated(-self.viewport().pos())
                rect = self.mapToScene(geometry).boundingRect()
                out.append(QRectF(rect.topLeft() * scale, rect.bottomRight() * scale))
        return out

    def _place_point_labels(self) -> None:
        """City names, then unit names, clear of the territory labels and each other."""
        self.basemap.place()
        layer = self.basemap.layer
        t = self.territories
        avoid = t.label_rects_px() + t.home_rects_px() + self.overlay_rects_px()
        if layer is not None:
            avoid += layer.shown_rects
        self.unit_labels.place(self.visible_project_rect(), self.scale_px_per_unit(), avoid)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self._view_timer.start()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)
        self._view_timer.start()

    # -- refresh on session signals -------------------------------------------------------
    def _schedule(self, codes: set[int] | None) -> None:
        if codes is None:
            self._pending_full = True
        else:
            self._pending_codes |= {int(c) for c in codes}
        self._refresh_timer.start()

    def _flush_refresh(self) -> None:
        """Rebuild outlines and labels of the territories touched since the last flush."""
        full, codes = self._pending_full, self._pending_codes
        self._pending_full, self._pending_codes = False, set()
        self.units.refresh_fills()
        if full:
            self.territories.refresh()
        elif codes:
            self.territories.refresh(codes)
        plan = self.session.project.plan
        if full or plan.locked_units.any() or any(t.locked for t in plan.territories.values()):
            self.units.refresh_locks()
        if self.color_field is None and self.units.classes is None:  # names, colours…
            self.overlays.refresh(self.session.project, None)
        if full or codes:  # territory labels and home bases may have moved
            self._place_point_labels()

    def _on_assignment_changed(self, units: np.ndarray, codes: set[int]) -> None:
        self.units.recolor(np.asarray(units, dtype=np.int64))
        self.units.invalidate_fills(codes)
        self._schedule(codes)
        # An undo or a redo changes units without a mouse move: say the new territory now.
        if self._hover_unit >= 0 and bool(np.any(np.asarray(units) == self._hover_unit)):
            self._describe_hover()

    def _on_territories_changed(self, codes: list[int]) -> None:
        self.units.forget_brushes(codes)
        plan = self.session.project.plan
        self.units.recolor(np.flatnonzero(np.isin(plan.assignment, list(codes))))
        self.units.invalidate_fills(codes)
        self._schedule(set(codes))
        if self._hover_unit >= 0:
            self._describe_hover()

    def _on_structure_changed(self) -> None:
        self.units.forget_brushes()
        self.units.recolor()
        self.units.invalidate_fills(None)
        self._schedule(None)
        if self._hover_unit >= 0:
            self._describe_hover()

    def _on_locks_changed(self, units: np.ndarray) -> None:
        self.units.refresh_locks()

    def _on_plan_changed(self) -> None:
        self._on_structure_changed()

    def _on_selection_changed(self, units: np.ndarray) -> None:
        self.units.set_selection(units)

    def _on_settings_changed(self, key: str) -> None:
        if self._hover_unit >= 0:
            self._describe_hover()

    def _on_accounts_changed(self) -> None:
        refresh_accounts_item(self.units, self._layers_visible["accounts"])
        if self.color_field is not None:  # unit sums of account fields changed
            fields = self.session.project.weight_fields
            self.set_color_by(self.color_field if self.color_field in fields else None)

    def _on_project_replaced(self) -> None:
        self.tools.cancel()
        self._refresh_timer.stop()
        self._pending_codes, self._pending_full = set(), False
        self._after_first_frame.cancel()
        self.units.clear()
        self.territories.clear()
        self.unit_labels.clear()
        self.basemap.clear()
        self._hover_unit = -1
        self._build()

    # -- events ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self._tool == "pan"
        ):
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        elif event.button() == Qt.MouseButton.LeftButton:
            self.tools.press(self.mapToScene(event.position().toPoint()), event.modifiers())
        elif event.button() == Qt.MouseButton.RightButton and self.tools.active:
            self.tools.cancel()
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        scene_pos = self.mapToScene(pos)
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self._pan_by_pixels(delta.x(), delta.y())
        elif self.tools.active:
            self.tools.move(scene_pos)
        self.tools.update_circle(scene_pos)
        self._update_hover(scene_pos)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._pan_from = None
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if self._tool == "pan" else Qt.CursorShape.CrossCursor
            )
        elif event.button() == Qt.MouseButton.LeftButton:
            self.tools.release(self.mapToScene(event.position().toPoint()))
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.mousePressEvent(event)

    def leaveEvent(self, event: object) -> None:
        self.tools.update_circle(None)
        self._set_hover(-1)
        super().leaveEvent(event)

    def _update_hover(self, scene_pos: QPointF) -> None:
        self._set_hover(self.index.unit_at(*project_xy(scene_pos)))

    def _set_hover(self, unit: int) -> None:
        if unit == self._hover_unit:
            return
        self._hover_unit = unit
        self._describe_hover()

    def _describe_hover(self) -> None:
        if self._hover_unit >= len(self.session.project.units):  # a units layer replaced
            self._hover_unit = -1
        text = describe_unit(self.session.project, self._hover_unit)
        self.viewport().setToolTip(
            unit_tooltip(self.session.project, self._hover_unit, self.color_field)
        )
        self.sig_hover.emit(text)

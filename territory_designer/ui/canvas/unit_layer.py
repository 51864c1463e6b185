"""Unit polygons (one path item each), the selection and lock overlays, account points.

Every unit is one :class:`QGraphicsPathItem`, so drawing stays in C++; a change of
territory is one ``setBrush`` per changed unit. Paths are built from numpy in bulk
(:mod:`territory_designer.ui.canvas.paths`), the fine level of detail only the first time
the user zooms in.

In the overview (coarse detail, units too small for their outlines) the per-unit items are
hidden under one parent and each territory is drawn as one path holding the rings of all
its units: 200 items instead of 30,000 halve the cost of a full redraw, and an edit
rebuilds only the touched territories' paths (a byte join of pre-serialised rings).

The per-unit items are not needed for that first view, so they are built after it: in
chunks of :data:`ITEMS_PER_CHUNK` on the event loop once the map has been painted
(:meth:`UnitItems.build_in_chunks`), or all at once as soon as something needs them (zooming
in, colouring units by a metric, :attr:`UnitItems.items`). Until then recolouring, level of
detail and outlines apply to the items built so far and the rest are built in the current
state, so a unit looks the same whenever its item was made.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene

from territory_designer.core.plan import UNASSIGNED
from territory_designer.core.project import Project
from territory_designer.ui.canvas.accounts_item import AccountsItem, refresh_accounts_item
from territory_designer.ui.canvas.choropleth import NO_VALUE_COLOR, Classes
from territory_designer.ui.canvas.paths import UnitElements, combined_path
from territory_designer.ui.canvas.z_order import Z_LOCKED, Z_SELECTION, Z_UNITS

UNIT_BORDER_COLOR = QColor(60, 60, 60, 120)
UNASSIGNED_HATCH = QColor(120, 120, 120)
#: Unit items made per step of the event loop when they are built after the first frame
#: (about 20 ms on a 2-core laptop: the map stays responsive meanwhile).
ITEMS_PER_CHUNK = 2000


def _group() -> QGraphicsRectItem:
    """An item that draws nothing, to show, hide or add many items in one call."""
    item = QGraphicsRectItem()
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
    return item


def territory_brush(color: str) -> QBrush:
    """Solid fill of a territory."""
    return QBrush(QColor(color))


def unassigned_brush() -> QBrush:
    """Unassigned units: a grey hatch over the light map background."""
    return QBrush(UNASSIGNED_HATCH, Qt.BrushStyle.BDiagPattern)


class UnitItems:
    """The unit items of a scene and what is drawn directly over them."""

    def __init__(self, scene: QGraphicsScene, project: Project) -> None:
        self.scene = scene
        self.project = project
        self.lod = 0
        self._elements: list[UnitElements | None] = [None, None]
        self._paths: list[list[QPainterPath] | None] = [None, None]
        self.overview = False
        self._fills: dict[int, QGraphicsPathItem] = {}
        self._dirty_fills: set[int] | None = None  # None: rebuild all
        self._fills_lod = 0  # the level of detail the fills were made from
        self._brushes: dict[int, QBrush] = {}
        self._unit_pen = QPen(UNIT_BORDER_COLOR, 0.0)
        self._unit_pen.setCosmetic(True)
        self._no_pen = QPen(Qt.PenStyle.NoPen)
        self.borders_shown = True
        self.classes: Classes | None = None  # colouring by a metric instead of territory
        # Unit items, built after the first frame (see the module docstring): items
        # 0..len(self._items) - 1 exist, under ``self.parent`` (hidden while they are
        # built under the overview's fills).
        self._items: list[QGraphicsPathItem] = []
        self.parent = _group()
        self.parent.setZValue(Z_UNITS)
        scene.addItem(self.parent)
        self._chunk_timer = QTimer(scene)  # never fires once the scene is gone
        self._chunk_timer.setSingleShot(True)
        self._chunk_timer.setInterval(0)
        self._chunk_timer.timeout.connect(self._build_chunk)
        self.selection_item = self._overlay(
            Z_SELECTION, QBrush(QColor(0, 170, 255, 70)), QColor(0, 140, 255), 2.5
        )
        self.locked_item = self._overlay(
            Z_LOCKED, QBrush(QColor(30, 30, 30, 170), Qt.BrushStyle.DiagCrossPattern), None, 0
        )
        self._selection = np.empty(0, dtype=np.int64)
        self.accounts_item: AccountsItem | None = None
        refresh_accounts_item(self)
        self.recolor()
        self.refresh_locks()

    # -- construction ---------------------------------------------------------------------
    def elements(self, lod: int) -> UnitElements:
        """Serialised rings of every unit at a level of detail (built on first use)."""
        if self._elements[lod] is None:
            self._elements[lod] = UnitElements(self.project.units.lod[lod])
        return self._elements[lod]

    def paths(self, lod: int) -> list[QPainterPath]:
        """Painter paths of every unit at a level of detail (built on first use)."""
        if self._paths[lod] is None:
            self._paths[lod] = self.elements(lod).paths()
        return self._paths[lod]

    @property
    def items(self) -> list[QGraphicsPathItem]:
        """One path item per unit, in unit order (built now if they are not yet)."""
        self.ensure_items()
        return self._items

    @property
    def items_built(self) -> int:
        """How many unit items exist (units ``0 .. items_built - 1``)."""
        return len(self._items)

    @property
    def items_complete(self) -> bool:
        """Whether every unit has its item (in the scene)."""
        return len(self._items) == len(self.project.units)

    def ensure_items(self) -> None:
        """Build the unit items not built yet, now, and put them in the scene."""
        self._build_up_to(len(self.project.units))

    def build_in_chunks(self) -> None:
        """Build the unit items not built yet in chunks on the event loop.

        Called once the first frame has been painted: it shows whole-territory fills
        and needs no unit item, and building 300,000 of them first would delay it by
        seconds.
        """
        if not self.items_complete:
            self._chunk_timer.start()

    def _build_chunk(self) -> None:
        self._build_up_to(len(self._items) + ITEMS_PER_CHUNK)
        if not self.items_complete:
            self._chunk_timer.start()

    def _build_up_to(self, stop: int) -> None:
        """Make the items of units ``len(self._items)`` to ``stop - 1`` in the current
        level of detail, outline and fill."""
        n = len(self.project.units)
        start, stop = len(self._items), min(stop, n)
        if start >= stop:
            return
        pen = self._unit_pen if self.borders_shown else self._no_pen
        # Made under a group outside the scene, which then joins it: one call adds them
        # all in C++ (adding 300,000 items to a parent in the scene one by one costs a
        # quarter more; one group of them all, a 0.8 s stall at the end).
        group, items = _group(), self._items
        built = self._paths[self.lod]
        paths = (
            built[start:stop] if built is not None else self.elements(self.lod).paths(start, stop)
        )
        for path in paths:
            item = QGraphicsPathItem(path, group)
            item.setPen(pen)
            items.append(item)
        self._fill(np.arange(start, stop))
        group.setParentItem(self.parent)
        if stop == n:
            self._chunk_timer.stop()

    def _overlay(
        self, z: float, brush: QBrush, color: QColor | None, width: float
    ) -> QGraphicsPathItem:
        item = QGraphicsPathItem()
        item.setBrush(brush)
        if color is None:
            item.setPen(self._no_pen)
        else:
            pen = QPen(color, width)
            pen.setCosmetic(True)
            item.setPen(pen)
        item.setZValue(z)
        self.scene.addItem(item)
        return item

    def clear(self) -> None:
        """Remove every item of this layer from the scene."""
        self._chunk_timer.stop()
        self.scene.removeItem(self.parent)
        self._items = []
        extra = (self.selection_item, self.locked_item, self.accounts_item, *self._fills.values())
        for item in extra:
            if item is not None:
                self.scene.removeItem(item)

    # -- updates --------------------------------------------------------------------------
    def brush_for(self, code: int) -> QBrush:
        """The (cached) fill of a territory code."""
        brush = self._brushes.get(code)
        if brush is None:
            t = self.project.plan.territories.get(code)
            brush = unassigned_brush() if t is None else territory_brush(t.color)
            self._brushes[code] = brush
        return brush

    def forget_brushes(self, codes: list[int] | set[int] | None = None) -> None:
        """Drop cached fills (after colours changed)."""
        if codes is None:
            self._brushes.clear()
        else:
            for c in codes:
                self._brushes.pop(int(c), None)

    def set_classes(self, classes: Classes | None) -> None:
        """Colour every unit by its class of a metric, or by territory again (None)."""
        self.classes = classes
        if classes is not None:
            self.set_overview(False)  # territory-wide fills cannot show unit values
        self.recolor()

    def recolor(self, units: np.ndarray | None = None) -> None:
        """Fill ``units`` (all when None) with their territory's colour (or their class).

        Units whose items are not built yet get the fill current when they are built.
        """
        built = len(self._items)
        units = np.arange(built) if units is None else np.asarray(units, dtype=np.int64)
        self._fill(units[units < built])

    def _fill(self, units: np.ndarray) -> None:
        """Set the brush of the (built) items of ``units``."""
        items = self._items
        if self.classes is not None:
            brushes = [QBrush(QColor(c)) for c in self.classes.colors]
            brushes.append(QBrush(QColor(NO_VALUE_COLOR)))  # bin -1
            for u, b in zip(units.tolist(), self.classes.bins[units].tolist(), strict=True):
                items[u].setBrush(brushes[b])
            return
        assignment = self.project.plan.assignment
        codes = assignment[units]
        for code in np.unique(codes).tolist():
            brush = self.brush_for(code if code in self.project.plan.territories else UNASSIGNED)
            for u in units[codes == code].tolist():
                items[u].setBrush(brush)

    def invalidate_fills(self, codes: set[int] | list[int] | None = None) -> None:
        """Mark overview fills of ``codes`` (all when None) for :meth:`refresh_fills`."""
        if codes is None or self._dirty_fills is None:
            self._dirty_fills = None
        else:
            self._dirty_fills |= {int(c) for c in codes}

    def set_overview(self, on: bool) -> None:
        """Draw whole territories (True) or individual units (False)."""
        on = on and self.classes is None
        if not on:
            self.ensure_items()  # units drawn one by one
        if on == self.overview:
            return
        self.overview = on
        if on:
            self.refresh_fills()
        for item in self._fills.values():
            item.setVisible(on)
        self.parent.setVisible(not on)

    def refresh_fills(self) -> None:
        """Rebuild the overview paths of the territories marked dirty."""
        if not self.overview:
            return
        if self._fills_lod != self.lod:
            self._dirty_fills, self._fills_lod = None, self.lod
        dirty, self._dirty_fills = self._dirty_fills, set()
        plan = self.project.plan
        known = set(plan.territories) | {UNASSIGNED}
        if dirty is None:
            for code in set(self._fills) - known:
                self.scene.removeItem(self._fills.pop(code))
            dirty = known
        if not dirty:
            return
        elements = self.elements(self.lod)
        order = np.argsort(plan.assignment, kind="stable")
        sorted_codes = plan.assignment[order]
        for code in dirty:
            if code not in known:
                item = self._fills.pop(code, None)
                if item is not None:
                    self.scene.removeItem(item)
                continue
            lo, hi = np.searchsorted(sorted_codes, [code, code + 1])
            item = self._fills.get(code)
            if item is None:
                item = self._fills[code] = QGraphicsPathItem()
                item.setPen(self._no_pen)
                item.setZValue(Z_UNITS)
                self.scene.addItem(item)
            item.setBrush(self.brush_for(code))
            item.setPath(elements.union_path(order[lo:hi]))

    def set_lod(self, lod: int) -> None:
        """Switch every unit to the coarse (0) or fine (1) display geometry."""
        if lod == self.lod:
            return
        self.lod = lod
        if self._items:
            for item, path in zip(self._items, self.paths(lod), strict=False):
                item.setPath(path)
        self.refresh_locks()
        self.set_selection(self._selection)

    def set_borders_shown(self, shown: bool) -> None:
        """Draw or hide the thin unit outlines."""
        if shown == self.borders_shown:
            return
        self.borders_shown = shown
        pen = self._unit_pen if shown else self._no_pen
        for item in self._items:
            item.setPen(pen)

    def set_selection(self, units: np.ndarray) -> None:
        """Highlight the selected units."""
        self._selection = np.asarray(units, dtype=np.int64)
        geoms = self.project.units.lod[self.lod][self._selection]
        self.selection_item.setPath(combined_path(geoms))

    def refresh_locks(self) -> None:
        """Mark the units no edit may change (locked units and locked territories)."""
        locked = np.flatnonzero(~self.project.plan.editable_mask())
        geoms = self.project.units.lod[self.lod][locked]
        self.locked_item.setPath(combined_path(geoms))

    def set_accounts_visible(self, visible: bool) -> None:
        """Show or hide the account points."""
        if self.accounts_item is not None:
            self.accounts_item.setVisible(visible)

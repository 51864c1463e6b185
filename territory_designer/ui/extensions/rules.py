"""Rules, hierarchy and alignments in the window: Territory › Rules… and Place in
Hierarchy…, the Hierarchy dock, View › Colour by Hierarchy Level and File › Import ›
Alignment…. A paint that would break a rule is refused in the core; the session puts the
reason in the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from territory_designer.core.colors import palette_color
from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.hierarchy import hierarchy_levels, unit_nodes
from territory_designer.ui.canvas.choropleth import Classes
from territory_designer.ui.docks.hierarchy_dock import HierarchyDock
from territory_designer.ui.extensions.hierarchy_assign import assign_selection_to_node

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow

ALIGNMENT_FILTER = "Alignment tables (*.xlsx *.xlsm *.csv *.txt);;All files (*)"


def install(window: MainWindow) -> None:
    """Add the dock, the menu actions and the level colouring."""
    dock = HierarchyDock(window.session, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(window.territory_dock, dock)
    window.territory_dock.raise_()
    window.hierarchy_dock = dock  # type: ignore[attr-defined]
    dock.assign_here = lambda node, level: assign_selection_to_node(window, node=(node, level))
    window.menus["view"].addAction(dock.toggleViewAction())
    territory = window.menus["territory"]
    territory.addSeparator()
    window.add_action(
        territory,
        "rules",
        "&Rules…",
        lambda: open_rules(window),
        tip="Stay within a field, licensed states, account and distance limits",
    )
    window.add_action(
        territory,
        "place_in_hierarchy",
        "Place in &Hierarchy…",
        lambda: open_parents(window),
        tip="The active territory's district, region…",
    )
    window.add_action(
        window.menus["import"],
        "import_alignment",
        "&Alignment…",
        lambda: import_alignment(window),
        tip="The alignment in force (unit, territory, district, region, rep) as a new plan",
    )
    plans_menu = window.menus.get("plans", window.menus["territory"])
    window.add_action(
        plans_menu,
        "overlay_new",
        "New &Overlay…",
        lambda: open_overlay(window),
        tip="A plan for one product line with its own territories and reps",
    )
    colouring = LevelColouring(window)
    window.level_colouring = colouring  # type: ignore[attr-defined]
    menu = window.menus["view"].addMenu("Colour by Hierarchy &Level")
    menu.aboutToShow.connect(lambda: colouring.fill_menu(menu))


def open_rules(window: MainWindow) -> None:
    """Territory › Rules…"""
    from territory_designer.ui.dialogs.rules_dialog import RulesDialog

    dialog = RulesDialog(window.session, window)
    window.rules_dialog = dialog  # type: ignore[attr-defined]
    dialog.open()


def open_overlay(window: MainWindow) -> None:
    """Plans › New Overlay…"""
    from territory_designer.ui.dialogs.overlay_dialog import OverlayDialog

    if not len(window.session.project.accounts):
        window.session.sig_status.emit("Import accounts first: an overlay splits them by line.")
        return
    dialog = OverlayDialog(window.session, window)
    window.overlay_dialog = dialog  # type: ignore[attr-defined]
    dialog.open()


def open_parents(window: MainWindow) -> None:
    """Territory › Place in Hierarchy… (for the active territory)."""
    from territory_designer.ui.dialogs.parents_dialog import ParentsDialog

    if window.session.active_code not in window.session.project.plan.territories:
        window.session.sig_status.emit("Choose a territory to place in the hierarchy.")
        return
    dialog = ParentsDialog(window.session, window)
    window.parents_dialog = dialog  # type: ignore[attr-defined]
    dialog.open()


def import_alignment(window: MainWindow, path: str | None = None) -> bool:
    """File › Import › Alignment…: read the file, add it as a new plan (one undo step).

    A bad file is shown in one error message naming file, sheet, row and column; the
    project is unchanged then.
    """
    from territory_designer.core.alignment import AddAlignment
    from territory_designer.io.alignment_import import read_alignment

    if path is None:
        ask = getattr(window.prompts, "ask_alignment_file", None)
        if ask is not None:
            path = ask(window)
        else:
            path, _ = QFileDialog.getOpenFileName(window, "Import alignment", "", ALIGNMENT_FILTER)
    if not path:
        return False
    try:
        alignment = read_alignment(window.session.project, path)
    except TerritoryDesignerError as exc:
        window.prompts.show_error(window, "Import alignment", str(exc))
        return False
    if not window.session.execute(AddAlignment(alignment)):
        return False
    window.session.sig_status.emit(alignment.describe())
    return True


class LevelColouring:
    """Colour the map by a hierarchy level: one colour per district (region…), through the
    canvas's class colouring, kept in step as units move."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.level: str | None = None
        self.classes: Classes | None = None
        self._names: list[str] = []
        window.session.sig_assignment_changed.connect(self._refresh)
        window.session.sig_territories_changed.connect(self._refresh)
        window.session.sig_plan_changed.connect(self._refresh)
        # The canvas redraws its legend from the territories after edits; while the map
        # shows a level, the legend lists that level's nodes instead.
        overlays = window.canvas.overlays
        territory_legend = overlays.refresh

        def refresh_legend(project: object, classes: Classes | None) -> None:
            if classes is None and self.active:
                self._show_legend()
                overlays.place()
            else:
                territory_legend(project, classes)

        overlays.refresh = refresh_legend

    def fill_menu(self, menu: object) -> None:
        """Territory (the usual colours), then every level above it."""
        menu.clear()  # type: ignore[attr-defined]
        for level in [None, *hierarchy_levels(self.window.session.project)[1:]]:
            label = level.capitalize() if level else "Territory"
            action = menu.addAction(label)  # type: ignore[attr-defined]
            action.setCheckable(True)
            shown = self.level if self.active else None
            action.setChecked(level == shown)
            action.triggered.connect(lambda _=False, lv=level: self.colour_by(lv))

    @property
    def active(self) -> bool:
        """True while the map shows this colouring (not replaced by a metric's)."""
        return self.classes is not None and self.window.canvas.units.classes is self.classes

    def colour_by(self, level: str | None) -> None:
        """Colour by ``level`` (None: by territory again)."""
        canvas = self.window.canvas
        self.level = level
        if level is None:
            self.classes = None
            canvas.set_color_by(None)
            return
        canvas.color_field = None
        self.classes = self._classes(level)
        canvas.units.set_classes(self.classes)
        self._show_legend()
        canvas.overlays.place()

    def _show_legend(self) -> None:
        """The level's nodes with their colours (and the hatch for units in none)."""
        classes = self.classes
        legend = self.window.canvas.overlays.legend
        project = self.window.session.project
        from territory_designer.core.hierarchy import node_name

        names = self._names
        rows = [(node_name(project, n), c) for n, c in zip(names, classes.colors, strict=True)]
        legend.show_territories(rows, bool((classes.bins < 0).any()))
        legend.title = (self.level or "").capitalize()
        legend.update()

    def _classes(self, level: str) -> Classes:
        nodes = unit_nodes(self.window.session.project, level)
        names = sorted({str(n) for n in nodes if n})
        self._names = names
        index = {n: i for i, n in enumerate(names)}
        bins = np.array([index.get(str(n), -1) for n in nodes], dtype=np.int64)
        colors = tuple(palette_color(i) for i in range(len(names)))
        return Classes(level, np.arange(len(names), dtype=float), colors, 0.0, bins)

    def _refresh(self, *_args: object) -> None:
        if self.active and self.level:
            self.classes = self._classes(self.level)
            self.window.canvas.units.set_classes(self.classes)
            self._show_legend()

"""The main window: map canvas, territory dock, toolbars, menus and status bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QMenu, QWidget

from territory_designer import __version__
from territory_designer.core.operations import DeleteTerritory, MergeTerritories, UpdateTerritory
from territory_designer.core.plan import UNASSIGNED
from territory_designer.core.project import Project
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.canvas.map_canvas import MapCanvas
from territory_designer.ui.dialogs.balance_runner import BalanceController
from territory_designer.ui.dialogs.export_dialog import ExportController
from territory_designer.ui.dialogs.merge_dialog import MergeDialog
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.docks.problems_dock import ProblemsDock
from territory_designer.ui.docks.territory_dock import TerritoryDock
from territory_designer.ui.extensions import install_extensions
from territory_designer.ui.file_controller import FileController
from territory_designer.ui.help_pages import (
    ABOUT_TEXT,
    GETTING_STARTED,
    redo_shortcuts,
    shortcuts_html,
)
from territory_designer.ui.import_controller import ImportController
from territory_designer.ui.main_toolbar import (
    PlanToolBar,
    ToolsToolBar,
    fill_color_menu,
    tool_status_text,
)
from territory_designer.ui.search_box import SearchBox
from territory_designer.ui.session import Session

APP_TITLE = "Territory Designer"
#: View menu layer toggles: canvas layer name -> label
LAYERS = {
    "basemap": "Basemap",
    "accounts": "Accounts",
    "labels": "Territory labels",
    "unit_borders": "Unit borders",
    "home_bases": "Home bases",
    "legend": "Legend",
    "scale_bar": "Scale bar",
}


class MainWindow(QMainWindow):
    """Territory Designer's main window over one project.

    Parameters
    ----------
    project : Project
        The project to show.
    untitled_name : str
        Title used while the project has no file (``"Demo"`` for the bundled demo).
    settings : AppSettings, optional
        Recent files, window state and autosave interval.
    prompts : Prompts, optional
        Dialogs; tests pass :class:`~territory_designer.ui.dialogs.prompts.ScriptedPrompts`.
    """

    def __init__(
        self,
        project: Project,
        untitled_name: str = "Untitled",
        settings: AppSettings | None = None,
        prompts: Prompts | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.settings = settings or AppSettings()
        self.prompts = prompts or Prompts()
        self.session = Session(project, self)
        self.canvas = MapCanvas(self.session, self)
        self.setCentralWidget(self.canvas)
        self.territory_dock = TerritoryDock(self.session, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.territory_dock)
        self.problems_dock = ProblemsDock(self.session, self.canvas, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.problems_dock)
        self.tabifyDockWidget(self.territory_dock, self.problems_dock)
        self.territory_dock.raise_()
        self.files = FileController(self, self.session, self.settings, self.prompts, untitled_name)
        self.imports = ImportController(self, self.session, self.files, self.prompts)
        self.tools_toolbar = ToolsToolBar(self.canvas, self)
        self.plan_toolbar = PlanToolBar(self.session, self)
        self.balancer = BalanceController(self, self.session, self.prompts)
        self.exports = ExportController(self, self.session, self.prompts, self.settings)
        self.search_box = SearchBox(self.session, self.canvas, self)
        self.plan_toolbar.addSeparator()
        self.plan_toolbar.addWidget(self.search_box)
        self.addToolBar(self.tools_toolbar)
        self.addToolBar(self.plan_toolbar)
        self.actions_by_name: dict[str, QAction] = {}
        self._build_status_bar()
        self._build_menus()
        self._connect()
        install_extensions(self)
        self.resize(1400, 900)
        if not self.settings.restore_window(self):
            # Docks size only once the window is laid out: give the table room for its bars.
            QTimer.singleShot(0, self._default_dock_width)
        if not self.imports.unlocated_dock.count:  # a restored layout may show it empty
            self.imports.unlocated_dock.hide()
        self._refresh_title()
        self._refresh_tool_status()
        self._on_active_territory_changed(self.session.active_code)

    # -- construction ---------------------------------------------------------------------
    def _action(
        self,
        menu: QMenu,
        name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | str | list | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, list):
            action.setShortcuts([QKeySequence(s) for s in shortcut])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        self.actions_by_name[name] = action
        return action

    def add_action(
        self,
        menu: QMenu,
        name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | str | list | None = None,
        tip: str = "",
    ) -> QAction:
        """Add an action to ``menu``, kept in :attr:`actions_by_name` under ``name``.

        For the window's extensions (:mod:`territory_designer.ui.extensions`); menus are in
        :attr:`menus` by key (``file``, ``import``, ``export``, ``edit``, ``view``,
        ``territory``, ``balance``, ``help``).
        """
        return self._action(menu, name, text, slot, shortcut, tip)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        f = bar.addMenu("&File")
        self._action(
            f,
            "new",
            "&New from Units File…",
            self.files.new_from_units_file,
            QKeySequence.StandardKey.New,
            "Create a project from a polygon file",
        )
        self._action(f, "open", "&Open…", self.files.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.rebuild_recent_menu)
        self.rebuild_recent_menu()
        f.addSeparator()
        self._action(f, "save", "&Save", self.files.save, QKeySequence.StandardKey.Save)
        self._action(f, "save_as", "Save &As…", self.files.save_as, QKeySequence.StandardKey.SaveAs)
        f.addSeparator()
        x = f.addMenu("&Export")
        for name, label in self.exports.formats():
            self._action(
                x, f"export_{name}", f"{label}…", lambda n=name: self.exports.open_dialog(n)
            )
        f.addSeparator()
        imp = f.addMenu("&Import")
        self._action(imp, "import_accounts", "&Accounts…", self.imports.import_accounts)
        self._action(imp, "import_units", "&Units Layer…", self.imports.import_units_layer)
        f.addSeparator()
        self._action(f, "close", "&Close Window", self.close, QKeySequence.StandardKey.Close)
        quit_action = self._action(f, "quit", "&Quit", self.close, QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        e = bar.addMenu("&Edit")
        stack = self.session.undo_stack
        undo = stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(redo_shortcuts())
        e.addActions([undo, redo])
        self.actions_by_name.update(undo=undo, redo=redo)

        v = bar.addMenu("&View")
        c = self.canvas
        self._action(v, "zoom_in", "Zoom &In", c.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self._action(v, "zoom_out", "Zoom &Out", c.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self._action(v, "zoom_all", "Zoom to &All", c.zoom_to_all, ["Ctrl+0", "Ctrl+Shift+F"])
        self._action(v, "zoom_selection", "Zoom to &Selection", c.zoom_to_selection, "Ctrl+J")
        self._action(
            v, "zoom_territory", "Zoom to Active &Territory", self._zoom_to_active, "Ctrl+Shift+J"
        )
        self._action(v, "find", "&Find…", self._focus_search, QKeySequence.StandardKey.Find)
        v.addSeparator()
        for name, label in LAYERS.items():
            action = QAction(label, self, checkable=True, checked=True)
            action.toggled.connect(lambda on, n=name: self.canvas.set_layer_visible(n, on))
            v.addAction(action)
            self.actions_by_name[f"layer_{name}"] = action
        self.color_menu = v.addMenu("&Colour Units By")
        self.color_menu.aboutToShow.connect(self._rebuild_color_menu)
        self._rebuild_color_menu()
        v.addSeparator()
        v.addAction(self.territory_dock.toggleViewAction())
        v.addAction(self.imports.unlocated_dock.toggleViewAction())
        v.addAction(self.problems_dock.toggleViewAction())
        v.addAction(self.tools_toolbar.toggleViewAction())
        v.addAction(self.plan_toolbar.toggleViewAction())

        t = bar.addMenu("&Territory")
        self._action(t, "territory_new", "&New Territory", self._new_territory, "Ctrl+T")
        self._action(t, "territory_delete", "&Delete Territory", self._delete_territory, "Ctrl+Del")
        self._action(t, "territory_merge", "&Merge Territories…", self._merge_territories)
        self._action(t, "territory_lock", "&Lock Territory", self._toggle_lock, "Ctrl+L")
        self._action(t, "territory_rename", "&Rename…", self._rename_territory, "F2")
        self._action(t, "territory_color", "Change &Colour…", self._change_color)
        self._action(t, "territory_zoom", "&Zoom to Territory", self._zoom_to_active)

        b = bar.addMenu("&Balance")
        self._action(
            b,
            "balance_build",
            "&Build Territories…",
            lambda: self.balancer.open_dialog("build"),
            tip="Build balanced, contiguous territories from scratch as a new plan",
        )
        self._action(
            b,
            "balance_rebalance",
            "&Rebalance Plan…",
            lambda: self.balancer.open_dialog("rebalance"),
            tip="Fix the active plan's imbalance with few moves, as a new plan",
        )

        h = bar.addMenu("&Help")
        self._action(h, "help_start", "&Getting Started", self._show_getting_started)
        self._action(
            h,
            "help_shortcuts",
            "&Keyboard Shortcuts",
            self._show_shortcuts,
            QKeySequence.StandardKey.HelpContents,
        )
        h.addSeparator()
        self.menus = {
            "file": f,
            "export": x,
            "import": imp,
            "edit": e,
            "view": v,
            "territory": t,
            "balance": b,
            "help": h,
        }
        about = self._action(h, "about", f"&About {APP_TITLE}", self._show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.hover_label = QLabel()
        # The plan's figures are in the territory dock; the status bar says what a click
        # on the map will do: tool, brush size, active territory (and the selection).
        self.tool_status = QLabel()
        self.tool_status.setObjectName("tool_status")
        bar.addWidget(self.hover_label, 1)
        bar.addPermanentWidget(self.tool_status)

    def _connect(self) -> None:
        s = self.session
        s.sig_status.connect(self._on_status)
        self.balancer.sig_status.connect(self._on_status)
        self.exports.sig_status.connect(self._on_status)
        self.files.sig_status.connect(self._on_status)
        self.canvas.sig_hover.connect(self.hover_label.setText)
        s.sig_revision_changed.connect(self._on_revision_changed)
        s.sig_project_replaced.connect(self._on_project_replaced)
        s.sig_active_territory_changed.connect(self._on_active_territory_changed)
        s.sig_territories_changed.connect(
            lambda _c: self._on_active_territory_changed(s.active_code)
        )
        s.sig_selection_changed.connect(lambda _u: self._refresh_tool_status())
        self.canvas.sig_tool_changed.connect(lambda _t: self._refresh_tool_status())
        self.tools_toolbar.brush_spin.valueChanged.connect(lambda _v: self._refresh_tool_status())
        self.files.sig_document_changed.connect(self._refresh_title)
        self.territory_dock.sig_zoom_to_requested.connect(self.canvas.zoom_to_territory)

    def _default_dock_width(self) -> None:
        width = min(680, max(500, self.width() * 46 // 100))
        self.resizeDocks([self.territory_dock], [width], Qt.Orientation.Horizontal)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._keep_room_for_map()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # A layout restored from a larger screen sets the dock's width after the window's
        # size: check once the window is laid out.
        QTimer.singleShot(0, self._keep_room_for_map)

    def _keep_room_for_map(self) -> None:
        # A window made small keeps its dock's width and would squeeze the map to a strip:
        # never let the territory dock take more than half the window.
        dock = self.territory_dock
        if dock.isVisible() and not dock.isFloating() and dock.width() > self.width() // 2:
            self.resizeDocks([dock], [self.width() // 2], Qt.Orientation.Horizontal)

    # -- refresh --------------------------------------------------------------------------
    def _on_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)

    def _refresh_title(self) -> None:
        read_only = " (read-only)" if self.files.read_only else ""
        self.setWindowTitle(f"{self.files.display_name}{read_only}[*] — {APP_TITLE}")
        self.setWindowModified(self.session.project.is_dirty)

    def _on_revision_changed(self, _revision: int) -> None:
        self.setWindowModified(self.session.project.is_dirty)

    def _on_project_replaced(self) -> None:
        self._refresh_title()
        self._refresh_tool_status()
        self.canvas.zoom_to_main()

    def _refresh_tool_status(self) -> None:
        s = self.session
        self.tool_status.setText(
            tool_status_text(
                self.canvas.tool,
                self.canvas.brush_radius_px,
                s.project.plan.territories.get(s.active_code),
                len(s.selection),
            )
        )

    def _on_active_territory_changed(self, code: int) -> None:
        t = self.session.project.plan.territories.get(code)
        for name in (
            "territory_delete",
            "territory_lock",
            "territory_rename",
            "territory_color",
            "territory_zoom",
            "zoom_territory",
        ):
            self.actions_by_name[name].setEnabled(t is not None)
        lock = self.actions_by_name["territory_lock"]
        lock.setText("Un&lock Territory" if t is not None and t.locked else "&Lock Territory")
        self._refresh_tool_status()

    def _rebuild_color_menu(self) -> None:
        fields = self.session.project.weight_fields
        shown = getattr(self.canvas, "color_values_label", None)
        fill_color_menu(
            self.color_menu, fields, self.canvas.color_field, self.canvas.set_color_by, shown
        )

    def rebuild_recent_menu(self) -> None:
        """Fill File > Open Recent from the settings."""
        menu = self.recent_menu
        menu.clear()
        files = self.settings.recent_files()
        for k, path in enumerate(files, start=1):
            action = menu.addAction(f"&{k} {Path(path).name}")
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.files.open_path(p))
        if files:
            menu.addSeparator()
        clear = menu.addAction("Clear Recent Files")
        clear.setEnabled(bool(files))
        clear.triggered.connect(self.settings.clear_recent_files)

    # -- territory commands ---------------------------------------------------------------
    def _active(self) -> int:
        return self.session.active_code

    def _new_territory(self) -> None:
        self.territory_dock.show()
        self.territory_dock.add_territory()

    def _delete_territory(self) -> None:
        if self._active() != UNASSIGNED:
            self.session.execute(DeleteTerritory(self._active()))

    def _merge_territories(self) -> None:
        plan = self.session.project.plan
        pre = self.territory_dock.selected_codes() or [self._active()]
        dialog = MergeDialog(plan.territories, pre, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            keep, absorb = dialog.choice()
            self.session.execute(MergeTerritories(keep, absorb))

    def _toggle_lock(self) -> None:
        t = self.session.project.plan.territories.get(self._active())
        if t is not None:
            self.session.execute(UpdateTerritory(self._active(), locked=not t.locked))

    def _rename_territory(self) -> None:
        self.territory_dock.show()
        self.territory_dock.edit_name(self._active())

    def _change_color(self) -> None:
        self.territory_dock.change_color(self._active())

    def _zoom_to_active(self) -> None:
        if self._active() != UNASSIGNED:
            self.canvas.zoom_to_territory(self._active())

    def _focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _show_getting_started(self) -> None:
        self.prompts.show_help(self, "Getting Started", GETTING_STARTED)

    def _show_shortcuts(self) -> None:
        html = shortcuts_html(
            self.actions_by_name.values(), self.tools_toolbar.tool_actions.values()
        )
        self.prompts.show_help(self, "Keyboard Shortcuts", html)

    def _show_about(self) -> None:
        self.prompts.show_about(self, f"About {APP_TITLE}", ABOUT_TEXT.format(version=__version__))

    # -- closing --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.files.busy or not self.files.maybe_save():
            event.ignore()
            return
        self.files.discard_recoveries()
        self.files.release_lock()
        self.files.autosave_timer.stop()
        self.settings.save_window(self)
        event.accept()

"""Plans menu and dock: create, duplicate, rename, delete plans and set the baseline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from territory_designer.ui.docks.plans_dock import PlansDock

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the Plans dock (tabbed with the territories) and a Plans menu before Balance."""
    dock = PlansDock(window.session, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(window.territory_dock, dock)
    window.territory_dock.raise_()
    window.plans_dock = dock  # type: ignore[attr-defined]
    menu = QMenu("&Plans", window)
    window.menuBar().insertMenu(window.menus["balance"].menuAction(), menu)
    window.menus["plans"] = menu

    def on_active(slot: object) -> object:
        def run() -> object:
            dock.select_plan(window.session.project.active_plan_name)
            return slot()  # type: ignore[operator]

        return run

    window.add_action(menu, "plan_new", "&New Empty Plan", dock.new_plan)
    window.add_action(
        menu, "plan_duplicate", "&Duplicate Plan", on_active(dock.duplicate_plan), "Ctrl+Shift+D"
    )
    window.add_action(menu, "plan_rename", "&Rename Plan…", on_active(_rename(window, dock)))
    window.add_action(menu, "plan_delete", "De&lete Plan", on_active(dock.delete_plan))
    window.add_action(
        menu,
        "plan_baseline",
        "Set as &Baseline",
        on_active(dock.set_baseline),
        tip="The plan in force: other plans are compared with it",
    )
    menu.addSeparator()
    menu.addAction(dock.toggleViewAction())
    window.menus["view"].addAction(dock.toggleViewAction())


def _rename(window: MainWindow, dock: PlansDock) -> object:
    def run() -> None:
        dock.show()
        dock.raise_()
        dock.start_rename()

    return run

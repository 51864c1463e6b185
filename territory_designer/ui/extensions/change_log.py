"""Change Log dock (View menu) with its Excel export (File › Export › Change Log…)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from territory_designer.core.change_log import ChangeEntry
from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.ui.docks.change_log_dock import ChangeLogDock

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the dock (tabbed with the territories) and the export action."""

    def export(entries: list[ChangeEntry]) -> str | None:
        from territory_designer.reports.change_log_export import write_change_log_xlsx

        project = window.session.project
        stem = project.path.stem if project.path else "project"
        path = window.prompts.ask_xlsx_path(window, f"{stem} change log.xlsx")
        if not path:
            return None
        try:
            write_change_log_xlsx(entries, path)
        except (OSError, TerritoryDesignerError) as exc:
            window.prompts.show_error(window, "Change log not exported", f"{path}: {exc}")
            return None
        window.statusBar().showMessage(f"Wrote {len(entries)} changes to {path}", 6000)
        return path

    dock = ChangeLogDock(window.session, window, export=export)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(window.territory_dock, dock)
    window.territory_dock.raise_()
    window.change_log_dock = dock  # type: ignore[attr-defined]
    window.menus["view"].addAction(dock.toggleViewAction())
    window.add_action(window.menus["export"], "export_change_log", "Change Log…", dock.export)

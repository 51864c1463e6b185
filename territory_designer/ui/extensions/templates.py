"""Industry templates and workload in the window: the Workload dock (tabbed with the
territories), File › Industry Templates… and Balance › Store Workload as Metric."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer

from territory_designer.ui.docks.workload_dock import WorkloadDock

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the Workload dock and the template and workload actions."""
    dock = WorkloadDock(window.session, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(window.territory_dock, dock)
    window.territory_dock.raise_()
    window.workload_dock = dock  # type: ignore[attr-defined]
    window.menus["view"].addAction(dock.toggleViewAction())

    def import_next(path: str) -> None:
        """New-project step after the template: import the accounts file chosen there."""
        if window.files.busy:  # the new project's task is finishing
            QTimer.singleShot(50, lambda: import_next(path))
            return
        window.imports.import_accounts(path)

    window.files.sig_accounts_requested.connect(
        lambda path: QTimer.singleShot(0, lambda: import_next(path))
    )

    def alignment_next(path: str) -> None:
        """New-project step: today's alignment as a plan (File › Import › Alignment)."""
        if window.files.busy:
            QTimer.singleShot(50, lambda: alignment_next(path))
            return
        from territory_designer.ui.extensions.rules import import_alignment

        import_alignment(window, path)

    window.files.sig_alignment_requested.connect(
        lambda path: QTimer.singleShot(0, lambda: alignment_next(path))
    )

    def open_templates() -> None:
        from territory_designer.ui.dialogs.templates_dialog import TemplatesDialog

        dialog = TemplatesDialog(window.session, window)
        window.templates_dialog = dialog  # type: ignore[attr-defined]
        dialog.open()

    window.add_action(
        window.menus["file"],
        "templates",
        "Industry &Templates…",
        open_templates,
        tip="Browse, copy, edit and apply industry templates",
    )

    def store_workload() -> None:
        dock.show()
        dock.raise_()
        dock.store()

    window.add_action(
        window.menus["balance"],
        "store_workload",
        "Store &Workload as Metric",
        store_workload,
        tip="Each account's hours a year (visits, minutes, travel) as the metric "
        "'workload_hours' to balance on",
    )

"""View › Performance (trends per territory and a table with sparklines, see
:mod:`territory_designer.ui.docks.performance_dock`) and File › Import › Sales History
(:mod:`territory_designer.ui.dialogs.sales_import_wizard`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from territory_designer.ui.dialogs.sales_import_wizard import SalesImportWizard
from territory_designer.ui.docks.performance_dock import PerformanceDock

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the dock (hidden until asked for), its View menu entry and the sales import."""
    dock = PerformanceDock(window.session, window.canvas, window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    window.performance_dock = dock  # type: ignore[attr-defined]
    action = dock.toggleViewAction()
    action.setText("&Performance")
    action.setStatusTip("Revenue, growth, customers and retention per territory over time")
    window.menus["view"].addAction(action)
    window.actions_by_name["performance"] = action
    window.sales_wizard = None  # type: ignore[attr-defined]
    window.add_action(
        window.menus["import"],
        "import_sales",
        "&Sales History…",
        lambda: import_sales(window),
        tip="Order lines (account, date, amount) for the performance figures",
    )


def import_sales(window: MainWindow, path: str | None = None) -> SalesImportWizard | None:
    """Ask for a sales file, then open the wizard (non-blocking)."""
    path = path or window.prompts.ask_accounts_file(window, "", "Import sales history")
    if not path:
        return None
    wizard = SalesImportWizard(window.session, window.prompts, path, window)
    wizard.setWindowModality(Qt.WindowModality.WindowModal)
    wizard.finished.connect(wizard.deleteLater)
    window.sales_wizard = wizard  # type: ignore[attr-defined]
    wizard.open()
    return wizard

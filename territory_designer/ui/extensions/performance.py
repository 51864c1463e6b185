"""View › Performance: trends per territory and a table with sparklines from the
project's order lines (see :mod:`territory_designer.ui.docks.performance_dock`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from territory_designer.ui.docks.performance_dock import PerformanceDock

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the dock (hidden until asked for) and its View menu entry."""
    dock = PerformanceDock(window.session, window.canvas, window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    window.performance_dock = dock  # type: ignore[attr-defined]
    action = dock.toggleViewAction()
    action.setText("&Performance")
    action.setStatusTip("Revenue, growth, customers and retention per territory over time")
    window.menus["view"].addAction(action)
    window.actions_by_name["performance"] = action

"""View › Attribute Table (``Ctrl+Shift+T``): units and accounts as tables, in step with
the map's selection (see :mod:`territory_designer.ui.docks.attribute_table_dock`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from territory_designer.ui.docks.attribute_table_dock import AttributeTableDock
from territory_designer.ui.extensions.attribute_fill import open_fill_dialog

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow

SHORTCUT = "Ctrl+Shift+T"


def install(window: MainWindow) -> None:
    """Add the dock (hidden until asked for) and its View menu entry."""
    dock = AttributeTableDock(window.session, window.canvas.zoom_to_selection, window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    window.attribute_table_dock = dock  # type: ignore[attr-defined]
    dock.open_fill = lambda field, value: open_fill_dialog(window, (field, "=", value))
    action = dock.toggleViewAction()
    action.setText("Attribute &Table")
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setStatusTip("Units and accounts as tables: sort, filter, select, assign")
    action.toggled.connect(lambda on: on and dock.current_page.filter_edit.setFocus())
    window.menus["view"].addAction(action)
    window.actions_by_name["attribute_table"] = action

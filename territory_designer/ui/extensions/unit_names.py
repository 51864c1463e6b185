"""View › Unit Names: names of the units on the map once they are large enough on screen.

The canvas places them (:mod:`territory_designer.ui.canvas.unit_labels`); this adds the
switch, beside the other layer switches of the View menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the checkable View › Unit Names action (``layer_unit_names``)."""
    menu = window.menus["view"]
    action = QAction("Unit names", window, checkable=True)
    action.setChecked(window.canvas.layer_visible("unit_names"))
    action.setStatusTip("Name the units on the map when zoomed in far enough to read them")
    action.toggled.connect(lambda on: window.canvas.set_layer_visible("unit_names", on))
    actions = menu.actions()
    anchor = window.actions_by_name.get("layer_labels")
    after = actions.index(anchor) + 1 if anchor in actions else len(actions)
    if after < len(actions):
        menu.insertAction(actions[after], action)
    else:
        menu.addAction(action)
    window.actions_by_name["layer_unit_names"] = action

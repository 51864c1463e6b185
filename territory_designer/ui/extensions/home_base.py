"""Territory › Set Home Base on Map and Clear Home Base.

The first switches the map to the home-base tool (``M`` while the map has the focus):
a click puts the active territory's rep home base there, and any home-base marker can be
dragged. Clearing is one undo step too. Home bases are saved with the territories in
the project file, and the balance engine measures its maximum distance from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from territory_designer.core.operations import UpdateTerritory

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add ``territory_set_home`` and ``territory_clear_home`` to the Territory menu."""
    menu = window.menus["territory"]
    session, canvas = window.session, window.canvas
    menu.addSeparator()

    # The map tool's own action (checked while the tool is on; M with the map focused).
    tool = window.tools_toolbar.tool_actions["home"]
    tool.setText("Set &Home Base on Map")
    tool.setStatusTip(
        "Home-base tool (M): click to set the active territory's, drag a marker to move it"
    )

    def on_tool() -> None:
        canvas.setFocus(Qt.FocusReason.ShortcutFocusReason)
        session.sig_status.emit(
            "Click the map to put the rep's home base there, or drag a home marker."
        )

    tool.triggered.connect(lambda _=False: on_tool())
    menu.addAction(tool)
    window.actions_by_name["territory_set_home"] = tool

    def clear_home() -> None:
        t = session.project.plan.territories.get(session.active_code)
        if t is not None and t.home_base is not None:
            session.execute(UpdateTerritory(session.active_code, home_base=None))

    window.add_action(menu, "territory_clear_home", "Clear Home Base", clear_home)

    def refresh(*_args: object) -> None:
        t = session.project.plan.territories.get(session.active_code)
        window.actions_by_name["territory_clear_home"].setEnabled(
            t is not None and t.home_base is not None
        )

    for signal in (
        session.sig_active_territory_changed,
        session.sig_territories_changed,
        session.sig_structure_changed,
        session.sig_project_replaced,
        session.sig_plan_changed,
    ):
        signal.connect(refresh)
    refresh()

"""Territory › Definition…: edit what a territory covers and why (undoable)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from territory_designer.core.operations import UpdateTerritory
from territory_designer.ui.dialogs.definition_dialog import DefinitionDialog

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the action; it edits the active territory."""

    def edit_definition() -> DefinitionDialog | None:
        session = window.session
        code = session.active_code
        t = session.project.plan.territories.get(code)
        if t is None:
            return None
        dialog = DefinitionDialog(t.name, t.definition, window)

        def keep() -> None:
            text = dialog.text()
            # The territory may have gone (an undo) while the dialog was open.
            current = session.project.plan.territories.get(code)
            if current is not None and text != current.definition:
                session.execute(UpdateTerritory(code, definition=text))

        dialog.accepted.connect(keep)
        window.definition_dialog = dialog  # type: ignore[attr-defined]
        dialog.open()  # window-modal, without blocking (tests drive it)
        return dialog

    action = window.add_action(
        window.menus["territory"],
        "territory_definition",
        "&Definition…",
        edit_definition,
        tip="What the territory covers and why, shown in reports",
    )
    session = window.session

    def enable(*_args: object) -> None:
        action.setEnabled(session.active_code in session.project.plan.territories)

    session.sig_active_territory_changed.connect(enable)
    session.sig_plan_changed.connect(enable)
    session.sig_project_replaced.connect(enable)
    enable()

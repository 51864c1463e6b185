"""Territory › Assign by Attribute…, Lock Selected Units and Unlock Selected Units.

The fill runs :class:`~territory_designer.core.attribute_operations.AssignWhere` (the
same edit as ``main.py assign --where``) as one undo step; locks run
:class:`~territory_designer.core.operations.SetUnitsLocked` on the map's selection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

from territory_designer.core.attribute_operations import AssignWhere
from territory_designer.core.attribute_query import Query
from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.operations import SetUnitsLocked
from territory_designer.ui.commands import OperationCommand
from territory_designer.ui.dialogs.fill_by_attribute_dialog import FillByAttributeDialog

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow
    from territory_designer.ui.session import Session


def fill_by_attribute(session: Session, query: Query | str, code: int) -> AssignWhere | None:
    """Assign every unit where ``query`` holds to ``code`` as one undo step.

    Nothing is pushed when nothing changes; the status bar says what happened (matches,
    units already there, locked units skipped) or why it was refused.
    """
    session.cancel_stroke()
    before = session.project.state
    try:
        op = AssignWhere(query, code)
        session.project.apply(op)
    except TerritoryDesignerError as exc:
        session.sig_status.emit(str(exc))
        return None
    if op.units.size:
        session.undo_stack.push(OperationCommand(session.project, op, before))
    session.sig_status.emit(op.describe(session.project))
    return op


def install(window: MainWindow) -> None:
    """Add the Territory menu entries."""
    menu = window.menus["territory"]
    menu.addSeparator()
    window.add_action(
        menu,
        "territory_fill_by_attribute",
        "Assign by &Attribute…",
        lambda: open_fill_dialog(window),
        tip="Assign every unit where a field matches (state = NC, county in a list, …)",
    )
    lock = window.add_action(
        menu,
        "units_lock",
        "Lock Selected &Units",
        lambda: _set_locked(window, True),
        tip="No paint, fill or engine run moves a locked unit",
    )
    unlock = window.add_action(
        menu, "units_unlock", "Unlock Selected U&nits", lambda: _set_locked(window, False)
    )

    def refresh(*_args: object) -> None:
        selection = window.session.selection
        locks = window.session.project.plan.locked_units
        lock.setEnabled(bool(selection.size) and not bool(locks[selection].all()))
        unlock.setEnabled(bool(selection.size) and bool(locks[selection].any()))

    for sig in (
        window.session.sig_selection_changed,
        window.session.sig_locks_changed,
        window.session.sig_project_replaced,
        window.session.sig_plan_changed,
    ):
        sig.connect(refresh)
    refresh()


def open_fill_dialog(
    window: MainWindow, condition: tuple[str, str, str] | None = None
) -> FillByAttributeDialog:
    """Show the dialog (window-modal, not blocking); Assign applies it.

    ``condition`` (field, operator, value) fills the boxes (the table's "Assign Every Unit
    Where …" on a cell).
    """
    session = window.session
    dialog = FillByAttributeDialog(session.project, session.active_code, window)
    if condition is not None:
        dialog.set_condition(*condition)
    window.fill_dialog = dialog  # type: ignore[attr-defined]

    def done(result: int) -> None:
        if result == QDialog.DialogCode.Accepted and dialog.query is not None:
            fill_by_attribute(session, dialog.query, dialog.target)
        dialog.deleteLater()

    dialog.finished.connect(done)
    dialog.open()
    return dialog


def _set_locked(window: MainWindow, locked: bool) -> None:
    session = window.session
    units = session.selection
    if not units.size:
        session.sig_status.emit("Select units first (the Select tool, or rows of the table).")
        return
    if session.execute(SetUnitsLocked(units, locked)):
        n = units.size
        verb = "Locked" if locked else "Unlocked"
        session.sig_status.emit(f"{verb} {n:,} unit{'s' if n != 1 else ''}.")

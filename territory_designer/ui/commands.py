"""QUndoCommands: each a few lines over a core :class:`Operation`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from territory_designer.core.operations import AssignUnits, Operation
from territory_designer.core.project import Project

if TYPE_CHECKING:
    from territory_designer.ui.session import Session


class OperationCommand(QUndoCommand):
    """Undo-stack entry for one core operation.

    The operation is applied before the command is pushed (so a refused edit never reaches
    the stack); the first ``redo`` that ``QUndoStack.push`` triggers is therefore skipped.
    """

    def __init__(self, project: Project, op: Operation, before: int | None = None) -> None:
        super().__init__(op.text)
        self.project = project
        self.op = op
        self._applied = True
        # Project states before and after the edit: undo and redo return to them exactly
        # (so undoing back to the saved state clears the modified marker).
        self.before = before
        self.after = project.state

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        exact = self.project.state == self.before  # nothing changed outside the stack
        if isinstance(self.op, AssignUnits):
            self.op.redo(self.project)
        else:
            self.op.apply(self.project)
        entry = getattr(self.op, "log_entry", None)
        if entry is not None:
            self.project.change_log.add(entry)  # the edit is back: so is its log entry
        if exact:
            self.project.restore_state(self.after)

    def undo(self) -> None:
        exact = self.before is not None and self.project.state == self.after
        self.op.undo(self.project)
        self.project.change_log.discard(getattr(self.op, "log_entry", None))
        if exact:
            self.project.restore_state(self.before)


class SwapProject(QUndoCommand):
    """Undo-stack entry for a change that builds a new project from the current one.

    Adding a units layer renumbers units in every plan, so it yields a new
    :class:`Project`; undo swaps the previous one back (and earlier entries, which act
    on it, stay valid). The new project is current before the command is pushed. A
    project that comes back after the other one was saved is marked unsaved: the file
    no longer holds it.
    """

    def __init__(self, session: Session, old: Project, new: Project, text: str) -> None:
        super().__init__(text)
        self.session, self.old, self.new = session, old, new
        self._applied = True
        self._saved_mark = new.saved_revision

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._swap(self.old, self.new)

    def undo(self) -> None:
        self._swap(self.new, self.old)

    def _swap(self, current: Project, target: Project) -> None:
        if current.saved_revision != self._saved_mark:
            target.saved_revision = -1
        target.path = current.path
        self.session.replace_project(target, keep_history=True)
        self._saved_mark = target.saved_revision

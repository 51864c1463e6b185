"""QUndoCommands: each a few lines over a core :class:`Operation`."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from territory_designer.core.operations import AssignUnits, Operation
from territory_designer.core.project import Project


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
        if exact:
            self.project.restore_state(self.after)

    def undo(self) -> None:
        exact = self.before is not None and self.project.state == self.after
        self.op.undo(self.project)
        if exact:
            self.project.restore_state(self.before)

"""The editing session: the open project, its undo stack and the painting state.

Widgets and canvas tools talk to the project only through a :class:`Session`: it turns
core events into Qt signals, runs edits as undoable commands, reports refused edits on
the status line, and keeps the active territory, the current selection and the open
painting stroke (one stroke = one undo step).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from territory_designer.core.change_log import record
from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.events import Callback
from territory_designer.core.operations import AssignUnits, Operation
from territory_designer.core.plan import UNASSIGNED
from territory_designer.core.project import Project
from territory_designer.ui.commands import OperationCommand


class Session(QObject):
    """Qt-side owner of a :class:`Project`.

    Signals
    -------
    sig_project_replaced()
        A different project was opened; everything must rebuild.
    sig_accounts_changed()
        The account table was replaced (an import or its undo).
    sig_assignment_changed(units: numpy.ndarray, codes: set)
        Units changed territory in the active plan.
    sig_territories_changed(codes: list)
        Territory properties changed.
    sig_structure_changed()
        Territories were added or removed.
    sig_locks_changed(units: numpy.ndarray)
    sig_plan_changed()
        Active plan switched or plan list changed.
    sig_settings_changed(key: str)
    sig_revision_changed(revision: int)
    sig_active_territory_changed(code: int)
        The territory painting tools assign to (-1: none).
    sig_selection_changed(units: numpy.ndarray)
    sig_status(message: str)
        A message for the status bar (refused edits, skipped locked units, ...).
    """

    sig_project_replaced = Signal()
    sig_assignment_changed = Signal(object, object)
    sig_territories_changed = Signal(object)
    sig_structure_changed = Signal()
    sig_locks_changed = Signal(object)
    sig_plan_changed = Signal()
    sig_settings_changed = Signal(str)
    sig_revision_changed = Signal(int)
    sig_active_territory_changed = Signal(int)
    sig_selection_changed = Signal(object)
    sig_status = Signal(str)
    sig_accounts_changed = Signal()

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.project: Project = project
        self.active_code = UNASSIGNED
        self.selection = np.empty(0, dtype=np.int64)
        self._stroke: AssignUnits | None = None
        self._stroke_before: int | None = None
        self._connect(project)
        self._pick_default_territory()

    # -- project lifecycle ----------------------------------------------------------------
    def _event_handlers(self) -> list[tuple[str, Callback]]:
        """The project events this session follows, each with its handler."""
        return [
            ("assignment_changed", self._on_assignment_changed),
            ("territories_changed", self._on_territories_changed),
            ("structure_changed", self._on_structure_changed),
            ("locks_changed", self._on_locks_changed),
            ("plan_changed", self._on_plan_changed),
            ("settings_changed", self._on_settings_changed),
            ("revision_changed", self._on_revision_changed),
            ("accounts_changed", self._on_accounts_changed),
        ]

    def _connect(self, project: Project) -> None:
        for event, handler in self._event_handlers():
            project.events.connect(event, handler)

    def _disconnect(self, project: Project) -> None:
        for event, handler in self._event_handlers():
            project.events.disconnect(event, handler)

    def replace_project(self, project: Project, keep_history: bool = False) -> None:
        """Switch to another project (after open/new); clears undo history.

        ``keep_history`` keeps it, for an undoable swap to a project derived from the
        current one (a units layer added: :class:`~territory_designer.ui.commands.SwapProject`).
        """
        self.cancel_stroke()
        self._disconnect(self.project)
        self.project = project
        self._connect(project)
        if not keep_history:
            self.undo_stack.clear()
        self.selection = np.empty(0, dtype=np.int64)
        self._pick_default_territory()
        self.sig_project_replaced.emit()

    def _pick_default_territory(self) -> None:
        codes = sorted(self.project.plan.territories)
        self.set_active_territory(codes[0] if codes else UNASSIGNED)

    # -- model event forwarding -----------------------------------------------------------
    def _on_assignment_changed(self, units: np.ndarray, codes: set[int]) -> None:
        self.sig_assignment_changed.emit(units, codes)

    def _on_territories_changed(self, codes: list[int]) -> None:
        self.sig_territories_changed.emit(codes)

    def _on_structure_changed(self) -> None:
        if self.active_code not in self.project.plan.territories:
            self._pick_default_territory()
        self.sig_structure_changed.emit()

    def _on_locks_changed(self, units: np.ndarray) -> None:
        self.sig_locks_changed.emit(units)

    def _on_plan_changed(self) -> None:
        self._pick_default_territory()
        self.sig_plan_changed.emit()

    def _on_settings_changed(self, key: str) -> None:
        self.sig_settings_changed.emit(key)

    def _on_revision_changed(self, revision: int) -> None:
        self.sig_revision_changed.emit(revision)

    def _on_accounts_changed(self) -> None:
        self.sig_accounts_changed.emit()

    # -- state ----------------------------------------------------------------------------
    def set_active_territory(self, code: int) -> None:
        """Choose the territory painting tools assign to."""
        code = int(code)
        if code != UNASSIGNED and code not in self.project.plan.territories:
            return
        if code != self.active_code:
            self.active_code = code
            self.sig_active_territory_changed.emit(code)

    def set_selection(self, units: np.ndarray) -> None:
        """Replace the selected units."""
        self.selection = np.unique(np.asarray(units, dtype=np.int64))
        self.sig_selection_changed.emit(self.selection)

    # -- edits ----------------------------------------------------------------------------
    def execute(self, op: Operation) -> bool:
        """Apply ``op`` and push it on the undo stack; False (and a status message) if refused."""
        before = self.project.state
        try:
            self.project.apply(op)
        except TerritoryDesignerError as exc:
            self.sig_status.emit(str(exc))
            return False
        self.undo_stack.push(OperationCommand(self.project, op, before))
        return True

    def assign(self, units: np.ndarray, code: int | None = None) -> bool:
        """Assign units in one undo step (to the active territory by default)."""
        self.begin_stroke(self.active_code if code is None else code)
        self.extend_stroke(units)
        return self.end_stroke()

    def begin_stroke(self, code: int) -> bool:
        """Start a painting stroke towards ``code`` (-1 erases)."""
        self.cancel_stroke()
        op = AssignUnits([], code)
        before = self.project.state
        try:
            op.apply(self.project)
        except TerritoryDesignerError as exc:
            self.sig_status.emit(str(exc))
            return False
        self._stroke = op
        self._stroke_before = before
        return True

    def extend_stroke(self, units: np.ndarray) -> np.ndarray:
        """Add units to the open stroke (applied at once, so the map updates live)."""
        if self._stroke is None:
            return np.empty(0, dtype=np.int64)
        return self._stroke.extend(self.project, units)

    def end_stroke(self) -> bool:
        """Close the stroke: push it as one undo step if it changed anything."""
        op, self._stroke = self._stroke, None
        if op is None:
            return False
        if op.skipped_locked:
            n = op.skipped_locked
            self.sig_status.emit(f"{n} locked unit{'s' if n != 1 else ''} skipped")
        if op.refused:  # units a project rule kept out (core.rules): say why
            n = op.refused
            self.sig_status.emit(f"Refused {n} unit{'s' if n != 1 else ''}: {op.refused_reason}")
        if op.units.size == 0:
            return False
        record(self.project, op)
        self.undo_stack.push(OperationCommand(self.project, op, self._stroke_before))
        if not op.skipped_locked and not op.refused:
            self.sig_status.emit(op.text)
        return True

    def cancel_stroke(self) -> None:
        """Abandon an open stroke, reverting what it painted."""
        op, self._stroke = self._stroke, None
        if op is not None:
            op.undo(self.project)

    @property
    def stroke_open(self) -> bool:
        """True while a painting stroke is in progress."""
        return self._stroke is not None

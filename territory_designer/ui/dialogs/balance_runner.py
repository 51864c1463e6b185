"""Runs the Balance dialog's choices in a worker and adds the result as an undoable plan.

The engine and the dialogs are imported when first used: the window opens without them
(about a second of imports on a 2-core laptop).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from territory_designer.core.operations import AddGeneratedPlan
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.session import Session
from territory_designer.ui.workers import Task, run_with_progress

if TYPE_CHECKING:
    from territory_designer.balance.scenario import BuildRequest, RebalanceRequest
    from territory_designer.core.project import Project
    from territory_designer.ui.dialogs.balance_dialog import BalanceDialog
    from territory_designer.ui.dialogs.balance_result import BalanceResultDialog

#: The Balance dialog's modes (as :mod:`~territory_designer.ui.dialogs.balance_dialog`).
BUILD = "build"


class BalanceController(QObject):
    """Opens the Balance dialog, runs the engine off the GUI thread, shows the result.

    The engine never changes the project; only a finished run adds its plan, through
    ``session.execute(AddGeneratedPlan(plan))`` (one undo step). A cancelled or failed run
    changes nothing.

    Attributes
    ----------
    dialog : BalanceDialog or None
        The open choices dialog.
    task : Task or None
        The running engine task.
    result_dialog : BalanceResultDialog or None
        The last result shown.

    Signals
    -------
    sig_status(message: str)
    sig_plan_added(name: str)
    """

    sig_status = Signal(str)
    sig_plan_added = Signal(str)

    def __init__(self, window: QWidget, session: Session, prompts: Prompts | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.prompts = prompts or Prompts()
        self.dialog: BalanceDialog | None = None
        self.task: Task | None = None
        self.result_dialog: BalanceResultDialog | None = None
        self._result_plan = ""
        self.show_after_ms = 400
        for sig in (session.sig_plan_changed, session.sig_structure_changed):
            sig.connect(self._on_plans_changed)
        session.sig_project_replaced.connect(self._close_result)

    @property
    def busy(self) -> bool:
        """True while a run is in progress."""
        return self.task is not None

    def open_dialog(self, mode: str = BUILD) -> BalanceDialog:
        """Show the (window-modal) Balance dialog; Run starts the engine."""
        from territory_designer.ui.dialogs.balance_dialog import BalanceDialog

        if self.dialog is not None:
            self.dialog.close()
        dialog = BalanceDialog(self.session.project, mode, self.window)
        dialog.accepted.connect(lambda: self.run(dialog.request()))
        dialog.finished.connect(lambda _r: self._on_dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def run(self, request: BuildRequest | RebalanceRequest) -> Task | None:
        """Run ``request`` behind a progress dialog with Cancel."""
        from territory_designer.balance.scenario import (
            BuildRequest,
            build_scenario,
            rebalance_scenario,
        )

        if self.task is not None:
            return None
        project = self.session.project
        if isinstance(request, BuildRequest):
            title = "Building territories…"

            def work(feedback: Any) -> Any:
                return build_scenario(project, request, feedback)
        else:
            title = "Rebalancing…"

            def work(feedback: Any) -> Any:
                return rebalance_scenario(project, request, feedback)

        self.task = run_with_progress(
            self.window,
            title,
            work,
            on_finished=lambda result: self._on_run_finished(project, result),
            on_failed=self._on_run_failed,
            on_canceled=self._on_run_canceled,
            show_after_ms=self.show_after_ms,
        )
        self.task.sig_done.connect(self._on_task_done)
        return self.task

    def _on_task_done(self) -> None:
        self.task = None

    def _on_run_finished(self, project: Project, result: Any) -> None:
        from territory_designer.balance.scenario import RebalanceOutcome
        from territory_designer.ui.dialogs.balance_result import BalanceResultDialog

        if project is not self.session.project:  # replaced meanwhile: drop the result
            return
        if isinstance(result, RebalanceOutcome):
            plan, report, moves, trajectory = result.plan, result.report, result.moves, result
            if result.unchanged(self.session.project):
                self.sig_status.emit(result.nothing_done(self.session.project.plan.name))
                return
        else:
            (plan, report), moves, trajectory = result, None, None
        reasons = {m.unit_id: m.reason for m in moves or []}
        if not self.session.execute(AddGeneratedPlan(plan, reasons)):
            return
        self.sig_plan_added.emit(plan.name)
        self.sig_status.emit(
            f"Added plan “{plan.name}”: max deviation {report.max_abs_deviation_pct:.1f}% "
            f"in {report.runtime_s:.2f} s (Undo removes it)"
        )
        if self.result_dialog is not None:
            self.result_dialog.close()
        self.result_dialog = BalanceResultDialog(
            plan.name,
            report,
            moves,
            trajectory.result if trajectory is not None else None,
            self.window,
        )
        self._result_plan = plan.name
        self.result_dialog.show()

    def _on_plans_changed(self) -> None:
        # Undo of the run removes its plan: a report of a plan that is gone only misleads.
        if self._result_plan not in self.session.project.plans:
            self._close_result()

    def _close_result(self) -> None:
        if self.result_dialog is not None:
            self.result_dialog.close()
            self.result_dialog = None

    def _on_run_failed(self, message: str) -> None:
        self.prompts.show_error(self.window, "Auto-balance", message)

    def _on_run_canceled(self) -> None:
        self.sig_status.emit("Auto-balance cancelled: nothing was changed.")

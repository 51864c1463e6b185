"""The window's side of the CLI's ``quota``, ``plan-start`` and ``review``.

Territory › Set Quotas… (annual quota per territory, one undo step), Plans › Set Plan
Start… (the day a plan came into force, one undo step) and File › Export › Monthly Review
Pack… (the review runs on a worker thread on a snapshot of the project; its sales-in-the-year
field and proposed plan are then added as one undo step and the Excel and PDF pack is
written to the chosen folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.feedback import Feedback
from territory_designer.ui.dialogs.sales_targets_dialogs import (
    PlanStartDialog,
    QuotaDialog,
    ReviewDialog,
)
from territory_designer.ui.workers import run_with_progress

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the three actions."""
    window.add_action(
        window.menus["territory"],
        "set_quotas",
        "Set &Quotas…",
        lambda: open_quotas(window),
        tip="Annual quota per territory: the performance figures' attainment",
    )
    plans_menu = window.menus.get("plans", window.menus["territory"])
    window.add_action(
        plans_menu,
        "set_plan_start",
        "Set Plan &Start…",
        lambda: open_plan_start(window),
        tip="The day a plan came into force (performance figures under the plan in force)",
    )
    window.add_action(
        window.menus["export"],
        "monthly_review",
        "Monthly &Review Pack…",
        lambda: open_review(window),
        tip="Flag drifted territories, propose a minimal re-alignment, write an Excel and PDF pack",
    )


def _open(window: MainWindow, dialog: Any, on_accept: Any) -> Any:
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.accepted.connect(on_accept)
    dialog.finished.connect(dialog.deleteLater)
    window.sales_targets_dialog = dialog  # type: ignore[attr-defined]
    dialog.open()
    return dialog


def open_quotas(window: MainWindow) -> QuotaDialog:
    """Open the quota table; OK stores the quotas as one undo step."""
    from territory_designer.core.history_operations import SetSetting
    from territory_designer.core.performance import QUOTAS_KEY

    session = window.session
    current = dict(session.project.settings.get(QUOTAS_KEY, {}) or {})
    dialog = QuotaDialog(session.project, current, window)

    def store() -> None:
        if dialog.quotas != current:
            session.execute(SetSetting(QUOTAS_KEY, dialog.quotas or None, "Set quotas"))

    return _open(window, dialog, store)


def open_plan_start(window: MainWindow) -> PlanStartDialog:
    """Open the plan start dialog; OK records the date as one undo step."""
    from territory_designer.core.attribution import PLAN_START_KEY, plan_start_edit

    session = window.session
    dates = dict(session.project.settings.get(PLAN_START_KEY, {}) or {})
    dialog = PlanStartDialog(session.project, dates, window)

    def store() -> None:
        plan, day = dialog.chosen()
        try:
            edit = plan_start_edit(session.project, plan, day)
        except TerritoryDesignerError as exc:
            window.prompts.show_error(window, "Set Plan Start", str(exc))
            return
        if session.execute(edit):
            session.sig_status.emit(f"Plan {plan!r} in force from {day}.")

    return _open(window, dialog, store)


def _default_period(window: MainWindow) -> str:
    """The last month of the order lines, when the Performance dock has read them."""
    from territory_designer.core.sales_history import period_label

    dock = getattr(window, "performance_dock", None)
    history = dock._cached_history() if dock is not None else None  # noqa: SLF001
    return period_label(history.last_month(), "month") if history is not None else ""


def _default_folder(window: MainWindow) -> str:
    path = window.session.project.path
    return str(Path(path).resolve().parent) if path else str(Path.home())


def open_review(window: MainWindow) -> ReviewDialog:
    """Ask for the review's options, then run it on a worker (see the module notes)."""
    dialog = ReviewDialog(_default_period(window), _default_folder(window), window)
    return _open(window, dialog, lambda: run_review(window, *dialog.options()))


def run_review(
    window: MainWindow, period: str, band: float, max_moves: int | None, folder: str
) -> Any:
    """Run the monthly review off the GUI thread; the project changes only when it ends."""
    from territory_designer.balance.review import propose
    from territory_designer.core.account_operations import ReplaceAccounts
    from territory_designer.core.review import find_drift, year_sales_edit
    from territory_designer.reports.review_pack import write_review_pack

    session = window.session
    snapshot = session.project.snapshot()

    def work(feedback: Feedback) -> tuple[Any, Any, Any, Path, Path]:
        review = find_drift(snapshot, period, band)
        feedback.check_canceled()
        edit = year_sales_edit(snapshot, period)
        kept = ReplaceAccounts(edit.table, edit.transactions, edit.text)  # unapplied twin
        snapshot.apply(edit)
        feedback.set_progress(30, "Proposing a re-alignment…")
        plan = propose(snapshot, review, max_moves)
        feedback.check_canceled()
        feedback.set_progress(80, "Writing the review pack…")
        if Path(folder).exists() and not Path(folder).is_dir():
            raise TerritoryDesignerError(f"{folder} is a file; choose a folder for the pack.")
        xlsx, pdf = write_review_pack(review, folder)
        return review, kept, plan, xlsx, pdf

    def finished(result: tuple[Any, Any, Any, Path, Path]) -> None:
        review, kept, plan, xlsx, pdf = result
        apply_review(window, review, kept, plan)
        window.last_review = (review, xlsx, pdf)  # type: ignore[attr-defined]
        session.sig_status.emit(f"Review {review.period}: pack written to {xlsx} and {pdf}.")

    return run_with_progress(
        window,
        "Monthly review",
        work,
        on_finished=finished,
        on_failed=lambda message: window.prompts.show_error(window, "Monthly Review", message),
    )


def apply_review(window: MainWindow, review: Any, year_sales: Any, plan: Any) -> bool:
    """Store the year's sales per account and add the proposed plan: one undo step."""
    from territory_designer.core.plan_operations import AddGeneratedPlan

    session = window.session
    if plan is not None:
        base, k = plan.name, 2
        while plan.name in session.project.plans:
            plan.name, k = f"{base} ({k})", k + 1
    stack = session.undo_stack
    stack.beginMacro(f"Monthly review {review.period}")
    try:
        ok = session.execute(year_sales)
        if ok and plan is not None:
            ok = session.execute(AddGeneratedPlan(plan))
    finally:
        stack.endMacro()
    return ok

"""File › Import › Responses…: reviewers' answers to a proposal applied as a new plan
(undoable), with a report of conflicts and problems. The proposal itself is written by
File › Export › Proposal workbooks (the ``proposal`` exporter)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from territory_designer.core.approvals import (
    AddReviewedPlan,
    Reconciliation,
    reconcile,
    reviewed_plan,
)
from territory_designer.core.errors import TerritoryDesignerError

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def report_html(rec: Reconciliation, plan_name: str) -> str:
    """The import's outcome as rich text: counts, then every conflict and problem."""
    parts = [
        f"<p>Added plan <b>{escape(plan_name)}</b>: {escape(rec.proposal.base)} with the moves "
        f"of {escape(rec.proposal.plan)} that reviewers accepted.</p>",
        f"<p>{escape(rec.summary())}; files used: {len(rec.files_used)}.</p>",
    ]
    for title, items in (("Conflicts (not applied)", rec.conflicts), ("Problems", rec.problems)):
        if items:
            rows = "".join(f"<li>{escape(t)}</li>" for t in items[:50])
            more = f"<li>… and {len(items) - 50} more</li>" if len(items) > 50 else ""
            parts.append(f"<p><b>{title}</b></p><ul>{rows}{more}</ul>")
    parts.append("<p>Rejections and comments are in the Change Log.</p>")
    return "".join(parts)


def install(window: MainWindow) -> None:
    """Add File › Import › Responses…."""

    def import_responses() -> bool:
        from territory_designer.io.responses import read_responses

        session = window.session
        project = session.project
        folder = str(project.path.parent) if project.path else ""
        files = window.prompts.ask_response_files(window, folder)
        if not files:
            return False
        try:
            rec = reconcile(project, read_responses(files))
            plan = reviewed_plan(project, rec)
        except TerritoryDesignerError as exc:
            window.prompts.show_error(window, "Responses not imported", str(exc))
            return False
        if not session.execute(AddReviewedPlan(plan, rec)):
            return False
        window.prompts.show_help(window, "Responses imported", report_html(rec, plan.name))
        return True

    window.add_action(
        window.menus["import"],
        "import_responses",
        "&Responses…",
        import_responses,
        tip="Apply the moves reviewers accepted in proposal workbooks as a new plan",
    )

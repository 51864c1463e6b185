"""Proposal workbooks: one per reviewing group (district, else rep, else territory) with
the proposed moves and Accept / Reject / Comment columns to fill in offline.

Sheet "Proposal" is protected apart from the Decision and Comment cells; Decision has a
drop-down (Accept, Reject). A very hidden sheet ``td_proposal`` keeps which plan and base
the file answers, the moves' fingerprint and a copy of the protected cells, so that
:mod:`territory_designer.io.responses` can tell a file for another plan and cells edited
by a tool that ignores protection.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from territory_designer.core.approvals import DECISIONS, Proposal, ProposedMove, build_proposal
from territory_designer.core.feedback import Feedback
from territory_designer.core.formatting import field_label
from territory_designer.io.atomic import staged_folder
from territory_designer.reports.registry import ExportOptions, exporter
from territory_designer.reports.safety import safe_cell

if TYPE_CHECKING:
    from territory_designer.core.project import Project

SHEET = "Proposal"
META_SHEET = "td_proposal"
FORMAT = "territory-designer-proposal/1"
HEADER_ROW = 7
#: Protected columns (heading, how to read it from a move), then Decision and Comment.
PROTECTED = (
    ("Move id", lambda m: m.move_id),
    ("Kind", lambda m: m.kind),
    ("Id", lambda m: m.item_id),
    ("Name", lambda m: m.item_name),
    ("From", lambda m: m.from_name or "(unassigned)"),
    ("From rep", lambda m: m.from_rep),
    ("To", lambda m: m.to_name or "(unassigned)"),
    ("To rep", lambda m: m.to_rep),
    ("Accounts", lambda m: m.accounts),
    ("Value", lambda m: m.value),
    ("Reason", lambda m: m.reason),
)
DECISION_COL = len(PROTECTED) + 1
COMMENT_COL = len(PROTECTED) + 2


def file_name(group: str) -> str:
    """``Proposal - <group>.xlsx`` with characters a file name cannot hold replaced."""
    clean = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", group).strip(" .") or "group"
    return f"Proposal - {clean[:80]}.xlsx"


def cell_value(value: object) -> object:
    """A value as written to a protected cell (numbers kept, text made safe)."""
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    return safe_cell(str(value))


def write_group_workbook(
    proposal: Proposal, group: str, moves: list[ProposedMove], path: Path, title: str
) -> Path:
    """Write the workbook of ``group`` to ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = safe_cell(f"{title}: proposed changes for {group}")
    ws["A1"].font = Font(bold=True, size=14)
    info = (
        ("Proposed plan", proposal.plan),
        ("Compared with", proposal.base),
        ("Reviewer", group),
        (
            "Answer",
            "Choose Accept or Reject in column Decision; add a comment if you wish. "
            "Other cells are protected.",
        ),
    )
    for k, (label, value) in enumerate(info, start=2):
        ws.cell(k, 1, label).font = Font(bold=True)
        ws.cell(k, 2, safe_cell(value))
    headers = [h for h, _ in PROTECTED] + ["Decision", "Comment"]
    headers[9] = field_label(proposal.value_field)
    fill = PatternFill("solid", fgColor="1F4E78")
    for j, h in enumerate(headers, start=1):
        c = ws.cell(HEADER_ROW, j, safe_cell(h))
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = fill
    answer_fill = PatternFill("solid", fgColor="FFF2CC")
    meta = wb.create_sheet(META_SHEET)
    for key, value in (
        ("format", FORMAT),
        ("plan", proposal.plan),
        ("base", proposal.base),
        ("group", group),
        ("fingerprint", proposal.fingerprint),
        ("header_row", HEADER_ROW),
        ("rows", len(moves)),
    ):
        meta.append([key, safe_cell(value) if isinstance(value, str) else value])
    for i, m in enumerate(moves):
        r = HEADER_ROW + 1 + i
        values = [cell_value(get(m)) for _, get in PROTECTED]
        for j, v in enumerate(values, start=1):
            ws.cell(r, j, v)
        meta.append(["row", *values])
        for col in (DECISION_COL, COMMENT_COL):
            c = ws.cell(r, col)
            c.protection = Protection(locked=False)
            c.fill = answer_fill
    last = HEADER_ROW + max(len(moves), 1)
    dv = DataValidation(
        type="list",
        formula1=f'"{",".join(DECISIONS)}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Decision",
        error="Choose Accept or Reject (or leave it empty).",
    )
    letter = get_column_letter(DECISION_COL)
    dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
    ws.add_data_validation(dv)
    widths = (12, 8, 12, 26, 22, 16, 22, 16, 10, 12, 40, 11, 40)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, max_row=last, min_col=11, max_col=13):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # reviewers may widen columns
    meta.sheet_state = "veryHidden"
    wb.save(path)
    return path


def write_proposal(
    project: Project,
    folder: Path,
    plan: str | None = None,
    base: str | None = None,
    title: str | None = None,
    feedback: Feedback | None = None,
) -> list[Path]:
    """Write one workbook per reviewing group into ``folder``; return their paths.

    A cancel through ``feedback`` leaves nothing in ``folder``.
    """
    feedback = feedback or Feedback()
    proposal = build_proposal(project, plan or project.active_plan_name, base)
    title = title or str(project.settings.get("title") or "Territory plan")
    written = []
    with staged_folder(Path(folder)) as staging:
        groups = list(proposal.groups())
        for i, group in enumerate(groups):
            name = file_name(group)
            feedback.set_progress(10 + 85 * i / len(groups), f"Writing {name}")
            feedback.check_canceled()
            write_group_workbook(proposal, group, proposal.moves_of(group), staging / name, title)
            written.append(Path(folder) / name)
        feedback.set_progress(97, "Moving the workbooks into place")
        feedback.check_canceled()
    return written


@exporter("proposal", label="Proposal workbooks for review (folder)", is_folder=True)
def export_proposal(
    project: Project, path: Path, options: ExportOptions, feedback: Feedback
) -> Path:
    """Write the proposal of ``options.plan`` (default: the active plan) against the
    baseline, one workbook per district or manager, into folder ``path``."""
    feedback.set_progress(5, "Listing the proposed moves")
    write_proposal(project, path, options.plan, title=options.title, feedback=feedback)
    return path

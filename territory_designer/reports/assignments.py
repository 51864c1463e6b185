"""CRM assignment lists: one row per unit with its territory and owner (CSV or .xlsx).

The shape CRMs take for territory rules: ``unit_id`` (and ``postal_code`` when the units
carry one), ``unit_name``, ``territory`` (id), ``territory_name``, ``owner``. Text cells
are neutralised against formula injection in both formats.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from territory_designer.core.feedback import Feedback
from territory_designer.io.atomic import atomic_target
from territory_designer.reports.registry import ExportOptions, TooManyRowsError, exporter
from territory_designer.reports.safety import safe_text
from territory_designer.reports.tables import build_report_data
from territory_designer.reports.xlsx_tables import Column, write_table

if TYPE_CHECKING:
    from territory_designer.core.project import Project

COLUMNS = ("unit_id", "postal_code", "unit_name", "territory", "territory_name", "owner")


def assignment_table(project: Project, plan: str | None = None) -> pd.DataFrame:
    """The assignment list of a plan (``postal_code`` only when the units have one)."""
    units = build_report_data(project, plan).units
    return units[[c for c in COLUMNS if c in units.columns]].copy()


@exporter("assignments", label="Assignment list (CRM)", suffixes=(".csv", ".xlsx"))
def export_assignments(
    project: Project, path: Path, options: ExportOptions, feedback: Feedback
) -> Path:
    """Write the assignment list as CSV (UTF-8 with BOM, for Excel) or .xlsx by suffix."""
    table = assignment_table(project, options.plan)
    feedback.set_progress(30, "Writing assignments")
    feedback.check_canceled()
    with atomic_target(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            ws.title = "Assignments"
            try:
                write_table(ws, [Column(c, table[c]) for c in table.columns])
            except TooManyRowsError as exc:
                # A CRM reads one sheet: splitting the list would drop rows unseen.
                raise TooManyRowsError(f"{exc} Write the list as .csv instead.") from exc
            wb.save(tmp)
        else:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(table.columns)
                for row in table.itertuples(index=False):
                    writer.writerow([safe_text(v) for v in row])
        feedback.check_canceled()
    return path

"""Workload in the reports (issue 12): per territory, hours a year and share of a
full-time selling year, on its own Excel sheet with the approximation it rests on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from territory_designer.core.workload import (
    APPROXIMATION_NOTE,
    WORKLOAD_FIELD,
    WORKLOAD_SETTING,
    territory_workload,
    workload_parameters,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project
    from territory_designer.reports.tables import ReportData

HEADERS = {
    "id": "Territory",
    "name": "Name",
    "owner": "Owner",
    "accounts": "Accounts",
    "visits": "Visits a year",
    "visit_hours": "Visit hours",
    "travel_hours": "Travel hours",
    "routing_hours": "Routing hours",
    "hours": "Workload hours",
    "fte": "Share of a full-time year",
}


def workload_figures(project: Project, plan: Plan) -> pd.DataFrame | None:
    """Per-territory workload when the project has a workload model (a template, or the
    stored ``workload_hours``), else None."""
    settings = project.settings
    if not len(project.accounts) or (
        WORKLOAD_SETTING not in settings and WORKLOAD_FIELD not in project.weight_fields
    ):
        return None
    return territory_workload(project, plan)


def write_workload_sheet(wb: Workbook, data: ReportData) -> None:
    """A Workload sheet (when ``data.workload``), with the full-time year and the
    approximation under the table."""
    from territory_designer.reports.xlsx_tables import Column, write_table

    table = data.workload
    if table is None or not len(table):
        return
    ws = wb.create_sheet("Workload")
    kinds = {"accounts": "int", "fte": "pct", "id": "text", "name": "text", "owner": "text"}
    cols = [Column(h, table[k], kinds.get(k, "float")) for k, h in HEADERS.items()]
    last, _ = write_table(ws, cols)
    ws.cell(row=last + 2, column=1, value=f"Full-time year: {data.full_time_hours:,.0f} hours.")
    ws.cell(row=last + 3, column=1, value=APPROXIMATION_NOTE)


def full_time_hours(project: Project) -> float:
    """The project's full-time selling year in hours."""
    return float(workload_parameters(project).full_time_hours)

"""CRM assignment lists, CSV or .xlsx: per unit, or per account.

Per unit, the shape CRMs take for territory rules: ``unit_id`` (and ``postal_code`` when
the units carry one), ``unit_name``, ``territory`` (id), ``territory_name``, ``owner``.

Per account, the file a CRM imports to re-assign its accounts: ``account_id``,
``account_name``, ``territory``, ``territory_name``, ``owner``, the territory's
``district`` when territories have parents and the account's own ``region``/``district``
columns when it has any, then ``previous_territory`` and ``previous_territory_name``
(filled only for accounts that changed territory) against the baseline plan, or the
previous plan when there is no baseline. Accounts in no territory are listed with blanks.

Text cells are neutralised against formula injection in both formats.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from territory_designer.core.account_territories import account_codes
from territory_designer.core.feedback import Feedback
from territory_designer.io.atomic import atomic_target
from territory_designer.reports.comparison import comparison_plan
from territory_designer.reports.registry import (
    ExportError,
    ExportOptions,
    TooManyRowsError,
    exporter,
)
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


#: Account columns carried into the account list when the accounts have them.
AREA_COLUMNS = ("region", "district", "area", "zone")


def account_assignment_table(project: Project, plan_name: str | None = None) -> pd.DataFrame:
    """One row per account with its territory, owner, district and previous territory."""
    plan = project.plans[plan_name or project.active_plan_name]
    accounts = project.accounts.table
    codes = account_codes(project, plan)

    def territory_attr(p: object, code_array: object, attr: str) -> list[str]:
        return [
            str(getattr(p.territories[int(c)], attr) or "") if int(c) in p.territories else ""
            for c in code_array
        ]

    table = pd.DataFrame(
        {
            "account_id": accounts["account_id"].astype(str).to_numpy(),
            "account_name": accounts["name"].astype(str).to_numpy(),
            "territory": territory_attr(plan, codes, "id"),
            "territory_name": territory_attr(plan, codes, "name"),
            "owner": territory_attr(plan, codes, "owner"),
        }
    )
    if any(t.parent for t in plan.territories.values()):
        table["district"] = territory_attr(plan, codes, "parent")
    lower = {str(c).lower(): c for c in accounts.columns}
    for name in AREA_COLUMNS:
        if name in lower and name not in table.columns:
            table[name] = accounts[lower[name]].fillna("").astype(str).to_numpy()
    before = comparison_plan(project, plan)
    if before is not None:
        old = account_codes(project, before)
        old_id = territory_attr(before, old, "id")
        changed = [o != n for o, n in zip(old_id, table["territory"], strict=True)]
        old_name = territory_attr(before, old, "name")
        table["previous_territory"] = [o if c else "" for o, c in zip(old_id, changed, strict=True)]
        table["previous_territory_name"] = [
            o if c else "" for o, c in zip(old_name, changed, strict=True)
        ]
    return table


@exporter("assignments", label="Assignment list (CRM)", suffixes=(".csv", ".xlsx"))
def export_assignments(
    project: Project, path: Path, options: ExportOptions, feedback: Feedback
) -> Path:
    """Write the assignment list as CSV (UTF-8 with BOM, for Excel) or .xlsx by suffix."""
    table = assignment_table(project, options.plan)
    return _write_list(table, path, "Assignments", feedback)


@exporter("account-assignments", label="Account assignments (CRM)", suffixes=(".csv", ".xlsx"))
def export_account_assignments(
    project: Project, path: Path, options: ExportOptions, feedback: Feedback
) -> Path:
    """Write one row per account with its territory (CSV or .xlsx by suffix)."""
    if not len(project.accounts.table):
        raise ExportError(
            f"Cannot write {path}: the project has no accounts (import a customer list first)."
        )
    table = account_assignment_table(project, options.plan)
    return _write_list(table, path, "Accounts", feedback)


def _write_list(table: pd.DataFrame, path: Path, title: str, feedback: Feedback) -> Path:
    """Write ``table`` as CSV (UTF-8 with BOM) or as one .xlsx sheet, atomically."""
    feedback.set_progress(30, f"Writing {title.lower()}")
    feedback.check_canceled()
    with atomic_target(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            ws.title = title
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

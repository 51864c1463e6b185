"""Import accounts into a project: read, build completely, then swap in at once.

:func:`prepare_import` does all the work without touching the project (run it off the GUI
thread); :meth:`PreparedImport.apply` swaps the finished table in with one call of
:meth:`Project.replace_accounts`. :func:`import_accounts` does both. An error or a cancel
before the swap leaves the project exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from territory_designer.core.accounts import AccountTable
from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.core.operations import ReplaceAccounts
from territory_designer.core.project import Project
from territory_designer.io.accounts_import.build import build_accounts
from territory_designer.io.accounts_import.column_kinds import averaged_columns
from territory_designer.io.accounts_import.gazetteer import gazetteer_for
from territory_designer.io.accounts_import.headers import guess_mapping
from territory_designer.io.accounts_import.locate import METHODS, REASONS
from territory_designer.io.accounts_import.merge import MergeResult, merge_accounts
from territory_designer.io.accounts_import.parsing import RowIssue
from territory_designer.io.accounts_import.reading import read_table
from territory_designer.io.accounts_import.template_columns import (
    match_template_columns,
    rename_template_columns,
    template_fields,
)


class WouldRemoveAllError(InputError):
    """The file locates nothing and would replace every account of the project.

    Typically the wrong sheet or a mapping without a location column. Front ends ask
    the user to confirm (a dialog, ``--replace-all``) and then pass ``replace_all``.
    """

    def __init__(self, message: str, removed: int) -> None:
        super().__init__(message)
        self.removed = removed


@dataclass
class ImportReport:
    """What an import read, located, and changed.

    ``located + unlocated == accounts`` always, and ``== rows`` without aggregation.
    ``unlocated_rows`` lists file, sheet, row, account id, name, reason and its text.
    """

    file: str
    sheet: str | None
    rows: int
    accounts: int
    located: dict[str, int]
    unlocated: dict[str, int]
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_absent: list[str] = field(default_factory=list)
    kept_location: list[str] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
    issues: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unlocated_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    transactions: pd.DataFrame | None = None
    aggregation: dict[str, str] = field(default_factory=dict)
    customers: int = 0
    multi_location: int = 0
    sites: bool = False

    @property
    def located_total(self) -> int:
        """Accounts placed in a unit."""
        return sum(self.located.values())

    @property
    def unlocated_total(self) -> int:
        """Accounts kept without a unit."""
        return sum(self.unlocated.values())

    def to_dict(self) -> dict[str, Any]:
        """The JSON summary printed by ``import-accounts --json``."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "rows": self.rows,
            "accounts": self.accounts,
            "located": {"total": self.located_total, **self.located},
            "unlocated": {"total": self.unlocated_total, **self.unlocated},
            "new": len(self.new),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "kept_absent": len(self.kept_absent),
            "transactions": 0 if self.transactions is None else len(self.transactions),
            "mapping": {k: v for k, v in self.mapping.items() if v is not None},
            "issues": [
                {"row": i.row, "column": i.column, "message": i.message} for i in self.issues[:100]
            ],
            "issue_count": len(self.issues),
            "notes": list(self.notes),
            **(
                {
                    "customers": self.customers,
                    "multi_location_customers": self.multi_location,
                    "sites": self.sites,
                    "aggregation": dict(self.aggregation),
                }
                if self.transactions is not None
                else {}
            ),
        }

    def aggregation_note(self) -> str | None:
        """Which columns were summed, averaged or left out when rows were aggregated."""
        verbs = (
            ("sum", "summed"),
            ("mean", "averaged (weighted by revenue)"),
            ("ignore", "left out"),
        )
        parts = [
            f"{verb}: {', '.join(c for c, how in self.aggregation.items() if how == rule)}"
            for rule, verb in verbs
            if rule in self.aggregation.values()
        ]
        return "Columns " + "; ".join(parts) + "." if parts else None

    def location_note(self) -> str | None:
        """How many customers ship to several locations, and where their accounts are."""
        if self.transactions is None or not self.multi_location:
            return None
        span = f"{self.multi_location:,} of {self.customers:,} customers span several locations"
        if self.sites:
            return f"{span}: one account per customer and location ({self.accounts:,} sites)."
        return f"{span}; each is placed at the location with most of its revenue."

    def summary_lines(self) -> list[str]:
        """A few lines for a terminal or a dialog."""
        lines = [
            f"{self.file}"
            + (f" [{self.sheet}]" if self.sheet else "")
            + f": {self.rows:,} rows, {self.accounts:,} accounts",
            f"located {self.located_total:,}: "
            + ", ".join(f"{k} {v:,}" for k, v in self.located.items() if v),
            f"unlocated {self.unlocated_total:,}"
            + (
                ": " + ", ".join(f"{REASONS[k]} {v:,}" for k, v in self.unlocated.items() if v)
                if self.unlocated_total
                else ""
            ),
            f"new {len(self.new):,}, changed {len(self.changed):,}, removed {len(self.removed):,}"
            + (f", kept (not in the file) {len(self.kept_absent):,}" if self.kept_absent else ""),
        ]
        extra = [n for n in (self.aggregation_note(), self.location_note()) if n]
        return (
            lines
            + extra
            + self.notes
            + [f"{len(self.issues):,} cells with problems"] * bool(self.issues)
        )


@dataclass
class PreparedImport:
    """A finished account table waiting to be swapped into its project."""

    table: AccountTable
    report: ImportReport
    #: Columns that are averages or rates (a discount): not summed into territory metrics.
    averaged: list[str] = field(default_factory=list)

    def operation(self, text: str = "Import accounts") -> ReplaceAccounts:
        """The undoable edit that swaps these accounts in."""
        return ReplaceAccounts(self.table, self.report.transactions, text, self.averaged)

    def apply(self, project: Project) -> ImportReport:
        """Swap the accounts in (one event; the only step that changes the project)."""
        project.apply(self.operation())
        return self.report


def prepare_import(
    project: Project,
    path: Path | str,
    sheet: str | None = None,
    mapping: dict[str, str | None] | None = None,
    aggregate_by: str | None = None,
    feedback: Feedback | None = None,
    header_row: int | None = None,
    strict: bool = False,
    keep_removed: bool = False,
    units_are_postal: bool | None = None,
    gazetteer_csv: Path | str | None = None,
    aggregation: dict[str, str] | None = None,
    sites: bool = False,
    replace_all: bool = False,
) -> PreparedImport:
    """Read, parse, locate, join and merge, without changing ``project``.

    Parameters are those of :func:`import_accounts`.

    Raises
    ------
    WouldRemoveAllError
        When nothing in the file locates (or no location column is mapped) and the
        import would remove every account of the project, unless ``replace_all``.
    """
    feedback = feedback or Feedback()
    feedback.set_progress(0, "Reading file")
    raw = read_table(path, sheet, header_row, feedback)
    feedback.check_canceled()
    # The project's industry template: its header synonyms and its own fields.
    template = None
    if template_fields(project.settings):
        guessed = guess_mapping(raw.columns)
        template = match_template_columns(template_fields(project.settings), raw.columns, guessed)
        user_mapped = {c for c in (mapping or {}).values() if c}
        mapping = {**template.mapping, **(mapping or {})}
    gazetteer = gazetteer_for(gazetteer_csv)
    built = build_accounts(
        raw,
        project.units,
        gazetteer,
        mapping,
        aggregate_by,
        strict,
        units_are_postal,
        feedback,
        aggregation,
        sites,
    )
    if template is not None:
        built.accounts = rename_template_columns(built.accounts, template, user_mapped, built.notes)
    feedback.set_progress(92, "Merging with the project's accounts")
    merged = merge_accounts(project.accounts, built.accounts, keep_removed)
    table = AccountTable(merged.table)
    feedback.check_canceled()
    t = table.table
    imported = t[t["account_id"].isin(set(built.accounts["account_id"]))]
    in_unit = (imported["unit"] >= 0).to_numpy()
    by = imported["located_by"].astype(str)[in_unit]
    reasons = imported["unlocated_reason"].astype(str)
    located = {m: int((by == m).sum()) for m in (*METHODS, "previous")}
    located["previous"] = len(merged.kept_location)
    for aid in merged.kept_location:  # counted under "previous", not their old method
        located[str(t.loc[t["account_id"] == aid, "located_by"].iloc[0])] -= 1
    if not replace_all:
        _refuse_losing_every_account(project, raw.where(), built.mapping, merged, in_unit)
    unlocated_mask = (imported["unit"] < 0).to_numpy()
    unlocated = {r: int((reasons[unlocated_mask] == r).sum()) for r in REASONS}
    report = ImportReport(
        file=str(raw.path),
        sheet=raw.sheet,
        rows=len(raw),
        accounts=len(built.accounts),
        located={k: v for k, v in located.items() if v or k in METHODS},
        unlocated=unlocated,
        new=merged.new,
        changed=merged.changed,
        removed=merged.removed,
        kept_absent=merged.kept_absent,
        kept_location=merged.kept_location,
        mapping=built.mapping,
        issues=built.issues,
        notes=raw.notes + built.notes,
        unlocated_rows=unlocated_table(imported[unlocated_mask], raw.path.name, raw.sheet),
        transactions=built.transactions,
        aggregation=built.aggregation,
        customers=built.customers,
        multi_location=built.multi_location,
        sites=sites,
    )
    feedback.set_progress(100, "Ready")
    averaged = averaged_columns(table, built.mapping, built.aggregation)
    if template is not None:  # a template's fields are amounts ("Share of wallet" too)
        named = {str(f.get("name")) for f in template_fields(project.settings)}
        averaged = [c for c in averaged if c not in named]
    return PreparedImport(table, report, averaged)


def _refuse_losing_every_account(
    project: Project, where: str, mapping: dict, merged: MergeResult, in_unit: np.ndarray
) -> None:
    """Raise when the import would replace every existing account by unlocated ones."""
    n_old = len(project.accounts)
    if n_old == 0 or len(merged.removed) < n_old or in_unit.any():
        return
    has_location = any(mapping.get(f) for f in ("latitude", "postal_code", "city"))
    why = (
        "none of its rows could be located"
        if has_location
        else "no column gives a location (coordinates, postal code or city)"
    )
    raise WouldRemoveAllError(
        f"{where}: {why}, and importing it would remove all {n_old:,} accounts of the "
        "project and leave only unlocated ones. Check the sheet and the column mapping.",
        n_old,
    )


def import_accounts(
    project: Project,
    path: Path | str,
    sheet: str | None = None,
    mapping: dict[str, str | None] | None = None,
    aggregate_by: str | None = None,
    feedback: Feedback | None = None,
    **options: Any,
) -> ImportReport:
    """Import a customer list into ``project`` (all or nothing).

    Parameters
    ----------
    project : Project
        Receives the accounts; unchanged if anything fails or is cancelled.
    path : path-like
        .xlsx, .xlsm, .xls, .csv or .txt.
    sheet : str, optional
        Sheet name (the first sheet with data by default).
    mapping : dict, optional
        Account field -> column; merged over the guessed mapping (None unmaps a field).
    aggregate_by : str, optional
        Customer column of an order-level sheet: rows are rolled up into accounts.
    feedback : Feedback, optional
        Progress and cancel.
    **options
        ``header_row`` (1-based, 0 = none), ``strict`` (row-level problems raise),
        ``keep_removed``, ``units_are_postal`` (None = auto), ``gazetteer_csv``
        (extra postal centroids: postal_code, lat, lon[, country]), ``aggregation``
        (file column -> sum, mean, first or ignore, with ``aggregate_by``), ``sites``
        (one account per customer and location, with ``aggregate_by``), ``replace_all``
        (accept a file that locates nothing and would remove every account).

    Returns
    -------
    ImportReport

    Raises
    ------
    InputError
        With file, sheet, row and column where they apply.
    WouldRemoveAllError
        See :func:`prepare_import`.
    CanceledError
        When cancelled; nothing changed.
    """
    prepared = prepare_import(project, path, sheet, mapping, aggregate_by, feedback, **options)
    return prepared.apply(project)


def unlocated_table(accounts: pd.DataFrame, file: str, sheet: str | None) -> pd.DataFrame:
    """Unlocated accounts as a table for the wizard and the Excel export."""
    reason = accounts["unlocated_reason"].astype(str) if "unlocated_reason" in accounts else ""
    out = pd.DataFrame(
        {
            "file": file,
            "sheet": sheet or "",
            "row": accounts.get("source_row", pd.Series("", index=accounts.index)).astype(str),
            "account_id": accounts["account_id"].astype(str),
            "name": accounts["name"].astype(str),
            "reason": reason,
            "explanation": pd.Series(reason).map(REASONS).fillna("").to_numpy()
            if len(accounts)
            else [],
        }
    )
    for col in ("postal_code", "city", "state", "country"):
        if col in accounts:
            out[col] = accounts[col].astype(str).to_numpy()
    return out.reset_index(drop=True)


def export_unlocated(source: ImportReport | Project, path: Path | str) -> Path:
    """Write the unlocated accounts to an .xlsx file (cells never become formulas)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from territory_designer.io.atomic import atomic_target

    if isinstance(source, ImportReport):
        table = source.unlocated_rows
    else:
        acc = source.accounts.table
        table = unlocated_table(acc[acc["unit"] < 0], "", None)
    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Unlocated")
    ws.append(list(table.columns))
    for row in table.itertuples(index=False):
        cells = []
        for v in row:
            cell = WriteOnlyCell(ws, value=None if v is None or v is np.nan else str(v))
            cell.data_type = "s"  # user text starting with "=" stays text
            cells.append(cell)
        ws.append(cells)
    with atomic_target(path) as tmp:
        wb.save(tmp)
    return path

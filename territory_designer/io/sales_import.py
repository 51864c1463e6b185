"""Import a sales history (order lines: account, date, amount, optional product).

The file is read, its header found and its columns mapped by the same machinery as a
customer list (:mod:`territory_designer.io.accounts_import`): the same formats, synonyms
("Customer ID", "Order Date", "Sales"...) and messages naming file, sheet, row and
column. Nothing here changes the project: the caller applies
:class:`territory_designer.core.history_operations.ReplaceOrderLines`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError
from territory_designer.core.sales_history import SalesHistory
from territory_designer.io.accounts_import.parsing import RowIssue, parse_rows, resolve_mapping
from territory_designer.io.accounts_import.reading import read_table

#: Fields a sales file must map, and the optional one.
REQUIRED = ("account_id", "order_date", "revenue")
KEPT = ("source_row", "account_id", "order_date", "revenue", "product_line")


@dataclass
class SalesImport:
    """Order lines read from a file, and what the reader noticed."""

    lines: pd.DataFrame
    file: str
    sheet: str | None
    mapping: dict[str, str | None]
    unknown_accounts: int
    unknown_amount: float
    issues: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """Plain figures for the CLI and the window."""
        history = SalesHistory.from_frame(self.lines)
        return {
            "file": self.file,
            "sheet": self.sheet,
            "lines": len(self.lines),
            "dated_lines": len(history),
            "accounts": int(history.account_ids.size),
            "first_month": str(self.lines["order_date"].min())[:7] if len(history) else None,
            "last_month": str(self.lines["order_date"].max())[:7] if len(history) else None,
            "revenue": float(np.nansum(self.lines["revenue"].to_numpy(dtype=float))),
            "unknown_accounts": self.unknown_accounts,
            "unknown_revenue": self.unknown_amount,
            "mapping": {k: v for k, v in self.mapping.items() if k in REQUIRED + KEPT and v},
            "issues": [f"{self._place(i)}: {i.message}" for i in self.issues],
            "notes": self.notes,
        }

    def _place(self, issue: RowIssue) -> str:
        """``"sheet 'Sales', row 6, column 'Amount'"`` (no sheet for a text file)."""
        sheet = f"sheet {self.sheet!r}, " if self.sheet is not None else ""
        return f"{sheet}row {issue.row}, column {issue.column!r}"


def read_sales(
    project: object,
    path: Path | str,
    sheet: str | None = None,
    mapping: dict[str, str | None] | None = None,
    header_row: int | None = None,
    strict: bool = False,
) -> SalesImport:
    """Read order lines from ``path`` for ``project`` (which is not changed).

    Raises
    ------
    InputError
        When the account, date or amount column cannot be found (the columns are listed),
        or too many cells are not dates or numbers.
    """
    raw = read_table(path, sheet, header_row)
    notes: list[str] = list(raw.notes)
    issues = [RowIssue(row, col, message) for row, col, message in raw.cell_issues]
    resolved = resolve_mapping(raw, mapping, notes)
    # "Customer" guessed as the name often holds the id in a sales file.
    if resolved.get("account_id") is None and resolved.get("name") is not None:
        resolved["account_id"], resolved["name"] = resolved["name"], None
    missing = [f for f in REQUIRED if not resolved.get(f)]
    if missing:
        raise InputError(
            f"{raw.where()}: no column for {', '.join(missing)} (columns: "
            f"{', '.join(raw.columns)}); map it with --map FIELD=COLUMN."
        )
    keep = {f: c for f, c in resolved.items() if f in KEPT}
    parsed = parse_rows(raw, {**dict.fromkeys(resolved), **keep}, strict, issues)
    lines = parsed[[c for c in KEPT if c in parsed.columns]].copy()
    lines["account_id"] = lines["account_id"].astype(str).str.strip()
    ids = set(project.accounts.table["account_id"].astype(str))  # type: ignore[attr-defined]
    unknown = ~lines["account_id"].isin(ids).to_numpy()
    return SalesImport(
        lines.reset_index(drop=True),
        raw.path.name,
        raw.sheet,
        resolved,
        int(lines.loc[unknown, "account_id"].nunique()),
        float(np.nansum(lines.loc[unknown, "revenue"].to_numpy(dtype=float))),
        issues,
        notes,
    )

"""The "Unlocated accounts" dock: accounts kept without a unit, with the reason."""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from territory_designer.core.templates import template_labels
from territory_designer.io.accounts_import import REASONS, export_unlocated
from territory_designer.ui.dialogs.import_pages import read_only_table
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.qt_models.table_model import RowsModel
from territory_designer.ui.session import Session
from territory_designer.ui.workers import error_message

#: Columns shown (account table column -> title), in order, when present.
COLUMNS = {
    "account_id": "Account id",
    "name": "Name",
    "reason": "Reason",
    "source_row": "Source row",
    "postal_code": "Postal code",
    "city": "City",
    "state": "State",
}


def unlocated_frame(accounts: pd.DataFrame) -> pd.DataFrame:
    """The accounts without a unit (``unit == -1``) with a readable reason."""
    t = accounts[accounts["unit"].astype(int) < 0]
    out = pd.DataFrame(index=t.index)
    for col in COLUMNS:
        if col == "reason":
            codes = t.get("unlocated_reason", pd.Series("", index=t.index)).astype(str)
            out[col] = codes.map(lambda c: REASONS.get(c, c)).to_numpy()
        elif col in t:
            out[col] = t[col].astype(str).replace({"nan": "", "None": ""}).to_numpy()
    return out.reset_index(drop=True)


class UnlocatedDock(QDockWidget):
    """Lists the project's unlocated accounts; refreshes when the accounts change.

    Parameters
    ----------
    session : Session
        Its project's accounts are listed.
    prompts : Prompts
        The save dialog of the Excel export.
    """

    def __init__(self, session: Session, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Unlocated accounts", parent)
        self.setObjectName("unlocated_dock")
        self.session = session
        self.prompts = prompts
        self.model = RowsModel()
        self.view = read_only_table(self.model)
        self.count_label = QLabel()
        self.export_button = QPushButton("Export to Excel…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.place_button = QPushButton("Place in unit…")
        self.place_button.setToolTip(
            "Put the selected accounts in a unit you choose (undoable); they count in that "
            "unit's territory from then on"
        )
        self.place_button.clicked.connect(self._on_place_clicked)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(self.count_label, 1)
        row.addWidget(self.place_button)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self.setWidget(body)
        session.sig_accounts_changed.connect(self.refresh)
        session.sig_project_replaced.connect(self.refresh)
        session.sig_settings_changed.connect(
            lambda key: self.refresh() if key == "template" else None  # its labels title columns
        )
        self.refresh()

    @property
    def count(self) -> int:
        """Number of unlocated accounts listed."""
        return self.model.rowCount()

    def refresh(self) -> None:
        """Re-read the project's accounts."""
        project = self.session.project
        frame = unlocated_frame(project.accounts.table)
        labels = {k: v for k, v in template_labels(project).items() if k in COLUMNS}
        self.model.set_frame(frame, {**COLUMNS, **labels})  # "HCP id" under pharma
        n = len(frame)
        total = len(self.session.project.accounts)
        if n:
            self.count_label.setText(f"{n:,} of {total:,} accounts have no unit")
        elif total:
            self.count_label.setText(f"Every account is located ({total:,}).")
        else:
            self.count_label.setText("No accounts yet: File › Import › Accounts… adds them.")
        if not n:
            # An empty list only takes room from the map; an import shows it again.
            self.hide()
        self.export_button.setEnabled(n > 0)
        self.place_button.setEnabled(n > 0)
        self._ids = frame["account_id"].tolist() if "account_id" in frame else []
        self.view.resizeColumnsToContents()

    def selected_account_ids(self) -> list[str]:
        """Ids of the selected rows (every listed account when nothing is selected)."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self._ids[r] for r in rows] if rows else list(self._ids)

    def _on_place_clicked(self) -> None:
        from territory_designer.core.operations import LocateAccounts

        ids = self.selected_account_ids()
        if not ids:
            return
        units = self.session.project.units
        choices = [f"{name} ({uid})" for name, uid in zip(units.names, units.ids, strict=True)]
        unit = self.prompts.ask_unit(self, choices)
        if unit is None:
            return
        if self.session.execute(LocateAccounts(ids, unit)):
            self.session.sig_status.emit(
                f"Placed {len(ids):,} account{'s' if len(ids) != 1 else ''} in {choices[unit]}"
            )

    def _on_export_clicked(self) -> None:
        project = self.session.project
        stem = project.path.stem if project.path else "accounts"
        path = self.prompts.ask_xlsx_path(self, f"{stem} unlocated.xlsx")
        if not path:
            return
        try:
            export_unlocated(project, path)
        except Exception as exc:  # noqa: BLE001 - one clear message
            self.prompts.show_error(self, "Cannot export", error_message(exc))
            return
        self.session.sig_status.emit(f"Exported {self.count:,} unlocated accounts to {path}")

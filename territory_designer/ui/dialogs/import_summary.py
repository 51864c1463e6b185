"""The last page of the account-import wizard: counts, unlocated rows, cell problems."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWizardPage

from territory_designer.io.accounts_import import REASONS, ImportReport, export_unlocated
from territory_designer.ui.dialogs.import_pages import read_only_table
from territory_designer.ui.qt_models.table_model import RowsModel
from territory_designer.ui.workers import error_message

if TYPE_CHECKING:
    from territory_designer.ui.dialogs.import_wizard import ImportWizard

METHOD_LABELS = {
    "coordinates": "by latitude/longitude",
    "unit_code": "by the unit's own code",
    "postal_code": "by postal code",
    "city": "by city and state",
    "previous": "kept from the previous import",
}
UNLOCATED_TITLES = {
    "file": "File",
    "sheet": "Sheet",
    "row": "Row",
    "account_id": "Account id",
    "name": "Name",
    "explanation": "Reason",
    "postal_code": "Postal code",
    "city": "City",
    "state": "State",
    "country": "Country",
}


class SummaryPage(QWizardPage):
    """What the import found: counts, unlocated rows and cell problems."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Import summary")
        self.setSubTitle("Nothing changes in the project until you click Import.")
        self.setFinalPage(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary_label")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unlocated_model = RowsModel()
        self.issues_model = RowsModel()
        self.unlocated_view = read_only_table(self.unlocated_model)
        self.issues_view = read_only_table(self.issues_model)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.unlocated_view, "Unlocated rows")
        self.tabs.addTab(self.issues_view, "Cell problems")
        self.sites_button = QPushButton("Import one account per customer and location")
        self.sites_button.setObjectName("sites_button")
        self.sites_button.setToolTip(
            "Customers ship to several locations: make one account per customer and postal "
            "code so revenue is mapped where it ships"
        )
        self.sites_button.clicked.connect(self._on_sites_clicked)
        self.export_button = QPushButton("Export to Excel…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.export_status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.sites_button)
        layout.addLayout(row)
        layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        row.addWidget(self.export_status, 1)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        layout.addWidget(
            QLabel("Click Import to add these accounts to the project (Undo reverts it).")
        )

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        prepared = self.wiz.prepared
        if prepared is None:
            return
        r = prepared.report
        self.summary.setText(summary_html(r))
        self.sites_button.setVisible(bool(r.multi_location) and not r.sites)
        unloc = r.unlocated_rows.drop(columns=["reason"], errors="ignore")
        self.unlocated_model.set_frame(unloc, UNLOCATED_TITLES)
        issues = [
            [prepared_name(r.file), r.sheet or "", i.row, i.column or "", i.message]
            for i in r.issues
        ]
        self.issues_model.set_rows(["File", "Sheet", "Row", "Column", "Problem"], issues)
        self.tabs.setTabText(0, f"Unlocated rows ({len(unloc):,})")
        self.tabs.setTabText(1, f"Cell problems ({len(issues):,})")
        self.tabs.setCurrentIndex(0 if len(unloc) or not issues else 1)
        for view in (self.unlocated_view, self.issues_view):
            view.resizeColumnsToContents()
        self.export_button.setEnabled(len(unloc) > 0)
        self.export_status.clear()

    def _on_sites_clicked(self) -> None:
        # Back to the mapping page with sites ticked, then run the import again.
        self.wiz.mapping_page.sites_check.setChecked(True)
        self.wiz.back()
        self.wiz.back()
        self.wiz.next()

    def _on_export_clicked(self) -> None:
        prepared = self.wiz.prepared
        if prepared is None:
            return
        stem = prepared_name(prepared.report.file).rsplit(".", 1)[0]
        path = self.wiz.prompts.ask_xlsx_path(self, f"{stem} unlocated.xlsx")
        if not path:
            return
        try:
            export_unlocated(prepared.report, path)
        except Exception as exc:  # noqa: BLE001 - one clear message
            self.wiz.prompts.show_error(self, "Cannot export", error_message(exc))
            return
        self.export_status.setText(f"Exported to {path}")


def prepared_name(file: str) -> str:
    """The file name of a report's path."""
    return file.replace("\\", "/").rsplit("/", 1)[-1]


def summary_html(r: ImportReport) -> str:
    """The report's counts as a short HTML block."""
    located = ", ".join(f"{v:,} {METHOD_LABELS.get(k, k)}" for k, v in r.located.items() if v)
    unlocated = ", ".join(f"{v:,} {REASONS.get(k, k)}" for k, v in r.unlocated.items() if v)
    sheet = f" — sheet “{r.sheet}”" if r.sheet else ""
    lines = [
        f"<b>{prepared_name(r.file)}</b>{sheet}: {r.rows:,} rows read, "
        f"<b>{r.accounts:,}</b> accounts",
        f"<b>Located {r.located_total:,}</b>" + (f": {located}" if located else ""),
        f"<b>Unlocated {r.unlocated_total:,}</b>" + (f": {unlocated}" if unlocated else ""),
        f"New {len(r.new):,} · changed {len(r.changed):,} · removed {len(r.removed):,}"
        + (f" · not in the file but kept {len(r.kept_absent):,}" if r.kept_absent else ""),
    ]
    if r.removed:
        lines.append(
            f"<span style='color:#b00020'>{len(r.removed):,} accounts of the project are not in "
            "this file and will be removed; go Back and tick “Keep accounts that are not in "
            "this file” to keep them.</span>"
        )
    if r.transactions is not None:
        lines.append(f"{len(r.transactions):,} order rows kept as transactions")
    if r.aggregation_note():
        lines.append(html.escape(r.aggregation_note()))
    if r.location_note():
        lines.append(f"<b>{html.escape(r.location_note())}</b>")
    lines += [f"<i>{n}</i>" for n in r.notes]
    return "<br>".join(lines)

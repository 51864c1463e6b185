"""File ▸ Import ▸ Sales History: the account wizard's file page and column-mapping page
(:class:`~territory_designer.ui.dialogs.column_mapping.ColumnMappingPage`) over the four
columns of an order line (account, date, amount, product), then a summary; **Import**
stores the lines as one undo step
(:class:`~territory_designer.core.history_operations.ReplaceOrderLines`).

Reading and parsing are the Qt-free :func:`territory_designer.io.sales_import.read_sales`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizardPage

from territory_designer.core.history_operations import ReplaceOrderLines
from territory_designer.io.accounts_import import Preview
from territory_designer.io.sales_import import REQUIRED, SalesImport, read_sales
from territory_designer.ui.dialogs.column_mapping import ColumnMappingPage
from territory_designer.ui.dialogs.file_import_wizard import FileImportWizard
from territory_designer.ui.dialogs.import_widgets import error_label
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.session import Session
from territory_designer.ui.workers import error_message

SALES_GROUPS = (("Order line", ("account_id", "order_date", "revenue", "product_line")),)
SALES_LABELS = {"revenue": "Amount", "product_line": "Product"}


class SalesMappingPage(ColumnMappingPage):
    """One combo box per order-line field, guessed from the headers."""

    def __init__(self, wizard: SalesImportWizard) -> None:
        super().__init__(wizard, SALES_GROUPS, SALES_LABELS, REQUIRED)
        self.setTitle("Columns of an order line")
        self.setSubTitle("Which column holds the account id, the date and the amount of a line.")
        self.grid.setRowStretch(1, 1)  # the one box keeps its height; the room stays below

    def guess(self, pv: Preview) -> dict[str, str | None]:
        """The preview's guess; "Customer" (guessed as the name) holds the id here."""
        guess = dict(pv.mapping)
        if not guess.get("account_id") and guess.get("name"):
            guess["account_id"] = guess["name"]
        return guess


class SalesSummaryPage(QWizardPage):
    """Reads the whole file with the mapping and says what it found."""

    def __init__(self, wizard: SalesImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Sales history found")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(self.text, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        w = self.wiz
        w.result = None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            file = w.file_choices()
            w.result = read_sales(
                w.session.project,
                file["path"],
                file["sheet"],
                w.mapping_page.mapping(),
                file["header_row"],
            )
        except Exception as exc:  # noqa: BLE001 - a file that cannot be read: one message
            self.error.setText(error_message(exc))
            self.error.show()
            self.text.clear()
        else:
            self.error.hide()
            self.text.setText(summary_text(w.result))
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.wiz.result is not None


def summary_text(result: SalesImport) -> str:
    """What the import found, in the planner's words."""
    s = result.summary()
    lines = [
        f"{s['lines']:,} order lines of {s['accounts']:,} accounts, "
        f"{s['first_month']} to {s['last_month']}, revenue {s['revenue']:,.2f}."
    ]
    if s["unknown_accounts"]:
        lines.append(
            f"{s['unknown_accounts']:,} accounts are not in the project (revenue "
            f"{s['unknown_revenue']:,.2f}): their lines count for no territory."
        )
    if s["lines"] > s["dated_lines"]:
        lines.append(f"{s['lines'] - s['dated_lines']:,} lines without a date or amount.")
    lines += s["issues"][:10] + s["notes"]
    lines.append("Import replaces the order lines the project holds (one undo step).")
    return "\n".join(lines)


class SalesImportWizard(FileImportWizard):
    """Import order lines into the session's project (one undo step).

    Attributes
    ----------
    result : SalesImport or None
        What the summary page read.
    applied : bool
        True once Import stored the lines.
    """

    def __init__(
        self,
        session: Session,
        prompts: Prompts,
        path: str | Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, prompts, parent)
        self.setObjectName("sales_import_wizard")
        self.setWindowTitle("Import sales history")
        self.result: SalesImport | None = None
        self.file_page.setTitle("Choose the sales file")
        self.file_page.setSubTitle(
            "One row per order line: account, date, amount (and product). An Excel workbook "
            "or a text file; the header row is detected."
        )
        self.mapping_page = SalesMappingPage(self)
        self.summary_page = SalesSummaryPage(self)
        self.add_pages(self.mapping_page, self.summary_page)
        self.resize(820, 620)
        self.open_file(path)

    def accept(self) -> None:
        """Import: store the lines as one undo step."""
        if self.result is not None and not self.applied:
            if not self.session.execute(ReplaceOrderLines(self.result.lines)):
                return
            self.applied = True
            s = self.result.summary()
            self.session.sig_status.emit(
                f"Imported {s['lines']:,} order lines from {Path(self.result.file).name}"
            )
        super().accept()

"""File ▸ Import ▸ Sales History: the account wizard's file page, then the four columns of
an order line (account, date, amount, product) and a summary; **Import** stores the lines
as one undo step (:class:`~territory_designer.core.history_operations.ReplaceOrderLines`).

Reading and parsing are the Qt-free :func:`territory_designer.io.sales_import.read_sales`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from territory_designer.core.history_operations import ReplaceOrderLines
from territory_designer.io.sales_import import SalesImport, read_sales
from territory_designer.ui.dialogs.import_pages import error_label
from territory_designer.ui.dialogs.import_wizard import FilePage
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.session import Session
from territory_designer.ui.workers import error_message

#: (field, label, required) in the order the page lists them.
SALES_FIELDS = (
    ("account_id", "Account id", True),
    ("order_date", "Order date", True),
    ("revenue", "Amount", True),
    ("product_line", "Product", False),
)
NONE = "(none)"


class SalesMappingPage(QWizardPage):
    """One combo box per order-line field, guessed from the headers."""

    def __init__(self, wizard: SalesImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Columns of an order line")
        self.setSubTitle("Which column holds the account id, the date and the amount of a line.")
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        for f, label, required in SALES_FIELDS:
            box = QComboBox()
            box.currentTextChanged.connect(lambda _t: self.completeChanged.emit())
            self.combos[f] = box
            form.addRow(f"{label}{'' if required else ' (optional)'}:", box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        pv = self.wiz.preview
        if pv is None:
            return
        guess = dict(pv.mapping)
        if not guess.get("account_id") and guess.get("name"):
            guess["account_id"] = guess["name"]  # "Customer" holds the id in a sales file
        for f, box in self.combos.items():
            box.blockSignals(True)
            box.clear()
            box.addItems([NONE, *pv.columns])
            box.setCurrentText(guess.get(f) or NONE)
            box.blockSignals(False)
        self.completeChanged.emit()

    def mapping(self) -> dict[str, str | None]:
        """Field -> column (None: not in the file)."""
        return {
            f: (None if box.currentText() == NONE else box.currentText())
            for f, box in self.combos.items()
        }

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        m = self.mapping()
        return all(m[f] for f, _l, required in SALES_FIELDS if required)


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
        pv = w.preview
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            w.result = read_sales(
                w.session.project,
                w.path,
                pv.sheet if pv is not None else None,
                w.mapping_page.mapping(),
                pv.header_row if pv is not None else None,
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


class SalesImportWizard(QWizard):
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
        super().__init__(parent)
        self.setObjectName("sales_import_wizard")
        self.setWindowTitle("Import sales history")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.session = session
        self.prompts = prompts
        self.path: Path | None = None
        self.preview = None
        self.result: SalesImport | None = None
        self.applied = False
        self.file_page = FilePage(self)  # type: ignore[arg-type]
        self.file_page.setTitle("Choose the sales file")
        self.file_page.setSubTitle(
            "One row per order line: account, date, amount (and product). An Excel workbook "
            "or a text file; the header row is detected."
        )
        self.mapping_page = SalesMappingPage(self)
        self.summary_page = SalesSummaryPage(self)
        for page in (self.file_page, self.mapping_page, self.summary_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Import")
        self.resize(820, 620)
        if path:
            self.file_page.load(path)

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

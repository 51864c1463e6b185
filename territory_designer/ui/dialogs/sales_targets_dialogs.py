"""Dialogs for the window's sales targets: quotas per territory, a plan's start date and the
monthly review's options (what the CLI's ``quota``, ``plan-start`` and ``review`` take).

Each dialog validates on OK and shows what is wrong in its own message line (it stays open);
the caller applies the result as one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.errors import InputError
from territory_designer.core.performance import quota_value
from territory_designer.core.project import Project


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def _message() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020")
    return label


class QuotaDialog(QDialog):
    """Annual quota per territory of the active plan, edited in a table (blank: no quota).

    ``quotas`` holds the result after OK: every quota, including those of territories of
    other plans, which the dialog does not show and keeps.
    """

    QUOTA_COLUMN = 2

    def __init__(self, project: Project, current: dict[str, float], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quotas per Territory")
        self.quotas: dict[str, float] = dict(current)
        territories = sorted(project.plan.territories.values(), key=lambda t: t.id)
        self.ids = [t.id for t in territories]
        self.table = QTableWidget(len(territories), 3)
        self.table.setHorizontalHeaderLabels(["Territory", "Name", "Annual quota"])
        self.table.verticalHeader().setVisible(False)
        for row, t in enumerate(territories):
            for col, text in enumerate((t.id, t.name)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
            value = current.get(t.id)
            item = QTableWidgetItem("" if value is None else f"{value:g}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, self.QUOTA_COLUMN, item)
        self.table.resizeColumnsToContents()
        self.message = _message()
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Annual quota per territory (attainment = revenue ÷ quota). Leave a cell "
                "blank for no quota: attainment is then measured against a share of revenue "
                "by potential."
            )
        )
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(_buttons(self))
        self.resize(460, 360)

    def set_quota(self, territory_id: str, text: str) -> None:
        """Type ``text`` into a territory's quota cell (tests, scripts)."""
        self.table.item(self.ids.index(territory_id), self.QUOTA_COLUMN).setText(text)

    def read(self) -> dict[str, float]:
        """The quotas in the table (and the other plans' ones).

        Raises
        ------
        InputError
            Naming the territory whose cell is not a positive number.
        """
        quotas = dict(self.quotas)
        for row, tid in enumerate(self.ids):
            text = self.table.item(row, self.QUOTA_COLUMN).text().replace(",", "")
            value = quota_value(text, f"Territory {tid}")
            if value is None:
                quotas.pop(tid, None)
            else:
                quotas[tid] = value
        return quotas

    def accept(self) -> None:
        try:
            self.quotas = self.read()
        except InputError as exc:
            self.message.setText(str(exc))
            return
        super().accept()


class PlanStartDialog(QDialog):
    """The day a plan came into force (used by "Plan in force" performance figures)."""

    def __init__(self, project: Project, dates: dict[str, str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set Plan Start")
        self.dates = dates
        self.plan_box = QComboBox()
        self.plan_box.addItems(list(project.plans))
        self.plan_box.setCurrentText(project.active_plan_name)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.plan_box.currentTextChanged.connect(self._show_date)
        self._show_date(self.plan_box.currentText())
        self.message = _message()
        form = QFormLayout(self)
        form.addRow("Plan", self.plan_box)
        form.addRow("In force from", self.date_edit)
        form.addRow(self.message)
        form.addRow(_buttons(self))

    def _show_date(self, plan: str) -> None:
        known = QDate.fromString(self.dates.get(plan, ""), "yyyy-MM-dd")
        today = QDate.currentDate()
        self.date_edit.setDate(known if known.isValid() else QDate(today.year(), today.month(), 1))

    def chosen(self) -> tuple[str, str]:
        """(plan name, ISO date)."""
        return self.plan_box.currentText(), self.date_edit.date().toString("yyyy-MM-dd")


class ReviewDialog(QDialog):
    """Options of the monthly review: period, band, cap on moves and the pack's folder."""

    def __init__(self, period: str, folder: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Monthly Review Pack")
        self.period_edit = QLineEdit(period)
        self.period_edit.setPlaceholderText("2026-11 (or 2026-Q4, 2026)")
        self.band_box = QDoubleSpinBox()
        self.band_box.setRange(1, 99)
        self.band_box.setValue(10)
        self.band_box.setSuffix(" %")
        self.band_box.setToolTip("A territory drifted when it is this far from the mean")
        self.moves_box = QSpinBox()
        self.moves_box.setRange(0, 1_000_000)
        self.moves_box.setSpecialValueText("10% of the units")
        self.moves_box.setToolTip("Most units the proposed re-alignment may move")
        self.folder_edit = QLineEdit(folder)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        self.message = _message()
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "Flags the territories that drifted in the period, proposes the smallest "
                "re-alignment that brings them back in band (added as a new plan, one undo "
                "step) and writes review-PERIOD.xlsx and .pdf into the folder."
            )
        )
        form.addRow("Period", self.period_edit)
        form.addRow("Allowed deviation", self.band_box)
        form.addRow("Most units moved", self.moves_box)
        form.addRow("Pack folder", row)
        form.addRow(self.message)
        form.addRow(_buttons(self))
        self.setMinimumWidth(480)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the review pack",
                                                  self.folder_edit.text())  # fmt: skip
        if folder:
            self.folder_edit.setText(folder)

    def accept(self) -> None:
        from territory_designer.core.sales_history import parse_period

        try:
            parse_period(self.period_edit.text())
        except InputError as exc:
            self.message.setText(str(exc))
            return
        if not self.folder_edit.text().strip():
            self.message.setText("Choose a folder for the review pack.")
            return
        super().accept()

    def options(self) -> tuple[str, float, int | None, str]:
        """(period, band as a fraction, cap on moves or None, folder)."""
        moves = self.moves_box.value() or None
        return (self.period_edit.text().strip(), self.band_box.value() / 100, moves,
                self.folder_edit.text().strip())  # fmt: skip

"""The mapping page's order-line options: aggregate by customer, sites, a rule per column.

Order-line exports repeat a customer on many rows. The box notices repeated ids in the
preview and offers to aggregate; each column then shows how it will be combined (sum,
revenue-weighted mean, first value, left out), guessed from its header, and the user may
change any of them. The rules themselves live in the Qt-free
:mod:`territory_designer.io.accounts_import.column_kinds`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_designer.io.accounts_import import AGGREGATIONS
from territory_designer.io.accounts_import.column_kinds import guess_rules, repeated_values
from territory_designer.io.accounts_import.headers import LOCATION_FIELDS

RULE_LABELS = {
    "sum": "sum",
    "mean": "average (weighted by revenue)",
    "first": "first value",
    "ignore": "leave out",
}
#: Fields whose columns are combined by their own logic (location, dates), not a rule.
NOT_RULED_FIELDS = (*LOCATION_FIELDS, "order_date")


def auto_label(rule: str) -> str:
    """The first entry of a rule combo: the guessed rule, left to the import."""
    return f"automatic ({RULE_LABELS[rule]})"


class AggregationBox(QGroupBox):
    """Aggregate by a customer column, optionally per location, with per-column rules.

    Signals
    -------
    sig_changed()
        Any choice changed.
    """

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Order lines", parent)
        self._columns: list[str] = []
        self._rows: list[list[object]] = []
        self._skip: set[str] = set()
        self._proposed: str | None = None
        self._sticky = False
        self.proposal = QLabel()
        self.proposal.setObjectName("aggregate_proposal")
        self.proposal.setWordWrap(True)
        self.proposal_button = QPushButton()
        self.proposal_button.setObjectName("aggregate_proposal_button")
        self.proposal_button.clicked.connect(self._on_proposal_clicked)
        self.aggregate_check = QCheckBox("One row per order line — aggregate by:")
        self.aggregate_combo = QComboBox()
        self.aggregate_combo.setEnabled(False)
        self.sites_check = QCheckBox(
            "One account per customer and location (postal code), so revenue is mapped "
            "where it ships"
        )
        self.sites_check.setObjectName("sites_check")
        self.rules_table = QTableWidget(0, 2)
        self.rules_table.setObjectName("aggregation_rules")
        self.rules_table.setHorizontalHeaderLabels(["Column", "Combined over a customer's rows"])
        self.rules_table.verticalHeader().hide()
        self.rules_table.verticalHeader().setDefaultSectionSize(24)
        self.rules_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rules_table.horizontalHeader().setStretchLastSection(True)
        self.rules_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.rules_table.setMinimumHeight(110)
        self.rule_combos: dict[str, QComboBox] = {}
        self.aggregate_check.toggled.connect(self._on_aggregate_toggled)
        self.aggregate_combo.currentTextChanged.connect(self._on_key_changed)
        self.sites_check.toggled.connect(self.sig_changed)

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.proposal, 1)
        row.addWidget(self.proposal_button)
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.aggregate_check)
        row.addWidget(self.aggregate_combo, 1)
        layout.addLayout(row)
        layout.addWidget(self.sites_check)
        layout.addWidget(self.rules_table, 1)
        layout.addStretch(0)
        self.set_proposal(None)
        self._on_aggregate_toggled(False)

    # -- filling --------------------------------------------------------------------------
    def reset(self, columns: list[str], rows: list[list[object]], guess: str | None) -> None:
        """New file: its columns and preview rows; ``guess`` is the likely customer column."""
        self._columns, self._rows = list(columns), rows
        self.aggregate_combo.blockSignals(True)
        self.aggregate_combo.clear()
        self.aggregate_combo.addItems(columns)
        if guess:
            self.aggregate_combo.setCurrentText(guess)
        self.aggregate_combo.blockSignals(False)
        self.aggregate_check.setChecked(False)
        self.sites_check.setChecked(False)
        self.rule_combos.clear()
        self.rules_table.setRowCount(0)

    def set_mapping(self, mapping: dict[str, str | None]) -> None:
        """Columns mapped to location fields or the order date get no rule; repeats noticed."""
        self._skip = {c for f, c in mapping.items() if c and f in NOT_RULED_FIELDS}
        id_col = mapping.get("account_id")
        repeats = (
            repeated_values(self._rows, self._columns.index(id_col))
            if id_col in self._columns
            else []
        )
        if repeats and not self.aggregate_check.isChecked():
            shown = ", ".join(f"“{v}”" for v in repeats[:3])
            self.set_proposal(
                f"Account ids repeat in the first rows ({shown}): this looks like one row per "
                "order line. Aggregate the rows into one account per customer?",
                id_col,
            )
        elif not self._sticky:
            self.set_proposal(None)
        self._fill_rules()

    def set_proposal(
        self, text: str | None, column: str | None = None, sticky: bool = False
    ) -> None:
        """Show (or hide, with None) a proposal to aggregate by ``column``.

        A ``sticky`` proposal (from the import itself) stays until aggregation is on.
        """
        self._proposed = column
        self._sticky = sticky and bool(text)
        self.proposal.setText(text or "")
        self.proposal.setVisible(bool(text))
        self.proposal_button.setText(f"Aggregate by “{column}”" if column else "")
        self.proposal_button.setVisible(bool(text) and column is not None)

    def _fill_rules(self) -> None:
        key = self.aggregate_combo.currentText()
        if not self.aggregate_check.isChecked() or key not in self._columns:
            return
        previous = {c: combo.currentIndex() for c, combo in self.rule_combos.items()}
        guesses = guess_rules(self._columns, self._rows, key, self._skip)
        self.rule_combos.clear()
        self.rules_table.setRowCount(len(guesses))
        for r, (col, rule) in enumerate(guesses.items()):
            self.rules_table.setItem(r, 0, QTableWidgetItem(col))
            combo = QComboBox()
            combo.setObjectName(f"rule_{col}")
            combo.addItem(auto_label(rule), None)
            for how in AGGREGATIONS:
                combo.addItem(RULE_LABELS[how], how)
            combo.setCurrentIndex(previous.get(col, 0))
            combo.currentIndexChanged.connect(self.sig_changed)
            self.rules_table.setCellWidget(r, 1, combo)
            self.rule_combos[col] = combo

    # -- choices --------------------------------------------------------------------------
    def set_rule(self, column: str, rule: str | None) -> None:
        """Combine ``column`` by ``rule`` (None: automatic), as the user would."""
        combo = self.rule_combos[column]
        combo.setCurrentIndex(combo.findData(rule) if rule else 0)

    def choices(self) -> dict:
        """``aggregate_by``, ``aggregation`` (the user's rules only) and ``sites``."""
        if not self.aggregate_check.isChecked():
            return {"aggregate_by": None}
        rules = {c: combo.currentData() for c, combo in self.rule_combos.items()}
        return {
            "aggregate_by": self.aggregate_combo.currentText(),
            "aggregation": {c: how for c, how in rules.items() if how},
            "sites": self.sites_check.isChecked(),
        }

    # -- handlers -------------------------------------------------------------------------
    def _on_aggregate_toggled(self, on: bool) -> None:
        self.aggregate_combo.setEnabled(on)
        self.sites_check.setEnabled(on)
        self.rules_table.setVisible(on)
        if on:
            self.set_proposal(None)
            self._fill_rules()
        self.sig_changed.emit()

    def _on_key_changed(self, _key: str) -> None:
        self.rule_combos.clear()
        self._fill_rules()
        self.sig_changed.emit()

    def _on_proposal_clicked(self) -> None:
        if self._proposed:
            self.aggregate_combo.setCurrentText(self._proposed)
        self.aggregate_check.setChecked(True)

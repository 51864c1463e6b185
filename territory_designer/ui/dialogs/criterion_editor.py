"""What to balance on: one weight field, or a weighted combination of fields.

Used by the Build and Rebalance tabs of
:class:`~territory_designer.ui.dialogs.balance_dialog.BalanceDialog`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_designer.balance.scenario import BalanceOn
from territory_designer.core.criterion import parse_mix
from territory_designer.core.errors import InputError

WEIGHTED = "Weighted combination…"


class CriterionEditor(QWidget):
    """What to balance on: one weight field, or a weighted combination of fields."""

    def __init__(self, fields: list[str], default: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = list(fields)
        self.combo = QComboBox()
        self.combo.addItems([*self.fields, WEIGHTED])
        if default in self.fields:
            self.combo.setCurrentIndex(self.fields.index(default))
        self.table = QTableWidget(len(self.fields), 2)
        self.table.setHorizontalHeaderLabels(["Field", "Weight"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.spins: dict[str, QDoubleSpinBox] = {}
        for row, name in enumerate(self.fields):
            item = QTableWidgetItem(name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, item)
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 1.0)
            spin.setSingleStep(0.1)
            spin.setDecimals(2)
            spin.setValue(1.0 if name == default else 0.0)
            spin.setFrame(False)
            self.table.setCellWidget(row, 1, spin)
            self.spins[name] = spin
        rows = self.table.verticalHeader().defaultSectionSize() * min(len(self.fields), 8)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows + 4)
        self.hint = QLabel("Each field counts as its share of the total, times its weight.")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.table)
        layout.addWidget(self.hint)
        self.combo.currentIndexChanged.connect(self._on_mode_changed)
        mix = parse_mix(default)
        if mix and all(name in self.fields for name in mix):  # the plan was built on a mix
            self.set_weights(mix)
        self._on_mode_changed()

    def set_weights(self, weights: dict[str, float]) -> None:
        """Choose the weighted combination with these weights (others 0)."""
        self.combo.setCurrentText(WEIGHTED)
        for name, spin in self.spins.items():
            spin.setValue(weights.get(name, 0.0))

    def _on_mode_changed(self) -> None:
        weighted = self.combo.currentText() == WEIGHTED
        self.table.setVisible(weighted)
        self.hint.setVisible(weighted)

    def value(self) -> BalanceOn:
        """A field name, or ``{field: weight}`` (fields with weight 0 left out).

        Raises
        ------
        InputError
            A weighted combination with every weight 0.
        """
        text = self.combo.currentText()
        if text != WEIGHTED:
            return text
        weights = {n: s.value() for n, s in self.spins.items() if s.value() > 0}
        if not weights:
            raise InputError("Give at least one field a weight above 0.")
        return next(iter(weights)) if len(weights) == 1 else weights

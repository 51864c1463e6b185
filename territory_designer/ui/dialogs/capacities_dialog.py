"""Relative capacities of the territories of a build (0.5 for a part-time rep)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

MIN_SHARE, MAX_SHARE = 0.05, 10.0


def capacities_summary(slots: list[tuple[str, str]], capacities: dict[str, float]) -> str:
    """One line for the Build tab: "All equal" or the territories that differ."""
    differ = [(tid, capacities[tid]) for tid, _ in slots if capacities.get(tid, 1.0) != 1.0]
    if not differ:
        return "All equal (1.0)"
    text = ", ".join(f"{tid} {share:g}" for tid, share in differ[:4])
    return text + (f" and {len(differ) - 4} more" if len(differ) > 4 else "") + "; others 1.0"


class CapacitiesDialog(QDialog):
    """Edit one relative capacity per territory (default 1.0).

    Parameters
    ----------
    slots : list of (id, name)
        The territories the build makes, in order.
    capacities : dict
        Current ``{territory id: share}``; missing ids are 1.0.
    """

    def __init__(
        self,
        slots: list[tuple[str, str]],
        capacities: dict[str, float],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Territory capacities")
        self.slots = list(slots)
        hint = QLabel(
            "Each territory gets this share of the balance value relative to the others: "
            "0.5 for a part-time rep gets half of what a 1.0 gets."
        )
        hint.setWordWrap(True)
        self.table = QTableWidget(len(self.slots), 2)
        self.table.setHorizontalHeaderLabels(["Territory / rep", "Capacity"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.spins: dict[str, QDoubleSpinBox] = {}
        for row, (tid, name) in enumerate(self.slots):
            item = QTableWidgetItem(f"{tid}  {name}" if name and name != tid else tid)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, item)
            spin = QDoubleSpinBox()
            spin.setRange(MIN_SHARE, MAX_SHARE)
            spin.setDecimals(2)
            spin.setSingleStep(0.1)
            spin.setValue(capacities.get(tid, 1.0))
            spin.setFrame(False)
            self.table.setCellWidget(row, 1, spin)
            self.spins[tid] = spin
        rows = self.table.verticalHeader().defaultSectionSize() * min(len(self.slots), 12)
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + rows + 4)
        self.reset_button = QPushButton("All 1.0")
        self.reset_button.setToolTip("Give every territory the same capacity.")
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(360)

    def _on_reset_clicked(self) -> None:
        for spin in self.spins.values():
            spin.setValue(1.0)

    def values(self) -> dict[str, float]:
        """``{territory id: share}`` for every row."""
        return {tid: round(spin.value(), 4) for tid, spin in self.spins.items()}

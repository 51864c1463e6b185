"""Dialog choosing territories to merge and the one that keeps them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from territory_designer.core.plan import Territory


def swatch(color: str, size: int = 12) -> QPixmap:
    """A small square of ``color`` for list and combo icons."""
    pix = QPixmap(size, size)
    pix.fill(QColor(color))
    return pix


class MergeDialog(QDialog):
    """Tick the territories to merge; choose which one keeps the name and colour."""

    def __init__(
        self,
        territories: dict[int, Territory],
        preselected: list[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge territories")
        self.list = QListWidget()
        self.keep_combo = QComboBox()
        for code, t in sorted(territories.items()):
            item = QListWidgetItem(swatch(t.color), t.name)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(
                Qt.CheckState.Checked if code in preselected else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
            self.keep_combo.addItem(swatch(t.color), t.name, code)
        if preselected:
            self.keep_combo.setCurrentIndex(self.keep_combo.findData(preselected[0]))
        form = QFormLayout(self)
        form.addRow("Territories:", self.list)
        form.addRow("Merge into:", self.keep_combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[int, list[int]]:
        """(code kept, codes absorbed)."""
        keep = int(self.keep_combo.currentData())
        checked = [
            int(self.list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]
        return keep, [c for c in checked if c != keep]

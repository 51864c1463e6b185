"""Edit a territory's definition: free text saying what it covers and why."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class DefinitionDialog(QDialog):
    """A text box over the territory's current definition; OK keeps the text."""

    def __init__(self, territory_name: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("definition_dialog")
        self.setWindowTitle(f"Definition of {territory_name}")
        self.editor = QPlainTextEdit(text)
        self.editor.setPlaceholderText(
            "What this territory covers and why: counties or ZIPs, key accounts, the "
            "reasoning behind its boundary…"
        )
        hint = QLabel("Shown in the Excel and PDF reports and on the HTML map.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(520, 300)

    def text(self) -> str:
        """The definition typed (surrounding blank space removed)."""
        return self.editor.toPlainText().strip()

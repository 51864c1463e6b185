"""Territory › Place in Hierarchy…: the active territory's district, region… (one field per
level above the territories; a blank field clears that link)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.hierarchy import SetParents, chain, hierarchy_levels

if TYPE_CHECKING:
    from territory_designer.ui.session import Session


class ParentsDialog(QDialog):
    """Edit the parents of the active territory; OK applies them as one undoable edit."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        project = session.project
        self.code = session.active_code
        t = project.plan.territories[self.code]
        self.setWindowTitle(f"Place {t.name} in the hierarchy")
        form = QFormLayout()
        self.fields: list[QLineEdit] = []
        for level, node in zip(hierarchy_levels(project)[1:], chain(project, t), strict=True):
            edit = QLineEdit(node)
            edit.setPlaceholderText(f"{level} id (blank: none)")
            form.addRow(level.capitalize(), edit)
            self.fields.append(edit)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def apply(self) -> None:
        """Place the territory; stay open with the reason when refused."""
        messages: list[str] = []
        self.session.sig_status.connect(messages.append)
        try:
            path = [f.text().strip() for f in self.fields]
            ok = self.session.execute(SetParents(self.code, path))
        finally:
            self.session.sig_status.disconnect(messages.append)
        if ok:
            self.accept()
        else:
            self.error.setText(messages[-1] if messages else "Refused.")

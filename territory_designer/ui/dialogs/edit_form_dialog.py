"""A small form dialog whose OK applies one undoable edit (the Rules, Place in Hierarchy and
New Overlay dialogs): a refused edit keeps the dialog open with the reason under the form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.operations import Operation

if TYPE_CHECKING:
    from territory_designer.ui.session import Session

ERROR_STYLE = "color: #b00020"


class EditFormDialog(QDialog):
    """Base of the form dialogs: ``session``, an ``error`` label and OK/Cancel.

    A subclass builds its fields into a :class:`QFormLayout`, hands it to
    :meth:`set_form` and implements ``apply`` (OK), usually through
    :meth:`execute_or_explain`.
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)

    def set_form(self, form: QFormLayout, intro: str = "", below: Sequence[QWidget] = ()) -> None:
        """Lay out ``intro`` (a line of help), the form, ``below``, the error and OK/Cancel."""
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            layout.addWidget(QLabel(intro))
        layout.addLayout(form)
        for widget in below:
            layout.addWidget(widget)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def apply(self) -> None:
        """OK: apply the form (subclasses)."""
        raise NotImplementedError

    def execute_or_explain(self, op: Operation, refused: str = "Refused.") -> bool:
        """Apply ``op`` as one undo step; when refused, show why (the session's status
        message, else ``refused``) and return False."""
        messages: list[str] = []
        self.session.sig_status.connect(messages.append)
        try:
            ok = self.session.execute(op)
        finally:
            self.session.sig_status.disconnect(messages.append)
        if not ok:
            self.error.setText(messages[-1] if messages else refused)
        return ok

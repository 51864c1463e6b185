"""Territory › Place in Hierarchy…: the active territory's district, region… (one field per
level above the territories; a blank field clears that link)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from territory_designer.core.hierarchy import SetParents, chain, hierarchy_levels
from territory_designer.ui.dialogs.edit_form_dialog import EditFormDialog

if TYPE_CHECKING:
    from territory_designer.ui.session import Session


class ParentsDialog(EditFormDialog):
    """Edit the parents of the active territory; OK applies them as one undoable edit."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
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
        self.set_form(form)

    def apply(self) -> None:
        """Place the territory; stay open with the reason when refused."""
        path = [f.text().strip() for f in self.fields]
        if self.execute_or_explain(SetParents(self.code, path)):
            self.accept()

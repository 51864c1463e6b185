"""Plans › New Overlay…: a plan for one product line over the same geography, with its
own territories and reps (:class:`territory_designer.core.overlays.AddOverlay`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from territory_designer.core.overlays import AddOverlay, in_line
from territory_designer.core.plan import Plan
from territory_designer.core.plan_operations import free_plan_name
from territory_designer.ui.dialogs.edit_form_dialog import EditFormDialog

if TYPE_CHECKING:
    from territory_designer.ui.session import Session

EMPTY = "(empty plan)"


def line_values(column: object) -> list[str]:
    """The product lines named in an account column (lists split), sorted."""
    import re

    found: set[str] = set()
    for v in column.dropna().astype(str):  # type: ignore[attr-defined]
        found |= {p.strip() for p in re.split(r"[;,|]", v) if p.strip()}
    return sorted(found)


class OverlayDialog(EditFormDialog):
    """Choose the account column, the product line and where the overlay starts from."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle("New overlay")
        project = session.project
        table = project.accounts.table
        skip = {"account_id", "name", "x", "y", "unit", "located_by", *project.account_fields}
        columns = [str(c) for c in table.columns if c not in skip]
        self.column = QComboBox()
        self.column.addItems(columns)
        guess = next((c for c in columns if "product" in c.lower() or "line" in c.lower()), None)
        if guess:
            self.column.setCurrentText(guess)
        self.line = QComboBox()
        self.line.setEditable(True)
        self.column.currentTextChanged.connect(self._fill_lines)
        self.start = QComboBox()
        self.start.addItems([EMPTY, *project.plans])
        self.start.setCurrentText(project.active_plan_name)
        self.name = QLineEdit()
        self.line.currentTextChanged.connect(
            lambda text: self.name.setText(free_plan_name(project, f"Overlay {text}"))
        )
        self._fill_lines(self.column.currentText())
        form = QFormLayout()
        form.addRow("Account column", self.column)
        form.addRow("Product line", self.line)
        form.addRow("Start from", self.start)
        form.addRow("Plan name", self.name)
        self.set_form(
            form,
            intro="An overlay has its own territories and reps for one product line; its "
            "figures count that line's accounts only (e.g. 'revenue [Devices]').",
        )

    def _fill_lines(self, column: str) -> None:
        table = self.session.project.accounts.table
        self.line.clear()
        if column in table.columns:
            self.line.addItems(line_values(table[column]))

    def apply(self) -> None:
        """Add the overlay; stay open with the reason when refused."""
        project = self.session.project
        name = self.name.text().strip()
        start = self.start.currentText()
        if start == EMPTY:
            plan = Plan.empty(name, len(project.units))
        else:
            plan = project.plans[start].copy(name)
        op = AddOverlay(plan, self.column.currentText(), self.line.currentText())
        if self.execute_or_explain(op):
            table = project.accounts.table
            n = int(in_line(table[op.field], op.value).sum())
            self.session.sig_status.emit(f"Overlay {name}: {n} {op.value} accounts")
            self.accept()

"""Territory › Rules…: the project's hard rules and soft targets, and whether the plan keeps
them (the same checks as ``main.py constraints``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from territory_designer.core.hierarchy import hierarchy_levels
from territory_designer.core.rule_operations import SetRules
from territory_designer.core.rules import (
    check_plan,
    constraints_of,
    inactive_rules,
    licensed_states,
)
from territory_designer.core.soft_targets import check_soft_targets
from territory_designer.ui.dialogs.edit_form_dialog import EditFormDialog

if TYPE_CHECKING:
    from territory_designer.ui.session import Session

NONE = "(none)"


def rules_text(session: Session) -> str:
    """What the active plan breaks and which soft targets it meets, as plain lines."""
    project = session.project
    lines = [f"not applied: {note}" for note in inactive_rules(project)]
    broken = check_plan(project)
    lines += [f"BROKEN {v.territory}: {v.message}" for v in broken]
    if not broken:
        lines.append("Every rule holds in plan " + repr(project.plan.name) + ".")
    soft = check_soft_targets(project)
    if soft:
        met = sum(c.met for c in soft)
        lines.append(f"Soft targets met: {met} of {len(soft)}")
        lines += [
            f"  {c.territory} {c.metric} {c.value:,.2f}: {'met' if c.met else 'NOT met'}"
            for c in soft
        ]
    return "\n".join(lines)


class RulesDialog(EditFormDialog):
    """Edit the rules; OK applies them as one undoable edit, refused ones say why."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle("Rules")
        project = session.project
        rules = constraints_of(project)
        text_fields = [
            str(c)
            for c in project.units.attributes.columns
            if str(c) not in project.units.numeric_fields()
        ]
        form = QFormLayout()
        self.stay_within = self._combo(text_fields, rules.stay_within)
        form.addRow("Territories stay within unit field", self.stay_within)
        self.state_field = self._combo(text_fields, rules.state_field)
        form.addRow("Unit state field", self.state_field)
        self.licence_field = QLineEdit(rules.licensed_states_field or "")
        self.licence_field.setPlaceholderText("licensed_states (blank: no licence rule)")
        form.addRow("Licence attribute", self.licence_field)
        t = project.plan.territories.get(session.active_code)
        self.rep = t.owner if t is not None else ""
        self.licences = QLineEdit(";".join(sorted(licensed_states(project, t) or [])))
        self.licences.setPlaceholderText("e.g. NC;SC")
        self.licences.setEnabled(bool(self.rep))
        form.addRow(f"Licensed states of {self.rep or '(no rep)'}", self.licences)
        self.max_accounts = QSpinBox()
        self.max_accounts.setRange(0, 10_000_000)
        self.max_accounts.setSpecialValueText("no limit")
        self.max_accounts.setValue(rules.max_accounts or 0)
        form.addRow("At most accounts per territory", self.max_accounts)
        self.max_distance = QDoubleSpinBox()
        self.max_distance.setRange(0, 20_000)
        self.max_distance.setSuffix(" km")
        self.max_distance.setSpecialValueText("no limit")
        self.max_distance.setValue(rules.max_distance_km or 0)
        form.addRow("Max distance from home base", self.max_distance)
        self.within_level = self._combo(hierarchy_levels(project)[1:], rules.within_level)
        form.addRow("Build and rebalance inside each", self.within_level)
        self.report = QPlainTextEdit(rules_text(session))
        self.report.setReadOnly(True)
        self.set_form(form, below=(QLabel("The active plan against the rules:"), self.report))

    @staticmethod
    def _combo(choices: list[str], current: str | None) -> QComboBox:
        box = QComboBox()
        box.addItems([NONE, *choices])
        if current and current not in choices:
            box.addItem(current)  # a rule on a field the layer lacks stays visible
        box.setCurrentText(current or NONE)
        return box

    def changes(self) -> dict[str, object]:
        """The rules as the form states them (None: no such rule)."""

        def text(box: QComboBox) -> str | None:
            return None if box.currentText() == NONE else box.currentText()

        return {
            "stay_within": text(self.stay_within),
            "state_field": text(self.state_field),
            "licensed_states_field": self.licence_field.text().strip() or None,
            "max_accounts": self.max_accounts.value() or None,
            "max_distance_km": self.max_distance.value() or None,
            "within_level": text(self.within_level),
        }

    def apply(self) -> None:
        """Apply the form; stay open with the reason when refused."""
        licences = {self.rep: self.licences.text()} if self.rep else {}
        if not self.execute_or_explain(
            SetRules(self.changes(), licences), "The rules were refused."
        ):
            return
        self.report.setPlainText(rules_text(self.session))
        self.accept()

"""Territory › Assign by Attribute…: field, operator, value and target territory, with
the number of matching units shown as the query is written."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.attribute_fields import TEXT, Field, unit_fields
from territory_designer.core.attribute_query import (
    OPERATOR_LABELS,
    Condition,
    Query,
    QueryError,
    match,
)
from territory_designer.core.plan import UNASSIGNED
from territory_designer.core.project import Project
from territory_designer.reports.safety import escape_html

#: Operators offered, in menu order.
OPERATORS = ("=", "!=", "in", "not in", "<", ">", "<=", ">=", "contains")
#: Distinct values offered in the value box of a text field (more would not help).
MAX_SUGGESTIONS = 500


class FillByAttributeDialog(QDialog):
    """Choose units by one condition and a territory to assign them to.

    Parameters
    ----------
    project : Project
        Its units' fields are offered; its active plan's territories are the targets.
    active_code : int
        Territory chosen at first.
    """

    def __init__(self, project: Project, active_code: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Assign by Attribute")
        self.setObjectName("fill_by_attribute_dialog")
        self.project = project
        self.fields: list[Field] = unit_fields(project)
        self.editable = project.plan.editable_mask()
        self.query: Query | None = None
        self.matched = 0
        self.field_box = QComboBox()
        self.field_box.setObjectName("fill_field")
        for f in self.fields:
            self.field_box.addItem(f.heading, f.name)  # the template's label, if any
        self.operator_box = QComboBox()
        self.operator_box.setObjectName("fill_operator")
        for op in OPERATORS:
            self.operator_box.addItem(OPERATOR_LABELS[op], op)
        self.value_box = QComboBox()
        self.value_box.setObjectName("fill_value")
        self.value_box.setEditable(True)
        self.value_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.value_box.setMinimumContentsLength(24)
        self.target_box = QComboBox()
        self.target_box.setObjectName("fill_target")
        plan = project.plan
        for code, t in sorted(plan.territories.items(), key=lambda kv: kv[1].name.casefold()):
            locked = " — locked" if t.locked else ""
            self.target_box.addItem(f"{t.name} ({t.id}){locked}", code)
        self.target_box.addItem("(unassign)", UNASSIGNED)
        self.target_box.setCurrentIndex(max(self.target_box.findData(active_code), 0))
        self.count_label = QLabel()
        self.count_label.setObjectName("fill_count")
        self.count_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Assign")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Field:", self.field_box)
        form.addRow("Operator:", self.operator_box)
        form.addRow("Value:", self.value_box)
        form.addRow("Assign to:", self.target_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self.field_box.currentIndexChanged.connect(self._on_field_changed)
        self.operator_box.currentIndexChanged.connect(lambda _i: self.update_count())
        self.value_box.editTextChanged.connect(self._on_value_edited)
        self.value_box.textActivated.connect(self._on_value_picked)
        self._text_now = self._text_before = ""
        self.target_box.currentIndexChanged.connect(lambda _i: self.update_count())
        self.resize(480, self.sizeHint().height())
        self._on_field_changed()

    # -- state ----------------------------------------------------------------------------
    @property
    def field(self) -> Field:
        """The field chosen."""
        return self.fields[self.field_box.currentIndex()]

    @property
    def target(self) -> int:
        """Territory code to assign to (-1: unassign)."""
        return int(self.target_box.currentData())

    def set_condition(self, field: str, op: str, value: str) -> None:
        """Fill the boxes (tests, and a query carried over from the table's filter)."""
        self.field_box.setCurrentIndex(self.field_box.findData(field))
        self.operator_box.setCurrentIndex(self.operator_box.findData(op))
        self.value_box.setEditText(value)
        self.update_count()

    def _on_value_edited(self, text: str) -> None:
        self._text_before, self._text_now = self._text_now, text
        self.update_count()

    def _on_value_picked(self, picked: str) -> None:
        """A value picked from the list adds to an "in list" condition, not replaces it."""
        before = self._text_before.strip()
        if str(self.operator_box.currentData()) not in ("in", "not in") or not before:
            return
        items = [v.strip().casefold() for v in before.split(",")]
        if picked.strip().casefold() not in items:
            self.value_box.setEditText(f"{before}, {picked}")
        else:
            self.value_box.setEditText(before)

    def _on_field_changed(self) -> None:
        field = self.field
        text = self.value_box.currentText()
        self.value_box.blockSignals(True)
        self.value_box.clear()
        if field.kind == TEXT:
            values = pd.Series(field.values, dtype=object).dropna().astype(str).str.strip()
            distinct = sorted({v for v in values.unique().tolist() if v}, key=str.casefold)
            if len(distinct) <= MAX_SUGGESTIONS:
                self.value_box.addItems(distinct)
        self.value_box.setEditText(text)
        self.value_box.blockSignals(False)
        self.update_count()

    def update_count(self) -> None:
        """Match the condition now and say how many units it finds."""
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        value = self.value_box.currentText().strip()
        op = str(self.operator_box.currentData())
        self.query, self.matched = None, 0
        if not value:
            self.count_label.setText("Type a value.")
            ok.setEnabled(False)
            return
        values = tuple(v.strip() for v in value.split(",") if v.strip())
        if op not in ("in", "not in"):
            values = (value,)
        query = Query((Condition(self.field.name, op, values),))
        try:
            mask = match(query, self.fields, len(self.editable))
        except QueryError as exc:
            self.count_label.setText(f"<span style='color:#b00020'>{exc}</span>")
            ok.setEnabled(False)
            return
        self.query = query
        self.matched = int(mask.sum())
        locked = int(np.count_nonzero(mask & ~self.editable))
        n = self.matched
        text = f"<b>{n:,} unit{'s' if n != 1 else ''}</b> match {escape_html(str(query))}"
        if locked:
            text += f"; {locked:,} of them locked (skipped)"
        t = self.project.plan.territories.get(self.target)
        if t is not None and t.locked:
            text += f". <span style='color:#b00020'>{escape_html(t.name)} is locked.</span>"
        self.count_label.setText(text + ("" if text.endswith(".</span>") else "."))
        ok.setEnabled(n - locked > 0 and not (t is not None and t.locked))

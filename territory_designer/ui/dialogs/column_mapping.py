"""The column-mapping page both import wizards use: one combo box per field, grouped,
guessed from the headers (built-in synonyms and the project's template), every one
changeable; the first rows as mapped; and what is wrong, column by column.

A column mapped to two fields, or a required field left unmapped, blocks Next; a preview
cell that is not a number or date where one belongs is named (file, sheet, row, column)
but does not block — the full import lists every such cell, or stops when most of a
column is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWizardPage,
)

from territory_designer.io.accounts_import import Preview
from territory_designer.io.accounts_import.preview_checks import preview_problems
from territory_designer.ui.dialogs.import_widgets import (
    ERROR_STYLE,
    FIELD_LABELS,
    NOT_MAPPED,
    read_only_table,
)
from territory_designer.ui.qt_models.table_model import RowsModel

if TYPE_CHECKING:
    from territory_designer.ui.dialogs.file_import_wizard import FileImportWizard

#: Rows of the file shown under the mapping.
MAPPED_PREVIEW_ROWS = 5


class ColumnMappingPage(QWizardPage):
    """Map the file's columns to ``groups`` of fields.

    Parameters
    ----------
    wizard : FileImportWizard
        Holds the preview (columns, first rows, guessed mapping).
    groups : sequence of (title, fields)
        One box of combo boxes per group; the first two side by side, the third below.
    labels : dict, optional
        Field -> label, over :data:`FIELD_LABELS`.
    required : sequence of str
        Fields that must be mapped (the others are marked "optional" when any is required).
    """

    def __init__(
        self,
        wizard: FileImportWizard,
        groups: Sequence[tuple[str, Sequence[str]]],
        labels: dict[str, str] | None = None,
        required: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.wiz = wizard
        self.labels = {**FIELD_LABELS, **(labels or {})}
        self.required = tuple(required)
        self.combos: dict[str, QComboBox] = {}
        self._columns: list[str] | None = None
        self.grid = QGridLayout()
        for k, (title, fields) in enumerate(groups):
            box = QGroupBox(title)
            form = QFormLayout(box)
            for f in fields:
                combo = QComboBox()
                combo.setObjectName(f"map_{f}")
                combo.setMinimumContentsLength(14)
                combo.currentTextChanged.connect(self._on_mapping_changed)
                self.combos[f] = combo
                optional = " (optional)" if self.required and f not in self.required else ""
                form.addRow(f"{self.labels[f]}{optional}:", combo)
            self.grid.addWidget(box, 0 if k < 2 else 1, k % 2 if k < 2 else 0)
        self.mapped_model = RowsModel()
        self.mapped_table = read_only_table(self.mapped_model)
        self.mapped_table.setObjectName("mapped_preview")
        self.mapped_table.verticalHeader().show()
        self.mapped_table.setMaximumHeight(36 + 22 * MAPPED_PREVIEW_ROWS)
        self.warning = QLabel()
        self.warning.setObjectName("mapping_problems")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(ERROR_STYLE)
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid, 1)
        layout.addWidget(QLabel("First rows as mapped:"))
        layout.addWidget(self.mapped_table)
        layout.addWidget(self.warning)

    # -- filling --------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 - Qt override
        pv = self.wiz.preview
        if pv is None:
            return
        if pv.columns == self._columns:  # keep the user's choices when coming back
            self._show_problems()  # the rows may be others (another header row)
            return
        self._columns = list(pv.columns)
        guess = self.guess(pv)
        for f, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([NOT_MAPPED, *pv.columns])
            combo.setCurrentText(guess.get(f) or NOT_MAPPED)
            combo.blockSignals(False)
        self.reset(pv)
        self._on_mapping_changed()

    def guess(self, pv: Preview) -> dict[str, str | None]:
        """The mapping first shown (the preview's guess; subclasses adjust it)."""
        return dict(pv.mapping)

    def reset(self, pv: Preview) -> None:
        """Reset the subclass's own controls for a newly previewed file."""

    # -- choices --------------------------------------------------------------------------
    def mapping(self) -> dict[str, str | None]:
        """Field -> column (None: not mapped)."""
        return {
            f: (None if c.currentText() == NOT_MAPPED else c.currentText())
            for f, c in self.combos.items()
        }

    def set_field(self, field: str, column: str | None) -> None:
        """Map ``field`` to ``column`` (None unmaps it), as the user would."""
        self.combos[field].setCurrentText(column or NOT_MAPPED)

    # -- problems -------------------------------------------------------------------------
    def problems(self) -> tuple[list[str], list[str]]:
        """(errors that block Next, warnings) of the mapping as it stands."""
        errors: list[str] = []
        m = self.mapping()
        used: dict[str, str] = {}
        for f, col in m.items():
            if col is None:
                continue
            if col in used:
                errors.append(
                    f"Column “{col}” is mapped to both {self.labels[used[col]]} "
                    f"and {self.labels[f]}."
                )
            used[col] = f
        errors += [f"Map a column to {self.labels[f]}." for f in self.required if not m[f]]
        more_errors, warnings = self.field_problems(m)
        pv = self.wiz.preview
        if pv is not None:
            cells = preview_problems(pv, m, self.wiz.path)
            warnings += [f"{self.labels[f]}: {text}" for f, text in cells.items()]
        return errors + more_errors, warnings

    def field_problems(self, mapping: dict[str, str | None]) -> tuple[list[str], list[str]]:
        """The subclass's own (errors, warnings) of ``mapping``."""
        return [], []

    def _on_mapping_changed(self, *_args: object) -> None:
        self._show_problems()

    def _show_problems(self) -> None:
        errors, warnings = self.problems()
        self.warning.setText("\n".join(errors + warnings))
        self._show_mapped_rows()
        self.completeChanged.emit()

    def _show_mapped_rows(self) -> None:
        pv = self.wiz.preview
        mapped = [(f, c) for f, c in self.mapping().items() if c is not None]
        if pv is None:
            self.mapped_model.set_rows([], [])
            return
        index = {c: k for k, c in enumerate(pv.columns)}
        rows = pv.rows[:MAPPED_PREVIEW_ROWS]
        numbers = pv.row_numbers[: len(rows)] if pv.row_numbers else None
        self.mapped_model.set_rows(
            [f"{self.labels[f]} ← {c}" for f, c in mapped],
            [[r[index[c]] for _f, c in mapped] for r in rows],
            numbers,
        )
        self.mapped_table.resizeColumnsToContents()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return not self.problems()[0]

"""What the import wizards share: the file page (file, sheet, header row and a preview of
the first rows) and the wizard skeleton around it (:class:`FileImportWizard`), used by
File ▸ Import ▸ Accounts (:mod:`.import_wizard`) and Sales History
(:mod:`.sales_import_wizard`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from territory_designer.io.accounts_import import Preview, preview
from territory_designer.io.accounts_import.reading import HEADER_SEARCH_ROWS
from territory_designer.io.accounts_import.template_columns import preview_mapping
from territory_designer.ui.dialogs.import_pages import error_label
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.qt_models.table_model import RowsModel
from territory_designer.ui.session import Session
from territory_designer.ui.workers import error_message

PREVIEW_ROWS = 20


class FilePage(QWizardPage):
    """Choose the file, the sheet and the header row; preview the first rows."""

    def __init__(self, wizard: FileImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self._loaded: Path | None = None
        self.setTitle("Choose the customer list")
        self.setSubTitle(
            "An Excel workbook (.xlsx, .xlsm, .xls) or a text file (.csv, .txt). "
            "The header row is detected; title rows above it are skipped."
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Path of a workbook or CSV file")
        self.path_edit.editingFinished.connect(self._on_path_edited)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumContentsLength(16)
        self.sheet_combo.currentTextChanged.connect(self._on_sheet_changed)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(0, HEADER_SEARCH_ROWS)
        self.header_spin.setSpecialValueText("none")
        self.header_spin.setToolTip("Row number of the header in the file (none: no header)")
        self.header_spin.valueChanged.connect(self._on_header_row_changed)
        self.table = QTableView()
        self.table.setObjectName("preview_table")
        self.model = RowsModel()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.error = error_label()

        grid = QGridLayout()
        grid.addWidget(QLabel("File:"), 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        grid.addLayout(row, 0, 1)
        grid.addWidget(QLabel("Sheet:"), 1, 0)
        row = QHBoxLayout()
        row.addWidget(self.sheet_combo)
        row.addSpacing(16)
        row.addWidget(QLabel("Header row:"))
        row.addWidget(self.header_spin)
        row.addStretch(1)
        grid.addLayout(row, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(QLabel("First rows under the header:"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)

    # -- loading --------------------------------------------------------------------------
    def load(
        self, path: str | Path, sheet: str | None = None, header_row: int | None = None
    ) -> bool:
        """Preview ``path`` (False, with the message on the page, when it cannot be read)."""
        same_file = self._loaded is not None and Path(path) == self._loaded
        self.wiz.preview = None
        self.wiz.path = Path(path) if path else None
        self.path_edit.setText(str(path))
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pv = preview(path, sheet, PREVIEW_ROWS, header_row)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is one clear message
            self._show(None, error_message(exc), keep_controls=same_file)
            if not same_file:
                self._loaded = None
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        # The project's industry template maps the headers it names ("TRx" -> potential).
        pv.mapping = preview_mapping(self.wiz.session.project.settings, pv.columns, pv.mapping)
        self.wiz.preview = pv
        self._loaded = Path(path)
        self._show(pv, "")
        return True

    def _show(self, pv: Preview | None, error: str, keep_controls: bool = False) -> None:
        self.error.setText(error)
        self.error.setVisible(bool(error))
        for w in (self.sheet_combo, self.header_spin):
            w.blockSignals(True)
        if pv is None:
            self.model.set_rows([], [])
            self.notes.clear()
            if not keep_controls:  # a bad sheet or header row of a good file: let it be fixed
                self.sheet_combo.clear()
                self.sheet_combo.setEnabled(False)
        else:
            self.sheet_combo.clear()
            self.sheet_combo.addItems(pv.sheets)
            self.sheet_combo.setCurrentText(pv.sheet or "")
            self.sheet_combo.setEnabled(len(pv.sheets) > 1)
            self.header_spin.setValue(pv.header_row)
            self.model.set_rows(pv.columns, pv.rows)
            self.table.resizeColumnsToContents()
            for k in range(self.model.columnCount()):
                self.table.setColumnWidth(k, min(self.table.columnWidth(k), 240))
            self.notes.setText("\n".join(pv.notes))
        self.header_spin.setEnabled(pv is not None or keep_controls)
        for w in (self.sheet_combo, self.header_spin):
            w.blockSignals(False)
        self.completeChanged.emit()

    # -- handlers -------------------------------------------------------------------------
    def _on_browse_clicked(self) -> None:
        folder = str(self.wiz.path.parent) if self.wiz.path else ""
        path = self.wiz.prompts.ask_accounts_file(self, folder, self.wiz.windowTitle())
        if path:
            self.load(path)

    def _on_path_edited(self) -> None:
        text = self.path_edit.text().strip()
        if text and (self.wiz.path is None or Path(text) != self.wiz.path):
            self.load(text)

    def _on_sheet_changed(self, sheet: str) -> None:
        if self.wiz.path is not None and sheet:
            self.load(self.wiz.path, sheet)

    def _on_header_row_changed(self, value: int) -> None:
        pv = self.wiz.preview
        sheet = pv.sheet if pv is not None else (self.sheet_combo.currentText() or None)
        if self.wiz.path is not None:
            self.load(self.wiz.path, sheet, value)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.wiz.preview is not None


class FileImportWizard(QWizard):
    """The skeleton of an import wizard: the file page first, then the subclass's pages.

    Parameters
    ----------
    session : Session
        Receives the import on Finish (labelled "Import").
    prompts : Prompts
        File dialogs (tests pass ScriptedPrompts).
    parent : QWidget, optional

    Attributes
    ----------
    path : Path or None
        The file previewed.
    preview : Preview or None
        Its first rows and guessed mapping.
    applied : bool
        True once Finish changed the project.
    """

    def __init__(self, session: Session, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.session = session
        self.prompts = prompts
        self.path: Path | None = None
        self.preview: Preview | None = None
        self.applied = False
        self.file_page = FilePage(self)

    def add_pages(self, *pages: QWizardPage) -> None:
        """Add the file page, then ``pages``; the Finish button says Import."""
        for page in (self.file_page, *pages):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Import")

    def file_choices(self) -> dict:
        """``path``, ``sheet`` and ``header_row`` as the file page chose them."""
        pv = self.preview
        return {
            "path": self.path,
            "sheet": pv.sheet if pv is not None else None,
            "header_row": pv.header_row if pv is not None else None,
        }

    def open_file(self, path: str | Path | None) -> None:
        """Preview ``path`` at once (nothing when None or empty)."""
        if path:
            self.file_page.load(path)

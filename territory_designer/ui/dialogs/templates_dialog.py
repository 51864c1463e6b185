"""Industry Templates dialog: browse, copy, edit, save and apply templates.

Built-in templates are read-only; *Copy…* puts a copy in the user's templates folder,
where it can be edited here (or in any text editor) and saved. A save that is not a
valid template is refused with the file, line and key, and the cursor goes to the line.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.templates import ApplyTemplate
from territory_designer.io.templates import (
    TemplateFileError,
    copy_template,
    load_template,
    parse_template_text,
    save_template_text,
    template_entries,
)
from territory_designer.ui.session import Session

ERROR_STYLE = "color: #b00020"
NameAsker = Callable[[QWidget, str], "str | None"]


def _ask_name(parent: QWidget, suggested: str) -> str | None:
    text, ok = QInputDialog.getText(parent, "Copy template", "Name of the copy:", text=suggested)
    return text.strip() if ok and text.strip() else None


class TemplatesDialog(QDialog):
    """Browse the templates, edit the user's own, apply one to the open project."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templates_dialog")
        self.setWindowTitle("Industry Templates")
        self.resize(900, 600)
        self.session = session
        self.ask_name: NameAsker = _ask_name
        self.list = QListWidget()
        self.list.setObjectName("template_list")
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.text = QPlainTextEdit()
        self.text.setObjectName("template_text")
        self.text.textChanged.connect(self._on_text_changed)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.copy_button = QPushButton("Copy…")
        self.copy_button.clicked.connect(self.copy_current)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save_current)
        self.apply_button = QPushButton("Apply to Project")
        self.apply_button.setToolTip(
            "Use this template's fields, workload model, balance criterion, constraints and "
            "hierarchy levels in the open project (undoable)"
        )
        self.apply_button.clicked.connect(self.apply_current)
        right = QVBoxLayout()
        right.addWidget(self.info)
        right.addWidget(self.text, 1)
        right.addWidget(self.error)
        row = QHBoxLayout()
        for b in (self.copy_button, self.save_button, self.apply_button):
            row.addWidget(b)
        row.addStretch(1)
        right.addLayout(row)
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.reload()

    # -- listing --------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        """List the templates again (after a copy), selecting ``select``."""
        current = select or self.current_name() or self.session.project.settings.get("template")
        self.list.blockSignals(True)
        self.list.clear()
        self.entries = template_entries()
        for name, entry in self.entries.items():
            try:
                title = parse_template_text(entry.text, name, entry.where()).title
            except TemplateFileError:
                title = "INVALID"
            mine = "" if entry.builtin else " (yours)"
            item = QListWidgetItem(f"{title}{mine}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(entry.where())
            self.list.addItem(item)
        self.list.blockSignals(False)
        names = list(self.entries)
        self.list.setCurrentRow(names.index(current) if current in names else 0)

    def current_name(self) -> str | None:
        """Name of the selected template."""
        item = self.list.currentItem() if hasattr(self, "list") else None
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def select(self, name: str) -> None:
        """Select template ``name``."""
        names = list(self.entries)
        if name in names:
            self.list.setCurrentRow(names.index(name))

    def _on_current_changed(self, *_args: object) -> None:
        name = self.current_name()
        if name is None:
            return
        entry = self.entries[name]
        self.text.blockSignals(True)
        self.text.setPlainText(entry.text)
        self.text.blockSignals(False)
        self.text.setReadOnly(entry.builtin)
        self.save_button.setEnabled(False)
        where = "built-in (copy it to edit)" if entry.builtin else str(entry.path)
        self.info.setText(f"<b>{name}</b> — {where}")
        self._check()

    def _on_text_changed(self) -> None:
        entry = self.entries.get(self.current_name() or "")
        self.save_button.setEnabled(entry is not None and not entry.builtin)

    def _check(self) -> bool:
        name = self.current_name() or ""
        entry = self.entries[name]
        try:
            parse_template_text(self.text.toPlainText(), name, entry.where())
        except TemplateFileError as exc:
            self._show_error(exc)
            return False
        self.error.setText("")
        self.apply_button.setEnabled(True)
        return True

    def _show_error(self, exc: TemplateFileError) -> None:
        self.error.setText(str(exc))
        self.apply_button.setEnabled(False)
        if exc.line:
            block = self.text.document().findBlockByLineNumber(exc.line - 1)
            cursor = QTextCursor(block)
            self.text.setTextCursor(cursor)

    # -- actions --------------------------------------------------------------------------
    def copy_current(self, new: str | None = None) -> str | None:
        """Copy the selected template into the user's folder (asks for a name)."""
        name = self.current_name()
        if name is None:
            return None
        new = new or self.ask_name(self, f"my_{name}")
        if not new:
            return None
        try:
            copy_template(name, new)
        except TemplateFileError as exc:
            self.error.setText(str(exc))
            return None
        self.reload(select=new)
        return new

    def save_current(self) -> bool:
        """Save the edited text of a user template; refused (nothing written) if invalid."""
        name = self.current_name()
        if name is None or self.entries[name].builtin:
            return False
        try:
            save_template_text(name, self.text.toPlainText())
        except TemplateFileError as exc:
            self._show_error(exc)
            return False
        self.reload(select=name)
        self.session.sig_status.emit(f"Saved template {name}")
        return True

    def apply_current(self) -> bool:
        """Apply the selected template (as saved) to the open project, as one undo step."""
        name = self.current_name()
        if name is None:
            return False
        try:
            template = load_template(name)
        except TemplateFileError as exc:
            self._show_error(exc)
            return False
        ok = self.session.execute(ApplyTemplate(template))
        if ok:
            self.session.sig_status.emit(f"Applied template {template.title}")
        return ok

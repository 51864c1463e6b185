"""File ▸ Import: the account wizard, units from a second layer, the unlocated list.

Kept out of the main window so the window only adds menu entries: account imports go
through :class:`~territory_designer.ui.dialogs.import_wizard.ImportWizard` (one undo
step); a units layer runs :func:`~territory_designer.io.units_import.add_units` in a worker
and swaps the session's project for the extended one (same file, still unsaved).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QMainWindow, QWidget

from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.feedback import Feedback
from territory_designer.core.project import Project
from territory_designer.io.field_names import renaming_note
from territory_designer.io.units_import import AddUnitsReport, add_units
from territory_designer.ui.dialogs.import_wizard import ImportWizard
from territory_designer.ui.dialogs.new_project_dialog import NewProjectDialog, read_fields
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.docks.unlocated_dock import UnlocatedDock
from territory_designer.ui.file_controller import FileController
from territory_designer.ui.session import Session
from territory_designer.ui.workers import Task

FieldChooser = Callable[[str, list[str], QWidget], "tuple[str, str | None] | None"]


def _choose_fields(path: str, fields: list[str], parent: QWidget) -> tuple[str, str | None] | None:
    dialog = NewProjectDialog(path, fields, parent)
    dialog.setWindowTitle("Add units from a layer")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.choice()


class ImportController(QObject):
    """Import commands of one main window.

    Parameters
    ----------
    window : QMainWindow
        Parent of the dialogs; receives the unlocated-accounts dock (hidden at first).
    session : Session
    files : FileController
        Runs the units import (so it is refused while another file task runs).
    prompts : Prompts

    Attributes
    ----------
    unlocated_dock : UnlocatedDock
    wizard : ImportWizard or None
        The open account wizard.
    choose_fields : callable
        ``(path, fields, parent) -> (id_field, name_field) | None``; tests replace it.
    """

    def __init__(
        self, window: QMainWindow, session: Session, files: FileController, prompts: Prompts
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.files = files
        self.prompts = prompts
        self.choose_fields: FieldChooser = _choose_fields
        self.wizard: ImportWizard | None = None
        self.unlocated_dock = UnlocatedDock(session, prompts, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.unlocated_dock)
        self.unlocated_dock.hide()

    def _folder(self) -> str:
        path = self.session.project.path
        return str(path.parent) if path else ""

    # -- accounts -------------------------------------------------------------------------
    def import_accounts(self, path: str | None = None) -> ImportWizard | None:
        """File ▸ Import ▸ Accounts…: ask for a file, then open the wizard (non-blocking)."""
        if self.files.busy or self.session.stroke_open:
            self.session.sig_status.emit("Please wait: another operation is running.")
            return None
        path = path or self.prompts.ask_accounts_file(self.window, self._folder())
        if not path:
            return None
        wizard = ImportWizard(self.session, self.prompts, path, self.window)
        wizard.setWindowModality(Qt.WindowModality.WindowModal)
        wizard.finished.connect(lambda _r: self._on_wizard_finished(wizard))
        self.wizard = wizard
        wizard.open()
        return wizard

    def _on_wizard_finished(self, wizard: ImportWizard) -> None:
        if wizard.applied and self.unlocated_dock.count:
            self.show_unlocated()
        if self.wizard is wizard:
            self.wizard = None
        wizard.deleteLater()

    def show_unlocated(self) -> None:
        """Show and raise the unlocated-accounts dock."""
        self.unlocated_dock.refresh()
        self.unlocated_dock.show()
        self.unlocated_dock.raise_()

    # -- units ----------------------------------------------------------------------------
    def import_units_layer(self, path: str | None = None) -> Task | None:
        """File ▸ Import ▸ Units Layer…: add the polygons of a second layer as units."""
        if self.files.busy or self.session.stroke_open:
            self.session.sig_status.emit("Please wait: another operation is running.")
            return None
        path = path or self.prompts.ask_units_layer(self.window, self._folder())
        if not path:
            return None
        try:
            fields = read_fields(path)
        except TerritoryDesignerError as exc:
            self.prompts.show_error(self.window, "Cannot read units layer", str(exc))
            return None
        choice = self.choose_fields(path, fields, self.window)
        if choice is None:
            return None
        id_field, name_field = choice
        project = self.session.project

        def work(fb: Feedback) -> tuple[Project, AddUnitsReport]:
            return add_units(project, path, id_field, name_field, feedback=fb)

        def finished(result: tuple[Project, AddUnitsReport]) -> None:
            new, report = result
            if self.session.project is not project:
                return  # another project was opened meanwhile
            # add_units keeps the file path and the saved revision: still the same document.
            self.session.replace_project(new)
            self.files.sig_document_changed.emit()
            msg = f"Added {report.added:,} units from {Path(path).name}"
            if report.repaired:
                msg += f" ({report.repaired:,} geometries repaired)"
            msg = " ".join([f"{msg}.", *renaming_note(report.renamed, "Unit attributes")])
            self.session.sig_status.emit(msg)

        return self.files._run(  # noqa: SLF001 - shares the file controller's busy state
            f"Adding units from {Path(path).name}…", work, finished, "Cannot add units"
        )

"""File ▸ Import: the account wizard, units from a second layer, the unlocated list.

Kept out of the main window so the window only adds menu entries: account imports go
through :class:`~territory_designer.ui.dialogs.import_wizard.ImportWizard` (one undo
step); a units layer runs :func:`~territory_designer.io.units_import.add_units` in a worker
and swaps the session's project for the extended one (same file, still unsaved). A layer
refused for clashing ids or overlapping units is offered the choices the command line
has as flags: a prefix for its ids, replacing the covered units, accepting overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QMainWindow

from territory_designer.core.errors import (
    CoveredUnitsError,
    IdClashError,
    InputError,
    OverlapError,
    TerritoryDesignerError,
)
from territory_designer.core.feedback import Feedback
from territory_designer.core.project import Project
from territory_designer.io.field_names import renaming_note
from territory_designer.io.geography import accounts_in_overlaps, overlap_accounts_line
from territory_designer.io.units_import import AddUnitsReport, add_units
from territory_designer.ui.commands import SwapProject
from territory_designer.ui.dialogs.new_project_dialog import (
    FieldChooser,
    choose_layer_fields,
    read_fields,
)
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.docks.unlocated_dock import UnlocatedDock
from territory_designer.ui.file_controller import FileController
from territory_designer.ui.session import Session
from territory_designer.ui.workers import Task

if TYPE_CHECKING:
    from territory_designer.ui.dialogs.import_wizard import ImportWizard


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
        self.choose_fields: FieldChooser = choose_layer_fields
        self.wizard: ImportWizard | None = None
        self.unlocated_dock = UnlocatedDock(session, prompts, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.unlocated_dock)
        self.unlocated_dock.hide()

    # -- accounts -------------------------------------------------------------------------
    def import_accounts(self, path: str | None = None) -> ImportWizard | None:
        """File ▸ Import ▸ Accounts…: ask for a file, then open the wizard (non-blocking)."""
        if self.files.busy or self.session.stroke_open:
            self.session.sig_status.emit("Please wait: another operation is running.")
            return None
        path = path or self.prompts.ask_accounts_file(self.window, self.files.start_folder())
        if not path:
            return None
        self.files.settings.set_last_folder(Path(path).parent)
        from territory_designer.ui.dialogs.import_wizard import ImportWizard  # ~0.5 s

        wizard = ImportWizard(self.session, self.prompts, path, self.window)
        wizard.setWindowModality(Qt.WindowModality.WindowModal)
        wizard.finished.connect(lambda _r: self._on_wizard_finished(wizard))
        self.wizard = wizard
        wizard.open()
        return wizard

    def _on_wizard_finished(self, wizard: ImportWizard) -> None:
        if wizard.applied and self.unlocated_dock.count:
            self.show_unlocated()
        in_overlaps = accounts_in_overlaps(self.session.project) if wizard.applied else None
        if in_overlaps:
            self.session.sig_status.emit(overlap_accounts_line(in_overlaps))
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
        """File ▸ Import ▸ Units Layer…: add the polygons of a second layer as units.

        When the new ids clash with the project's the user is asked for a prefix; when
        the new units overlap the project's, whether to replace the covered units.
        """
        if self.files.busy or self.session.stroke_open:
            self.session.sig_status.emit("Please wait: another operation is running.")
            return None
        path = path or self.prompts.ask_units_layer(self.window, self.files.start_folder())
        if not path:
            return None
        self.files.settings.set_last_folder(Path(path).parent)
        try:
            fields = read_fields(path)
        except TerritoryDesignerError as exc:
            self.prompts.show_error(self.window, "Cannot read units layer", str(exc))
            return None
        choice = self.choose_fields(path, fields, self.window)
        if choice is None:
            return None
        id_field, name_field, *rest = choice
        prefix = rest[0] if rest else ""
        crs = rest[1] if len(rest) > 1 else None
        request = UnitsRequest(path, id_field, name_field, crs or None, prefix)
        return self._add_units(request)

    def _add_units(self, request: UnitsRequest) -> Task | None:
        project = self.session.project
        path = request.path

        def work(fb: Feedback) -> tuple[Project, AddUnitsReport] | InputError:
            try:
                return add_units(
                    project,
                    path,
                    request.id_field,
                    request.name_field,
                    crs=request.crs,
                    feedback=fb,
                    id_prefix=request.id_prefix,
                    replace_covered=request.replace_covered,
                    allow_overlaps=request.allow_overlaps,
                )
            except (OverlapError, IdClashError) as exc:
                return exc  # the user chooses on the GUI thread, then it runs again

        def finished(result: tuple[Project, AddUnitsReport] | InputError) -> None:
            if self.session.project is not project:
                return  # another project was opened meanwhile
            if isinstance(result, InputError):
                # Ask once this task is over, so that the next run is not refused as busy.
                QTimer.singleShot(0, self, lambda: self._ask_and_retry(request, result))
                return
            new, report = result
            # add_units keeps the file path and the saved revision: still the same document,
            # and one undo step.
            self.session.replace_project(new, keep_history=True)
            text = f"Add units from {Path(path).name}"
            self.session.undo_stack.push(SwapProject(self.session, project, new, text))
            self.files.sig_document_changed.emit()
            msg = f"{Path(path).name}: {report.summary(len(new.units))}."
            msg = " ".join([msg, *renaming_note(report.renamed, "Unit attributes")])
            self.session.sig_status.emit(msg)

        return self.files.run_task(
            f"Adding units from {Path(path).name}…", work, finished, "Cannot add units"
        )

    def _ask_and_retry(self, request: UnitsRequest, error: InputError) -> None:
        detail = getattr(error, "detail", str(error))
        if isinstance(error, IdClashError):
            prefix = self.prompts.ask_id_prefix(self.window, detail, f"{Path(request.path).stem}-")
            if prefix:
                self._add_units(replace(request, id_prefix=prefix))
        elif isinstance(error, CoveredUnitsError):
            if self.prompts.ask_replace_covered(self.window, detail):
                self._add_units(replace(request, replace_covered=True))
        elif isinstance(error, OverlapError) and self.prompts.ask_allow_overlaps(
            self.window, detail
        ):
            self._add_units(replace(request, allow_overlaps=True))


@dataclass(frozen=True)
class UnitsRequest:
    """What the user asked to import, and the choices made after a refusal."""

    path: str
    id_field: str
    name_field: str | None
    crs: str | None = None
    id_prefix: str = ""
    replace_covered: bool = False
    allow_overlaps: bool = False

"""Open, save, new-from-file, recent files and autosave of the main window's project.

All file work runs through :func:`~territory_designer.ui.workers.run_with_progress` so the
window stays responsive and can cancel; a failed or cancelled open leaves the current
project in place, and a failed or cancelled save leaves the target file untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog, QWidget

from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.feedback import Feedback
from territory_designer.core.project import Project
from territory_designer.io.geography import new_project_from_file
from territory_designer.io.project_file import load_project, save_project
from territory_designer.io.recovery import RecoveryEntry, discard_recovery, write_recovery
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.new_project_dialog import NewProjectDialog, read_fields
from territory_designer.ui.dialogs.prompts import Prompts, SaveChoice
from territory_designer.ui.session import Session
from territory_designer.ui.workers import Task, run_with_progress

FieldChooser = Callable[[str, list[str], QWidget], "tuple[str, str | None] | None"]
AUTOSAVE_CHECK_MS = 10_000


def _choose_fields(path: str, fields: list[str], parent: QWidget) -> tuple[str, str | None] | None:
    dialog = NewProjectDialog(path, fields, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.choice()


def _entry(path: Path) -> RecoveryEntry:
    return RecoveryEntry(path, None, 0.0, "")


class FileController(QObject):
    """File commands for one window.

    Signals
    -------
    sig_document_changed()
        Another project was opened, or the current one was saved (title needs a refresh).
    sig_status(message: str)
    """

    sig_document_changed = Signal()
    sig_status = Signal(str)

    def __init__(
        self,
        window: QWidget,
        session: Session,
        settings: AppSettings,
        prompts: Prompts,
        untitled_name: str = "Untitled",
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.settings = settings
        self.prompts = prompts
        self.untitled_name = untitled_name
        self.choose_fields: FieldChooser = _choose_fields
        self.task: Task | None = None
        self._recovery_file: Path | None = None
        self._stale_recoveries: list[RecoveryEntry] = []
        self._dirty_since: float | None = None
        self._autosaved_revision = -1
        self._autosave_task: Task | None = None
        self._autosave_source: Project | None = None
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_CHECK_MS)
        self.autosave_timer.timeout.connect(self._on_autosave_tick)
        self.autosave_timer.start()
        session.sig_revision_changed.connect(self._on_revision_changed)

    # -- state ----------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        """The open project."""
        return self.session.project

    @property
    def busy(self) -> bool:
        """True while a file task runs."""
        return self.task is not None

    @property
    def display_name(self) -> str:
        """File name of the project, or its untitled name."""
        return self.project.path.name if self.project.path else self.untitled_name

    def _folder(self) -> str:
        recent = self.settings.recent_files()
        if self.project.path:
            return str(self.project.path.parent)
        return str(Path(recent[0]).parent) if recent else ""

    def _run(
        self,
        title: str,
        fn: Callable[[Feedback], Any],
        on_finished: Callable[[Any], None],
        error_title: str,
        wait: bool = False,
    ) -> Task | None:
        if self.busy:
            self.sig_status.emit("Please wait: another file operation is running.")
            return None

        def failed(message: str) -> None:
            self.prompts.show_error(self.window, error_title, message)

        task = run_with_progress(
            self.window,
            title,
            fn,
            on_finished,
            failed,
            lambda: self.sig_status.emit(f"{title.rstrip('…')} cancelled; nothing changed."),
        )
        self.task = task
        task.sig_done.connect(self._on_task_done)
        if wait:
            loop = QEventLoop()
            task.sig_done.connect(loop.quit)
            loop.exec()
        return task

    def _on_task_done(self) -> None:
        self.task = None

    # -- open / new -----------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels (or the save fails)."""
        if not self.project.is_dirty:
            return True
        choice = self.prompts.ask_save_changes(self.window, self.display_name)
        if choice == SaveChoice.CANCEL:
            return False
        if choice == SaveChoice.SAVE:
            return self.save(wait=True)
        return True

    def open_dialog(self) -> None:
        """File > Open…"""
        if self.busy or not self.maybe_save():
            return
        path = self.prompts.ask_open_path(self.window, self._folder())
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str | Path, ask: bool = True) -> Task | None:
        """Open a project file in the background (asks to save changes first if ``ask``)."""
        if self.busy or (ask and not self.maybe_save()):
            return None
        path = Path(path)

        def finished(project: Project) -> None:
            if self.task is not None and self.task.feedback.is_canceled():
                self.sig_status.emit("Open cancelled; nothing changed.")
                return
            self._replace(project, None)
            self.settings.add_recent_file(path)
            self.sig_status.emit(f"Opened {path.name}")

        if not path.exists():
            self.settings.remove_recent_file(path)
        return self._run(
            f"Opening {path.name}…",
            lambda fb: load_project(path, fb),
            finished,
            "Cannot open project",
        )

    def new_from_units_file(self, path: str | None = None) -> Task | None:
        """File > New from units file…: choose a polygon file and its id/name fields."""
        if self.busy or not self.maybe_save():
            return None
        path = path or self.prompts.ask_units_file(self.window, self._folder())
        if not path:
            return None
        try:
            fields = read_fields(path)
        except TerritoryDesignerError as exc:
            self.prompts.show_error(self.window, "Cannot read units file", str(exc))
            return None
        choice = self.choose_fields(path, fields, self.window)
        if choice is None:
            return None
        id_field, name_field = choice

        def build(fb: Feedback) -> Project:
            return new_project_from_file(path, id_field, name_field, feedback=fb)

        def finished(project: Project) -> None:
            self._replace(project, Path(path).stem)
            self.sig_status.emit(f"New project with {len(project.units):,} units")

        return self._run(f"Reading {Path(path).name}…", build, finished, "Cannot create project")

    def _replace(self, project: Project, untitled_name: str | None) -> None:
        # The old project's changes were saved or knowingly discarded by now.
        self.discard_recoveries()
        if untitled_name is not None:
            self.untitled_name = untitled_name
        self._dirty_since = time.monotonic() if project.is_dirty else None
        self.session.replace_project(project)
        self.sig_document_changed.emit()

    # -- save -----------------------------------------------------------------------------
    def save(self, wait: bool = False) -> bool:
        """File > Save (Save As… when the project has no file yet)."""
        if self.project.path is None:
            return self.save_as(wait=wait)
        return self.save_to(self.project.path, wait)

    def save_as(self, path: str | Path | None = None, wait: bool = False) -> bool:
        """File > Save As…; returns False when the user cancels."""
        if path is None:
            suggested = str(Path(self._folder()) / f"{Path(self.display_name).stem}.tdproj")
            path = self.prompts.ask_save_path(self.window, suggested)
        if not path:
            return False
        return self.save_to(Path(path), wait)

    def save_to(self, path: Path, wait: bool = False) -> bool:
        """Write the project to ``path`` in the background.

        Returns True when the save was started (or, with ``wait``, when it succeeded).
        """
        project = self.project
        state = project.state  # edits made while the file is written stay unsaved
        done: list[bool] = []

        def finished(_result: object) -> None:
            project.mark_saved(path)
            project.saved_revision = state
            self.discard_recoveries()
            self._dirty_since = None
            self.settings.add_recent_file(path)
            done.append(True)
            self.sig_status.emit(f"Saved {path.name}")
            self.sig_document_changed.emit()

        def write(fb: Feedback) -> Path:
            return save_project(project, path, fb, mark_saved=False)

        task = self._run(f"Saving {path.name}…", write, finished, "Cannot save project", wait)
        return bool(done) if wait else task is not None

    # -- autosave and recovery ------------------------------------------------------------
    def adopt_recovery(self, entry: RecoveryEntry) -> None:
        """Keep a recovered copy until this window has saved or autosaved the work again."""
        self._stale_recoveries.append(entry)
        self._dirty_since = time.monotonic()

    def discard_recoveries(self) -> None:
        """Delete this window's recovery copies (after a save, clean close or discard)."""
        if self._recovery_file is not None:
            discard_recovery(_entry(self._recovery_file))
            self._recovery_file = None
        for entry in self._stale_recoveries:
            discard_recovery(entry)
        self._stale_recoveries.clear()
        self._autosaved_revision = -1

    def _on_revision_changed(self, _revision: int) -> None:
        if self.project.is_dirty and self._dirty_since is None:
            self._dirty_since = time.monotonic()

    def _on_autosave_tick(self) -> None:
        if self.busy or self.session.stroke_open or not self.project.is_dirty:
            return
        if self.project.revision == self._autosaved_revision or self._dirty_since is None:
            return
        if self._autosave_task is not None:
            return
        if time.monotonic() - self._dirty_since >= self.settings.autosave_minutes * 60:
            self.autosave_now(background=True)

    def autosave_now(self, background: bool = False) -> Path | None:
        """Write a recovery copy of the project now.

        The project is snapshotted on this thread (cheap: plans are copied, geometry is
        shared); with ``background`` the copy is written on a worker thread so a large
        project does not freeze the window, and None is returned.
        """
        snapshot = self.project.snapshot()
        revision = self.project.revision
        self._autosave_source = self.project
        if not background:
            try:
                path = write_recovery(snapshot)
            except (TerritoryDesignerError, OSError) as exc:
                self._on_autosave_failed(str(exc))
                return None
            self._on_autosaved(path, revision)
            return path
        task = Task(lambda _feedback: write_recovery(snapshot), self)
        task.sig_finished.connect(lambda path: self._on_autosaved(path, revision))
        task.sig_failed.connect(self._on_autosave_failed)
        task.sig_done.connect(lambda: setattr(self, "_autosave_task", None))
        task.sig_done.connect(task.deleteLater)
        self._autosave_task = task
        self._dirty_since = None
        task.start()
        return None

    def _on_autosave_failed(self, message: str) -> None:
        self.sig_status.emit(f"Autosave failed: {message}")

    def _on_autosaved(self, path: Path, revision: int) -> None:
        if self._autosave_source is not self.project or not self.project.is_dirty:
            # Saved or replaced while the copy was being written: it is not needed.
            discard_recovery(_entry(path))
            return
        old = self._recovery_file
        if old is not None and old != path:
            discard_recovery(_entry(old))
        for entry in self._stale_recoveries:
            if entry.project_file != path:
                discard_recovery(entry)
        self._stale_recoveries.clear()
        self._recovery_file = path
        self._autosaved_revision = revision
        if self.project.revision == revision:
            self._dirty_since = None
        elif self._dirty_since is None:
            self._dirty_since = time.monotonic()
        self.sig_status.emit("Autosaved a recovery copy")

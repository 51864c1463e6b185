"""Open, save, new-from-file, recent files, locking and autosave of the window's project.

All file work runs through :func:`~territory_designer.ui.workers.run_with_progress` so the
window stays responsive and can cancel; a failed or cancelled open leaves the current
project in place, and a failed or cancelled save leaves the target file untouched. The
window holds the lock of its file (:mod:`territory_designer.ui.file_locking`); a save
refused by another writer's lock or a change on disk offers Save As…. Autosave lives in
:mod:`territory_designer.ui.autosave`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from territory_designer.core.errors import OverlapError, ProjectFileError, TerritoryDesignerError
from territory_designer.core.feedback import Feedback
from territory_designer.core.project import Project
from territory_designer.io.file_stamp import (
    SaveConflictError,
    check_unchanged,
    file_stamp,
    same_file,
)
from territory_designer.io.geography import new_project_from_file
from territory_designer.io.project_file import load_project, save_project
from territory_designer.io.project_lock import ProjectLock, acquire_lock
from territory_designer.io.recovery import RecoveryEntry
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.autosave import AUTOSAVE_CHECK_MS, AutosaveMixin
from territory_designer.ui.dialogs.new_project_dialog import (
    FieldChooser,
    choose_new_project_fields,
    read_fields,
)
from territory_designer.ui.dialogs.prompts import Prompts, SaveChoice
from territory_designer.ui.file_locking import LOCK_PROGRAM, OpenLock, lock_for_window
from territory_designer.ui.session import Session
from territory_designer.ui.workers import Task, run_with_progress


class FileController(QObject, AutosaveMixin):
    """File commands for one window.

    Signals
    -------
    sig_document_changed()
        Another project was opened, or the current one was saved (title needs a refresh).
    sig_status(message: str)
    """

    sig_document_changed = Signal()
    sig_status = Signal(str)
    #: A new project was made with an accounts file to import next (the wizard opens).
    sig_accounts_requested = Signal(str)
    #: A new project was made with today's alignment to import as a plan (before accounts).
    sig_alignment_requested = Signal(str)

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
        self.choose_fields: FieldChooser = choose_new_project_fields
        self.task: Task | None = None
        self._recovery_file: Path | None = None
        self._stale_recoveries: list[RecoveryEntry] = []
        self._dirty_since: float | None = None
        self._autosaved_revision = -1
        self._autosave_task: Task | None = None
        self._autosave_source: Project | None = None
        #: The lock on the open project's file (None: no file, or read-only).
        self.lock: ProjectLock | None = None
        #: True when another writer holds the file: Save offers Save As….
        self.read_only = False
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

    def adopt_lock(self, outcome: OpenLock) -> None:
        """Hold ``outcome``'s lock for the open project (releasing any other one)."""
        if self.lock is not None and self.lock is not outcome.lock:
            self.lock.release()
        self.lock = outcome.lock
        self.read_only = outcome.read_only
        if outcome.note:
            self.sig_status.emit(outcome.note)
        self.sig_document_changed.emit()

    def release_lock(self) -> None:
        """Let other writers have the file (the window closes)."""
        if self.lock is not None:
            self.lock.release()
        self.lock = None

    def _drop_unadopted(self, lock: ProjectLock | None) -> None:
        if lock is not None and lock is not self.lock:
            lock.release()

    @property
    def display_name(self) -> str:
        """File name of the project, or its untitled name."""
        return self.project.path.name if self.project.path else self.untitled_name

    def start_folder(self) -> str:
        """Where file dialogs start: the last folder used, else the project's, else home."""
        if self.settings.last_folder():
            return self.settings.last_folder()
        return str(self.project.path.parent if self.project.path else Path.home())

    def run_task(
        self,
        title: str,
        fn: Callable[[Feedback], Any],
        on_finished: Callable[[Any], None],
        error_title: str,
        wait: bool = False,
    ) -> Task | None:
        """Run ``fn(feedback)`` off the GUI thread under a progress dialog titled ``title``.

        One file task at a time: while one runs this returns None (and says so in the
        status bar). ``on_finished`` gets the result on the GUI thread; a failure is shown
        under ``error_title``; ``wait`` blocks in a local event loop until the task is over.
        """
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
        path = self.prompts.ask_open_path(self.window, self.start_folder())
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str | Path, ask: bool = True) -> Task | None:
        """Open a project file in the background (asks to save changes first if ``ask``)."""
        if self.busy or (ask and not self.maybe_save()):
            return None
        path = Path(path)
        outcome = lock_for_window(path, self.prompts, self.window, self.lock)
        if outcome is None:
            self.sig_status.emit(f"{path.name} was not opened.")
            return None

        def finished(project: Project) -> None:
            if self.task is not None and self.task.feedback.is_canceled():
                self.sig_status.emit("Open cancelled; nothing changed.")
                return
            self._replace(project, None, outcome)
            self.settings.add_recent_file(path)
            suffix = " (read-only)" if outcome.read_only else ""
            self.sig_status.emit(outcome.note or f"Opened {path.name}{suffix}")

        if not path.exists():
            self.settings.remove_recent_file(path)
        task = self.run_task(
            f"Opening {path.name}…",
            lambda fb: load_project(path, fb),
            finished,
            "Cannot open project",
        )
        if task is None:
            self._drop_unadopted(outcome.lock)
        else:
            task.sig_done.connect(lambda: self._drop_unadopted(outcome.lock))
        return task

    def new_from_units_file(self, path: str | None = None) -> Task | None:
        """File > New from units file…: choose a polygon file and its id/name fields."""
        if self.busy or not self.maybe_save():
            return None
        path = path or self.prompts.ask_units_file(self.window, self.start_folder())
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
        # (id field, name field[, layer CRS[, working CRS[, template[, accounts file[,
        # alignment file]]]]]): tests script shorter answers.
        id_field, name_field, *rest = choice
        rest = [*rest, None, None, None, None, None][:5]
        crs, working_crs = rest[0], rest[1]
        then = (rest[2], rest[3], rest[4])
        return self._new_project(path, id_field, name_field, crs, working_crs, then=then)

    def _new_project(
        self,
        path: str,
        id_field: str,
        name_field: str | None,
        crs: str | None,
        working_crs: str | None = None,
        allow_overlaps: bool = False,
        then: tuple[str | None, ...] = (None, None, None),
    ) -> Task | None:
        notes: list[str] = []
        # The new-project steps after the units: industry template, accounts, alignment.
        template_name, accounts, alignment = (*then, None, None, None)[:3]

        def build(fb: Feedback) -> Project | OverlapError:
            try:
                project = new_project_from_file(
                    path,
                    id_field,
                    name_field,
                    crs=crs,
                    feedback=fb,
                    allow_overlaps=allow_overlaps,
                    working_crs=working_crs,
                    notes=notes,
                )
            except OverlapError as exc:
                return exc  # the user decides on the GUI thread
            if template_name:
                from territory_designer.core.templates import apply_template
                from territory_designer.io.templates import load_template

                template = load_template(template_name)
                apply_template(project, template)
                project.saved_revision = project.state  # a new project: nothing to save yet
                notes.append(f"Template: {template.title}.")
            return project

        def finished(result: Project | OverlapError) -> None:
            if isinstance(result, OverlapError):
                # Asked once this task is over, so that the second run is not refused.
                QTimer.singleShot(0, self, lambda: self._ask_allow_overlaps(result, retry))
                return
            self._replace(result, Path(path).stem)
            done = f"New project with {len(result.units):,} units."
            self.sig_status.emit(" ".join([done, *notes]))
            if alignment:
                self.sig_alignment_requested.emit(alignment)
            if accounts:
                self.sig_accounts_requested.emit(accounts)

        def retry() -> None:
            self._new_project(
                path, id_field, name_field, crs, working_crs, allow_overlaps=True, then=then
            )

        return self.run_task(
            f"Reading {Path(path).name}…", build, finished, "Cannot create project"
        )

    def _ask_allow_overlaps(self, error: OverlapError, retry: Callable[[], object]) -> None:
        if self.prompts.ask_allow_overlaps(self.window, error.detail):
            retry()

    def _replace(
        self, project: Project, untitled_name: str | None, lock: OpenLock | None = None
    ) -> None:
        # The old project's changes were saved or knowingly discarded by now.
        self.discard_recoveries()
        if untitled_name is not None:
            self.untitled_name = untitled_name
        self._dirty_since = time.monotonic() if project.is_dirty else None
        self.session.replace_project(project)
        self.adopt_lock(lock or OpenLock(None))

    # -- save -----------------------------------------------------------------------------
    def save(self, wait: bool = False) -> bool:
        """File > Save (Save As… when the project has no file yet)."""
        if self.project.path is None:
            return self.save_as(wait=wait)
        return self.save_to(self.project.path, wait)

    def save_as(self, path: str | Path | None = None, wait: bool = False) -> bool:
        """File > Save As…; returns False when the user cancels."""
        if path is None:
            suggested = str(Path(self.start_folder()) / f"{Path(self.display_name).stem}.tdproj")
            path = self.prompts.ask_save_path(self.window, suggested)
        if not path:
            return False
        return self.save_to(Path(path), wait)

    def _lock_target(self, path: Path) -> ProjectLock | None:
        """The lock to write ``path`` under; raises SaveConflictError when it is not ours."""
        project = self.project
        if same_file(path, project.path):
            check_unchanged(path, project.disk_stamp)
        if self.lock is not None and self.lock.covers(path):
            return self.lock
        if not path.parent.is_dir():
            return None  # the save reports the missing folder
        try:
            return acquire_lock(path, LOCK_PROGRAM)
        except SaveConflictError:
            raise
        except ProjectFileError:
            return None  # no lock file possible here; the save says if writing fails too

    def _offer_save_as(self, message: str, wait: bool) -> bool:
        """After a refused save: offer to keep the work under another name."""
        if self.prompts.ask_save_conflict(self.window, message):
            return self.save_as(wait=wait)
        self.sig_status.emit("Not saved: the file on disk was left as it was.")
        return False

    def save_to(self, path: Path, wait: bool = False) -> bool:
        """Write the project to ``path`` in the background.

        Another writer's lock on ``path``, or a change on disk since the project was read,
        refuses the save (nothing is written) and offers Save As… so the work is kept.
        Returns True when the save was started (or, with ``wait``, when it succeeded).
        """
        if self.busy:
            self.sig_status.emit("Please wait: another file operation is running.")
            return False
        project = self.project
        state = project.state  # edits made while the file is written stay unsaved
        path = Path(path)
        try:
            lock = self._lock_target(path)
        except SaveConflictError as exc:
            return self._offer_save_as(str(exc), wait)
        done: list[bool] = []

        def finished(result: object) -> None:
            if isinstance(result, SaveConflictError):  # someone wrote while we prepared
                self.prompts.show_error(
                    self.window, "Not saved", f"{result} Use File › Save As… to keep your work."
                )
                return
            project.mark_saved(path)
            project.saved_revision = state
            project.disk_stamp = result
            self.discard_recoveries()
            self._dirty_since = None
            self.settings.add_recent_file(path)
            if lock is not self.lock:
                self.adopt_lock(OpenLock(lock))
            done.append(True)
            self.sig_status.emit(f"Saved {path.name}")
            self.sig_document_changed.emit()

        def write(fb: Feedback) -> object:
            try:
                save_project(project, path, fb, mark_saved=False, lock=lock)
            except SaveConflictError as exc:
                return exc
            return file_stamp(path)

        task = self.run_task(f"Saving {path.name}…", write, finished, "Cannot save project", wait)
        if task is None:
            self._drop_unadopted(lock)
        elif not wait:
            task.sig_done.connect(lambda: self._drop_unadopted(lock))
        else:
            self._drop_unadopted(lock)
        return bool(done) if wait else task is not None

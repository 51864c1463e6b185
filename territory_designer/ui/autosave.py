"""Autosave and recovery copies of a window's project (part of its file controller).

Unsaved work is copied to a recovery file a few minutes after the first unsaved edit
(:mod:`territory_designer.io.recovery`); a save, a clean close or a discard deletes the
copy. A window that has its file open read-only autosaves under its own name, so it
never overwrites the copy of the window that writes the file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.io.recovery import RecoveryEntry, discard_recovery, write_recovery
from territory_designer.ui.workers import Task

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer, SignalInstance

    from territory_designer.core.project import Project
    from territory_designer.ui.app_settings import AppSettings
    from territory_designer.ui.session import Session

#: How often the timer checks whether an autosave is due.
AUTOSAVE_CHECK_MS = 10_000


def _entry(path: Path) -> RecoveryEntry:
    return RecoveryEntry(path, None, 0.0, "")


class AutosaveMixin:
    """Autosave of :class:`~territory_designer.ui.file_controller.FileController`.

    Uses the controller's ``session``, ``settings``, ``busy``, ``read_only``,
    ``sig_status`` and the autosave state it initialises.
    """

    session: Session
    settings: AppSettings
    project: Project
    busy: bool
    read_only: bool
    sig_status: SignalInstance
    autosave_timer: QTimer
    _recovery_file: Path | None
    _stale_recoveries: list[RecoveryEntry]
    _dirty_since: float | None
    _autosaved_revision: int
    _autosave_task: Task | None
    _autosave_source: Project | None

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
        # A read-only window must not share (and overwrite) the writer's recovery copy.
        owner = f"{os.getpid()}-{id(self)}" if self.read_only else None
        if not background:
            try:
                path = write_recovery(snapshot, owner)
            except (TerritoryDesignerError, OSError) as exc:
                self._on_autosave_failed(str(exc))
                return None
            self._on_autosaved(path, revision)
            return path
        task = Task(lambda _feedback: write_recovery(snapshot, owner), self)
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

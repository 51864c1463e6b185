"""How a window locks the project it has open, and what it does when another writer has it.

A window that opens a project takes its lock (see
:mod:`territory_designer.io.project_lock`). When another window or program holds it, the
user chooses: open read-only (edits stay possible; Save offers Save As…) or cancel.
A folder where no lock file can be created (a read-only share) opens read-only too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QWidget

from territory_designer.core.errors import ProjectFileError
from territory_designer.io.project_lock import ProjectLock, ProjectLockedError, acquire_lock
from territory_designer.ui.dialogs.prompts import Prompts

#: What other writers are told holds the lock.
LOCK_PROGRAM = "Territory Designer window"


@dataclass
class OpenLock:
    """The outcome of locking a project for a window.

    Attributes
    ----------
    lock : ProjectLock or None
        The lock held (None when read-only or when the file does not exist).
    read_only : bool
        True when another writer holds the file (or it cannot be locked).
    note : str
        For the status bar (a stale lock taken over, why the project is read-only).
    """

    lock: ProjectLock | None
    read_only: bool = False
    note: str = ""

    def release(self) -> None:
        """Let go of the lock (after a failed or cancelled open)."""
        if self.lock is not None:
            self.lock.release()


def lock_for_window(
    path: Path | str,
    prompts: Prompts,
    parent: QWidget | None,
    current: ProjectLock | None = None,
    ask: bool = True,
) -> OpenLock | None:
    """Lock ``path`` for a window, asking what to do when another writer holds it.

    Parameters
    ----------
    path : path-like
        The project about to be opened.
    prompts : Prompts
        Asks "open read-only?".
    parent : QWidget, optional
        Parent of the question.
    current : ProjectLock, optional
        The lock the window already holds (reopening its own file keeps it).
    ask : bool
        False opens read-only without asking (recovered work must never be dropped).

    Returns
    -------
    OpenLock or None
        None when the user cancelled.
    """
    path = Path(path)
    if current is not None and current.covers(path):
        return OpenLock(current)
    if not path.is_file():
        return OpenLock(None)  # opening fails with its own message; nothing to protect
    try:
        lock = acquire_lock(path, LOCK_PROGRAM)
    except ProjectLockedError as exc:
        who = exc.holder.describe() if exc.holder else "another program"
        if ask and not prompts.ask_open_locked(parent, f"{path} is open for writing by {who}."):
            return None
        return OpenLock(None, True, f"{path.name} is open for writing by {who}: read-only here")
    except ProjectFileError as exc:
        return OpenLock(None, True, f"{exc} Opened read-only.")
    return OpenLock(lock, False, lock.note or "")

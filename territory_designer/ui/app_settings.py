"""Per-user application settings: recent files, window geometry and state, autosave.

Settings live in the platform's usual place (``QSettings`` with the organisation and
application names set by :mod:`territory_designer.app`). Setting ``$TD_SETTINGS_DIR``
stores them in an INI file in that folder instead, which the tests use so that they
never touch the user's real settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

ORGANIZATION = "TerritoryDesigner"
APPLICATION = "Territory Designer"
SETTINGS_DIR_ENV = "TD_SETTINGS_DIR"
MAX_RECENT = 8
DEFAULT_AUTOSAVE_MINUTES = 3.0


def make_qsettings(folder: str | os.PathLike[str] | None = None) -> QSettings:
    """A ``QSettings`` for the app: an INI file in ``folder`` or ``$TD_SETTINGS_DIR`` if set."""
    folder = folder or os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / "territory-designer.ini"), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


class AppSettings:
    """Typed access to the few settings the main window keeps.

    Parameters
    ----------
    qsettings : QSettings, optional
        Where to store them (:func:`make_qsettings` by default).
    """

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings if qsettings is not None else make_qsettings()

    # -- recent files ---------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Recently opened or saved projects, most recent first."""
        value = self.qsettings.value("recent_files", [])
        if isinstance(value, str):  # INI files collapse one-element lists to a string
            value = [value]
        return [str(v) for v in (value or []) if v]

    def add_recent_file(self, path: str | os.PathLike[str]) -> list[str]:
        """Put ``path`` first in the recent list (deduplicated, at most ``MAX_RECENT``)."""
        path = str(Path(path).resolve())
        files = [f for f in self.recent_files() if f != path]
        files.insert(0, path)
        self._set_recent(files[:MAX_RECENT])
        self.set_last_folder(Path(path).parent)
        return self.recent_files()

    def remove_recent_file(self, path: str | os.PathLike[str]) -> None:
        """Forget ``path`` (for example when it no longer exists)."""
        drop = {str(path), str(Path(path).resolve())}
        self._set_recent([f for f in self.recent_files() if f not in drop])

    def clear_recent_files(self) -> None:
        """Forget every recent file."""
        self._set_recent([])

    def _set_recent(self, files: list[str]) -> None:
        self.qsettings.setValue("recent_files", files)
        self.qsettings.sync()

    # -- where file dialogs start --------------------------------------------------------
    def last_folder(self) -> str:
        """The folder last opened from, saved or exported to ('' when none yet or gone)."""
        folder = str(self.qsettings.value("last_folder", "") or "")
        return folder if folder and Path(folder).is_dir() else ""

    def set_last_folder(self, folder: str | os.PathLike[str]) -> None:
        """Remember ``folder`` as where the next file dialog starts."""
        self.qsettings.setValue("last_folder", str(Path(folder).resolve()))
        self.qsettings.sync()

    # -- autosave -------------------------------------------------------------------------
    @property
    def autosave_minutes(self) -> float:
        """Minutes of unsaved work between two recovery copies (default 3)."""
        try:
            value = float(self.qsettings.value("autosave_minutes", DEFAULT_AUTOSAVE_MINUTES))
        except (TypeError, ValueError):
            return DEFAULT_AUTOSAVE_MINUTES
        return value if value > 0 else DEFAULT_AUTOSAVE_MINUTES

    @autosave_minutes.setter
    def autosave_minutes(self, minutes: float) -> None:
        self.qsettings.setValue("autosave_minutes", float(minutes))

    # -- window ---------------------------------------------------------------------------
    def save_window(self, window: QMainWindow) -> None:
        """Remember the window's geometry and the layout of its docks and toolbars."""
        self.qsettings.setValue("window/geometry", window.saveGeometry())
        self.qsettings.setValue("window/state", window.saveState())
        self.qsettings.sync()

    def restore_window(self, window: QMainWindow) -> bool:
        """Restore what :meth:`save_window` stored; False when nothing was stored."""
        geometry = self.qsettings.value("window/geometry")
        state = self.qsettings.value("window/state")
        restored = False
        if isinstance(geometry, QByteArray | bytes) and geometry:
            restored = window.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes) and state:
            restored = window.restoreState(QByteArray(state)) or restored
        return restored

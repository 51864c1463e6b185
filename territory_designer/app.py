"""GUI entry point: create the application, offer recovery, open a project, run."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from territory_designer import __version__
from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.project import Project
from territory_designer.core.resources import resource_path
from territory_designer.io.recovery import (
    RecoveryEntry,
    discard_recovery,
    list_recoveries,
    load_recovery,
    set_aside,
)
from territory_designer.ui.app_settings import APPLICATION, ORGANIZATION, AppSettings
from territory_designer.ui.dialogs.prompts import Prompts, RecoveryChoice
from territory_designer.ui.file_locking import lock_for_window
from territory_designer.ui.main_window import MainWindow
from territory_designer.ui.workers import wait_for_all_tasks


def configure_application(app: QApplication) -> None:
    """Names used by QSettings and the window system."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setApplicationVersion(__version__)
    icon = resource_path("icons", "territory-designer.png")
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))


def _offer_recovery(prompts: Prompts) -> tuple[Project, RecoveryEntry] | None:
    """Ask about each autosaved copy, newest first, until one is recovered."""
    for entry in list_recoveries():
        choice = prompts.ask_recover(None, entry)
        if choice == RecoveryChoice.DISCARD:
            discard_recovery(entry)
        elif choice == RecoveryChoice.LATER:
            set_aside(entry)  # so this session's autosave cannot overwrite it
        elif choice == RecoveryChoice.RECOVER:
            try:
                return load_recovery(entry), entry
            except TerritoryDesignerError as exc:
                prompts.show_error(None, "Cannot recover", str(exc))
                discard_recovery(entry)
    return None


def last_project(settings: AppSettings) -> str | None:
    """The project the last session had open (the first recent file), if it still exists."""
    recent = settings.recent_files()
    return recent[0] if recent and Path(recent[0]).is_file() else None


def create_main_window(
    path: str | None,
    prompts: Prompts | None = None,
    settings: AppSettings | None = None,
    offer_recovery: bool = True,
) -> MainWindow:
    """Build the main window on ``path``, a recovered copy, or the bundled demo.

    Parameters
    ----------
    path : str or None
        Project to open; None reopens the last project (the first recent file) and,
        on a first run or when that file is gone, the demo (unsaved, titled "Demo").
        When another writer holds it, the user opens it read-only or cancels (then the
        demo opens).
    prompts : Prompts, optional
        Dialogs (tests pass scripted answers).
    settings : AppSettings, optional
        Application settings.
    offer_recovery : bool
        Ask about autosaved copies first.
    """
    from territory_designer.io.demo import build_demo_project
    from territory_designer.io.project_file import load_project

    prompts = prompts or Prompts()
    settings = settings or AppSettings()
    if path is None:
        path = last_project(settings)
    recovered = _offer_recovery(prompts) if offer_recovery else None
    if recovered is not None:
        project, entry = recovered
        name = entry.original.name if entry.original else "Recovered project"
        window = MainWindow(project, name, settings, prompts)
        window.files.adopt_recovery(entry)
        if entry.original is not None:  # never ask: the recovered work must stay open
            window.files.adopt_lock(lock_for_window(entry.original, prompts, None, ask=False))
        return window
    outcome = lock_for_window(path, prompts, None) if path else None
    if path and outcome is not None:
        try:
            project = load_project(path)
        except TerritoryDesignerError as exc:
            outcome.release()
            prompts.show_error(None, "Cannot open project", str(exc))
        else:
            window = MainWindow(project, Path(path).name, settings, prompts)
            window.files.adopt_lock(outcome)
            window.settings.add_recent_file(path)
            return window
    return MainWindow(build_demo_project(), "Demo", settings, prompts)


def show_main_window(
    path: str | None, prompts: Prompts | None = None, settings: AppSettings | None = None
) -> MainWindow:
    """Create the main window on ``path`` (see :func:`create_main_window`) and show it.

    The window frames its project's main body when first shown (the lower 48 of a
    national US layer); View › Zoom to all shows everything.
    """
    window = create_main_window(path, prompts, settings)
    window.show()
    return window


def run_gui(path: str | None, argv: Sequence[str] | None = None) -> int:
    """Run the desktop application; returns the process exit code.

    Parameters
    ----------
    path : str or None
        A ``.tdproj`` file to open, or None for the bundled demo.
    argv : sequence of str, optional
        Arguments for ``QApplication`` (``sys.argv`` by default).
    """
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    configure_application(app)
    _window = show_main_window(path)  # referenced while the event loop runs
    # Let background work (an autosave, an export) stop cleanly before Qt tears down.
    app.aboutToQuit.connect(lambda: wait_for_all_tasks(30000, cancel=True))
    return app.exec()

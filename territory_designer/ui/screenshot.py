"""Render the main window offscreen to a PNG (README screenshot, ``main.py screenshot``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _ensure_app() -> object:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from territory_designer.app import configure_application

        app = QApplication([])
        configure_application(app)
    return app


def render_main_window(
    project_path: str | None, out_png: str, size: tuple[int, int] = (1400, 900)
) -> None:
    """Build the main window on a project (or the demo), zoom to all and save a PNG.

    Parameters
    ----------
    project_path : str or None
        A ``.tdproj`` file; None renders the bundled demo.
    out_png : str
        Where to write the image.
    size : (int, int)
        Window size in pixels.

    Raises
    ------
    ProjectFileError
        When ``project_path`` cannot be opened.
    """
    _ensure_app()
    from PySide6.QtWidgets import QApplication

    from territory_designer.io.demo import build_demo_project
    from territory_designer.io.project_file import load_project
    from territory_designer.ui.app_settings import AppSettings, make_qsettings
    from territory_designer.ui.dialogs.prompts import ScriptedPrompts
    from territory_designer.ui.main_window import MainWindow
    from territory_designer.ui.workers import wait_for_all_tasks

    if project_path:
        project, name = load_project(project_path), Path(project_path).name
    else:
        project, name = build_demo_project(), "Demo"
    with tempfile.TemporaryDirectory() as tmp:
        # A throwaway settings file: the screenshot never reads or writes the user's.
        settings = AppSettings(make_qsettings(tmp))
        window = MainWindow(
            project, untitled_name=name, settings=settings, prompts=ScriptedPrompts()
        )
        try:
            window.files.autosave_timer.stop()
            window.resize(*size)
            window.show()
            for _ in range(3):
                QApplication.processEvents()
            window.canvas.zoom_to_main()
            window.canvas.basemap.load_now()  # the picture shows the basemap, not its absence
            window.territory_dock.refresh_summary()
            for _ in range(3):
                QApplication.processEvents()
            out = Path(out_png)
            out.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(out)):
                raise OSError(f"Could not write {out}.")
        finally:
            window.session.undo_stack.clear()
            window.hide()
            # No worker thread may outlive the window (Qt aborts the process otherwise).
            wait_for_all_tasks(30000, cancel=True)
            window.deleteLater()
            QApplication.processEvents()

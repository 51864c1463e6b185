"""UI test fixtures: no background task outlives its test; ``window``, the main window on
the demo project (a module with a window of its own overrides it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from territory_designer.core.project import Project
from territory_designer.ui.workers import running_threads, wait_for_all_tasks


@pytest.fixture(autouse=True)
def _no_task_outlives_its_test() -> Iterator[None]:
    """Cancel and join task threads left running (an autosave, an export) after a test."""
    yield
    if running_threads():
        assert wait_for_all_tasks(30000, cancel=True), "a background task did not stop"


@pytest.fixture
def window(qtbot, demo_project: Project):  # noqa: ANN001, ANN201
    """The main window on a private copy of the demo project, shown (offscreen)."""
    from territory_designer.ui.app_settings import AppSettings
    from territory_designer.ui.dialogs.prompts import ScriptedPrompts
    from territory_designer.ui.main_window import MainWindow

    w = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(w)
    w.show()
    return w

"""Performance test fixtures: the window tests here leave no background task running."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_task_outlives_its_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Cancel and join task threads left running (a basemap load, an autosave)."""
    yield
    if "qtbot" not in request.fixturenames:
        return
    from territory_designer.ui.workers import running_threads, wait_for_all_tasks

    if running_threads():
        assert wait_for_all_tasks(30000, cancel=True), "a background task did not stop"

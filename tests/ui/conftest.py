"""UI test fixtures: no background task outlives its test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from territory_designer.ui.workers import running_threads, wait_for_all_tasks


@pytest.fixture(autouse=True)
def _no_task_outlives_its_test() -> Iterator[None]:
    """Cancel and join task threads left running (an autosave, an export) after a test."""
    yield
    if running_threads():
        assert wait_for_all_tasks(30000, cancel=True), "a background task did not stop"

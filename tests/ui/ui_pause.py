"""Hold a real background task at one of its own progress steps, so a test can click
Cancel while the real writer is half way through (plain module, imported by UI tests).

Only the progress report is intercepted; the work itself, and every cancel check in it,
is the application's own code.
"""

from __future__ import annotations

import threading

import pytest

from territory_designer.ui.workers import SignalFeedback


class PauseAt:
    """Block the worker thread right after it reports ``message`` until :meth:`resume`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, message: str) -> None:
        self.message = message
        self.reached = threading.Event()
        self._resume = threading.Event()
        original = SignalFeedback.on_progress

        def on_progress(feedback: SignalFeedback, percent: float, text: str) -> None:
            original(feedback, percent, text)
            if text == message and not self._resume.is_set():
                self.reached.set()
                self._resume.wait(20)

        monkeypatch.setattr(SignalFeedback, "on_progress", on_progress)

    def wait_reached(self) -> None:
        """Wait (on the test's thread) until the worker is held at the step."""
        assert self.reached.wait(30), f"the task never reported {self.message!r}"

    def resume(self) -> None:
        """Let the worker go on."""
        self._resume.set()

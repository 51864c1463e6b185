"""Progress and cancellation for long work (after QGIS' ``QgsProcessingFeedback``).

Algorithms take a :class:`Feedback`, call :meth:`Feedback.set_progress` now and then and
:meth:`Feedback.check_canceled` at safe points. The UI passes a subclass that forwards
progress to a progress bar; the CLI passes a plain one.
"""

from __future__ import annotations

import threading

from territory_designer.core.errors import CanceledError


class Feedback:
    """Progress sink and cancel flag shared by a worker and its caller."""

    def __init__(self) -> None:
        self._canceled = threading.Event()
        self.progress = 0.0
        self.message = ""

    def set_progress(self, percent: float, message: str | None = None) -> None:
        """Record progress in percent (0-100) and an optional step description."""
        self.progress = max(0.0, min(100.0, float(percent)))
        if message is not None:
            self.message = message
        self.on_progress(self.progress, self.message)

    def on_progress(self, percent: float, message: str) -> None:
        """Hook for subclasses (called from the working thread)."""

    def cancel(self) -> None:
        """Ask the work to stop at its next safe point."""
        self._canceled.set()

    def is_canceled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._canceled.is_set()

    def check_canceled(self) -> None:
        """Raise :class:`CanceledError` if the work was cancelled."""
        if self._canceled.is_set():
            raise CanceledError("Cancelled by the user; nothing was changed.")

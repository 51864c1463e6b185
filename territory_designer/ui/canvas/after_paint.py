"""Run work once a widget has painted: what the first frame does not need waits for it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer


class AfterPaint(QObject):
    """Calls ``callback`` once, on the event loop after ``widget``'s next paint.

    Parameters
    ----------
    widget : QObject
        The widget watched (a view's viewport).
    callback : callable
        Called with no argument; never called after :meth:`cancel`.
    """

    def __init__(self, widget: QObject, callback: Callable[[], None]) -> None:
        super().__init__()
        self._widget = widget
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)

    @property
    def pending(self) -> bool:
        """Whether the callback is still to be called."""
        return self._callback is not None

    def cancel(self) -> None:
        """Forget the callback (the widget may be gone already)."""
        self._callback = None
        with contextlib.suppress(RuntimeError):  # the C++ widget was deleted
            self._widget.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102, N802
        if self.__dict__.get("_callback") is not None and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._fire)  # after this paint has reached the screen
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback()

"""Run long core work (open, save, import) off the GUI thread, with progress and cancel.

A task is a plain function ``fn(feedback) -> result`` from the core or io layers (QGIS'
processing pattern). :class:`Task` runs it in a ``QThread`` with a :class:`SignalFeedback`
that forwards progress through Qt signals, and reports back on the GUI thread: the
result, a cancellation, or one clear error message (never a traceback).
:func:`run_with_progress` adds a progress dialog whose Cancel button calls
``feedback.cancel()`` (after Orange's ``widgets/utils/concurrent.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.errors import CanceledError, CrsError, TerritoryDesignerError
from territory_designer.core.feedback import Feedback

log = logging.getLogger(__name__)

TaskFunction = Callable[[Feedback], Any]


class _Relay(QObject):
    sig_progress = Signal(float, str)


class SignalFeedback(Feedback):
    """A :class:`Feedback` whose progress is also emitted as ``relay.sig_progress``.

    The relay lives on the GUI thread; emitting from the worker thread queues the signal,
    so connected widgets update safely.
    """

    def __init__(self) -> None:
        super().__init__()
        self.relay = _Relay()

    def on_progress(self, percent: float, message: str) -> None:
        self.relay.sig_progress.emit(percent, message)


class _Thread(QThread):
    def __init__(self, fn: TaskFunction, feedback: Feedback, parent: QObject | None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.feedback = feedback
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn(self.feedback)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread
            self.error = exc


#: Threads still running. A QThread deleted while it runs aborts the whole process, so
#: threads have no Qt parent (closing a window must not delete them) and are kept alive
#: here until they finish.
_RUNNING: set[_Thread] = set()


def _on_any_thread_finished() -> None:
    for thread in [t for t in _RUNNING if t.isFinished()]:
        _RUNNING.discard(thread)


def running_threads() -> int:
    """Number of task threads still running."""
    _on_any_thread_finished()
    return len(_RUNNING)


def wait_for_all_tasks(msecs: int = 30000, cancel: bool = True) -> bool:
    """Cancel (optionally) and wait for every running task thread; True if all ended.

    Called when the application quits and after each UI test, so no thread outlives
    the objects it reports to.
    """
    ok = True
    for thread in list(_RUNNING):
        if cancel:
            thread.feedback.cancel()
        ok = thread.wait(msecs) and ok
    _on_any_thread_finished()
    return ok


def error_message(exc: BaseException) -> str:
    """The text shown to the user for ``exc``: ours as-is, others in one line.

    A window never names a command-line flag: a CRS error names the dialog's field.
    """
    if isinstance(exc, CrsError):
        return exc.in_dialog
    if isinstance(exc, TerritoryDesignerError):
        return str(exc)
    return f"Unexpected error ({type(exc).__name__}): {exc}"


class Task(QObject):
    """One run of ``fn(feedback)`` on a worker thread.

    Signals (emitted on the GUI thread)
    -----------------------------------
    sig_progress(percent: float, message: str)
    sig_finished(result: object)
        ``fn`` returned normally.
    sig_canceled()
        ``fn`` stopped with :class:`CanceledError` after :meth:`cancel`.
    sig_failed(message: str)
        ``fn`` raised; the message is fit to show as-is.
    sig_done()
        Emitted last in every case.
    """

    sig_progress = Signal(float, str)
    sig_finished = Signal(object)
    sig_canceled = Signal()
    sig_failed = Signal(str)
    sig_done = Signal()

    def __init__(self, fn: TaskFunction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.feedback = SignalFeedback()
        self.feedback.relay.sig_progress.connect(self.sig_progress)
        self._thread = _Thread(fn, self.feedback, None)
        self._thread.finished.connect(self._on_thread_finished)
        self._thread.finished.connect(_on_any_thread_finished)
        self.running = False

    def start(self) -> Task:
        """Start the work; returns self."""
        self.running = True
        _RUNNING.add(self._thread)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next safe point."""
        self.feedback.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the thread ends (tests and shutdown only)."""
        return self._thread.wait(msecs)

    def _on_thread_finished(self) -> None:
        self.running = False
        err = self._thread.error
        if err is None:
            self.sig_finished.emit(self._thread.result)
        elif isinstance(err, CanceledError):
            self.sig_canceled.emit()
        else:
            if not isinstance(err, TerritoryDesignerError):
                log.error("Background task failed", exc_info=err)
            self.sig_failed.emit(error_message(err))
        self.sig_done.emit()
        self.deleteLater()


def weak_task(
    fn: TaskFunction,
    receiver: QObject,
    generation: int,
    on_finished: str,
    on_failed: str,
    on_done: str,
) -> Task:
    """A task (not started) whose outcome goes to ``receiver`` only while it lives.

    The task has no parent and holds ``receiver`` weakly: a dock or canvas closed while
    the work runs is freed at once and the result goes nowhere (:func:`wait_for_all_tasks`
    joins the thread). ``receiver``'s methods named ``on_finished`` (with the result),
    ``on_failed`` (with the message) and ``on_done`` (with the task) are called with
    ``generation`` first, so that a receiver can drop the result of a stale run.
    """
    import weakref

    import shiboken6

    task = Task(fn, None)
    ref = weakref.ref(receiver)

    def deliver(method: str, *args: object) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(target):
            getattr(target, method)(generation, *args)

    task.sig_finished.connect(lambda result: deliver(on_finished, result))
    task.sig_failed.connect(lambda message: deliver(on_failed, message))
    task.sig_done.connect(lambda: deliver(on_done, task))
    return task


class ProgressDialog(QDialog):
    """A modal progress bar with a Cancel button.

    Not ``QProgressDialog``: a modal one processes events inside ``setValue``, which
    re-enters progress handlers and can delete the dialog under its own feet.

    Signals
    -------
    sig_cancel_clicked()
    """

    sig_cancel_clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.label = QLabel(title)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.setMinimumWidth(360)

    def set_progress(self, percent: float, message: str = "") -> None:
        """Show progress (0-100) and the current step."""
        if message:
            self.label.setText(message)
        self.bar.setValue(int(percent))

    def _on_cancel_clicked(self) -> None:
        self.label.setText("Cancelling…")
        self.cancel_button.setEnabled(False)
        self.sig_cancel_clicked.emit()

    def finish(self) -> None:
        """Close the dialog because the work ended."""
        self._finished = True
        self.accept()

    def reject(self) -> None:
        # Esc or the window's close button mean Cancel while the work runs.
        if getattr(self, "_finished", False):
            super().reject()
        elif self.cancel_button.isEnabled():
            self._on_cancel_clicked()


def run_with_progress(
    parent: QWidget | None,
    title: str,
    fn: TaskFunction,
    on_finished: Callable[[Any], None] | None = None,
    on_failed: Callable[[str], None] | None = None,
    on_canceled: Callable[[], None] | None = None,
    show_after_ms: int = 400,
) -> Task:
    """Run ``fn(feedback)`` off the GUI thread behind a modal :class:`ProgressDialog`.

    The dialog blocks the window at once (so nothing edits the project meanwhile) but only
    becomes visible after ``show_after_ms`` so quick saves do not flash. Its Cancel button
    calls ``feedback.cancel()``.

    Returns
    -------
    Task
        The running task (its dialog is ``task.dialog``).
    """
    task = Task(fn, parent)
    dialog = ProgressDialog(title, parent)
    dialog.setWindowOpacity(0.0)  # modal now, visible later (see docstring)
    task.dialog = dialog  # type: ignore[attr-defined]
    closed: list[bool] = []

    def on_progress(percent: float, message: str) -> None:
        if not closed:  # a queued progress signal may arrive after the dialog is gone
            dialog.set_progress(percent, message)

    def close_dialog(*_args: Any) -> None:
        if closed:
            return
        closed.append(True)
        dialog.sig_cancel_clicked.disconnect(task.cancel)
        dialog.finish()
        dialog.deleteLater()

    task.sig_progress.connect(on_progress)
    dialog.sig_cancel_clicked.connect(task.cancel)
    # The dialog closes before any callback runs, so an error box is not stacked on it.
    for signal, callback in (
        (task.sig_finished, on_finished),
        (task.sig_failed, on_failed),
        (task.sig_canceled, on_canceled),
    ):
        signal.connect(close_dialog)
        if callback is not None:
            signal.connect(callback)
    task.sig_done.connect(close_dialog)
    dialog.show()
    QTimer.singleShot(show_after_ms, dialog, lambda: dialog.setWindowOpacity(1.0))
    return task.start()

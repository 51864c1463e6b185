"""Python's cyclic garbage collection, run on the GUI thread only.

Automatic collection starts on whichever thread allocates when the thresholds are
reached. On a worker thread (the basemap cut, a border table, a save) it may free the last
reference to a Qt widget caught in a reference cycle — a window closed a moment ago — and
so destroy it off the GUI thread, while the GUI thread paints it: Qt crashes. So while a
Qt application runs, automatic collection is switched off and a timer on the GUI thread
collects instead, with the interpreter's own thresholds (the approach of pyqtgraph's
``util/garbage_collector.py`` and of calibre).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

#: How often the GUI thread checks whether a collection is due.
CHECK_MS = 500

_guard: GcOnGuiThread | None = None


class GcOnGuiThread(QObject):
    """Collects garbage from a timer on the GUI thread (automatic collection off).

    Parameters
    ----------
    app : QCoreApplication
        Owner of the guard; automatic collection comes back when it is destroyed.
    """

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(CHECK_MS)
        self.destroyed.connect(_restore if self.was_enabled else _forget)

    def check(self) -> None:
        """Collect the generations whose thresholds were passed, youngest first."""
        count0, count1, count2 = gc.get_count()
        if count0 > self.threshold[0]:
            gc.collect(0)
            if count1 > self.threshold[1]:
                gc.collect(1)
                if count2 > self.threshold[2]:
                    gc.collect(2)


def _forget() -> None:
    global _guard
    _guard = None


def _restore() -> None:
    _forget()
    gc.enable()


def collect_on_gui_thread_only() -> None:
    """Install the guard on the running application (once; call from the GUI thread)."""
    global _guard
    app = QCoreApplication.instance()
    if _guard is not None or app is None:
        return
    _guard = GcOnGuiThread(app)

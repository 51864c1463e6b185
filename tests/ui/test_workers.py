"""Background tasks: results on the GUI thread, clear errors, cancel changes nothing."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from ui_pause import PauseAt

from territory_designer.core.errors import ProjectFileError
from territory_designer.core.feedback import Feedback
from territory_designer.io.project_file import save_project
from territory_designer.ui.workers import ProgressDialog, Task, error_message, run_with_progress


def test_result_arrives_on_gui_thread_with_progress(qtbot):
    seen_threads = []

    def work(fb: Feedback) -> int:
        seen_threads.append(QThread.currentThread())
        fb.set_progress(50, "half way")
        return 42

    task = Task(work)
    progress = []
    task.sig_progress.connect(lambda p, m: progress.append((p, m)))
    results = []
    task.sig_finished.connect(lambda r: results.append((r, QThread.currentThread())))
    with qtbot.waitSignal(task.sig_done, timeout=15000):
        task.start()
    gui = QApplication.instance().thread()
    assert results == [(42, gui)]
    assert seen_threads and seen_threads[0] is not gui
    assert (50.0, "half way") in progress


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ProjectFileError("x.tdproj is damaged"), "x.tdproj is damaged"),
        (ValueError("boom"), "Unexpected error (ValueError): boom"),
    ],
)
def test_errors_become_one_clear_message(qtbot, exc, expected):
    def work(fb: Feedback) -> None:
        raise exc

    task = Task(work)
    messages = []
    task.sig_failed.connect(messages.append)
    with qtbot.waitSignal(task.sig_done, timeout=15000):
        task.start()
    assert messages == [expected]
    assert "Traceback" not in messages[0]
    assert error_message(exc) == expected


@pytest.mark.parametrize("step", ["Writing units", "Writing accounts", "Writing plans"])
def test_cancel_button_stops_a_save_and_leaves_everything_unchanged(
    qtbot, tmp_path, demo_project, monkeypatch, step
):
    parent = QWidget()
    qtbot.addWidget(parent)
    target = tmp_path / "plan.tdproj"
    demo_project.plan.assignment[0] = demo_project.plan.assignment[1]  # pretend an edit
    demo_project.revision += 1
    pause = PauseAt(monkeypatch, step)  # the user clicks Cancel while the real save runs

    def work(fb: Feedback):
        return save_project(demo_project, target, fb)

    outcome = []
    task = run_with_progress(
        parent,
        "Saving…",
        work,
        on_finished=lambda r: outcome.append("finished"),
        on_failed=lambda m: outcome.append(m),
        on_canceled=lambda: outcome.append("canceled"),
        show_after_ms=0,
    )
    dialog = task.dialog
    assert isinstance(dialog, ProgressDialog)
    cancel = dialog.findChild(QPushButton)
    qtbot.waitUntil(lambda: cancel.isVisible(), timeout=15000)
    pause.wait_reached()
    cancel.click()
    assert task.feedback.is_canceled()
    with qtbot.waitSignal(task.sig_done, timeout=30000):
        pause.resume()
    assert outcome == ["canceled"]
    assert sorted(p.name for p in tmp_path.iterdir() if "plan.tdproj" in p.name) == []
    assert demo_project.is_dirty
    assert demo_project.path is None


def test_closing_the_owner_of_a_running_task_does_not_kill_the_process(qtbot):
    """A QThread deleted while running aborts Python; tasks must survive their owner."""

    from PySide6.QtWidgets import QWidget

    from territory_designer.ui.workers import Task, running_threads, wait_for_all_tasks

    gate = threading.Event()
    owner = QWidget()
    task = Task(lambda feedback: gate.wait(5), owner).start()
    assert running_threads() == 1
    owner.deleteLater()
    qtbot.wait(50)  # the owner (and, before the fix, the thread) is deleted here
    gate.set()
    assert wait_for_all_tasks(5000)
    assert running_threads() == 0
    del task

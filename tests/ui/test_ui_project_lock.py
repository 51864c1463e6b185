"""Two windows on one project, and a project changed on disk behind a window's back.

Before the lock both windows saved "successfully" and the later save silently replaced
the earlier one's plan.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from territory_designer.app import create_main_window
from territory_designer.io.project_file import load_project, save_project
from territory_designer.io.project_lock import lock_path_for
from territory_designer.io.recovery import list_recoveries
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


@pytest.fixture
def project_file(tmp_path: Path, demo_project_file: Path) -> Path:
    path = tmp_path / "nc.tdproj"
    shutil.copy(demo_project_file, path)
    return path


@pytest.fixture
def open_window(qtbot):
    def make(path: Path | None, prompts: ScriptedPrompts | None = None) -> MainWindow:
        window = create_main_window(
            str(path) if path else None, prompts or ScriptedPrompts(), offer_recovery=False
        )
        qtbot.addWidget(window)
        return window

    return make


def paint(window: MainWindow) -> None:
    plan = window.session.project.plan
    codes = sorted(plan.territories)
    window.session.assign(plan.units_of(codes[1])[:3], codes[0])


def test_second_window_opens_read_only_and_saves_as(open_window, project_file, tmp_path):
    first = open_window(project_file)
    second = open_window(project_file)
    (asked,) = second.prompts.asked
    assert asked.startswith(f"locked:{project_file} is open for writing by ")
    assert f"Territory Designer window, process {os.getpid()}" in asked
    assert second.files.read_only and "(read-only)" in second.windowTitle()
    assert not first.files.read_only
    before = project_file.read_bytes()
    paint(second)
    second.prompts.save_path = str(tmp_path / "mine.tdproj")
    assert second.files.save(wait=True)
    assert second.prompts.asked[-1].startswith(f"conflict:{project_file} is open for writing")
    assert project_file.read_bytes() == before
    assert load_project(tmp_path / "mine.tdproj").plan.assignment.tolist() == (
        second.session.project.plan.assignment.tolist()
    )
    assert not second.files.read_only and second.files.lock.covers(tmp_path / "mine.tdproj")
    paint(first)
    assert first.files.save(wait=True)  # the writer was never disturbed
    assert project_file.read_bytes() != before


def test_cancel_leaves_the_locked_project_alone(open_window, project_file):
    first = open_window(project_file)
    prompts = ScriptedPrompts()
    prompts.open_locked_read_only = False
    second = open_window(project_file, prompts)
    assert second.session.project.path is None and second.windowTitle().startswith("Demo")
    assert first.files.lock is not None and lock_path_for(project_file).exists()


def test_file_open_of_a_project_another_window_holds(qtbot, open_window, project_file):
    open_window(project_file)
    other = open_window(None)
    task = other.files.open_path(project_file)
    with qtbot.waitSignal(task.sig_done, timeout=20000):
        pass
    assert other.session.project.path == project_file
    assert other.files.read_only and other.files.lock is None
    assert other.prompts.asked[0].startswith("locked:")


def test_read_only_window_saves_in_place_once_the_writer_closed(open_window, project_file):
    first = open_window(project_file)
    second = open_window(project_file)
    first.close()
    paint(second)
    assert second.files.save(wait=True)
    assert not any(a.startswith("conflict:") for a in second.prompts.asked)
    assert not second.files.read_only and lock_path_for(project_file).exists()


def test_change_on_disk_is_not_overwritten_and_the_work_is_kept(
    open_window, project_file, tmp_path, demo_project
):
    window = open_window(project_file)
    # Someone copies another version over the file (a tool that ignores the lock).
    elsewhere = tmp_path / "colleague.tdproj"
    demo_project.plans[demo_project.active_plan_name].territories[0].name = "Colleague"
    save_project(demo_project, elsewhere)
    shutil.copy(elsewhere, project_file)
    theirs = project_file.read_bytes()
    paint(window)
    window.prompts.save_path = None  # first the user cancels the Save As dialog
    assert not window.files.save(wait=True)
    assert window.prompts.asked[-1].startswith(f"conflict:{project_file} was changed on disk")
    assert project_file.read_bytes() == theirs
    assert window.session.project.is_dirty  # nothing lost
    window.prompts.save_path = str(tmp_path / "mine.tdproj")
    assert window.files.save(wait=True)
    assert project_file.read_bytes() == theirs
    assert window.session.project.path == tmp_path / "mine.tdproj"
    assert not window.session.project.is_dirty


def test_read_only_window_autosaves_beside_the_writers_copy(open_window, project_file):
    first, second = open_window(project_file), open_window(project_file)
    paint(first)
    paint(second)
    first.files.autosave_now()
    second.files.autosave_now()
    copies = list_recoveries()
    assert len(copies) == 2 and {c.original for c in copies} == {project_file}

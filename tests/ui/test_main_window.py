"""Driving the main window: open, paint, undo/redo, save, recent files, autosave, errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox, QPushButton
from ui_pause import PauseAt

import territory_designer.ui.file_controller as file_controller
from territory_designer.app import create_main_window
from territory_designer.core.feedback import Feedback
from territory_designer.io.project_file import load_project
from territory_designer.io.recovery import list_recoveries, write_recovery
from territory_designer.ui.app_settings import AppSettings, make_qsettings
from territory_designer.ui.dialogs.prompts import (
    Prompts,
    RecoveryChoice,
    SaveChoice,
    ScriptedPrompts,
)
from territory_designer.ui.main_window import MainWindow
from territory_designer.ui.qt_models.territory_model import Column


@pytest.fixture
def project_file(tmp_path, demo_project_file):
    path = tmp_path / "north-carolina.tdproj"
    shutil.copy(demo_project_file, path)
    return path


@pytest.fixture
def make_window(qtbot):
    def make(project, prompts=None, name="Untitled"):
        window = MainWindow(project, name, AppSettings(), prompts or ScriptedPrompts())
        qtbot.addWidget(window)
        window.show()
        return window

    return make


@pytest.fixture
def window(make_window, project_file):
    return make_window(load_project(project_file))


def donor_units(window, k=3):
    plan = window.session.project.plan
    codes = sorted(plan.territories)
    return codes[0], plan.units_of(codes[1])[:k]


def test_open_a_saved_project(qtbot, make_window, demo_project, project_file):
    window = make_window(demo_project, name="Demo")
    assert window.windowTitle().startswith("Demo")
    window.files.open_path(project_file)
    qtbot.waitUntil(lambda: window.session.project.path == project_file, timeout=10000)
    assert window.windowTitle().startswith("north-carolina.tdproj")
    assert not window.isWindowModified()
    assert window.territory_dock.model.rowCount() == 8
    assert str(project_file.resolve()) in window.settings.recent_files()


def test_paint_then_undo_redo_through_the_actions(window):
    code, units = donor_units(window)
    plan = window.session.project.plan
    before = plan.assignment.copy()
    assert window.session.assign(units, code)
    assert np.all(plan.assignment[units] == code)
    assert window.isWindowModified()
    undo, redo = window.actions_by_name["undo"], window.actions_by_name["redo"]
    assert undo.text() == "&Undo Assign 3 units to Charlotte Metro"
    undo.trigger()
    assert np.array_equal(window.session.project.plan.assignment, before)
    # Back to the file as saved: neither the window nor the project counts as modified.
    assert not window.isWindowModified() and not window.session.project.is_dirty
    redo.trigger()
    assert np.all(window.session.project.plan.assignment[units] == code)
    assert window.isWindowModified() and window.session.project.is_dirty
    undo.trigger()
    assert window.close()  # nothing to save: closes without asking
    assert window.prompts.asked == []
    assert "Ctrl+Shift+Z" in [s.toString() for s in redo.shortcuts()]


def test_undo_and_redo_around_a_save_track_the_saved_state(window):
    project = window.session.project
    undo, redo = window.actions_by_name["undo"], window.actions_by_name["redo"]
    code, units = donor_units(window, k=2)
    window.session.assign(units[:1], code)
    assert window.files.save(wait=True) and not project.is_dirty
    window.session.assign(units[1:], code)
    undo.trigger()  # back to what was saved
    assert not window.isWindowModified() and not project.is_dirty
    undo.trigger()  # before the save: modified
    assert window.isWindowModified() and project.is_dirty
    redo.trigger()
    assert not window.isWindowModified() and not project.is_dirty
    # An edit outside the undo history (the balance metric) keeps the project modified.
    redo.trigger()
    project.set_balance_field("revenue")
    undo.trigger()
    assert window.isWindowModified() and project.is_dirty


def test_save_writes_the_file_and_clears_the_modified_marker(window, project_file, tmp_path):
    code, units = donor_units(window)
    window.session.assign(units, code)
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    assert window.files.save(wait=True)
    assert not window.isWindowModified()
    assert np.all(load_project(project_file).plan.assignment[units] == code)
    # Save As to a new file goes into the recent list, which survives a restart
    other = tmp_path / "copy.tdproj"
    assert window.files.save_as(other, wait=True)
    assert window.windowTitle().startswith("copy.tdproj")
    reread = AppSettings(make_qsettings()).recent_files()
    assert reread[0] == str(other.resolve())
    window.rebuild_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert texts[0] == "&1 copy.tdproj"


def test_metric_chooser_changes_the_balance_column(window):
    combo = window.plan_toolbar.metric_combo
    combo.setCurrentIndex(combo.findData("visits_per_year"))
    project = window.session.project
    assert project.balance_field == "visits_per_year"
    model = window.territory_dock.model
    assert model.headerData(Column.METRIC, Qt.Orientation.Horizontal) == "Visits per year"
    code = sorted(project.plan.territories)[0]
    expected = project.territory_table().set_index("code").loc[code, "visits_per_year"]
    assert model.index(model.row_of(code), Column.METRIC).data() == f"{expected:,.0f}"


def test_plan_combo_switches_scenario_as_an_undo_step(window):
    project = window.session.project
    combo = window.plan_toolbar.plan_combo
    other = next(n for n in project.plans if n != project.active_plan_name)
    first = project.active_plan_name
    combo.setCurrentIndex(combo.findData(other))
    assert project.active_plan_name == other
    window.actions_by_name["undo"].trigger()
    assert project.active_plan_name == first
    assert combo.currentData() == first


def test_tool_actions_are_exclusive_and_follow_the_canvas(window):
    actions = window.tools_toolbar.tool_actions
    actions["lasso"].trigger()
    assert window.canvas.tool == "lasso"
    window.canvas.set_tool("eraser")
    assert actions["eraser"].isChecked() and not actions["lasso"].isChecked()
    assert actions["brush"].shortcut().toString() == "B"


def test_territory_menu_lock_and_new(window):
    session = window.session
    code = session.active_code
    window.actions_by_name["territory_lock"].trigger()
    assert session.project.plan.territories[code].locked
    assert window.actions_by_name["territory_lock"].text() == "Un&lock Territory"
    n = len(session.project.plan.territories)
    window.actions_by_name["territory_new"].trigger()
    assert len(session.project.plan.territories) == n + 1


def test_autosave_writes_and_save_discards_a_recovery_copy(qtbot, window):
    window.settings.autosave_minutes = 0.0005  # 30 ms of unsaved work
    window.files.autosave_timer.setInterval(20)
    assert list_recoveries() == []
    code, units = donor_units(window)
    window.session.assign(units, code)
    qtbot.waitUntil(lambda: len(list_recoveries()) == 1, timeout=15000)
    copy = load_project(list_recoveries()[0].project_file)
    assert np.all(copy.plan.assignment[units] == code)
    assert window.session.project.is_dirty  # a recovery copy is not a save
    assert window.files.save(wait=True)
    assert list_recoveries() == []


def test_cancelled_open_leaves_the_project_unchanged(qtbot, window, project_file, monkeypatch):
    gate = threading.Event()

    def slow_load(path, feedback: Feedback):
        gate.wait(5)
        feedback.check_canceled()
        return load_project(path, feedback)

    monkeypatch.setattr(file_controller, "load_project", slow_load)
    before = window.session.project
    task = window.files.open_path(project_file)
    task.dialog.findChild(QPushButton).click()
    with qtbot.waitSignal(task.sig_done, timeout=15000):
        gate.set()
    assert window.session.project is before
    assert not window.files.busy
    assert window.prompts.errors == []


@pytest.mark.parametrize(
    ("step", "patched"),
    [("Writing units", True), ("Writing plans", True), ("Writing accounts", False)],
)
def test_cancelled_save_leaves_the_file_untouched(
    qtbot, window, project_file, monkeypatch, step, patched
):
    """Cancel clicked while the real writer is at ``step`` (the file being copied or
    copied, for a save of plan edits; the units layer already in the temporary file,
    for a full write): the saved file stays as it was."""
    if not patched:
        window.session.project.file_image = None
    pause = PauseAt(monkeypatch, step)
    before = project_file.read_bytes()
    code, units = donor_units(window)
    window.session.assign(units, code)
    assert window.files.save()
    task = window.files.task
    pause.wait_reached()
    task.dialog.findChild(QPushButton).click()
    with qtbot.waitSignal(task.sig_done, timeout=30000):
        pause.resume()
    assert project_file.read_bytes() == before
    assert not list(project_file.parent.glob(f".{project_file.name}.saving-*"))  # no temp left
    assert window.isWindowModified() and window.session.project.is_dirty
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.prompts.errors == []


def test_cancelled_save_as_writes_no_file(qtbot, window, tmp_path, monkeypatch):
    pause = PauseAt(monkeypatch, "Writing plans")
    target = tmp_path / "never.tdproj"
    window.files.save_as(target)
    task = window.files.task
    pause.wait_reached()
    task.dialog.findChild(QPushButton).click()
    with qtbot.waitSignal(task.sig_done, timeout=30000):
        pause.resume()
    assert not target.exists()
    assert not list(tmp_path.glob(".never.tdproj.saving-*"))
    assert window.session.project.path != target


def test_bad_file_shows_one_clear_error(qtbot, make_window, demo_project, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[1:3]))
    window = make_window(demo_project, prompts=Prompts(), name="Demo")
    bad = tmp_path / "notes.tdproj"
    bad.write_text("just some text")
    before = window.session.project
    task = window.files.open_path(bad)
    with qtbot.waitSignal(task.sig_done, timeout=15000):
        pass
    assert len(shown) == 1
    title, message = shown[0]
    assert title == "Cannot open project"
    assert "notes.tdproj is not a Territory Designer project" in message
    assert "Traceback" not in message
    assert window.session.project is before


def test_close_asks_to_save_unsaved_changes(qtbot, window):
    code, units = donor_units(window)
    window.session.assign(units, code)
    window.prompts.save_choice = SaveChoice.CANCEL
    assert not window.close()
    assert window.isVisible()
    window.prompts.save_choice = SaveChoice.DISCARD
    assert window.close()
    assert window.prompts.asked == ["save:north-carolina.tdproj"] * 2
    assert AppSettings(make_qsettings()).qsettings.value("window/geometry") is not None


def test_new_project_from_units_file(qtbot, make_window, grid_project, demo_project, tmp_path):
    import geopandas as gpd

    units = grid_project.units
    path = tmp_path / "grid.gpkg"
    gpd.GeoDataFrame({"code": units.ids}, geometry=units.geometry, crs=units.crs).to_file(path)
    window = make_window(demo_project, prompts=ScriptedPrompts(units_file=str(path)))
    window.files.choose_fields = lambda p, fields, parent: ("code", None)
    task = window.files.new_from_units_file()
    with qtbot.waitSignal(task.sig_done, timeout=10000):
        pass
    assert len(window.session.project.units) == len(units)
    assert window.windowTitle().startswith("grid")
    assert window.territory_dock.model.rowCount() == 0


def _start_after_crash(qtbot, project_file, name, choice):
    """Leave a recovery copy with territory ``code`` renamed, then start the app on the file."""
    from territory_designer.core.operations import UpdateTerritory

    crashed = load_project(project_file)
    code = sorted(crashed.plan.territories)[0]
    crashed.apply(UpdateTerritory(code, name=name))
    write_recovery(crashed)
    prompts = ScriptedPrompts(recovery_choice=choice)
    window = create_main_window(str(project_file), prompts=prompts)
    qtbot.addWidget(window)
    return window, prompts, code


def test_startup_offers_recovery(qtbot, demo_project, project_file):
    window, prompts, code = _start_after_crash(
        qtbot, project_file, "Recovered name", RecoveryChoice.RECOVER
    )
    assert prompts.asked == ["recover:north-carolina.tdproj"]
    assert window.session.project.plan.territories[code].name == "Recovered name"
    assert window.session.project.is_dirty
    assert window.files.save(wait=True)
    assert list_recoveries() == []


def test_startup_discards_recovery_and_opens_the_file(qtbot, project_file):
    write_recovery(load_project(project_file))
    prompts = ScriptedPrompts(recovery_choice=RecoveryChoice.DISCARD)
    window = create_main_window(str(project_file), prompts=prompts)
    qtbot.addWidget(window)
    assert list_recoveries() == []
    assert window.session.project.path == project_file
    assert not window.isWindowModified()


def test_recovery_kept_for_later_survives_the_new_sessions_autosave_and_save(qtbot, project_file):
    window, _, code = _start_after_crash(qtbot, project_file, "Crashed work", RecoveryChoice.LATER)
    window.settings.autosave_minutes = 0.0005
    window.files.autosave_timer.setInterval(20)
    code2, units = donor_units(window)
    window.session.assign(units, code2)
    qtbot.waitUntil(lambda: len(list_recoveries()) == 2, timeout=15000)  # its own and the kept
    assert window.files.save(wait=True)
    (kept,) = list_recoveries()
    assert load_project(kept.project_file).plan.territories[code].name == "Crashed work"
    assert kept.original == project_file


def test_screenshot_renders_the_window(project_file, tmp_path):
    from territory_designer.ui.screenshot import render_main_window

    out = tmp_path / "window.png"
    render_main_window(str(project_file), str(out), size=(1000, 700))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    # Not a blank or grey frame: the map shows every territory in its own colour, and the
    # docks and toolbars around it carry text (many other colours from antialiasing).
    counts: dict[str, int] = {}
    for y in range(0, 700, 2):
        for x in range(0, 1000, 2):
            name = image.pixelColor(x, y).name()
            counts[name] = counts.get(name, 0) + 1
    for territory in load_project(project_file).plan.territories.values():
        assert counts.get(territory.color, 0) >= 100, (territory.name, territory.color)
    assert len(counts) > 200


def test_view_menu_layer_toggles_reach_the_canvas(window):
    action = window.actions_by_name["layer_accounts"]
    action.setChecked(False)
    assert not window.canvas.layer_visible("accounts")
    action.setChecked(True)
    assert window.canvas.layer_visible("accounts")


def test_merge_dialog_choice(qtbot, window):
    from territory_designer.ui.dialogs.merge_dialog import MergeDialog

    plan = window.session.project.plan
    codes = sorted(plan.territories)
    dialog = MergeDialog(plan.territories, [codes[2], codes[4]], window)
    qtbot.addWidget(dialog)
    assert dialog.choice() == (codes[2], [codes[4]])


def test_shrinking_the_window_keeps_room_for_the_map(qtbot, window):
    window.resize(1400, 900)
    qtbot.waitUntil(lambda: window.territory_dock.width() > 400, timeout=15000)
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.territory_dock.width() <= 450, timeout=15000)
    assert window.canvas.width() >= 400


def test_screenshot_command_waits_for_the_basemap_and_leaves_no_thread(project_file, tmp_path):
    """`main.py screenshot` ended with Qt's "QThread: Destroyed while thread is still
    running" abort when the basemap worker was still cutting (seen on the built app)."""
    done = subprocess.run(
        [
            sys.executable,
            "main.py",
            "screenshot",
            str(project_file),
            "--out",
            str(tmp_path / "w.png"),
        ],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "TD_CACHE_DIR": str(tmp_path / "c")},
    )
    assert done.returncode == 0, done.stderr
    assert "QThread" not in done.stderr
    assert (tmp_path / "c" / "basemap").is_dir()  # the basemap was cut for the picture

"""Issue 11, more rough edges: unlocated dots, "(unassign)", markers, result dialog,
locked builds, reopening the last project and the last folder, driven through the window."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from td_factories import build_grid_project

from territory_designer.app import create_main_window
from territory_designer.core.operations import UpdateTerritory
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


class RecordingPrompts(ScriptedPrompts):
    """Scripted answers that also record where each file dialog would start."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.started_in: list[str] = []

    def ask_save_path(self, parent: object, suggested: str = "") -> str | None:
        self.started_in.append(suggested)
        return self.save_path

    def ask_open_path(self, parent: object, folder: str = "") -> str | None:
        self.started_in.append(folder)
        return self.open_path


@pytest.fixture
def open_window(qtbot):
    def make(project, prompts=None, settings=None):
        window = MainWindow(
            project, "Untitled", settings or AppSettings(), prompts or ScriptedPrompts()
        )
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.balancer.show_after_ms = 0
        return window

    return make


def unit_pos(window: MainWindow, unit: int) -> QPoint:
    x, y = window.session.project.units.centroid[unit]
    return window.canvas.viewport_pos_from_project_xy(x, y)


def _customers(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Customer ID", "Customer Name", "Latitude", "Longitude", "Revenue"])
    ws.append(["C1", "Raleigh Supply", 35.78, -78.64, 1200])
    ws.append(["C2", "Boat Shop at Sea", 34.2, -75.9, 500])  # the Atlantic, off Cape Hatteras
    wb.save(path)
    return path


def test_accounts_outside_every_unit_are_not_drawn_as_located(
    qtbot, open_window, demo_project, tmp_path
):
    window = open_window(demo_project)
    wizard = window.imports.import_accounts(str(_customers(tmp_path / "customers.xlsx")))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)
    wizard.accept()
    table = window.session.project.accounts.table.set_index("account_id")
    assert (
        table.loc["C2", "unit"] == -1
        and np.isfinite(table.loc["C2", ["x", "y"]].astype(float)).all()
    )
    item = window.canvas.units.accounts_item
    assert item.located_count == 1  # only Raleigh Supply is a customer in a unit
    assert item.outside_count == 1  # the boat shop is a red ring, not a located dot


def test_unassign_chosen_in_the_territory_box_paints(qtbot, open_window):
    window = open_window(build_grid_project(4, 6, ["AAABBB"] * 4))
    combo = window.plan_toolbar.territory_combo
    combo.setCurrentIndex(combo.findText("(unassign)"))
    assert "unassigned" in window.tool_status.text()
    plan = window.session.project.plan
    for tool, unit in (("click", 0), ("brush", 5)):
        window.canvas.set_tool(tool)
        qtbot.mouseClick(
            window.canvas.viewport(), Qt.MouseButton.LeftButton, pos=unit_pos(window, unit)
        )
        assert plan.assignment[unit] == -1, tool
    window.actions_by_name["undo"].trigger()
    assert plan.assignment[5] == 1


def test_home_base_markers_shrink_when_zoomed_out(qtbot, open_window, demo_project):
    window = open_window(demo_project)
    canvas = window.canvas
    homes = canvas.territories._homes  # noqa: SLF001 - the markers drawn
    canvas.zoom_to_territory(sorted(window.session.project.plan.territories)[0])
    near = {round(item.scale(), 3) for item in homes.values()}
    canvas.zoom_to_all()
    for _ in range(6):  # the state as a speck in the window, eight territories in it
        canvas.zoom_out()
    far = {round(item.scale(), 3) for item in homes.values()}
    assert near == {1.0}
    assert max(far) < 0.6


def test_result_dialog_closes_when_undo_removes_its_plan(qtbot, open_window, demo_project):
    window = open_window(demo_project)
    dialog = window.balancer.open_dialog("build")
    dialog.k_spin.setValue(4)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: window.balancer.task is None, timeout=30000)
    result = window.balancer.result_dialog
    assert result is not None and result.isVisible()
    window.actions_by_name["undo"].trigger()
    assert not result.isVisible()


def test_build_with_locked_territories_keeps_them_and_the_reps(qtbot, open_window, demo_project):
    window = open_window(demo_project)
    project = window.session.project
    codes = sorted(project.plan.territories)
    for code in codes[:2]:
        assert window.session.execute(UpdateTerritory(code, locked=True))
    before = {t.name: t.owner for t in project.plan.territories.values()}
    dialog = window.balancer.open_dialog("build")
    dialog.k_spin.setValue(len(codes))
    assert dialog.keep_identities.isChecked()
    dialog.run_button.click()
    qtbot.waitUntil(lambda: window.balancer.task is None, timeout=30000)
    after = {t.name: t.owner for t in project.plan.territories.values()}
    assert after == before  # every territory keeps its name and rep, locked ones too
    notes = " ".join(window.balancer.result_dialog.report.notes)
    assert "Without a territory" not in notes


def test_app_reopens_the_last_project_and_dialogs_start_in_the_last_folder(
    qtbot, demo_project_file, tmp_path
):
    work = tmp_path / "clients" / "acme"
    work.mkdir(parents=True)
    path = work / "acme.tdproj"
    shutil.copy(demo_project_file, path)
    first = create_main_window(str(path), ScriptedPrompts(), offer_recovery=False)
    qtbot.addWidget(first)
    first.files.release_lock()
    # The next start with no file named opens that project, not the demo.
    prompts = RecordingPrompts()
    again = create_main_window(None, prompts, offer_recovery=False)
    qtbot.addWidget(again)
    assert again.session.project.path == path and again.windowTitle().startswith("acme.tdproj")
    # Save As and Export start in the folder last used, not the working folder or home.
    again.files.save_as()
    assert Path(prompts.started_in[-1]).parent == work
    exports = again.exports
    assert exports.suggested_path(next(iter(_exporters())), "Plan").parent == work
    other = tmp_path / "deliverables"
    other.mkdir()
    again.settings.set_last_folder(other)
    again.files.open_dialog()
    assert prompts.started_in[-1] == str(other.resolve())
    again.files.release_lock()


def _exporters():
    from territory_designer.reports.registry import exporters

    return exporters().values()


def test_first_start_or_a_vanished_last_project_opens_the_demo(qtbot, tmp_path, demo_project_file):
    gone = tmp_path / "gone.tdproj"
    shutil.copy(demo_project_file, gone)
    AppSettings().add_recent_file(gone)
    gone.unlink()
    window = create_main_window(None, ScriptedPrompts(), offer_recovery=False)
    qtbot.addWidget(window)
    assert window.windowTitle().startswith("Demo")


def test_reopening_in_a_smaller_window_leaves_the_map_room(qtbot, open_window):
    settings = AppSettings()
    big = open_window(build_grid_project(4, 6, ["AAABBB"] * 4), settings=settings)
    big.resize(1800, 1000)
    big.resizeDocks([big.territory_dock], [850], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: big.territory_dock.width() >= 600, timeout=15000)
    assert big.close()
    # Reopened on a smaller screen (the offscreen one is 800 px wide).
    small = MainWindow(build_grid_project(4, 6, ["AAABBB"] * 4), "U", settings, ScriptedPrompts())
    qtbot.addWidget(small)
    small.show()
    qtbot.waitExposed(small)
    assert small.width() < 1000
    qtbot.waitUntil(lambda: small.territory_dock.width() <= small.width() // 2, timeout=15000)
    assert small.canvas.width() >= small.width() // 3

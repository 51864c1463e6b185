"""Templates and workload in the window (issue 12): the Workload dock follows the plan and
stores workload as a metric; File › Industry Templates copies, edits, saves and applies
templates; File › New takes a template and then opens the import of the accounts file."""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import pytest
import shapely
from PySide6.QtWidgets import QDialogButtonBox

from territory_designer.core.templates import ApplyTemplate
from territory_designer.core.workload import WORKLOAD_FIELD, account_workload, territory_workload
from territory_designer.io.templates import load_template, user_templates_dir
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.new_project_dialog import NewProjectDialog
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.dialogs.templates_dialog import TemplatesDialog
from territory_designer.ui.main_window import MainWindow


def _column(dock, heading: str) -> list[str]:
    headers = [dock.table.horizontalHeaderItem(c).text() for c in range(dock.table.columnCount())]
    c = headers.index(heading)
    return [dock.table.item(r, c).text() for r in range(dock.table.rowCount())]


def test_workload_dock_shows_the_core_figures_and_follows_painting(qtbot, window):
    dock = window.workload_dock
    project = window.session.project
    expected = territory_workload(project, params=dock.parameters())
    assert dock.table.rowCount() == len(project.plan.territories)
    assert _column(dock, "Hours") == [f"{h:,.1f}" for h in expected["hours"]]
    assert "full-time reps" in dock.total.text()
    codes = sorted(project.plan.territories)
    units = project.plan.units_of(codes[1])[:5]
    before = dock.figures.set_index("code").loc[codes[0], "accounts"]
    window.session.assign(units, codes[0])
    qtbot.waitUntil(lambda: dock.figures.set_index("code").loc[codes[0], "accounts"] > before)
    dock.speed.setValue(30)  # slower driving: more travel hours
    qtbot.waitUntil(
        lambda: (
            dock.figures["travel_hours"].sum()
            == pytest.approx(2 * territory_workload(project)["travel_hours"].sum(), rel=1e-6)
        )
    )


def test_store_workload_as_metric_is_one_undo_step(qtbot, window):
    project = window.session.project
    dock = window.workload_dock
    assert WORKLOAD_FIELD not in project.weight_fields
    window.session.execute(ApplyTemplate(load_template("pharmaceutical")))
    qtbot.waitUntil(lambda: "Store as metric" in dock.hint.text())
    window.actions_by_name["store_workload"].trigger()
    assert WORKLOAD_FIELD in project.weight_fields
    assert project.balance_field == WORKLOAD_FIELD  # the template's criterion, now usable
    qtbot.waitUntil(lambda: dock.hint.text() == "")
    total = project.accounts.table[WORKLOAD_FIELD].sum()
    assert total == pytest.approx(account_workload(project, nearest_home=True)["hours"].sum())
    window.session.undo_stack.undo()
    assert WORKLOAD_FIELD not in project.weight_fields
    window.session.undo_stack.undo()
    assert "template" not in project.settings


def test_templates_dialog_copies_edits_saves_and_applies(qtbot, window):
    window.actions_by_name["templates"].trigger()
    dialog: TemplatesDialog = window.templates_dialog
    qtbot.addWidget(dialog)
    dialog.select("pharmaceutical")
    assert dialog.text.isReadOnly() and "visits_by_decile" in dialog.text.toPlainText()
    assert dialog.copy_current("our_pharma") == "our_pharma"
    assert (user_templates_dir() / "our_pharma.toml").exists()
    assert dialog.current_name() == "our_pharma" and not dialog.text.isReadOnly()
    good = dialog.text.toPlainText()
    dialog.text.setPlainText(good.replace("speed_kmh = 50", "speed_kmh = -50"))
    assert dialog.save_button.isEnabled()
    assert not dialog.save_current()
    assert "our_pharma.toml" in dialog.error.text() and "workload.speed_kmh" in dialog.error.text()
    line = int(dialog.error.text().split("line ")[1].split(",")[0])
    assert dialog.text.textCursor().blockNumber() + 1 == line
    assert "speed_kmh" in dialog.text.textCursor().block().text()
    assert load_template("our_pharma").workload.speed_kmh == 50  # nothing written
    dialog.text.setPlainText(good.replace("speed_kmh = 50", "speed_kmh = 40"))
    assert dialog.save_current()
    assert load_template("our_pharma").workload.speed_kmh == 40
    assert dialog.apply_current()
    project = window.session.project
    assert project.settings["template"] == "our_pharma"
    assert window.workload_dock.speed.value() == 40
    window.session.undo_stack.undo()
    assert "template" not in project.settings


def test_new_project_dialog_offers_templates_and_an_accounts_file(qtbot):
    dialog = NewProjectDialog("cells.gpkg", ["code"], ask_working_crs=True)
    qtbot.addWidget(dialog)
    titles = [dialog.template_combo.itemText(i) for i in range(dialog.template_combo.count())]
    assert titles[0] == "(none)" and "Pharmaceutical / healthcare" in titles
    assert dialog.template_name() is None
    dialog.template_combo.setCurrentIndex(titles.index("Energy / utilities"))
    dialog.accounts_edit.setText("/data/clients.xlsx")
    dialog.alignment_edit.setText("/data/today.xlsx")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert (dialog.template_name(), dialog.accounts_path(), dialog.alignment_path()) == (
        "energy", "/data/clients.xlsx", "/data/today.xlsx",
    )  # fmt: skip


def test_new_project_dialog_browse_buttons_fill_their_own_fields(qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QPushButton

    asked: list[str] = []

    def fake_open(parent, title, folder, file_filter):  # noqa: ANN001, ANN202
        asked.append(title)
        return f"/data/{title}.xlsx", file_filter

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    dialog = NewProjectDialog("cells.gpkg", ["code"], ask_working_crs=True)
    qtbot.addWidget(dialog)
    browse = [b for b in dialog.findChildren(QPushButton) if b.text() == "Browse…"]
    assert len(browse) == 2
    for button in browse:
        button.click()
    assert asked == ["Accounts file", "Existing alignment"]
    assert dialog.accounts_path() == "/data/Accounts file.xlsx"
    assert dialog.alignment_path() == "/data/Existing alignment.xlsx"


def test_new_project_with_a_template_then_imports_its_accounts(qtbot, demo_project, tmp_path):
    cells = [shapely.box(-80 + 0.1 * c, 35, -79.9 + 0.1 * c, 35.1) for c in range(3)]
    units = tmp_path / "cells.gpkg"
    gpd.GeoDataFrame({"code": ["a", "b", "c"]}, geometry=cells, crs="EPSG:4326").to_file(units)
    book = tmp_path / "hcps.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NPI", "Physician Name", "Rx Decile", "TRx", "Latitude", "Longitude"])
    for k in range(12):
        ws.append([f"{1000 + k}", f"Dr {k}", 1 + k % 10, 50 + k, 35.05, -79.99 + 0.02 * k])
    wb.save(book)
    window = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts(units_file=str(units)))
    qtbot.addWidget(window)
    window.show()
    alignment = tmp_path / "today.csv"
    alignment.write_text(
        "unit,territory,rep,district\na,T1,Ann,North\nb,T1,Ann,North\nc,T2,Bob,South\n"
    )
    window.files.choose_fields = lambda p, f, parent: (
        "code", None, None, None, "pharmaceutical", str(book), str(alignment),
    )  # fmt: skip
    task = window.files.new_from_units_file()
    with qtbot.waitSignal(task.sig_done, timeout=10000):
        pass
    project = window.session.project
    assert project.settings["template"] == "pharmaceutical"
    assert project.settings["constraints"]["max_distance_km"] == 250
    assert not project.is_dirty or project.path is None
    qtbot.waitUntil(lambda: window.imports.wizard is not None, timeout=15000)
    plan = project.plan  # today's alignment came in first, as the active plan
    assert sorted(t.owner for t in plan.territories.values()) == ["Ann", "Bob"]
    assert (plan.assignment >= 0).all()
    wizard = window.imports.wizard
    qtbot.addWidget(wizard)
    mapping = wizard.preview.mapping
    assert mapping["account_id"] == "NPI" and mapping["potential"] == "TRx"
    wizard.reject()

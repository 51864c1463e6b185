"""File ▸ Export: one dialog per format, real files written, clear errors, cancel."""

from __future__ import annotations

import re

import openpyxl
import pytest
from ui_pause import PauseAt

from territory_designer.reports.registry import exporters
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.export_dialog import ExportDialog
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_project):
    window = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    window.exports.show_after_ms = 0
    return window


def _open(window, name: str) -> ExportDialog:
    window.actions_by_name[f"export_{name}"].trigger()
    dialog = window.exports.dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    return dialog


def _export(qtbot, window, dialog: ExportDialog) -> None:
    dialog.export_button.click()
    assert not dialog.isVisible()
    assert window.exports.task is not None
    qtbot.waitUntil(lambda: window.exports.task is None, timeout=60000)


def test_file_menu_has_one_export_action_per_format(window):
    for name, ex in exporters().items():
        assert window.actions_by_name[f"export_{name}"].text() == f"{ex.label}…"


def test_excel_writes_only_the_chosen_sheets(qtbot, window, tmp_path):
    dialog = _open(window, "excel")
    dialog.plan_combo.setCurrentText("Baseline 2026")
    dialog.sheets["accounts"].setChecked(False)
    dialog.title_edit.setText("Q3 review")
    dialog.path_edit.setText(str(tmp_path / "review"))  # suffix added
    _export(qtbot, window, dialog)
    out = tmp_path / "review.xlsx"
    book = openpyxl.load_workbook(out)
    names = [n.lower() for n in book.sheetnames]
    assert not any("account" in n for n in names)
    assert any("summary" in n for n in names)
    assert window.prompts.errors == []
    assert str(out) in window.statusBar().currentMessage()


def test_html_map_has_no_network_reference(qtbot, window, tmp_path):
    dialog = _open(window, "html")
    dialog.path_edit.setText(str(tmp_path / "map.html"))
    _export(qtbot, window, dialog)
    text = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "Charlotte Metro" in text
    assert not re.search(r"https?://", text)


def test_pdf_on_letter_paper(qtbot, window, tmp_path):
    dialog = _open(window, "pdf")
    dialog.paper.setCurrentText("Letter")
    dialog.path_edit.setText(str(tmp_path / "report.pdf"))
    _export(qtbot, window, dialog)
    data = (tmp_path / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert re.search(rb"/MediaBox\s*\[\s*0 0 612 792\s*\]", data)


def test_gis_layers_and_browse_answer(qtbot, demo_project, tmp_path):
    target = tmp_path / "plan.gpkg"
    window = MainWindow(
        demo_project, "Demo", AppSettings(), ScriptedPrompts(export_path=str(target))
    )
    qtbot.addWidget(window)
    window.exports.show_after_ms = 0
    dialog = _open(window, "gpkg")
    dialog.browse_button.click()  # the (scripted) file dialog answers
    assert dialog.path_edit.text() == str(target)
    dialog.layers["units"].setChecked(False)
    _export(qtbot, window, dialog)
    import pyogrio

    # The accounts go with the territories unless unticked too.
    assert [name for name, _ in pyogrio.list_layers(target)] == ["territories", "accounts"]


def test_plan_choice_renames_the_suggested_file(window):
    dialog = _open(window, "assignments")
    assert dialog.path_edit.text().endswith("Working-draft.csv")
    dialog.plan_combo.setCurrentText("Baseline 2026")
    assert dialog.path_edit.text().endswith("Baseline-2026.csv")


def test_failed_export_shows_one_clear_error_and_writes_nothing(qtbot, window, tmp_path):
    dialog = _open(window, "excel")
    target = tmp_path / "no-such-folder" / "plan.xlsx"
    dialog.path_edit.setText(str(target))
    _export(qtbot, window, dialog)
    assert len(window.prompts.errors) == 1
    title, message = window.prompts.errors[0]
    assert title == "Export Excel workbook"
    assert "does not exist" in message and "Traceback" not in message
    assert not target.exists()


def test_incomplete_choices_keep_the_dialog_open(window):
    dialog = _open(window, "shp")
    for box in dialog.layers.values():
        box.setChecked(False)
    dialog.export_button.click()
    assert dialog.isVisible()
    assert "at least one layer" in dialog.error_label.text()
    assert window.exports.task is None


@pytest.mark.parametrize(
    ("kind", "name", "step"),
    [
        ("excel", "plan.xlsx", "Unit assignments"),
        ("excel", "plan.xlsx", "Saving workbook"),
        ("html", "map.html", "Writing page"),
        ("assignments", "crm.csv", "Writing assignments"),
    ],
)
def test_cancel_writes_nothing(qtbot, window, tmp_path, monkeypatch, kind, name, step):
    """Cancel clicked while the real exporter is at ``step``: no file, no error."""
    pause = PauseAt(monkeypatch, step)
    dialog = _open(window, kind)
    target = tmp_path / name
    dialog.path_edit.setText(str(target))
    dialog.export_button.click()
    task = window.exports.task
    pause.wait_reached()
    task.dialog.cancel_button.click()
    pause.resume()
    qtbot.waitUntil(lambda: window.exports.task is None, timeout=60000)
    assert sorted(p.name for p in tmp_path.iterdir() if name in p.name) == []
    assert window.prompts.errors == []
    assert "cancelled" in window.statusBar().currentMessage()

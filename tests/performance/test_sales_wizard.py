"""File › Import › Sales History through the window: file, columns, summary, one undo step;
the Performance dock then shows the imported lines."""

from __future__ import annotations

import datetime as dt

import openpyxl
from perf_factories import LINES, two_territory_project

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


def _window(qtbot, project, prompts):
    window = MainWindow(project, "Sales", AppSettings(), prompts)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def _sales_book(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Sales report 2024"])  # a title row above the header
    ws.append([])
    ws.append(["Customer", "Invoice Date", "Net Amount", "Product"])
    for a, d, v in LINES:
        ws.append([a, dt.datetime.fromisoformat(d), v, "Widgets"])
    wb.save(path)
    return path


def test_import_sales_history_through_the_window(qtbot, tmp_path):
    project = two_territory_project()
    project.transactions = None
    prompts = ScriptedPrompts()
    prompts.accounts_file = str(_sales_book(tmp_path / "sales.xlsx"))
    window = _window(qtbot, project, prompts)
    action = window.actions_by_name["import_sales"]
    assert action in window.menus["import"].actions()
    action.trigger()
    wizard = window.sales_wizard
    qtbot.waitUntil(wizard.isVisible)
    assert wizard.file_page.header_spin.value() == 3
    wizard.next()
    page = wizard.mapping_page
    # "Customer" and "Invoice Date" are guessed; the amount column is chosen by hand.
    assert page.combos["account_id"].currentText() == "Customer"
    assert page.combos["order_date"].currentText() == "Invoice Date"
    if page.combos["revenue"].currentText() != "Net Amount":
        assert not page.isComplete()
        page.combos["revenue"].setCurrentText("Net Amount")
    assert page.isComplete()
    wizard.next()
    text = wizard.summary_page.text.text()
    assert "8 order lines of 4 accounts, 2024-01 to 2025-01" in text
    assert "1 accounts are not in the project" in text
    wizard.accept()
    assert len(window.session.project.transactions) == 8
    window.actions_by_name["performance"].trigger()
    dock = window.performance_dock
    qtbot.waitUntil(lambda: dock.table.rowCount() == 2)
    window.session.undo_stack.undo()
    assert window.session.project.transactions is None
    qtbot.waitUntil(lambda: dock.table.rowCount() == 0, timeout=15000)
    assert "import-sales" in dock.message.text()


def test_a_file_without_amounts_cannot_be_imported(qtbot, tmp_path):
    path = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Customer", "Invoice Date"])
    wb.active.append(["a1", dt.datetime(2024, 1, 1)])
    wb.save(path)
    prompts = ScriptedPrompts()
    prompts.accounts_file = str(path)
    project = two_territory_project()
    window = _window(qtbot, project, prompts)
    window.actions_by_name["import_sales"].trigger()
    wizard = window.sales_wizard
    wizard.next()
    assert wizard.mapping_page.combos["revenue"].currentText() == "(not mapped)"
    assert not wizard.mapping_page.isComplete()
    wizard.reject()
    assert len(project.transactions) == len(LINES)  # unchanged

"""Both import wizards (accounts, sales history) share the file page and the column-mapping
page: header guesses, the first rows as mapped, and problems named by file, sheet, row and
column. Each still imports an openpyxl-written workbook (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from territory_designer.core.project import Project
from territory_designer.ui.dialogs.import_wizard import ImportWizard
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.dialogs.sales_import_wizard import SalesImportWizard
from territory_designer.ui.session import Session


@pytest.fixture
def session(qtbot, demo_project: Project) -> Session:  # noqa: ANN001
    return Session(demo_project)


def customers_book(path: Path) -> Path:
    """Four customers on sheet "Customers"; C3's revenue (row 4, column F) is "n/a"."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Customer ID", "Customer Name", "ZIP", "City", "State", "Revenue"])
    ws.append(["C1", "Raleigh Supply", 27601, "Raleigh", "NC", 1234.5])
    ws.append(["C2", "Durham Tools", 27701, "Durham", "NC", 10])
    ws.append(["C3", "Cary Paper", 27511, "Cary", "NC", "n/a"])
    ws.append(["C4", "Charlotte Tools", 28202, "Charlotte", "NC", 2000])
    wb.save(path)
    return path


def orders_book(path: Path, amounts: list[object]) -> Path:
    """Order lines on sheet "Orders" under a title row (header on row 3)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(["Orders 2024"])
    ws.append([])
    ws.append(["Customer", "Invoice Date", "Net Amount", "Product"])
    for k, amount in enumerate(amounts):
        ws.append([f"A{k % 3}", dt.datetime(2024, 1 + k, 15), amount, "Widgets"])
    wb.save(path)
    return path


def headers(model) -> list[str]:  # noqa: ANN001
    return [model.headerData(k, Qt.Orientation.Horizontal) for k in range(model.columnCount())]


def open_wizard(qtbot, wizard):  # noqa: ANN001
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_account_wizard_names_a_bad_cell_and_imports_the_workbook(qtbot, session, tmp_path):  # noqa: ANN001
    path = customers_book(tmp_path / "customers.xlsx")
    wizard = open_wizard(qtbot, ImportWizard(session, ScriptedPrompts(), path))
    wizard.next()
    page = wizard.mapping_page
    assert page.combos["account_id"].currentText() == "Customer ID"
    assert page.combos["revenue"].currentText() == "Revenue"
    assert "Account id ← Customer ID" in headers(page.mapped_model)
    assert page.mapped_model.headerData(0, Qt.Orientation.Vertical) == "2"  # file row
    problem = (
        "customers.xlsx, sheet 'Customers', row 4, column F ('Revenue'): 'n/a' is not a number"
    )
    assert problem in page.warning.text()
    assert page.isComplete()  # one bad cell is listed, not a reason to stop

    page.set_field("name", "Customer ID")
    assert not page.isComplete() and "mapped to both" in page.warning.text()
    page.set_field("name", "Customer Name")
    assert page.isComplete()

    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)
    issues = wizard.summary_page.issues_model
    rows = [
        [issues.cell(r, c) for c in range(issues.columnCount())] for r in range(issues.rowCount())
    ]
    assert ["customers.xlsx", "Customers", "4", "Revenue"] in [r[:4] for r in rows]
    wizard.button(QWizard.WizardButton.FinishButton).click()
    table = session.project.accounts.table.set_index("account_id")
    assert sorted(table.index.astype(str)) == ["C1", "C2", "C3", "C4"]
    assert table.loc["C1", "revenue"] == pytest.approx(1234.5)
    assert math.isnan(table.loc["C3", "revenue"])


def test_sales_wizard_uses_the_full_mapping_page_and_imports_the_workbook(qtbot, session, tmp_path):  # noqa: ANN001
    amounts: list[object] = [100, 200, "n/a", 400, 500, 600]
    path = orders_book(tmp_path / "orders.xlsx", amounts)
    wizard = open_wizard(qtbot, SalesImportWizard(session, ScriptedPrompts(), path))
    assert wizard.file_page.header_spin.value() == 3
    wizard.next()
    page = wizard.mapping_page
    assert page.combos["account_id"].currentText() == "Customer"
    assert page.combos["order_date"].currentText() == "Invoice Date"
    page.set_field("revenue", None)
    assert not page.isComplete() and "Map a column to Amount." in page.warning.text()
    page.set_field("revenue", "Net Amount")
    assert "Amount ← Net Amount" in headers(page.mapped_model)
    assert page.mapped_model.headerData(0, Qt.Orientation.Vertical) == "4"
    problem = "orders.xlsx, sheet 'Orders', row 6, column C ('Net Amount'): 'n/a' is not a number"
    assert problem in page.warning.text()
    assert page.isComplete()
    page.set_field("product_line", "Customer")
    assert not page.isComplete()
    assert "Column “Customer” is mapped to both Account id and Product." in page.warning.text()
    page.set_field("product_line", "Product")

    wizard.next()
    text = wizard.summary_page.text.text()
    assert "6 order lines of 3 accounts, 2024-01 to 2024-06" in text
    assert "sheet 'Orders', row 6, column 'Net Amount': 'n/a' is not a number" in text
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.applied
    lines = session.project.transactions
    assert len(lines) == 6
    assert session.undo_stack.count() == 1


def test_sales_wizard_refuses_an_amount_column_of_words_naming_the_cell(qtbot, session, tmp_path):  # noqa: ANN001
    path = orders_book(tmp_path / "orders.xlsx", [1, 2, 3])
    before = session.project.transactions
    wizard = open_wizard(qtbot, SalesImportWizard(session, ScriptedPrompts(), path))
    wizard.next()
    wizard.mapping_page.set_field("product_line", None)
    wizard.mapping_page.set_field("revenue", "Product")
    assert wizard.mapping_page.isComplete()
    assert "row 4, column D ('Product'): 'Widgets' is not a number (3 of the 3 rows shown)" in (
        wizard.mapping_page.warning.text()
    )
    wizard.next()
    error = wizard.summary_page.error
    assert error.isVisibleTo(wizard)
    assert "orders.xlsx, sheet 'Orders', row 4, column D ('Product'): 'Widgets'" in error.text()
    assert not wizard.summary_page.isComplete()
    wizard.reject()
    assert session.project.transactions is before and session.undo_stack.count() == 0

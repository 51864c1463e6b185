"""An industry template's report labels title the window's tables too (issue 12's gap):
the attribute table's Accounts and Units tabs and the Unlocated accounts dock, driven
through the real window; a query may name a column by its label."""

from __future__ import annotations

import openpyxl
from PySide6.QtCore import Qt

from territory_designer.core.templates import ApplyTemplate
from territory_designer.io.templates import load_template


def headings(model) -> list[str]:  # noqa: ANN001
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def test_template_labels_title_the_attribute_table_and_undo_restores_names(qtbot, window):
    window.actions_by_name["attribute_table"].trigger()
    dock = window.attribute_table_dock
    qtbot.waitUntil(dock.isVisible)
    accounts, units = dock.accounts_model, dock.units_model
    assert headings(accounts)[:2] == ["id", "name"] and "potential" in headings(accounts)

    session = window.session
    assert session.execute(ApplyTemplate(load_template("pharmaceutical")))
    shown = headings(accounts)
    assert shown[:2] == ["HCP id", "Provider"]
    for name, label in [
        ("segment", "Specialty"),
        ("potential", "TRx potential"),
        ("postal_code", "ZIP"),
    ]:
        assert shown[accounts.field_names().index(name)] == label
    assert "city" in shown  # a field the template does not name keeps its name
    # The units tab sums the accounts' potential per unit: titled the same way.
    assert headings(units)[units.field_names().index("potential")] == "TRx potential"
    col = accounts.field_names().index("potential")
    tip = accounts.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "potential" in tip and "TRx potential" in tip

    page = dock.accounts_page
    page.filter_edit.setText("Specialty = Hospital")
    page.apply_filter()
    table = session.project.accounts.table
    assert accounts.rowCount() == int((table["segment"] == "Hospital").sum()) > 0
    page.filter_edit.setText("segment = Hospital")  # the field's own name still works
    page.apply_filter()
    assert accounts.rowCount() == int((table["segment"] == "Hospital").sum())

    window.actions_by_name["territory_fill_by_attribute"].trigger()
    box = window.fill_dialog.field_box
    k = box.findData("potential")
    assert box.itemText(k) == "TRx potential"
    window.fill_dialog.reject()

    window.actions_by_name["undo"].trigger()
    assert headings(accounts)[:2] == ["id", "name"]
    assert "TRx potential" not in headings(units)


def test_template_labels_title_the_unlocated_accounts_dock(qtbot, window, tmp_path):
    session = window.session
    assert session.execute(ApplyTemplate(load_template("pharmaceutical")))
    book = tmp_path / "hcps.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["NPI", "Physician Name", "ZIP", "TRx"])
    wb.active.append(["1001", "Dr Raleigh", 27601, 50])
    wb.active.append(["1002", "Dr Holyoke", "01040", 60])  # outside North Carolina
    wb.save(book)
    wizard = window.imports.import_accounts(str(book))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)
    wizard.accept()
    dock = window.imports.unlocated_dock
    assert dock.count == 1
    assert headings(dock.model)[:2] == ["HCP id", "Provider"]
    assert dock.model.cell(0, 0) == "1002"

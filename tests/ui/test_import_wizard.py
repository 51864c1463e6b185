"""The account-import wizard, the unlocated-accounts dock and File ▸ Import (pytest-qt)."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from territory_designer.core.operations import ReplaceAccounts
from territory_designer.core.project import Project
from territory_designer.ui.dialogs.import_wizard import ImportWizard
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.session import Session

SHOTS = os.environ.get("TD_WIZARD_SHOTS")  # folder: grab every page as PNG when set


def write_customers(path: Path) -> Path:
    """Title rows above the header, "$1,234.50" text, ZIP 01040 stored as 1040, a blank row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Acme Corp — customer list"])
    ws.append(["Exported 2026-01-05"])
    ws.append([])
    ws.append(["Customer ID", "Customer Name", "ZIP", "City", "State", "Revenue"])
    ws.append(["C1", "Raleigh Supply", 27601, "Raleigh", "NC", "$1,234.50"])
    ws.append(["C2", "Holyoke Paper", 1040, "Holyoke", "MA", "$10.00"])
    ws.append(["C3", "Nowhere Inc", None, None, None, "$5"])
    ws.append(["C4", "Charlotte Tools", 28202, "Charlotte", "NC", "$2,000"])
    wb.create_sheet("Notes").append(["nothing here"])
    wb.save(path)
    return path


def grab(wizard: ImportWizard, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        wizard.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def session(qtbot, demo_project: Project) -> Session:  # noqa: ANN001
    return Session(demo_project)


def open_wizard(qtbot, session: Session, path: Path | None, prompts=None) -> ImportWizard:  # noqa: ANN001
    wizard = ImportWizard(session, prompts or ScriptedPrompts(), path)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def run_to_summary(qtbot, wizard: ImportWizard) -> None:  # noqa: ANN001
    wizard.next()  # mapping
    wizard.next()  # run
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)


def account_ids(session: Session) -> list[str]:
    return sorted(session.project.accounts.table["account_id"].astype(str))


def test_xlsx_import_shows_unlocated_rows_and_undoes(qtbot, session: Session, tmp_path: Path):  # noqa: ANN001
    path = write_customers(tmp_path / "customers.xlsx")
    before = account_ids(session)
    prompts = ScriptedPrompts()
    wizard = open_wizard(qtbot, session, path, prompts)
    page = wizard.file_page
    assert page.header_spin.value() == 4  # title rows skipped
    assert page.model.rowCount() == 4
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Customer ID"
    assert page.model.cell(0, 5) == "$1,234.50"
    assert [page.sheet_combo.itemText(k) for k in range(page.sheet_combo.count())] == [
        "Customers",
        "Notes",
    ]
    grab(wizard, "1_file")
    wizard.next()
    m = wizard.mapping_page
    assert m.combos["account_id"].currentText() == "Customer ID"
    assert m.combos["postal_code"].currentText() == "ZIP"
    assert m.combos["revenue"].currentText() == "Revenue"
    assert m.combos["latitude"].currentText() == "(not mapped)"
    grab(wizard, "2_mapping")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)
    grab(wizard, "3_summary")
    s = wizard.summary_page
    text = s.summary.text()
    assert "4</b> accounts" in text and "Located 2" in text and "Unlocated 2" in text
    rows = {
        s.unlocated_model.cell(r, 3): [
            s.unlocated_model.cell(r, c) for c in range(s.unlocated_model.columnCount())
        ]
        for r in range(s.unlocated_model.rowCount())
    }
    assert set(rows) == {"C2", "C3"}
    assert rows["C2"][2] == "6" and "01040" in rows["C2"]  # row number; leading zero back
    assert rows["C3"][2] == "7" and "no coordinates" in " ".join(rows["C3"])
    assert account_ids(session) == before  # nothing applied before Finish

    prompts.xlsx_path = str(tmp_path / "unlocated.xlsx")
    s.export_button.click()
    ws = openpyxl.load_workbook(tmp_path / "unlocated.xlsx").active
    assert [c.value for c in ws[1]][:4] == ["file", "sheet", "row", "account_id"]
    assert ws.max_row == 3

    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.applied
    assert account_ids(session) == ["C1", "C2", "C3", "C4"]
    acc = session.project.accounts.table.set_index("account_id")
    assert acc.loc["C1", "revenue"] == pytest.approx(1234.5)
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert account_ids(session) == before
    session.undo_stack.redo()
    assert account_ids(session) == ["C1", "C2", "C3", "C4"]


def test_csv_import_with_changed_mapping(qtbot, session: Session, tmp_path: Path):  # noqa: ANN001
    path = tmp_path / "stores.csv"
    path.write_text(
        "\ufeffStore;Label;Postleitzahl;Umsatz\nS1;Cary;27513;1.234,50\nS2;Durham;27701;99\n"
        "S3;Apex;27502;n/a\n",
        encoding="utf-8",
    )
    wizard = open_wizard(qtbot, session, path)
    assert not wizard.file_page.sheet_combo.isEnabled()
    assert wizard.file_page.model.rowCount() == 3
    wizard.next()
    m = wizard.mapping_page
    m.set_field("account_id", "Store")
    m.set_field("name", "Label")
    m.set_field("postal_code", "Postleitzahl")
    m.set_field("revenue", "Umsatz")
    assert m.isComplete()
    m.set_field("city", "Label")  # the same column twice is refused with a message
    assert not m.isComplete() and "mapped to both" in m.warning.text()
    m.set_field("city", None)
    m.keep_check.setChecked(True)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)
    issues = wizard.summary_page.issues_model
    assert issues.rowCount() == 1
    assert [issues.cell(0, c) for c in range(4)] == ["stores.csv", "", "4", "Umsatz"]
    assert "n/a" in issues.cell(0, 4)
    assert "removed 0 · not in the file but kept 1,480" in wizard.summary_page.summary.text()
    wizard.accept()
    acc = session.project.accounts.table.set_index("account_id")
    assert acc.loc["S1", "revenue"] == pytest.approx(1234.5)
    assert (acc.loc[["S1", "S2", "S3"], "unit"] >= 0).all()
    assert len(acc) == 1480 + 3  # kept the accounts not in the file


def test_bad_file_shows_clear_error_and_changes_nothing(qtbot, session: Session, tmp_path):  # noqa: ANN001
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    rev = session.project.revision
    wizard = open_wizard(qtbot, session, path)
    page = wizard.file_page
    assert page.error.isVisibleTo(wizard)
    assert "broken.xlsx" in page.error.text() and "Traceback" not in page.error.text()
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    grab(wizard, "4_bad_file")
    wizard.reject()
    assert session.project.revision == rev and session.undo_stack.count() == 0


def test_failing_import_shows_message_on_run_page(qtbot, session: Session, tmp_path: Path):  # noqa: ANN001
    path = tmp_path / "words.csv"
    path.write_text("id,name,zip,revenue\nA,x,27601,lots\nB,y,27513,some\n", encoding="utf-8")
    before = account_ids(session)
    wizard = open_wizard(qtbot, session, path)
    wizard.next()
    wizard.next()
    run = wizard.run_page
    qtbot.waitUntil(lambda: run.error.isVisibleTo(wizard), timeout=30000)
    assert "'lots' is not a number" in run.error.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    grab(wizard, "5_failed")
    wizard.back()
    assert wizard.currentPage() is wizard.mapping_page
    wizard.reject()
    assert account_ids(session) == before


def test_cancel_changes_nothing(qtbot, session: Session, tmp_path: Path):  # noqa: ANN001
    path = write_customers(tmp_path / "customers.xlsx")
    before, rev = account_ids(session), session.project.revision
    wizard = open_wizard(qtbot, session, path)
    run_to_summary(qtbot, wizard)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert not wizard.applied
    assert account_ids(session) == before
    assert session.project.revision == rev and session.undo_stack.count() == 0


def test_cancel_while_running_changes_nothing(qtbot, session: Session, tmp_path: Path):  # noqa: ANN001
    path = write_customers(tmp_path / "customers.xlsx")
    rev = session.project.revision
    wizard = open_wizard(qtbot, session, path)
    wizard.next()
    wizard.next()
    grab(wizard, "3a_running")
    wizard.reject()  # at once, while the worker may still run
    assert wizard.run_page.task is None
    assert session.project.revision == rev


def test_replace_accounts_operation_round_trip(demo_project: Project):
    from territory_designer.core.accounts import AccountTable

    old = demo_project.accounts
    op = ReplaceAccounts(AccountTable(old.table.head(3).copy()))
    demo_project.apply(op)
    assert len(demo_project.accounts) == 3
    op.undo(demo_project)
    assert demo_project.accounts is old


def test_main_window_import_refreshes_canvas_dock_and_unlocated(qtbot, demo_project, tmp_path):  # noqa: ANN001
    from territory_designer.ui.main_window import MainWindow

    path = write_customers(tmp_path / "customers.xlsx")
    prompts = ScriptedPrompts()
    prompts.accounts_file = str(path)
    window = MainWindow(demo_project, "Demo", prompts=prompts)
    qtbot.addWidget(window)
    window.show()
    window.actions_by_name["import_accounts"].trigger()
    wizard = window.imports.wizard
    assert wizard is not None and wizard.isVisible()
    run_to_summary(qtbot, wizard)
    wizard.accept()
    item = window.canvas.units.accounts_item
    # Every account with coordinates is drawn; Holyoke (MA), outside every unit, as a ring.
    assert item is not None and (item.located_count, item.outside_count) == (2, 1)
    model = window.territory_dock.model
    total = sum(int(model.data(model.index(r, 5)) or 0) for r in range(model.rowCount()))
    assert total == 2
    dock = window.imports.unlocated_dock
    assert dock.isVisible() and dock.count == 2
    assert window.isWindowModified()
    window.session.undo_stack.undo()
    assert dock.count == 0 and window.canvas.units.accounts_item.located_count == 1480


def test_unlocated_dock_lists_and_exports(qtbot, demo_project, tmp_path):  # noqa: ANN001
    from territory_designer.ui.main_window import MainWindow

    prompts = ScriptedPrompts()
    window = MainWindow(demo_project, "Demo", prompts=prompts)
    qtbot.addWidget(window)
    window.show()
    path = write_customers(tmp_path / "customers.xlsx")
    wizard = window.imports.import_accounts(str(path))
    run_to_summary(qtbot, wizard)
    wizard.accept()
    dock = window.imports.unlocated_dock
    assert dock.count == 2
    cells = [[dock.model.cell(r, c) for c in range(dock.model.columnCount())] for r in range(2)]
    assert cells[0][:4] == [
        "C2",
        "Holyoke Paper",
        "the point lies outside every unit of the project",
        "6",
    ]
    assert cells[1][0] == "C3" and cells[1][3] == "7"
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "6_window_unlocated.png"))
    prompts.xlsx_path = str(tmp_path / "out.xlsx")
    dock.export_button.click()
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert sorted(r[3] for r in ws.iter_rows(min_row=2, values_only=True)) == ["C2", "C3"]


def _units_layer(path: Path, ids: list[str]) -> Path:
    import geopandas as gpd
    import shapely

    geoms = [
        shapely.box(106_000 + k * 1000, 200_000, 107_000 + k * 1000, 201_000)
        for k in range(len(ids))
    ]
    gpd.GeoDataFrame({"code": ids, "label": ids}, geometry=geoms, crs="EPSG:3857").to_file(path)
    return path


def test_units_layer_menu_adds_units_keeping_the_document(qtbot, grid_project, tmp_path):  # noqa: ANN001
    from territory_designer.ui.main_window import MainWindow

    grid_project.path = tmp_path / "grid.tdproj"
    prompts = ScriptedPrompts()
    prompts.units_layer = str(_units_layer(tmp_path / "extra.gpkg", ["N1", "N2"]))
    window = MainWindow(grid_project, prompts=prompts)
    qtbot.addWidget(window)
    window.imports.choose_fields = lambda _p, fields, _w: ("code", "label")
    window.actions_by_name["import_units"].trigger()
    qtbot.waitUntil(lambda: not window.files.busy, timeout=30000)
    project = window.session.project
    assert project is not grid_project and len(project.units) == 26
    assert project.path == tmp_path / "grid.tdproj" and project.is_dirty
    assert window.isWindowModified() and "grid.tdproj" in window.windowTitle()
    assert prompts.errors == []


def test_units_layer_error_is_one_message_and_changes_nothing(qtbot, grid_project, tmp_path):  # noqa: ANN001
    from territory_designer.ui.main_window import MainWindow

    prompts = ScriptedPrompts()
    prompts.units_layer = str(_units_layer(tmp_path / "bad.gpkg", ["N2", "N2"]))
    window = MainWindow(grid_project, prompts=prompts)
    qtbot.addWidget(window)
    window.imports.choose_fields = lambda _p, fields, _w: ("code", None)
    window.imports.import_units_layer()
    qtbot.waitUntil(lambda: not window.files.busy, timeout=30000)
    assert window.session.project is grid_project and len(grid_project.units) == 24
    assert len(prompts.errors) == 1 and "duplicate unit ids: N2" in prompts.errors[0][1]


def test_header_row_and_sheet_can_be_changed(qtbot, session: Session, tmp_path: Path):  # noqa: ANN001
    path = write_customers(tmp_path / "customers.xlsx")
    wizard = open_wizard(qtbot, session, path)
    page = wizard.file_page
    page.header_spin.setValue(1)  # the title row as header: its text becomes a column name
    assert wizard.preview.header_row == 1
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Acme Corp — customer list"
    page.header_spin.setValue(4)
    assert page.model.headerData(1, Qt.Orientation.Horizontal) == "Customer Name"
    page.header_spin.setValue(25)  # past the end: a clear message, and the spin still works
    assert page.error.isVisibleTo(wizard) and "row 25" in page.error.text()
    assert not page.isComplete() and page.header_spin.isEnabled()
    page.header_spin.setValue(4)
    assert page.isComplete() and not page.error.isVisibleTo(wizard)
    page.sheet_combo.setCurrentText("Notes")
    assert wizard.preview.sheet == "Notes"
    assert page.sheet_combo.currentText() == "Notes"
    page.sheet_combo.setCurrentText("Customers")
    assert page.header_spin.value() == 4 and page.model.rowCount() == 4


def test_order_level_sheet_is_aggregated(qtbot, session: Session, tmp_path: Path):  # noqa: ANN001
    path = tmp_path / "orders.csv"
    path.write_text(
        "Order,Customer,Zip,Amount,Order date\n"
        "1,Acme,27601,100,2025-01-02\n2,Acme,27601,50,2025-03-04\n3,Bolt,28202,70,2025-02-01\n",
        encoding="utf-8",
    )
    wizard = open_wizard(qtbot, session, path)
    wizard.next()
    m = wizard.mapping_page
    m.aggregate_check.setChecked(True)
    m.aggregate_combo.setCurrentText("Customer")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)
    text = wizard.summary_page.summary.text()
    assert "3 rows read" in text and "<b>2</b> accounts" in text and "3 order rows" in text
    wizard.accept()
    acc = session.project.accounts.table.set_index("account_id")
    assert acc.loc["Acme", "revenue"] == pytest.approx(150)
    assert len(session.project.transactions) == 3
    session.undo_stack.undo()
    assert session.project.transactions is None


def test_preview_of_a_large_workbook_is_quick(qtbot, session: Session, tmp_path: Path):  # noqa: ANN001
    import time

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Big")
    ws.append(["Report"])
    ws.append(["id", "name", "zip", "revenue"])
    for k in range(20_000):
        ws.append([f"A{k}", f"Name {k}", 27601 + k % 50, k * 1.5])
    wb.save(tmp_path / "big.xlsx")
    wizard = open_wizard(qtbot, session, None)
    t0 = time.perf_counter()
    assert wizard.file_page.load(tmp_path / "big.xlsx")
    assert time.perf_counter() - t0 < 1.0
    assert wizard.file_page.model.rowCount() == 20 and wizard.preview.header_row == 2


def test_unlocated_account_placed_in_a_unit_counts_there_and_undoes(qtbot, demo_project, tmp_path):  # noqa: ANN001
    from territory_designer.ui.main_window import MainWindow

    prompts = ScriptedPrompts()
    window = MainWindow(demo_project, "Demo", prompts=prompts)
    qtbot.addWidget(window)
    window.show()
    wizard = window.imports.import_accounts(str(write_customers(tmp_path / "customers.xlsx")))
    run_to_summary(qtbot, wizard)
    wizard.accept()
    dock = window.imports.unlocated_dock
    project = window.session.project
    wake = project.units.index_of("37183")  # Wake County
    territory = int(project.plan.assignment[wake])
    before = project.territory_table().set_index("code").loc[territory, "accounts"]
    dock.view.selectRow(1)  # C3, which had no location at all
    prompts.unit_choice = f"Wake ({project.units.ids[wake]})"
    dock.place_button.click()
    assert dock.count == 1
    table = project.accounts.table.set_index("account_id")
    assert table.loc["C3", "unit"] == wake and table.loc["C3", "located_by"] == "manual"
    after = project.territory_table().set_index("code").loc[territory, "accounts"]
    assert after == before + 1
    window.session.undo_stack.undo()
    assert dock.count == 2
    assert project.accounts.table.set_index("account_id").loc["C3", "unit"] == -1

"""The territory dock both ways: core changes show in the table, table edits reach the core."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionViewItem

from territory_designer.core.plan import UNASSIGNED
from territory_designer.ui.docks.delegates import AMBER, GREEN, RED, deviation_color
from territory_designer.ui.docks.territory_dock import TerritoryDock
from territory_designer.ui.qt_models.territory_model import DEVIATION_ROLE, Column
from territory_designer.ui.session import Session


@pytest.fixture
def dock(qtbot, demo_project):
    session = Session(demo_project)
    dock = TerritoryDock(session)
    qtbot.addWidget(dock)
    dock.resize(700, 400)
    dock.show()
    return dock


def cell(dock: TerritoryDock, code: int, col: Column, role=Qt.ItemDataRole.DisplayRole):
    model = dock.model
    return model.index(model.row_of(code), col).data(role)


def test_rows_show_the_core_figures(dock):
    project = dock.session.project
    table = project.territory_table().set_index("code")
    assert dock.model.rowCount() == len(project.plan.territories) == 8
    for code, row in table.iterrows():
        assert cell(dock, code, Column.NAME) == row["name"]
        assert cell(dock, code, Column.OWNER) == row["owner"]
        assert cell(dock, code, Column.UNITS) == f"{row['units']:,}"
        assert cell(dock, code, Column.METRIC) == f"{row['revenue']:,.0f}"
        assert cell(dock, code, Column.DEVIATION, DEVIATION_ROLE) == pytest.approx(
            row["deviation_pct"]
        )
        assert cell(dock, code, Column.COLOR, Qt.ItemDataRole.DecorationRole) == QColor(
            row["color"]
        )
    header = dock.model.headerData(Column.METRIC, Qt.Orientation.Horizontal)
    assert header == "Revenue"


def test_painting_updates_only_touched_rows_live(qtbot, dock):
    session = dock.session
    plan = session.project.plan
    target = sorted(plan.territories)[0]
    donor = sorted(plan.territories)[1]
    units = plan.units_of(donor)[:2]
    before = cell(dock, target, Column.UNITS)
    changed_rows = set()
    dock.model.dataChanged.connect(
        lambda tl, br, roles=(): (
            changed_rows.update(range(tl.row(), br.row() + 1))
            if tl.column() <= Column.METRIC
            else None
        )
    )
    session.begin_stroke(target)
    session.extend_stroke(units)  # mid-stroke: the table must already show it
    assert cell(dock, target, Column.UNITS) == str(int(before) + 2)
    session.end_stroke()
    rows = {dock.model.row_of(target), dock.model.row_of(donor)}
    assert changed_rows == set(range(min(rows), max(rows) + 1))
    assert session.undo_stack.count() == 1


def test_editing_a_name_in_place_is_one_undo_step(qtbot, dock):
    session = dock.session
    code = sorted(session.project.plan.territories)[2]
    dock.edit_name(code)
    editor = dock.view.findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, "Piedmont Triad")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop
    qtbot.waitUntil(lambda: session.project.plan.territories[code].name == "Piedmont Triad")
    assert session.undo_stack.count() == 1
    assert "Piedmont Triad" in session.undo_stack.undoText()
    session.undo_stack.undo()
    assert session.project.plan.territories[code].name == "Triad"
    assert cell(dock, code, Column.NAME) == "Triad"


def test_core_change_updates_the_row(dock):
    from territory_designer.core.operations import UpdateTerritory

    code = sorted(dock.session.project.plan.territories)[0]
    dock.session.execute(UpdateTerritory(code, owner="Pat Doe", color="#123456"))
    assert cell(dock, code, Column.OWNER) == "Pat Doe"
    assert cell(dock, code, Column.COLOR, Qt.ItemDataRole.DecorationRole) == QColor("#123456")


def test_locked_checkbox_locks_the_territory(qtbot, dock):
    session = dock.session
    code = sorted(session.project.plan.territories)[1]
    index = dock.model.index(dock.model.row_of(code), Column.LOCKED)
    opt = QStyleOptionViewItem()
    dock.view.initViewItemOption(opt) if hasattr(dock.view, "initViewItemOption") else None
    opt.rect = dock.view.visualRect(index)
    opt.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    check = dock.view.style().subElementRect(
        QStyle.SubElement.SE_ItemViewItemCheckIndicator, opt, dock.view
    )
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=check.center())
    assert session.project.plan.territories[code].locked
    assert cell(dock, code, Column.LOCKED, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    # a locked territory refuses units; the status line says why
    messages = []
    session.sig_status.connect(messages.append)
    other = session.project.plan.units_of(sorted(session.project.plan.territories)[0])[:1]
    assert not session.assign(other, code)
    assert messages and "locked" in messages[-1].lower()


def test_selecting_a_row_sets_the_active_territory_and_back(qtbot, dock):
    session = dock.session
    codes = sorted(session.project.plan.territories)
    dock.view.selectRow(dock.model.row_of(codes[3]))
    assert session.active_code == codes[3]
    session.set_active_territory(codes[5])
    assert dock.view.currentIndex().row() == dock.model.row_of(codes[5])
    font = cell(dock, codes[5], Column.NAME, Qt.ItemDataRole.FontRole)
    assert font is not None and font.bold()


def test_add_delete_merge_buttons(qtbot, dock):
    session = dock.session
    plan = session.project.plan
    n = len(plan.territories)
    qtbot.mouseClick(dock.add_button, Qt.MouseButton.LeftButton)
    assert dock.model.rowCount() == n + 1
    new_code = session.active_code
    assert new_code in plan.territories and plan.units_of(new_code).size == 0

    codes = sorted(plan.territories)
    keep, absorb = codes[0], codes[1]
    moved = plan.units_of(absorb)
    dock.view.selectRow(dock.model.row_of(keep))
    dock.view.selectionModel().select(
        dock.model.index(dock.model.row_of(absorb), 0),
        dock.view.selectionModel().SelectionFlag.Select
        | dock.view.selectionModel().SelectionFlag.Rows,
    )
    qtbot.mouseClick(dock.merge_button, Qt.MouseButton.LeftButton)
    assert absorb not in plan.territories
    assert np.all(plan.assignment[moved] == keep)
    assert dock.model.rowCount() == n

    victim = codes[2]
    units = plan.units_of(victim)
    dock.view.selectRow(dock.model.row_of(victim))
    qtbot.mouseClick(dock.delete_button, Qt.MouseButton.LeftButton)
    assert victim not in plan.territories
    assert np.all(plan.assignment[units] == UNASSIGNED)
    assert "unassigned" in dock.summary_label.text()
    session.undo_stack.undo()
    assert victim in session.project.plan.territories
    assert dock.model.rowCount() == n


def test_double_click_on_swatch_changes_colour(qtbot, dock):
    session = dock.session
    code = sorted(session.project.plan.territories)[0]
    dock.choose_color = lambda initial, parent: QColor("#0a0b0c")
    rect = dock.view.visualRect(dock.model.index(dock.model.row_of(code), Column.COLOR))
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert session.project.plan.territories[code].color == "#0a0b0c"


def test_metric_change_updates_balance_column(dock):
    project = dock.session.project
    project.set_balance_field("visits_per_year")
    assert dock.model.headerData(Column.METRIC, Qt.Orientation.Horizontal) == "Visits per year"
    table = project.territory_table().set_index("code")
    for code, row in table.iterrows():
        assert cell(dock, code, Column.METRIC) == f"{row['visits_per_year']:,.0f}"
        assert cell(dock, code, Column.DEVIATION, DEVIATION_ROLE) == pytest.approx(
            row["deviation_pct"]
        )


def test_deviation_colours_and_bar_painting(dock):
    assert deviation_color(4.9) == GREEN
    assert deviation_color(-7) == AMBER
    assert deviation_color(12) == RED
    image = dock.grab().toImage()  # paints every delegate
    assert not image.isNull()

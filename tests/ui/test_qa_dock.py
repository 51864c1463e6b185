"""QA findings on the territory dock and the plan toolbar: what a planner sees."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF

from territory_designer.core.operations import UpdateTerritory
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.docks.delegates import deviation_layout
from territory_designer.ui.main_window import MainWindow
from territory_designer.ui.qt_models.territory_model import Column


def test_deviation_text_of_the_bold_active_row_fits_its_cell(qtbot):
    bold = QFont()
    bold.setBold(True)
    metrics = QFontMetricsF(bold)
    text_rect, bar_rect = deviation_layout(QRectF(0, 0, 110, 20), metrics)
    for text in ("+126.5%", "-100.0%", "+20.7%"):
        assert metrics.horizontalAdvance(text) <= text_rect.width() - 2
    assert bar_rect.left() >= text_rect.right()
    assert bar_rect.width() > 30


def test_locked_territory_is_named_in_words_in_the_territory_chooser(qtbot, demo_project):
    window = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    code = sorted(demo_project.plan.territories)[0]
    window.session.execute(UpdateTerritory(code, locked=True))
    combo = window.plan_toolbar.territory_combo
    label = combo.itemText(combo.findData(code))
    assert label == f"{demo_project.plan.territories[code].name} (locked)"


def test_many_territories_need_no_sideways_scrolling_in_the_dock(qtbot, make_grid_project):
    rows = ["".join(chr(ord("A") + (r * 10 + c) % 26) for c in range(10)) for r in range(6)]
    window = MainWindow(make_grid_project(6, 10, rows), "Grid", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.resize(1400, 600)
    window.show()
    qtbot.waitExposed(window)
    window._default_dock_width()  # noqa: SLF001 - the layout a first start gets
    view = window.territory_dock.view
    assert window.territory_dock.model.rowCount() == 26
    qtbot.waitUntil(lambda: view.verticalScrollBar().isVisible())
    qtbot.waitUntil(lambda: not view.horizontalScrollBar().isVisible(), timeout=15000)
    assert view.columnWidth(Column.DEVIATION) >= 100

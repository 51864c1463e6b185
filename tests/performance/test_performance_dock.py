"""The Performance dock driven through the real window (qtbot, offscreen)."""

from __future__ import annotations

import pytest
from perf_factories import two_territory_project

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


def _window(qtbot, project):
    window = MainWindow(project, "Sales", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


@pytest.fixture
def dock(qtbot):
    window = _window(qtbot, two_territory_project())
    action = window.actions_by_name["performance"]
    assert action in window.menus["view"].actions()
    action.trigger()
    dock = window.performance_dock
    qtbot.waitUntil(dock.isVisible)
    settle(qtbot, dock)
    return dock


def settle(qtbot, dock):
    """Wait until the figures computed on the worker thread are shown."""
    qtbot.waitUntil(lambda: not dock.updating, timeout=15000)


def cells(dock, row):
    t = dock.table
    return [t.item(row, c).text() for c in range(t.columnCount())]


def test_the_dock_shows_each_territory_with_its_trend(qtbot, dock):
    assert dock.table.rowCount() == 2
    first = cells(dock, 0)
    assert first[:2] == ["T01", "Territory A"]
    # Month view: the last month is January 2025 (120 sold by a1, 20% below Jan 2024).
    assert first[3] == "120" and first[5] == "-20.0%"
    assert len(first[2]) == 12 and set(first[2]) <= set("▁▂▃▄▅▆▇█ ")
    assert "2024-01 to 2025-01" in dock.message.text()
    # One small multiple per territory.
    assert len([ax for ax in dock.figure.axes if ax.get_visible()]) == 2


def test_choosing_quarters_and_a_figure_redraws(qtbot, dock):
    dock.period_box.setCurrentText("quarter")
    qtbot.waitUntil(lambda: "2024-Q1 to 2025-Q1" in dock.message.text())
    assert cells(dock, 0)[3] == "120"
    settle(qtbot, dock)
    dock.figure_box.setCurrentText("Retention %")
    line = dock.figure.axes[0].get_lines()[0]
    assert len(line.get_xdata()) == 5  # five quarters


def test_an_edit_of_the_plan_updates_the_figures(qtbot, dock):
    session = dock.session
    project = session.project
    trend = cells(dock, 1)[2]
    assert trend != "▁" * 12  # T02 sold in February and March 2024
    # Paint unit 1 (b1) into T01: T01 now sells b1's lines too, T02 nothing.
    assert session.assign([1], project.plan.code_of("T01"))
    qtbot.waitUntil(lambda: cells(dock, 1)[2] == "▁" * 12, timeout=15000)
    assert dock.figure.axes[1].get_lines()[0].get_ydata().max() == 0
    session.undo_stack.undo()
    qtbot.waitUntil(lambda: cells(dock, 1)[2] == trend, timeout=15000)


def test_a_project_without_order_lines_says_what_to_do(qtbot):
    project = two_territory_project()
    project.transactions = None
    window = _window(qtbot, project)
    window.actions_by_name["performance"].trigger()
    dock = window.performance_dock
    qtbot.waitUntil(dock.isVisible)
    settle(qtbot, dock)
    assert "import-sales" in dock.message.text() and dock.table.rowCount() == 0


def test_levels_and_growth_against_share(qtbot, dock):
    dock.level_box.setCurrentText("Rep")
    qtbot.waitUntil(lambda: dock.table.horizontalHeaderItem(0).text() == "Rep")
    assert [dock.table.item(r, 0).text() for r in range(2)] == ["Rep A", "Rep B"]
    dock.period_box.setCurrentText("quarter")
    settle(qtbot, dock)
    dock.figure_box.setCurrentText("Growth vs share")
    (ax,) = dock.figure.axes
    assert "Share of revenue" in ax.get_xlabel()


def test_the_map_colours_by_a_figure_and_back(qtbot, dock):
    canvas = dock.map_colours.canvas
    box = dock.map_colours.box
    dock.period_box.setCurrentText("quarter")
    settle(qtbot, dock)
    box.setCurrentText("Sales per unit (last period)")
    classes = canvas.units.classes
    assert classes is not None and classes.field == "Sales per unit (last period)"
    # 2025-Q1: unit 0 sold 120, unit 1 nothing (no value colour).
    assert classes.bins[0] >= 0 and classes.bins[1] == -1
    assert "2025-Q1" in dock.map_colours.message.text()
    box.setCurrentText("White space per unit")
    assert "too few to fit a model" in dock.map_colours.message.text()  # two units
    box.setCurrentText("Territories")
    assert canvas.units.classes is None and not dock.map_colours.message.isVisible()


def test_plan_in_force_needs_dated_plans(qtbot, dock):
    from territory_designer.core.attribution import plan_start_edit

    dock.basis_box.setCurrentText("Plan in force")
    settle(qtbot, dock)
    assert "plan-start" in dock.message.text() and dock.table.rowCount() == 0
    dock.session.execute(plan_start_edit(dock.session.project, "Plan 1", "2024-01-01"))
    qtbot.waitUntil(lambda: dock.table.rowCount() == 2, timeout=15000)
    assert "'Plan 1' from 2024-01-01" in dock.message.text()


def test_satisfaction_scores_sit_beside_the_sales_figures(qtbot, dock):
    # perf_factories gives the accounts an "nps" field: a1 8, a2 6 (T01), b1 9 (T02).
    header = [dock.table.horizontalHeaderItem(c).text() for c in range(dock.table.columnCount())]
    assert header[-1] == "Mean nps"
    assert [cells(dock, r)[-1] for r in range(2)] == ["7.0", "9.0"]


def test_the_dock_groups_by_the_project_hierarchy(qtbot, dock):
    from territory_designer.core.hierarchy import NODES_KEY

    project = dock.session.project
    for t in project.plan.territories.values():
        t.parent = "D1"
    project.settings[NODES_KEY] = {"D1": {"level": "district", "name": "North", "parent": None}}
    dock.refresh()
    items = [dock.level_box.itemText(k) for k in range(dock.level_box.count())]
    assert items == ["Territory", "Rep", "District", "Region"]
    dock.level_box.setCurrentText("District")
    settle(qtbot, dock)
    assert [cells(dock, 0)[:2]] == [["D1", "North"]] and dock.table.rowCount() == 1


class _Gated:
    """Stands in for project_performance on the worker: each call waits for its gate."""

    def __init__(self, monkeypatch):
        import threading

        from territory_designer.ui.docks import performance_dock

        self.real = performance_dock.project_performance
        self.gates = [threading.Event() for _ in range(4)]
        self.results = []
        self.calls = 0
        monkeypatch.setattr(performance_dock, "project_performance", self)

    def __call__(self, *args, **kwargs):
        k = self.calls
        self.calls += 1
        self.gates[k].wait(10)
        result = self.real(*args, **kwargs)
        self.results.append(result)
        return result


def test_an_edit_does_not_block_the_window_and_a_stroke_computes_once(qtbot, dock, monkeypatch):
    import time

    gated = _Gated(monkeypatch)
    session, project = dock.session, dock.session.project
    t01, t02 = project.plan.code_of("T01"), project.plan.code_of("T02")
    start = time.perf_counter()
    for code in (t01, t02, t01, t02, t01):  # a paint stroke back and forth over unit 1
        assert session.assign([1], code)
    # A computation on the GUI thread would sit at the closed gate for 10 s; the bound
    # leaves room for a loaded machine's slow edits.
    assert time.perf_counter() - start < 5.0
    qtbot.waitUntil(lambda: gated.calls == 1, timeout=15000)
    # The worker is held: the window still runs its event loop and says it is updating.
    assert dock.updating and dock.message.text() == "Updating…"
    qtbot.wait(600)  # longer than the debounce: still one computation for the stroke
    assert gated.calls == 1 and dock.message.text() == "Updating…"
    gated.gates[0].set()
    settle(qtbot, dock)
    assert gated.calls == 1
    assert cells(dock, 1)[2] == "▁" * 12  # unit 1 (b1) ended in T01
    assert "2024-01 to 2025-01" in dock.message.text()


def test_a_result_computed_for_an_older_state_is_dropped(qtbot, dock, monkeypatch):
    gated = _Gated(monkeypatch)
    session, project = dock.session, dock.session.project
    before = dock.table_data
    dock.refresh()  # computation 1: unit 1 still in T02
    qtbot.waitUntil(lambda: gated.calls == 1, timeout=15000)
    assert session.assign([1], project.plan.code_of("T01"))
    dock.refresh()  # the project changed: computation 1 is now stale
    gated.gates[0].set()
    qtbot.waitUntil(lambda: gated.calls == 2, timeout=15000)  # 1 ended, 2 started
    qtbot.wait(50)
    assert len(gated.results) == 1
    assert dock.table_data is before and dock.message.text() == "Updating…"
    assert cells(dock, 1)[2] != "▁" * 12  # the stale figures were not shown
    gated.gates[1].set()
    settle(qtbot, dock)
    assert dock.table_data is gated.results[1]
    assert cells(dock, 1)[2] == "▁" * 12


def test_closing_the_window_while_the_figures_compute(qtbot, dock, monkeypatch):
    from territory_designer.ui.workers import running_threads, wait_for_all_tasks

    gated = _Gated(monkeypatch)
    dock.refresh()
    qtbot.waitUntil(lambda: gated.calls == 1, timeout=15000)
    window = dock.parent()
    window.session.undo_stack.clear()
    window.close()
    assert running_threads() == 1
    gated.gates[0].set()
    assert wait_for_all_tasks(10000)
    qtbot.wait(50)  # the finished signal arrives at a closed window: nothing happens
    assert running_threads() == 0


def test_the_chart_is_made_when_the_dock_is_first_shown_not_at_window_start(qtbot):
    window = _window(qtbot, two_territory_project())
    dock = window.performance_dock
    assert dock._figure is None  # matplotlib not needed to open the window
    window.actions_by_name["performance"].trigger()
    qtbot.waitUntil(dock.isVisible)
    settle(qtbot, dock)
    assert dock._figure is not None and dock.chart.isVisible()
    assert [ax for ax in dock.figure.axes if ax.get_visible()]

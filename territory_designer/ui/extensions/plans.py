"""Plans menu and dock: create, duplicate, rename, delete plans and set the baseline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from territory_designer.ui.docks.plans_dock import PlansDock

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the Plans dock (tabbed with the territories) and a Plans menu before Balance."""
    dock = PlansDock(window.session, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(window.territory_dock, dock)
    window.territory_dock.raise_()
    window.plans_dock = dock  # type: ignore[attr-defined]
    menu = QMenu("&Plans", window)
    window.menuBar().insertMenu(window.menus["balance"].menuAction(), menu)
    window.menus["plans"] = menu

    def on_active(slot: object) -> object:
        def run() -> object:
            dock.select_plan(window.session.project.active_plan_name)
            return slot()  # type: ignore[operator]

        return run

    window.add_action(menu, "plan_new", "&New Empty Plan", dock.new_plan)
    window.add_action(
        menu, "plan_duplicate", "&Duplicate Plan", on_active(dock.duplicate_plan), "Ctrl+Shift+D"
    )
    window.add_action(menu, "plan_rename", "&Rename Plan…", on_active(_rename(window, dock)))
    window.add_action(menu, "plan_delete", "De&lete Plan", on_active(dock.delete_plan))
    window.add_action(
        menu,
        "plan_baseline",
        "Set as &Baseline",
        on_active(dock.set_baseline),
        tip="The plan in force: other plans are compared with it",
    )
    window.add_action(
        menu,
        "plan_compare_excel",
        "&Compare with Baseline to Excel…",
        lambda: export_comparison(window),
        tip="Units and accounts moved, territories before and after, disruption",
    )
    menu.addSeparator()
    menu.addAction(dock.toggleViewAction())
    window.menus["view"].addAction(dock.toggleViewAction())


def _rename(window: MainWindow, dock: PlansDock) -> object:
    def run() -> None:
        dock.show()
        dock.raise_()
        dock.start_rename()

    return run


def export_comparison(window: MainWindow) -> str | None:
    """Write the comparison of the baseline (or the plan before) with the active plan."""
    from territory_designer.core.comparison import compare_plans
    from territory_designer.core.errors import TerritoryDesignerError
    from territory_designer.reports.comparison import comparison_plan
    from territory_designer.reports.comparison_export import write_comparison_xlsx

    project = window.session.project
    base = comparison_plan(project, project.plan)
    if base is None:
        window.prompts.show_error(
            window, "Nothing to compare", "Set another plan as the baseline to compare with."
        )
        return None
    path = window.prompts.ask_xlsx_path(window, f"{base.name} to {project.plan.name}.xlsx")
    if not path:
        return None
    try:
        c = compare_plans(project, base.name, project.plan.name)
        write_comparison_xlsx(c, path)
    except (OSError, TerritoryDesignerError) as exc:
        window.prompts.show_error(window, "Comparison not written", f"{path}: {exc}")
        return None
    d = c.disruption
    window.statusBar().showMessage(
        f"Wrote {path}: {d['units_moved']} units, {d['accounts_moved']} accounts moved", 6000
    )
    return path

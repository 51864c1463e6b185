"""The change view through the real window: moved units coloured by the territory that
gains them, outlined, the rest grey; it follows edits and undo."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from territory_designer.ui.canvas.choropleth import NO_VALUE_COLOR


def fill_of(window, unit):
    return window.canvas.units.items[unit].brush().color()


def test_change_view_colours_moved_units_by_gaining_territory(window, qtbot):
    session, canvas = window.session, window.canvas
    plan = session.project.plan
    donors = plan.units_of(1)[:3]
    session.assign(donors, 0)
    to_coastal = plan.units_of(2)[:1]
    session.assign(to_coastal, 3)
    action = window.actions_by_name["view_changes"]
    action.trigger()
    view = window.change_view
    assert action.isChecked() and view.against == "Baseline 2026"
    assert view.moved.size == 4
    gain0, gain3 = plan.territories[0].color, plan.territories[3].color
    for u in donors:
        assert fill_of(window, u) == QColor(gain0)
    assert fill_of(window, to_coastal[0]) == QColor(gain3)
    unmoved = plan.units_of(5)[0]
    assert fill_of(window, unmoved) == QColor(NO_VALUE_COLOR)
    legend = canvas.overlays.legend
    assert legend.title == "Changes vs Baseline 2026"
    assert [t for _c, t in legend.rows] == [
        f"to {plan.territories[0].name}",
        f"to {plan.territories[3].name}",
        "unchanged",
    ]
    assert view.outline.scene() is canvas.scene() and not view.outline.path().isEmpty()
    # An undo is followed (after the view's short delay).
    session.undo_stack.undo()
    qtbot.waitUntil(lambda: view.moved.size == 3, timeout=15000)
    action.trigger()
    assert canvas.units.classes is None and view.outline.scene() is None
    assert fill_of(window, donors[0]) == QColor(gain0)  # its territory's colour again
    assert fill_of(window, unmoved) == QColor(plan.territories[5].color)


def test_change_view_of_the_baseline_itself_has_nothing_to_compare(window, qtbot):
    from territory_designer.core.operations import SetActivePlan

    window.session.execute(SetActivePlan("Baseline 2026"))
    window.actions_by_name["view_changes"].trigger()
    assert window.change_view.against is None
    assert window.change_view.moved.size == 0
    assert np.all(window.canvas.units.classes.bins == -1)


def same_view(a, b) -> bool:
    """Same scale, and centres within a pixel (panes may differ in width by one pixel)."""
    from territory_designer.ui.dialogs.side_by_side import view_state

    (sa, xa, ya), (sb, xb, yb) = view_state(a), view_state(b)
    return sa == sb and abs(xa - xb) * sa <= 1.01 and abs(ya - yb) * sa <= 1.01


def test_side_by_side_shows_two_plans_and_pans_and_zooms_them_together(window, qtbot):
    session = window.session
    plan = session.project.plan
    session.assign(plan.units_of(1)[:3], 0)
    window.actions_by_name["view_side_by_side"].trigger()
    dialog = window.side_by_side
    qtbot.waitExposed(dialog)
    assert dialog.plans == ["Baseline 2026", "Working draft"]
    left, right = dialog.canvases
    assert left.tool == right.tool == "pan"
    assert left.session.project.plan.name == "Baseline 2026"
    assert "3 units differ" in dialog.captions[1].text()
    # Zoom and pan the left map: the right one follows.
    left.zoom_in()
    left.zoom_in()
    left._pan_by_pixels(40, -25)
    dialog.sync_now()
    assert same_view(right, left)
    # ... and the other way round.
    right.zoom_out()
    dialog.sync_now()
    assert same_view(left, right)
    # The user's active plan was never switched; the right pane can show another plan.
    assert session.project.active_plan_name == "Working draft"
    dialog.combos[1].setCurrentText("Baseline 2026")
    assert right.session.project.plan.name == "Baseline 2026"
    assert same_view(right, left)
    dialog.close()

"""Main window toolbars: map tools, brush size, active territory, plan and balance metric."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QSpinBox, QToolBar, QWidget

from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.formatting import field_label
from territory_designer.core.operations import SetActivePlan
from territory_designer.core.plan import UNASSIGNED, Territory
from territory_designer.ui.dialogs.merge_dialog import swatch
from territory_designer.ui.session import Session

#: tool name -> (label, shortcut, tooltip)
TOOL_ACTIONS = {
    "pan": ("Pan", "H", "Pan the map (drag); the wheel zooms"),
    "click": ("Click", "C", "Click a unit to assign it to the active territory"),
    "brush": ("Brush", "B", "Paint units into the active territory"),
    "lasso": ("Lasso", "L", "Draw around units to assign them"),
    "rectangle": ("Rectangle", "R", "Drag a rectangle to assign the units inside"),
    "eraser": ("Eraser", "E", "Unassign units"),
    "pick": ("Pick", "I", "Pick the active territory from the map"),
    "select": ("Select", "S", "Select units"),
    "home": (
        "Home Base",
        "M",
        "Click to put the active territory's rep home base there; drag a home marker to move it",
    ),
}


#: Tools whose action sits in a menu only (the toolbar row has no room left for them).
MENU_ONLY_TOOLS = ("home",)


def tool_status_text(
    tool: str, brush_px: int, territory: Territory | None, selected: int = 0
) -> str:
    """What a click on the map does now, for the status bar.

    Parameters
    ----------
    tool : str
        The active map tool.
    brush_px : int
        Brush radius in screen pixels (shown for the brush and the eraser).
    territory : Territory or None
        The active territory (what the painting tools assign to).
    selected : int
        Number of selected units (shown when any are).

    Returns
    -------
    str
        For example ``"Brush 12 px → Charlotte Metro"``.
    """
    label = TOOL_ACTIONS.get(tool, (tool.title(),))[0]
    text = f"{label} {brush_px} px" if tool in ("brush", "eraser") else label
    if tool == "home":
        text += f" → {territory.name}" if territory is not None else " (choose a territory)"
    elif tool == "eraser":
        text += " → unassigned"
    elif tool in ("click", "brush", "lasso", "rectangle"):
        if territory is None:
            text += " → unassigned"  # "(unassign)" chosen: painting unassigns
        else:
            text += f" → {territory.name}" + (" (locked)" if territory.locked else "")
    if selected:
        text += f" · {selected:,} unit{'s' if selected != 1 else ''} selected"
    return text


def fill_color_menu(
    menu: QMenu,
    fields: list[str],
    current: str | None,
    choose: Callable[[str | None], None],
    shown: str | None = None,
) -> None:
    """View › Colour Units By: "Territory", then every metric (a choropleth), one checked.

    When the map shows figures that are not a metric (``shown``, a performance figure of
    the Performance dock), that entry is listed first and checked instead.

    Parameters
    ----------
    menu : QMenu
        Emptied and refilled.
    fields : list of str
        The project's unit metrics.
    current : str or None
        What the map is coloured by now (None: territory).
    choose : callable
        Called with the field chosen (None for territory).
    shown : str, optional
        Label of the figures the map shows instead of a metric.
    """
    menu.clear()
    group = QActionGroup(menu)
    if shown:
        action = menu.addAction(f"{shown} (Performance)")
        action.setCheckable(True)
        action.setChecked(True)
        action.setToolTip("Chosen in the Performance dock's Map box")
        group.addAction(action)
        current = ""  # neither Territory nor a metric
    for field, label in [(None, "Territory")] + [(f, field_label(f)) for f in fields]:
        action = menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(field == current)
        action.setData(field)
        group.addAction(action)
        action.triggered.connect(lambda _=False, f=field: choose(f))


class ToolsToolBar(QToolBar):
    """Exclusive, checkable map tools plus the brush size."""

    def __init__(self, canvas: QWidget, parent: QWidget | None = None) -> None:
        super().__init__("Tools", parent)
        self.setObjectName("tools_toolbar")
        self.canvas = canvas
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.tool_actions: dict[str, QAction] = {}
        for name in getattr(canvas, "TOOLS", tuple(TOOL_ACTIONS)):
            label, key, tip = TOOL_ACTIONS.get(name, (name.title(), "", name))
            action = QAction(label, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(key))
            # Single letters are typed into names and table cells too: they switch tools
            # only while the map has the keyboard focus.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            canvas.addAction(action)
            action.setToolTip(f"{tip} ({key})")
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.canvas.set_tool(n))
            self.group.addAction(action)
            if name not in MENU_ONLY_TOOLS:
                self.addAction(action)
            self.tool_actions[name] = action
        self.addSeparator()
        self.addWidget(QLabel(" Brush "))
        self.brush_spin = QSpinBox()
        self.brush_spin.setRange(2, 300)
        self.brush_spin.setSuffix(" px")
        self.brush_spin.setToolTip("Brush radius in screen pixels")
        self.brush_spin.setValue(int(canvas.brush_radius_px))
        self.brush_spin.valueChanged.connect(canvas.set_brush_radius_px)
        self.addWidget(self.brush_spin)
        canvas.sig_tool_changed.connect(self._on_tool_changed)
        self._on_tool_changed(canvas.tool)

    def _on_tool_changed(self, name: str) -> None:
        action = self.tool_actions.get(name)
        if action is not None and not action.isChecked():
            action.setChecked(True)


class PlanToolBar(QToolBar):
    """Active territory, plan (scenario) and balance metric choosers."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Plan", parent)
        self.setObjectName("plan_toolbar")
        self.session = session
        self.territory_combo = QComboBox()
        self.territory_combo.setMinimumContentsLength(16)
        self.territory_combo.setToolTip("Active territory: what the painting tools assign to")
        self.plan_combo = QComboBox()
        self.plan_combo.setMinimumContentsLength(12)
        self.plan_combo.setToolTip("Plan (scenario) being edited")
        self.metric_combo = QComboBox()
        self.metric_combo.setToolTip("Metric balanced across territories")
        for label, combo in (
            ("Territory", self.territory_combo),
            ("Plan", self.plan_combo),
            ("Balance", self.metric_combo),
        ):
            self.addWidget(QLabel(f" {label} "))
            self.addWidget(combo)
        self.territory_combo.currentIndexChanged.connect(self._on_territory_chosen)
        self.plan_combo.currentIndexChanged.connect(self._on_plan_chosen)
        self.metric_combo.currentIndexChanged.connect(self._on_metric_chosen)
        s = session
        for sig in (s.sig_structure_changed, s.sig_plan_changed, s.sig_project_replaced):
            sig.connect(self.refresh)
        s.sig_territories_changed.connect(self._refresh_territories)
        s.sig_active_territory_changed.connect(self._refresh_territories)
        s.sig_settings_changed.connect(self._refresh_metrics)
        self.refresh()

    # -- refresh from the session (signals blocked: never write back) ----------------------
    def refresh(self, *_args: object) -> None:
        """Reload all three choosers."""
        self._refresh_territories()
        self._refresh_plans()
        self._refresh_metrics()

    def _refresh_territories(self, *_args: object) -> None:
        combo, plan = self.territory_combo, self.session.project.plan
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem("(unassign)", UNASSIGNED)
            for code, t in sorted(plan.territories.items()):
                label = f"{t.name} (locked)" if t.locked else t.name
                combo.addItem(swatch(t.color, 14), label, code)
            combo.setCurrentIndex(max(0, combo.findData(self.session.active_code)))
        finally:
            combo.blockSignals(False)

    def _refresh_plans(self) -> None:
        combo, project = self.plan_combo, self.session.project
        combo.blockSignals(True)
        try:
            combo.clear()
            for name in project.plans:
                label = f"{name} (baseline)" if name == project.baseline_plan_name else name
                combo.addItem(label, name)
            combo.setCurrentIndex(combo.findData(project.active_plan_name))
        finally:
            combo.blockSignals(False)

    def _refresh_metrics(self, *_args: object) -> None:
        combo, project = self.metric_combo, self.session.project
        combo.blockSignals(True)
        try:
            combo.clear()
            for f in project.weight_fields:
                combo.addItem(field_label(f), f)
            if project.balance_field not in project.weight_fields:  # the plan's weighted mix
                combo.addItem(field_label(project.balance_field), project.balance_field)
            combo.setCurrentIndex(combo.findData(project.balance_field))
        finally:
            combo.blockSignals(False)

    # -- user choices ---------------------------------------------------------------------
    def _on_territory_chosen(self, index: int) -> None:
        code = self.territory_combo.itemData(index)
        if code is not None:
            self.session.set_active_territory(int(code))

    def _on_plan_chosen(self, index: int) -> None:
        name = self.plan_combo.itemData(index)
        if (
            name
            and name != self.session.project.active_plan_name
            and not self.session.execute(SetActivePlan(name))
        ):
            self._refresh_plans()

    def _on_metric_chosen(self, index: int) -> None:
        field = self.metric_combo.itemData(index)
        if not field or field == self.session.project.balance_field:
            return
        try:
            self.session.project.set_balance_field(field)
        except TerritoryDesignerError as exc:
            self.session.sig_status.emit(str(exc))
            self._refresh_metrics()
        else:
            self.session.sig_status.emit(f"Balancing {field_label(field)}")

"""The Hierarchy dock: regions, districts and territories as a tree with rolled-up figures
(:func:`territory_designer.core.hierarchy.rollup`), kept in step with the plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from territory_designer.core.formatting import format_number
from territory_designer.core.hierarchy import (
    NO_PARENT,
    chain,
    hierarchy_levels,
    node_name,
    node_of_territories,
    rollup,
)

if TYPE_CHECKING:
    from territory_designer.ui.session import Session

#: Role holding the territory codes under a tree item.
CODES_ROLE = Qt.ItemDataRole.UserRole + 1
#: ``(node id, level name)`` of a district/region item (absent on territories).
NODE_ROLE = Qt.ItemDataRole.UserRole + 2


class HierarchyDock(QDockWidget):
    """Tree of the hierarchy's nodes (top level first) down to territories.

    Double-clicking an item selects the units of every territory under it. The tree is
    built when the dock is first shown (it starts tabbed behind the Territories dock) and
    kept in step while it is visible; changes made while it is hidden are applied when it is
    shown again.
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Hierarchy", parent)
        self.setObjectName("hierarchy_dock")
        self.session = session
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.itemDoubleClicked.connect(self._select_units)
        #: Called with (node id, level) by a node's "Assign Selection Here" (set by the
        #: window's extension; None: no such action).
        self.assign_here: Callable[[str, str], object] | None = None
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.setWidget(self.tree)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        for sig in (
            session.sig_assignment_changed,
            session.sig_territories_changed,
            session.sig_structure_changed,
            session.sig_plan_changed,
            session.sig_settings_changed,
            session.sig_project_replaced,
        ):
            sig.connect(self._schedule)
        #: True while the tree lags the plan because the dock was hidden (tabbed behind
        #: another dock or closed): rebuilt when it is next shown, not at every change.
        self.stale = True
        #: Whether the tree can be seen (``isVisible`` stays true behind another tab).
        self.shown = False
        self.visibilityChanged.connect(self._on_visibility)

    def _schedule(self, *_args: object) -> None:
        if self.shown:
            self._timer.start()
        else:
            self.stale = True

    def _on_visibility(self, visible: bool) -> None:
        self.shown = visible
        if visible and self.stale:
            self.refresh()

    def refresh(self) -> None:
        """Rebuild the tree from the active plan."""
        self.stale = False
        project = self.session.project
        field = project.balance_field
        levels = hierarchy_levels(project)
        self.tree.clear()
        self.tree.setHeaderLabels(
            [
                " / ".join(reversed(levels)),
                "units",
                "accounts",
                field if field in project.weight_fields else "units",
            ]  # fmt: skip
        )
        shown = field if field in project.weight_fields else "units"
        top = len(levels) - 1
        items: dict[tuple[int, str], QTreeWidgetItem] = {}
        figures = {i: rollup(project, i).set_index("node") for i in range(1, len(levels))}
        plan = project.plan
        for code, t in sorted(plan.territories.items(), key=lambda kv: kv[1].id):
            path = chain(project, t)
            parent: QTreeWidgetItem | None = None
            for i in range(top, 0, -1):
                node = path[i - 1]
                key = (i, node if node else f"{NO_PARENT}{path[i:]}")
                item = items.get(key)
                if item is None:
                    row = figures[i].loc[node] if node in figures[i].index else None
                    label = (
                        f"{levels[i]} {node_name(project, node)}" if node else f"(no {levels[i]})"
                    )
                    item = QTreeWidgetItem([label, *self._figures(row, shown)])
                    item.setData(0, CODES_ROLE, [])
                    if node:
                        item.setData(0, NODE_ROLE, (node, levels[i]))
                    if parent is None:
                        self.tree.addTopLevelItem(item)
                    else:
                        parent.addChild(item)
                    items[key] = item
                item.setData(0, CODES_ROLE, [*item.data(0, CODES_ROLE), code])
                parent = item
            m = project.metrics
            row = {f: m.values(f).get(code, 0.0) for f in ("units", "accounts", shown)}
            leaf = QTreeWidgetItem([f"{t.id} {t.name}", *self._figures(row, shown)])
            leaf.setData(0, CODES_ROLE, [code])
            if parent is None:
                self.tree.addTopLevelItem(leaf)
            else:
                parent.addChild(leaf)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    @staticmethod
    def _figures(row: object, shown: str) -> list[str]:
        if row is None:
            return ["", "", ""]
        return [format_number(float(row[f])) for f in ("units", "accounts", shown)]

    def node_codes(self, level: int) -> dict[str, list[int]]:
        """Territory codes per node of ``level`` (as the tree groups them)."""
        out: dict[str, list[int]] = {}
        for code, node in node_of_territories(self.session.project, self.session.project.plan,
                                              level).items():  # fmt: skip
            out.setdefault(node, []).append(code)
        return out

    def node_actions(self, item: QTreeWidgetItem) -> list[QAction]:
        """The context-menu actions of ``item``: "Assign Selection Here" on a node."""
        place = item.data(0, NODE_ROLE)
        if not place or self.assign_here is None:
            return []
        node, level = place
        action = QAction(f"Assign Selection to This {level.capitalize()}", self.tree)
        action.triggered.connect(lambda: self.assign_here(node, level))
        return [action]

    def _context_menu(self, pos: object) -> None:
        item = self.tree.itemAt(pos)
        actions = self.node_actions(item) if item is not None else []
        if actions:
            menu = QMenu(self.tree)
            menu.addActions(actions)
            menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _select_units(self, item: QTreeWidgetItem, _column: int) -> None:
        codes = item.data(0, CODES_ROLE) or []
        plan = self.session.project.plan
        self.session.set_selection(np.flatnonzero(np.isin(plan.assignment, codes)))

"""The attribute table: every unit and every account with its fields and territory.

Two tabs (Units, Accounts) of :class:`AttributeTableModel`. Click a header to sort; the
filter box takes plain text (rows where any column contains it) or a query
(``state = NC``, ``revenue > 10000``, ``county in (Wake, Durham)``). Selecting rows
selects their units on the map (accounts: the units holding them) and a selection made
on the map selects the rows. The selection can be assigned to a territory (one undo
step; locked units are skipped and counted), locked or unlocked, or zoomed to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.attribute_fields import account_fields, account_units, unit_fields
from territory_designer.core.attribute_operations import PinAccounts
from territory_designer.core.operations import SetUnitsLocked
from territory_designer.core.plan import UNASSIGNED
from territory_designer.ui.docks.attribute_page import AttributePage
from territory_designer.ui.qt_models.attribute_model import AttributeTableModel
from territory_designer.ui.session import Session


class AttributeTableDock(QDockWidget):
    """Units and accounts as tables, in step with the map's selection.

    Parameters
    ----------
    session : Session
        The open project.
    zoom_to_selection : callable
        Frames the selected units on the map.
    """

    def __init__(
        self,
        session: Session,
        zoom_to_selection: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Attribute Table", parent)
        self.setObjectName("attribute_table_dock")
        self.session = session
        self._zoom = zoom_to_selection
        self._pushing = False
        self._stale = True
        #: Opens Territory › Assign by Attribute… with ``field = value`` filled in (set
        #: by the window's extension; None leaves the entry out of the menu).
        self.open_fill: Callable[[str, str], object] | None = None
        #: Units whose rows each tab shows selected (missing: to be synced when shown).
        self._shown_for: dict[AttributePage, np.ndarray] = {}
        #: Source rows (units or accounts) each tab has selected, kept across sorting and
        #: filtering, which move rows.
        self._chosen: dict[AttributePage, np.ndarray] = {}
        self.units_model = AttributeTableModel(
            lambda: unit_fields(self.session.project), self._unit_colors
        )
        self.accounts_model = AttributeTableModel(
            lambda: account_fields(self.session.project), self._account_colors
        )
        self.units_page = AttributePage(self.units_model, "units")
        self.accounts_page = AttributePage(self.accounts_model, "accounts")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.units_page, "Units")
        self.tabs.addTab(self.accounts_page, "Accounts")
        self.territory_box = QComboBox()
        self.territory_box.setObjectName("assign_territory")
        self.territory_box.setMinimumContentsLength(16)
        self.assign_button = QPushButton("Assign Selection")
        self.assign_button.setObjectName("assign_selection")
        self.assign_button.setToolTip(
            "Assign the selected units (accounts: the units holding them) to the territory "
            "chosen beside, as one undo step; locked units are skipped"
        )
        self.zoom_button = QPushButton("Zoom to Selection")
        self.zoom_button.setObjectName("zoom_selection")
        self.assign_button.clicked.connect(lambda _=False: self.assign_selection())
        self.zoom_button.clicked.connect(self.zoom_to_selection)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Territory:"))
        bottom.addWidget(self.territory_box)
        bottom.addWidget(self.assign_button)
        bottom.addStretch(1)
        bottom.addWidget(self.zoom_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(self.tabs)
        layout.addLayout(bottom)
        self.setWidget(body)
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(0)
        self._sync_timer.timeout.connect(self._push_selection)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh_values)
        for page in (self.units_page, self.accounts_page):
            page.sig_selection_changed.connect(self._on_rows_selected)
            page.model.modelReset.connect(lambda p=page: self._on_rows_moved(p))
            page.sig_selected_only_toggled.connect(lambda on, p=page: self._on_selected_only(p, on))
            page.model.layoutChanged.connect(lambda *_, p=page: self._on_rows_moved(p))
            page.view.doubleClicked.connect(lambda _i: self.zoom_to_selection())
            page.view.customContextMenuRequested.connect(
                lambda pos, p=page: self._show_context_menu(p, pos)
            )
        self.tabs.currentChanged.connect(lambda _i: self._on_tab_changed())
        s = session
        for sig in (s.sig_assignment_changed, s.sig_locks_changed):
            sig.connect(lambda *_: self._schedule_refresh())
        # Territory renames and locks show in the Territory box too.
        for sig in (s.sig_structure_changed, s.sig_plan_changed, s.sig_territories_changed):
            sig.connect(lambda *_: self._on_structure_changed())
        s.sig_accounts_changed.connect(self._on_accounts_changed)
        s.sig_settings_changed.connect(self._on_settings_changed)
        s.sig_project_replaced.connect(self._on_project_replaced)
        s.sig_selection_changed.connect(self._on_map_selection_changed)
        s.sig_active_territory_changed.connect(lambda _c: self._fill_territories())
        self.visibilityChanged.connect(self._on_visibility_changed)
        self._fill_territories()
        self._update_buttons()

    # -- data -----------------------------------------------------------------------------
    def _unit_colors(self) -> np.ndarray:
        plan = self.session.project.plan
        return self._colors_of(plan.assignment)

    def _account_colors(self) -> np.ndarray:
        from territory_designer.core.account_territories import account_codes

        return self._colors_of(account_codes(self.session.project))

    def _colors_of(self, codes: np.ndarray) -> np.ndarray:
        plan = self.session.project.plan
        top = max([UNASSIGNED, *plan.territories]) + 2
        lookup = np.full(top, "", dtype=object)
        for code, t in plan.territories.items():
            lookup[code + 1] = t.color
        return lookup[np.clip(np.asarray(codes, dtype=np.int64) + 1, 0, top - 1)]

    def reload(self) -> None:
        """Read both tables again (a project opened, accounts imported)."""
        self._chosen.clear()  # rows may mean other units or accounts now
        self._shown_for.clear()
        self.units_model.reload()
        self.accounts_model.reload()
        for page in (self.units_page, self.accounts_page):
            page.size_columns()
        self._fill_territories()
        self._stale = False
        self._on_map_selection_changed(self.session.selection)

    def refresh_values(self) -> None:
        """Show the current territories and locks (after an edit)."""
        if not self.isVisible():
            return
        if self._stale:
            self.reload()
            return
        # Rows may move (sorted or filtered by territory): each tab selects its rows again.
        self.units_model.refresh_values()
        self.accounts_model.refresh_values()

    def _schedule_refresh(self) -> None:
        if self.isVisible():
            self._refresh_timer.start()

    def _on_structure_changed(self) -> None:
        self._fill_territories()
        self._schedule_refresh()

    def _on_project_replaced(self) -> None:
        self._stale = True
        self._fill_territories()
        if self.isVisible():
            self.reload()

    def _on_accounts_changed(self) -> None:
        self._stale = True  # the account count and sums per unit changed too
        if self.isVisible():
            self.reload()

    def _on_settings_changed(self, key: str) -> None:
        if key == "template":  # its labels title the columns
            self._on_accounts_changed()

    def _on_visibility_changed(self, visible: bool) -> None:
        # Read the tables when first shown (and after a change made while hidden); while
        # hidden, edits only mark them for a re-read.
        if visible and self._stale:
            self.reload()
        elif not visible and self.units_model.fields:
            self._stale = True

    def _fill_territories(self) -> None:
        box = self.territory_box
        plan = self.session.project.plan
        current = box.currentData() if box.count() else self.session.active_code
        if current is None or (current != UNASSIGNED and current not in plan.territories):
            current = self.session.active_code
        box.blockSignals(True)
        box.clear()
        for code, t in sorted(plan.territories.items(), key=lambda kv: kv[1].name.casefold()):
            box.addItem(f"{t.name} ({t.id}){' — locked' if t.locked else ''}", code)
        box.addItem("(unassign)", UNASSIGNED)
        k = box.findData(current)
        box.setCurrentIndex(max(k, 0))
        box.blockSignals(False)

    # -- selection ------------------------------------------------------------------------
    @property
    def current_page(self) -> AttributePage:
        """The tab shown."""
        return self.units_page if self.tabs.currentIndex() == 0 else self.accounts_page

    def selected_units(self, page: AttributePage | None = None) -> np.ndarray:
        """Units selected in a tab (accounts: the units holding the selected ones)."""
        page = page or self.current_page
        rows = page.selected_rows()
        if page is self.units_page:
            return rows
        units = account_units(self.session.project)[rows]
        return np.unique(units[units >= 0])

    def _on_rows_selected(self) -> None:
        for page in (self.units_page, self.accounts_page):
            page.update_status()
        self._update_buttons()
        if not self._pushing:
            self._sync_timer.start()

    def _push_selection(self) -> None:
        """Table -> map: select the units of the rows selected in the tab shown."""
        page = self.current_page
        self._chosen[page] = page.selected_rows()
        units = self.selected_units(page)
        self._shown_for[page] = units
        if np.array_equal(units, self.session.selection):
            return
        with self._echo_blocked():
            self.session.set_selection(units)

    @contextmanager
    def _echo_blocked(self) -> Iterator[None]:
        """Selection changes made inside the block are not echoed back (table -> map ->
        table)."""
        self._pushing = True
        try:
            yield
        finally:
            self._pushing = False

    def _on_rows_moved(self, page: AttributePage) -> None:
        """A sort, a filter or an edit moved the rows: select the chosen ones again."""
        rows = self._chosen.get(page)
        if rows is None:
            return
        with self._echo_blocked():
            page.select_rows(rows)
        page.update_status()

    def _on_map_selection_changed(self, units: np.ndarray) -> None:
        """Map -> table: select the rows of the selected units in the tab shown (the
        other tab catches up when shown: selecting thousands of scattered rows costs)."""
        if self._pushing or self._sync_timer.isActive() or not self.isVisible():
            return
        self._select_in(self.current_page, units)
        self._update_buttons()

    def _select_in(self, page: AttributePage, units: np.ndarray) -> None:
        if page is self.units_page:
            rows = np.asarray(units, dtype=np.int64)
        else:
            rows = np.flatnonzero(np.isin(account_units(self.session.project), units))
        self._chosen[page] = rows
        self._shown_for[page] = np.asarray(units, dtype=np.int64)
        if page.selected_only.isChecked():
            page.model.set_subset(rows)  # selects the rows again when reset
            return
        with self._echo_blocked():
            page.select_rows(rows)
        page.update_status()

    def _on_selected_only(self, page: AttributePage, on: bool) -> None:
        if on:
            self._select_in(page, self.session.selection)
        else:
            page.model.set_subset(None)

    def _on_tab_changed(self) -> None:
        page = self.current_page
        shown = self._shown_for.get(page)
        if shown is None or not np.array_equal(shown, self.session.selection):
            self._select_in(page, self.session.selection)
        self._update_buttons()
        page.scroll_to_selection()

    def _update_buttons(self) -> None:
        has = bool(self.selected_units().size)
        self.assign_button.setEnabled(has)
        self.zoom_button.setEnabled(has)

    # -- actions --------------------------------------------------------------------------
    def assign_selection(self, code: int | None = None) -> bool:
        """Assign the selected units to ``code`` (default: the territory box) in one undo
        step; the status bar says how many locked units were skipped."""
        if self._sync_timer.isActive():
            self._sync_timer.stop()
            self._push_selection()
        units = self.selected_units()
        if not units.size:
            return False
        if code is None:
            code = int(self.territory_box.currentData())
        return self.session.assign(units, int(code))

    def zoom_to_selection(self) -> None:
        """Frame the selected units on the map."""
        if self._sync_timer.isActive():
            self._sync_timer.stop()
            self._push_selection()
        self._zoom()

    def set_locked(self, locked: bool) -> bool:
        """Lock or unlock the selected units (one undo step)."""
        units = self.selected_units()
        if not units.size:
            return False
        return self.session.execute(SetUnitsLocked(units, locked))

    def pin_selection(self, code: int | None) -> bool:
        """Pin the selected accounts to territory ``code`` (None unpins) in one undo step."""
        rows = self.accounts_page.selected_rows()
        if not rows.size:
            return False
        ids = self.session.project.accounts.table["account_id"].to_numpy()[rows]
        return self.session.execute(PinAccounts(ids, code))

    def _add_pin_menu(self, menu: QMenu, page: AttributePage) -> None:
        k = page.selected_rows().size
        pin = self._territory_menu(
            menu, f"Pin Accounts To ({k:,} account{'s' if k != 1 else ''})", self.pin_selection
        )
        pin.setObjectName("pin_menu")
        pin.setToolTip("A pinned account counts in its territory wherever it lies")
        pin.addAction("(unpin)").triggered.connect(lambda _=False: self.pin_selection(None))
        pin.setEnabled(bool(k))

    def _territory_menu(self, menu: QMenu, title: str, choose: Callable[[int], object]) -> QMenu:
        """A submenu of ``menu`` listing the plan's territories by name (locked ones
        greyed out) that calls ``choose(code)``, ending in a separator."""
        sub = menu.addMenu(title)
        plan = self.session.project.plan
        for code, t in sorted(plan.territories.items(), key=lambda kv: kv[1].name.casefold()):
            action = sub.addAction(f"{t.name} ({t.id})")
            action.setEnabled(not t.locked)
            action.triggered.connect(lambda _=False, c=code: choose(c))
        sub.addSeparator()
        return sub

    def _show_context_menu(self, page: AttributePage, pos: QPoint) -> None:
        index = page.view.indexAt(pos)
        menu = self.context_menu(page, index.row(), index.column())
        menu.exec(page.view.viewport().mapToGlobal(pos))

    def context_menu(self, page: AttributePage, row: int = -1, column: int = -1) -> QMenu:
        """The table's right-click menu (built fresh: territories change). On a cell of
        the units tab it also offers to assign every unit with that cell's value."""
        menu = QMenu(self)
        if page is self.units_page and row >= 0 and column >= 0 and self.open_fill:
            field = self.units_model.field_names()[column]
            value = self.units_model.exact_text(row, column)
            if value and field != "locked":
                shown = value if len(value) <= 24 else value[:23] + "…"
                action = menu.addAction(
                    f"Assign Every Unit Where {field} = {shown}…",
                    lambda: self.open_fill(field, value),  # type: ignore[misc]
                )
                action.setObjectName("assign_where_cell")
                menu.addSeparator()
        units = self.selected_units(page)
        n = units.size
        label = "Assign Their Units To" if page is self.accounts_page else "Assign Selection To"
        assign = self._territory_menu(
            menu, f"{label} ({n:,} unit{'s' if n != 1 else ''})", self.assign_selection
        )
        assign.setObjectName("assign_menu")
        unassign = assign.addAction("(unassign)")
        unassign.triggered.connect(lambda _=False: self.assign_selection(UNASSIGNED))
        assign.setEnabled(bool(n))
        if page is self.accounts_page:
            self._add_pin_menu(menu, page)
        menu.addAction(page.copy_action)
        menu.addAction("Zoom to Selection", self.zoom_to_selection).setEnabled(bool(n))
        menu.addSeparator()
        menu.addAction("Lock Selected Units", lambda: self.set_locked(True)).setEnabled(bool(n))
        menu.addAction("Unlock Selected Units", lambda: self.set_locked(False)).setEnabled(bool(n))
        return menu

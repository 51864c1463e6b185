"""The "Plans" dock: the project's plans (scenarios) with their role and headline figures.

Every action is one core plan operation run through the session, so it is undoable:
new (empty), duplicate, rename (edit the name in place), delete, set as baseline, and
switch to a plan (double-click).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QGridLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.plan_operations import (
    AddPlan,
    DeletePlan,
    RenamePlan,
    SetActivePlan,
    SetBaselinePlan,
    free_plan_name,
)
from territory_designer.core.plan_overview import plans_table
from territory_designer.ui.session import Session

COLUMNS = ("Plan", "Role", "Territories", "Units moved vs baseline")
NAME, ROLE, TERRITORIES, MOVED = range(4)


class PlansDock(QDockWidget):
    """Lists the plans; buttons and in-place editing change them (undoably).

    Signals
    -------
    sig_compare_requested(a: str, b: str)
        The user asked to compare two plans (the baseline and the chosen plan).
    """

    sig_compare_requested = Signal(str, str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Plans", parent)
        self.setObjectName("plans_dock")
        self.session = session
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("plans_table")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(200)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.cellDoubleClicked.connect(self._on_double_clicked)
        self.buttons: dict[str, QPushButton] = {}
        row = QGridLayout()  # two rows of three: the dock stays narrow (tabbed)
        for key, text, slot, tip in (
            ("new", "New", self.new_plan, "A new, empty plan"),
            ("duplicate", "Duplicate", self.duplicate_plan, "A copy of the chosen plan"),
            ("rename", "Rename", self.start_rename, "Rename the chosen plan"),
            ("delete", "Delete", self.delete_plan, "Delete the chosen plan (undoable)"),
            ("baseline", "Set Baseline", self.set_baseline, "Compare the other plans with it"),
            ("activate", "Open", self.activate_plan, "Edit the chosen plan"),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, s=slot: s())
            row.addWidget(button, len(self.buttons) // 3, len(self.buttons) % 3)
            self.buttons[key] = button
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.setWidget(body)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        session.sig_plan_changed.connect(self.refresh)
        session.sig_project_replaced.connect(self.refresh)
        session.sig_structure_changed.connect(self._schedule)
        session.sig_assignment_changed.connect(self._schedule)
        self.refresh()

    # -- refresh from the model (signals blocked: never write back) ------------------------
    def _schedule(self, *_args: object) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def refresh(self, *_args: object) -> None:
        """Reload the rows from the project."""
        rows = plans_table(self.session.project)
        chosen = self.chosen_plan()
        self.table.blockSignals(True)
        try:
            self.table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                role = ", ".join(k for k in ("active", "baseline") if row[k])
                moved = row["units_moved_vs_baseline"]
                cells = (
                    row["name"],
                    role,
                    str(row["territories"]),
                    "" if moved is None else f"{moved:,}",
                )
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                    if c == NAME:
                        flags |= Qt.ItemFlag.ItemIsEditable
                        item.setData(Qt.ItemDataRole.UserRole, row["name"])
                        font = item.font()
                        font.setBold(row["active"])
                        item.setFont(font)
                    item.setFlags(flags)
                    self.table.setItem(r, c, item)
            names = [row["name"] for row in rows]
            keep = chosen if chosen in names else self.session.project.active_plan_name
            self.table.selectRow(names.index(keep))
        finally:
            self.table.blockSignals(False)
        self.buttons["delete"].setEnabled(len(rows) > 1)

    # -- what the user chose ---------------------------------------------------------------
    def chosen_plan(self) -> str | None:
        """The plan of the selected row (None before the first refresh)."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), NAME)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def select_plan(self, name: str) -> None:
        """Select the row of plan ``name``."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, NAME).data(Qt.ItemDataRole.UserRole) == name:
                self.table.selectRow(r)

    # -- actions (each one undoable step) -------------------------------------------------
    def new_plan(self) -> bool:
        """Add an empty plan and switch to it."""
        name = free_plan_name(self.session.project, "New plan")
        return self.session.execute(AddPlan(name))

    def duplicate_plan(self) -> bool:
        """Copy the chosen plan (the active one by default) and switch to the copy."""
        source = self.chosen_plan() or self.session.project.active_plan_name
        name = free_plan_name(self.session.project, f"{source} copy")
        return self.session.execute(AddPlan(name, copy_of=source))

    def rename_plan(self, old: str, new: str) -> bool:
        """Rename plan ``old`` to ``new``."""
        ok = old == new or self.session.execute(RenamePlan(old, new))
        if not ok:
            self.refresh()  # a refused name: show the old one again
        return ok

    def start_rename(self) -> None:
        """Edit the chosen plan's name in place."""
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.table.editItem(self.table.item(rows[0].row(), NAME))

    def delete_plan(self) -> bool:
        """Delete the chosen plan."""
        name = self.chosen_plan()
        return bool(name) and self.session.execute(DeletePlan(name))

    def set_baseline(self) -> bool:
        """Make the chosen plan the baseline."""
        name = self.chosen_plan()
        return bool(name) and self.session.execute(SetBaselinePlan(name))

    def activate_plan(self) -> bool:
        """Switch to the chosen plan."""
        name = self.chosen_plan()
        if not name or name == self.session.project.active_plan_name:
            return False
        return self.session.execute(SetActivePlan(name))

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == NAME:
            old = item.data(Qt.ItemDataRole.UserRole)
            self.rename_plan(old, item.text())

    def _on_double_clicked(self, row: int, column: int) -> None:
        if column != NAME:
            self.table.selectRow(row)
            self.activate_plan()

"""The territory dock: the live territory table, its buttons and the plan summary."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.operations import (
    AddTerritory,
    DeleteTerritory,
    MergeTerritories,
    UpdateTerritory,
)
from territory_designer.core.plan import UNASSIGNED
from territory_designer.core.project import ACCOUNTS_FIELD, UNITS_FIELD
from territory_designer.ui.docks.delegates import DeviationBarDelegate, SwatchDelegate
from territory_designer.ui.qt_models.territory_model import Column, TerritoryTableModel
from territory_designer.ui.session import Session

ColorChooser = Callable[[QColor, QWidget], QColor | None]


def _ask_color(initial: QColor, parent: QWidget) -> QColor | None:
    color = QColorDialog.getColor(initial, parent, "Territory colour")
    return color if color.isValid() else None


#: What the summary says while the plan has no territory (no figures to show yet).
EMPTY_PLAN_HINT = (
    "No territories yet: Add one here (or Territory › New Territory, Ctrl+T) and paint units "
    "into it, or let Balance › Build Territories… make balanced ones."
)


def plan_summary_text(session: Session) -> str:
    """One line of plan-level figures for the active plan."""
    project = session.project
    if not project.plan.territories:
        return EMPTY_PLAN_HINT
    s = project.summary()
    parts = [
        f"Balanced on {project.balance_criterion()}",
        f"Max deviation {s.max_abs_deviation_pct:.1f}%",
        f"CV {s.cv:.3f}",
        "contiguous" if s.contiguous else f"not contiguous ({s.contiguity()[4:]})",
        f"{s.unassigned_units:,} unassigned",
        f"Polsby-Popper mean {s.pp_mean:.2f}, min {s.pp_min:.2f}",
    ]
    moved = project.units_moved_vs_baseline()
    if moved is not None:
        parts.append(f"{moved:,} units moved vs {project.baseline_plan_name}")
    return " · ".join(parts)


#: Rows measured to size the columns (Qt's default, 1000, measures a big plan at every resize).
CONTENTS_PRECISION = 100


class TerritoryDock(QDockWidget):
    """Territories of the active plan with live metrics, editable in place.

    Signals
    -------
    sig_zoom_to_requested(code: int)
        The user asked to zoom the map to a territory.
    """

    sig_zoom_to_requested = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Territories", parent)
        self.setObjectName("territory_dock")
        self.session = session
        self.choose_color: ColorChooser = _ask_color
        self.model = TerritoryTableModel(session, self)
        self.view = self._make_view()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setObjectName("plan_summary")
        self.add_button = QPushButton("Add")
        self.delete_button = QPushButton("Delete")
        self.merge_button = QPushButton("Merge")
        self.zoom_button = QPushButton("Zoom to")
        self.add_button.setToolTip("Add an empty territory")
        self.delete_button.setToolTip(
            "Delete the selected territories (their units become unassigned)"
        )
        self.merge_button.setToolTip("Merge the selected territories into the first one")
        self.zoom_button.setToolTip("Zoom the map to the active territory")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.delete_button, self.merge_button, self.zoom_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.summary_label)
        self.setWidget(body)
        # Plan-level figures are recomputed at most every 150 ms while painting.
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(150)
        self._summary_timer.timeout.connect(self.refresh_summary)
        self._connect()
        self._show_metric_column()
        self.refresh_summary()
        self._on_active_territory_changed(session.active_code)

    def _make_view(self) -> QTableView:
        view = QTableView()
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(24)
        view.setAlternatingRowColors(True)
        view.setItemDelegateForColumn(Column.COLOR, SwatchDelegate(view))
        view.setItemDelegateForColumn(Column.DEVIATION, DeviationBarDelegate(view))
        header = view.horizontalHeader()
        header.setStretchLastSection(True)
        # Names and owners as wide as they are, the bars take the rest.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Measure the visible rows and the next ones, not every row: with hundreds of
        # territories sizing by all of them cost about a second at window start.
        header.setResizeContentsPrecision(CONTENTS_PRECISION)
        header.setSectionResizeMode(Column.COLOR, QHeaderView.ResizeMode.Fixed)
        view.setColumnWidth(Column.COLOR, 24)
        return view

    def _connect(self) -> None:
        s = self.session
        s.sig_revision_changed.connect(self._schedule_summary)
        s.sig_project_replaced.connect(self._schedule_summary)
        s.sig_settings_changed.connect(self._schedule_summary)
        s.sig_active_territory_changed.connect(self._on_active_territory_changed)
        for sig in (s.sig_settings_changed, s.sig_plan_changed, s.sig_project_replaced):
            sig.connect(self._show_metric_column)
        self.model.modelReset.connect(
            lambda: self._on_active_territory_changed(self.session.active_code)
        )
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.add_button.clicked.connect(self.add_territory)
        self.delete_button.clicked.connect(self.delete_selected)
        self.merge_button.clicked.connect(self.merge_selected)
        self.zoom_button.clicked.connect(self._on_zoom_clicked)

    # -- sync with the session ------------------------------------------------------------
    def _schedule_summary(self, *_args: object) -> None:
        if not self._summary_timer.isActive():
            self._summary_timer.start()

    def _show_metric_column(self, *_args: object) -> None:
        # Balancing on units or accounts: the metric column would repeat that column.
        field = self.session.project.balance_field
        self.view.setColumnHidden(Column.METRIC, field in (UNITS_FIELD, ACCOUNTS_FIELD))

    def refresh_summary(self) -> None:
        """Recompute the plan summary line now."""
        self.summary_label.setText(plan_summary_text(self.session))

    def _on_active_territory_changed(self, code: int) -> None:
        row = self.model.row_of(code)
        sel = self.view.selectionModel()
        if row < 0 or sel.currentIndex().row() == row:
            return
        # Refreshing from the session must not write back into it.
        sel.blockSignals(True)
        try:
            sel.setCurrentIndex(
                self.model.index(row, Column.NAME),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            sel.blockSignals(False)
        self.view.viewport().update()
        self.view.scrollTo(self.model.index(row, Column.NAME))

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.session.set_active_territory(self.model.code_at(current.row()))

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.column() == Column.COLOR:
            self.change_color(self.model.code_at(index.row()))

    def _on_zoom_clicked(self) -> None:
        if self.session.active_code != UNASSIGNED:
            self.sig_zoom_to_requested.emit(self.session.active_code)

    # -- actions --------------------------------------------------------------------------
    def selected_codes(self) -> list[int]:
        """Codes of the selected rows, top to bottom."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.code_at(r) for r in rows]

    def add_territory(self) -> int | None:
        """Add an empty territory, make it active and start editing its name."""
        op = AddTerritory()
        if not self.session.execute(op) or op.code is None:
            return None
        self.session.set_active_territory(op.code)
        # Typing the name goes into the editor, never to the map's tool keys.
        self.edit_name(op.code)
        return op.code

    def delete_selected(self) -> bool:
        """Delete the selected territories in one undo step."""
        codes = self.selected_codes()
        if not codes:
            self.session.sig_status.emit("Select the territories to delete.")
            return False
        stack = self.session.undo_stack
        if len(codes) == 1:
            return self.session.execute(DeleteTerritory(codes[0]))
        stack.beginMacro(f"Delete {len(codes)} territories")
        try:
            ok = all([self.session.execute(DeleteTerritory(c)) for c in codes])
        finally:
            stack.endMacro()
        return ok

    def merge_selected(self) -> bool:
        """Merge the selected territories into the first selected one."""
        codes = self.selected_codes()
        if len(codes) < 2:
            self.session.sig_status.emit("Select two or more territories to merge.")
            return False
        return self.session.execute(MergeTerritories(codes[0], codes[1:]))

    def change_color(self, code: int) -> bool:
        """Ask for a new colour of territory ``code``."""
        t = self.session.project.plan.territories.get(code)
        if t is None:
            return False
        color = self.choose_color(QColor(t.color), self)
        if color is None or color.name() == t.color:
            return False
        return self.session.execute(UpdateTerritory(code, color=color.name()))

    def edit_name(self, code: int) -> None:
        """Open the in-place editor on the name of territory ``code``."""
        row = self.model.row_of(code)
        if row >= 0:
            self.view.edit(self.model.index(row, Column.NAME))

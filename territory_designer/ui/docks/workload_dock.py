"""The Workload dock: hours a year per territory and share of a full-time selling year.

Figures come from :func:`territory_designer.core.workload.territory_workload`; they are
recomputed a moment after the plan, accounts or settings change (a paint stroke costs
one recomputation, not one per unit). Circuity, speed and the full-time year are set
here; *Store as metric* saves them with each account's hours (``workload_hours``) in
one undo step, so the engine can balance on workload.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.workload import (
    APPROXIMATION_NOTE,
    WORKLOAD_FIELD,
    StoreWorkload,
    WorkloadParameters,
    territory_workload,
    workload_parameters,
)
from territory_designer.ui.session import Session

#: Columns: heading, territory_workload column, format.
COLUMNS = (
    ("Territory", "name", "{}"),
    ("Accounts", "accounts", "{:,.0f}"),
    ("Visits", "visits", "{:,.0f}"),
    ("Visit h", "visit_hours", "{:,.1f}"),
    ("Travel h", "travel_hours", "{:,.1f}"),
    ("Routing h", "routing_hours", "{:,.1f}"),
    ("Hours", "hours", "{:,.1f}"),
    ("FTE", "fte", "{:.2f}"),
)
REFRESH_MS = 250
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class WorkloadDock(QDockWidget):
    """Per-territory workload of the active plan, with its parameters."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Workload", parent)
        self.setObjectName("workload_dock")
        self.session = session
        self.figures = pd.DataFrame()
        body = QWidget()
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.circuity = self._spin(1.0, 3.0, 0.05, 2, "Road distance over straight-line distance")
        self.speed = self._spin(5.0, 150.0, 5.0, 0, "Average driving speed, km/h")
        self.full_time = self._spin(100.0, 4000.0, 50.0, 0, "Selling hours in a full year")
        form.addRow("Circuity:", self.circuity)
        form.addRow("Speed (km/h):", self.speed)
        form.addRow("Full-time year (h):", self.full_time)
        layout.addLayout(form)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("workload_table")
        self.table.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.total = QLabel()
        self.total.setWordWrap(True)
        layout.addWidget(self.total)
        self.hint = QLabel()
        self.hint.setObjectName("workload_hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #8a5a00")
        layout.addWidget(self.hint)
        note = QLabel(APPROXIMATION_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555")
        layout.addWidget(note)
        buttons = QHBoxLayout()
        self.store_button = QPushButton("Store as metric")
        self.store_button.setToolTip(
            f"Save these settings and each account's hours as '{WORKLOAD_FIELD}', "
            "a metric Balance › Build and Rebalance can balance on"
        )
        self.store_button.clicked.connect(self.store)
        buttons.addStretch(1)
        buttons.addWidget(self.store_button)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        for sig in (
            session.sig_project_replaced,
            session.sig_structure_changed,
            session.sig_plan_changed,
            session.sig_accounts_changed,
            session.sig_assignment_changed,
            session.sig_territories_changed,
        ):
            sig.connect(self._schedule)
        session.sig_settings_changed.connect(self._on_settings_changed)
        session.sig_project_replaced.connect(self._load_parameters)
        for spin in (self.circuity, self.speed, self.full_time):
            spin.valueChanged.connect(self._schedule)
        self._load_parameters()
        self.refresh()

    def _spin(self, lo: float, hi: float, step: float, decimals: int, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(lo, hi)
        spin.setSingleStep(step)
        spin.setDecimals(decimals)
        spin.setToolTip(tip)
        return spin

    def _load_parameters(self) -> None:
        params = workload_parameters(self.session.project)
        for spin, value in (
            (self.circuity, params.circuity),
            (self.speed, params.speed_kmh),
            (self.full_time, params.full_time_hours),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    def _on_settings_changed(self, key: str) -> None:
        if key in ("template", "workload"):
            self._load_parameters()
        self._schedule()

    def _schedule(self, *_args: object) -> None:
        self.timer.start()

    def parameters(self) -> WorkloadParameters:
        """The project's parameters with this dock's circuity, speed and full year."""
        return workload_parameters(
            self.session.project,
            circuity=self.circuity.value(),
            speed_kmh=self.speed.value(),
            full_time_hours=self.full_time.value(),
        )

    def refresh(self) -> None:
        """Recompute and show the figures of the active plan."""
        self.timer.stop()
        params = self.parameters()
        self.figures = territory_workload(self.session.project, params=params)
        rows = self.figures.to_dict(orient="records") if len(self.figures) else []
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, (_, key, fmt) in enumerate(COLUMNS):
                item = QTableWidgetItem(fmt.format(row[key]))
                if c:
                    item.setTextAlignment(RIGHT)
                if key == "travel_hours" and not row["home_base"]:
                    item.setToolTip("No home base: travel is not counted")
                self.table.setItem(r, c, item)
        if rows:
            hours = float(self.figures["hours"].sum())
            self.total.setText(
                f"Total {hours:,.0f} h a year = {hours / params.full_time_hours:.2f} full-time "
                f"reps of {params.full_time_hours:,.0f} h"
            )
        else:
            self.total.setText("No territories yet.")
        project = self.session.project
        wanted = WORKLOAD_FIELD in str(project.settings.get("balance_field") or "")
        missing = wanted and WORKLOAD_FIELD not in project.weight_fields
        self.hint.setText(
            "The template balances on workload: click Store as metric (after importing "
            "the accounts) to build and rebalance on it."
            if missing and len(project.accounts)
            else ""
        )
        self.hint.setVisible(bool(self.hint.text()))

    def store(self) -> bool:
        """Save the parameters and each account's hours as a metric (one undo step)."""
        ok = self.session.execute(StoreWorkload(self.parameters()))
        if ok:
            self.session.sig_status.emit(
                f"Stored each account's workload as '{WORKLOAD_FIELD}': balance on it in "
                "Balance › Build Territories…"
            )
        return ok

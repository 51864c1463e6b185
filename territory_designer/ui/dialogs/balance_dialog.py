"""The Balance dialog: build territories from scratch, or rebalance the active plan.

The dialog only gathers choices (:meth:`BalanceDialog.request` returns a Qt-free
:class:`~territory_designer.balance.scenario.BuildRequest` or ``RebalanceRequest``);
:class:`~territory_designer.ui.dialogs.balance_runner.BalanceController` runs the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from territory_designer.balance.scenario import (
    BuildRequest,
    RebalanceRequest,
    build_slots,
    home_base_reps,
    within_candidates,
)
from territory_designer.core.errors import InputError
from territory_designer.ui.dialogs.capacities_dialog import CapacitiesDialog, capacities_summary
from territory_designer.ui.dialogs.criterion_editor import CriterionEditor

if TYPE_CHECKING:
    from territory_designer.core.project import Project

BUILD, REBALANCE = "build", "rebalance"
RANK_CHOICES = (
    ("Accounts moved (fewest first)", "accounts"),
    ("Revenue moved (least first)", "revenue"),
    ("Units moved (fewest first)", "units"),
)


def _default_rank(fields: list[str]) -> str:
    """Rank by accounts when the project has them, else revenue, else units."""
    return next((key for key in ("accounts", "revenue") if key in fields), "units")


NO_WITHIN = "(no constraint)"


def _spin(lo: int, hi: int, value: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(lo, hi)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    return spin


def _tolerance_spin() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.1, 50.0)
    spin.setDecimals(1)
    spin.setSingleStep(0.5)
    spin.setValue(5.0)
    spin.setPrefix("± ")
    spin.setSuffix(" %")
    spin.setToolTip("Every territory within this deviation from its target.")
    return spin


class BalanceDialog(QDialog):
    """Choices of an engine run over ``project`` (read only).

    Parameters
    ----------
    project : Project
        The project; the rebalance tab starts from its active plan.
    mode : {"build", "rebalance"}
        Tab shown first.
    """

    def __init__(self, project: Project, mode: str = BUILD, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Auto-balance territories")
        self.project = project
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_tab(), "Build new territories")
        self.tabs.addTab(self._rebalance_tab(), "Rebalance active plan")
        fields = list(project.weight_fields)
        self.criterion = CriterionEditor(fields, project.balance_field)
        self.tolerance = _tolerance_spin()
        if project.settings.get("balance_tolerance"):  # an industry template's tolerance
            self.tolerance.setValue(float(project.settings["balance_tolerance"]) * 100)
        common = QFormLayout()
        common.addRow("Balance on:", self.criterion)
        common.addRow("Tolerance:", self.tolerance)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.run_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.run_button.setText("Run")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.error_label = QLabel()
        self.error_label.setObjectName("balance_error")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(common)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.set_mode(mode)
        self.setMinimumWidth(480)

    # -- tabs -----------------------------------------------------------------------------
    def _build_tab(self) -> QWidget:
        p = self.project
        n = len(p.units)
        reps = home_base_reps(p.plan)
        self.by_count = QRadioButton("Number of territories:")
        self.by_reps = QRadioButton(f"One per rep home base ({len(reps)} in “{p.plan.name}”)")
        self.by_reps.setEnabled(bool(reps))
        if not reps:
            self.by_reps.setToolTip("No territory of the active plan has a home base.")
        group = QButtonGroup(self)
        group.addButton(self.by_count)
        group.addButton(self.by_reps)
        self.by_count.setChecked(True)
        default_k = max(2, min(len(p.plan.territories) or 8, n))
        self.k_spin = _spin(2, max(2, n), default_k)
        self.by_count.toggled.connect(self.k_spin.setEnabled)
        count_row = QHBoxLayout()
        count_row.addWidget(self.by_count)
        count_row.addWidget(self.k_spin)
        count_row.addStretch(1)
        self.keep_identities = QCheckBox("Keep the names, reps and colours of the territories")
        self.keep_identities.setChecked(bool(p.plan.territories))
        self.keep_identities.setEnabled(bool(p.plan.territories))
        self.by_count.toggled.connect(self._on_keep_identities_possible)
        self.max_distance = QDoubleSpinBox()
        self.max_distance.setRange(0.0, 10_000.0)
        self.max_distance.setDecimals(0)
        self.max_distance.setSingleStep(10.0)
        self.max_distance.setSuffix(" km")
        self.max_distance.setSpecialValueText("No limit")
        self.max_distance.setToolTip("No unit farther than this from its rep's home base.")
        self.max_distance.setEnabled(False)
        self.by_reps.toggled.connect(self.max_distance.setEnabled)
        self.capacities: dict[str, float] = {}
        self.capacities_dialog: CapacitiesDialog | None = None
        self.capacities_button = QPushButton("Capacities…")
        self.capacities_button.setToolTip("Unequal capacities, e.g. 0.5 for a part-time rep.")
        self.capacities_button.clicked.connect(self._on_capacities_clicked)
        self.capacities_label = QLabel()
        capacity_row = QHBoxLayout()
        capacity_row.addWidget(self.capacities_button)
        capacity_row.addWidget(self.capacities_label, 1)
        self.k_spin.valueChanged.connect(self._on_slots_changed)
        self.by_reps.toggled.connect(self._on_slots_changed)
        self._on_slots_changed()
        self.within = QComboBox()
        candidates = within_candidates(p)
        self.within.addItems([NO_WITHIN, *candidates])
        self.within.setEnabled(bool(candidates))
        self.within.setToolTip(
            "No territory crosses this unit attribute (e.g. state or region)."
            if candidates
            else "The units have no text attribute to group by (such as state or region)."
        )
        self.compactness = QSlider(Qt.Orientation.Horizontal)
        self.compactness.setRange(0, 100)
        self.compactness.setValue(50)
        self.compactness.setTickInterval(25)
        self.compactness.setTickPosition(QSlider.TickPosition.TicksBelow)
        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel("Balance"))
        slider_row.addWidget(self.compactness, 1)
        slider_row.addWidget(QLabel("Compactness"))
        self.seed = _spin(0, 2_000_000_000, 0)
        self.seed.setToolTip("The same choices and seed always give the same plan.")
        self.time_limit = _spin(0, 3600, 0, " s")
        self.time_limit.setSpecialValueText("usual search")
        self.time_limit.setToolTip(
            "Thorough mode: keep searching this many seconds and keep the best plan found "
            "(the result then depends on the computer's speed). It may make the least "
            "compact territory less compact, down to 60 % of the usual build's score, for "
            "more compact territories on average; the report's note says what it became."
        )
        self.build_name = QLineEdit()
        self.build_name.setPlaceholderText("Balanced k=… (automatic)")
        tab = QWidget()
        form = QFormLayout(tab)
        form.addRow(count_row)
        keep_row = QHBoxLayout()
        keep_row.addSpacing(24)  # under the radio button it belongs to
        keep_row.addWidget(self.keep_identities)
        form.addRow(keep_row)
        form.addRow(self.by_reps)
        form.addRow("Max distance from home base:", self.max_distance)
        form.addRow("Capacities:", capacity_row)
        form.addRow("Stay within:", self.within)
        form.addRow("Priority:", slider_row)
        form.addRow("Seed:", self.seed)
        form.addRow("Search time (thorough):", self.time_limit)
        form.addRow("New plan name:", self.build_name)
        return tab

    def _slots(self) -> list[tuple[str, str]]:
        """``(id, name)`` of the territories the build tab's choices make, in order."""
        by_reps = self.by_reps.isChecked()
        request = BuildRequest(k=self.k_spin.value(), from_home_bases=by_reps)
        return build_slots(self.project, request)

    def _on_slots_changed(self) -> None:
        self.capacities_label.setText(capacities_summary(self._slots(), self.capacities))
        self._on_keep_identities_possible()

    def _on_keep_identities_possible(self) -> None:
        """Names can be kept for a count build with equal capacities (slots are T01...)."""
        if not self.project.plan.territories:
            tip = "The active plan has no territories to take names from."
            possible = False
        elif self._shares() is not None:
            tip = "Capacities are set per new territory (T01, T02, ...), so these keep new names."
            possible = False
        else:
            tip = (
                "Each new territory takes the id, name, rep and colour of the territory whose "
                "rep's home it holds, or else that it shares most accounts with, so plans "
                "compare territory by territory."
            )
            possible = True
        self.keep_identities.setEnabled(possible and self.by_count.isChecked())
        self.keep_identities.setToolTip(tip)

    def _on_capacities_clicked(self) -> None:
        """Open the capacities table for the territories of the current choices."""
        if self.capacities_dialog is not None:
            self.capacities_dialog.deleteLater()
        dialog = CapacitiesDialog(self._slots(), self.capacities, self)
        dialog.accepted.connect(lambda: self._on_capacities_accepted(dialog))
        self.capacities_dialog = dialog
        dialog.open()

    def _on_capacities_accepted(self, dialog: CapacitiesDialog) -> None:
        self.capacities.update(dialog.values())
        self._on_slots_changed()

    def _shares(self) -> list[float] | None:
        """One capacity per territory of the build, or None when all are equal."""
        shares = [self.capacities.get(tid, 1.0) for tid, _ in self._slots()]
        return None if all(v == 1.0 for v in shares) else shares

    def _rebalance_tab(self) -> QWidget:
        p = self.project
        n = len(p.units)
        fields = p.weight_fields
        self.cap_units = QCheckBox("Units moved at most:")
        self.cap_units_spin = _spin(1, max(1, n), max(1, round(n * 0.1)))
        self.cap_accounts = QCheckBox("Accounts moved at most:")
        total_accounts = self._total("accounts")
        self.cap_accounts_spin = _spin(0, max(1, int(total_accounts)), int(total_accounts * 0.1))
        self.cap_revenue = QCheckBox("Revenue moved at most:")
        self.cap_revenue_spin = QDoubleSpinBox()
        self.cap_revenue_spin.setRange(0.0, 1e15)
        self.cap_revenue_spin.setDecimals(0)
        self.cap_revenue_spin.setGroupSeparatorShown(True)
        self.cap_revenue_spin.setValue(round(self._total("revenue") * 0.1))
        self.cap_units.setChecked(True)
        self.cap_accounts.setEnabled("accounts" in fields)
        self.cap_revenue.setEnabled("revenue" in fields)
        rows = (
            (self.cap_units, self.cap_units_spin),
            (self.cap_accounts, self.cap_accounts_spin),
            (self.cap_revenue, self.cap_revenue_spin),
        )
        self.rank_by = QComboBox()
        self.rank_by.setToolTip(
            "Which disruption to avoid first: moves are taken in order of balance gained "
            "per account, per unit of revenue, or per unit moved."
        )
        for label, key in RANK_CHOICES:
            self.rank_by.addItem(label, key)
            if key != "units" and key not in fields:
                self.rank_by.model().item(self.rank_by.count() - 1).setEnabled(False)
        self.rank_by.setCurrentIndex(self.rank_by.findData(_default_rank(fields)))
        self.rebalance_name = QLineEdit()
        self.rebalance_name.setPlaceholderText(f"{p.plan.name} rebalanced (automatic)")
        tab = QWidget()
        form = QFormLayout(tab)
        start = QLabel(f"Starts from the active plan, <b>{p.plan.name}</b>; it is not changed.")
        start.setWordWrap(True)
        form.addRow(start)
        for box, spin in rows:
            spin.setEnabled(box.isChecked())
            box.toggled.connect(spin.setEnabled)
            form.addRow(box, spin)
        form.addRow("Rank moves by:", self.rank_by)
        form.addRow("New plan name:", self.rebalance_name)
        return tab

    def _total(self, field: str) -> float:
        fields = self.project.weight_fields
        if field not in fields:
            return 0.0
        return float(np.nansum(self.project.weights[:, fields.index(field)]))

    # -- state ----------------------------------------------------------------------------
    def mode(self) -> str:
        """``"build"`` or ``"rebalance"``."""
        return BUILD if self.tabs.currentIndex() == 0 else REBALANCE

    def set_mode(self, mode: str) -> None:
        """Show the build or the rebalance tab."""
        self.tabs.setCurrentIndex(0 if mode == BUILD else 1)

    def request(self) -> BuildRequest | RebalanceRequest:
        """The run the user asked for.

        Raises
        ------
        InputError
            Choices that cannot run (no weight, no cap).
        """
        balance_on = self.criterion.value()
        tolerance = self.tolerance.value() / 100.0
        if self.mode() == BUILD:
            within = self.within.currentText()
            return BuildRequest(
                k=None if self.by_reps.isChecked() else self.k_spin.value(),
                from_home_bases=self.by_reps.isChecked(),
                balance_on=balance_on,
                tolerance=tolerance,
                within=None if within == NO_WITHIN else within,
                seed=self.seed.value(),
                name=self.build_name.text().strip() or None,
                compactness=self.compactness.value() / 100.0,
                max_distance=self.max_distance.value() * 1000.0
                if self.by_reps.isChecked() and self.max_distance.value() > 0
                else None,
                shares=self._shares(),
                keep_identities=self.keep_identities.isChecked(),
                time_limit=float(self.time_limit.value()) or None,
            )
        caps = [
            self.cap_units_spin.value() if self.cap_units.isChecked() else None,
            self.cap_accounts_spin.value() if self.cap_accounts.isChecked() else None,
            self.cap_revenue_spin.value() if self.cap_revenue.isChecked() else None,
        ]
        if all(c is None for c in caps):
            raise InputError("Tick at least one cap on what may move.")
        return RebalanceRequest(
            max_moves=caps[0],
            max_accounts_moved=None if caps[1] is None else float(caps[1]),
            max_revenue_moved=caps[2],
            tolerance=tolerance,
            balance_on=balance_on,
            name=self.rebalance_name.text().strip() or None,
            rank_by=self.rank_by.currentData(),
        )

    def accept(self) -> None:
        """Close only when the choices can run; otherwise say why in the dialog."""
        try:
            self.request()
        except InputError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        super().accept()

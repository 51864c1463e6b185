"""Result of an engine run: the quality report, the moves and the balance-vs-moves curve."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from territory_designer.balance.quality import QualityReport
from territory_designer.balance.rebalance import RebalanceResult
from territory_designer.balance.scenario import MoveRow, balance_curve, trajectory_arrays
from territory_designer.core.formatting import format_number

MOVE_COLUMNS = ("#", "Unit", "From", "To", "Accounts", "Revenue", "Why")
CURVE_COLUMNS = ("Cap on units moved", "Units moved", "Accounts moved", "Max deviation")
WARN = "color: #b00020;"


def report_rows(report: QualityReport) -> list[tuple[str, str]]:
    """(label, text) pairs shown for ``report``, with what moved when it was counted."""
    r = report
    tol = f"within ± {r.tolerance_pct:g} %" if r.within_tolerance else "outside tolerance"
    contiguity = "every territory in one piece" if r.contiguous else r.contiguity()[4:]
    rows = [
        ("Territories", f"{r.territories}"),
        ("Max deviation", f"{r.max_abs_deviation_pct:.2f} % ({tol})"),
        ("Deviation range", f"{r.min_deviation_pct:+.2f} % to {r.max_deviation_pct:+.2f} %"),
        ("Coefficient of variation", f"{r.cv:.3f}"),
        ("Contiguity", contiguity),
        ("Compactness (Polsby-Popper)", f"mean {r.pp_mean:.2f}, min {r.pp_min:.2f}"),
        ("Cut edges", f"{r.cut_edges:,}"),
    ]
    if r.unassigned:
        rows.append(("Unassigned units", f"{r.unassigned:,}"))
    if r.lower_bound_pct > 0:
        rows.append(("Best possible (unit sizes)", f"{r.lower_bound_pct:.2f} %"))
    if r.rest_max_abs_deviation_pct is not None:
        rows.append(("Max deviation of the rest", f"{r.rest_max_abs_deviation_pct:.2f} %"))
    if r.moved_against:
        rows += [
            ("Compared with", f"plan '{r.moved_against}'"),
            ("Units moved", f"{r.units_moved:,}"),
            ("Accounts moved", f"{r.accounts_moved:,.0f}"),
            ("Revenue moved", f"{r.revenue_moved:,.0f}"),
        ]
    rows.append(("Runtime", f"{r.runtime_s:.2f} s"))
    return rows


class _NumberItem(QTableWidgetItem):
    """A right-aligned number shown with thousands separators that sorts numerically."""

    def __init__(self, value: float) -> None:
        super().__init__(format_number(value))
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _NumberItem):
            return self.value < other.value
        return super().__lt__(other)


def _table(headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if isinstance(value, float | int):
                item = _NumberItem(value)
            else:
                item = QTableWidgetItem(str(value))
                item.setToolTip(str(value))
            table.setItem(i, j, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def moves_table(moves: list[MoveRow]) -> QTableWidget:
    """A sortable table of ``moves`` (territory names, not indices)."""
    rows = [
        (
            i,
            f"{m.unit_name} ({m.unit_id})" if m.unit_name != m.unit_id else m.unit_id,
            m.from_name,
            m.to_name,
            round(m.accounts),
            round(m.revenue),
            m.reason,
        )
        for i, m in enumerate(moves, start=1)
    ]
    table = _table(MOVE_COLUMNS, rows)
    table.setObjectName("moves_table")
    table.setSortingEnabled(True)
    table.sortItems(0, Qt.SortOrder.AscendingOrder)  # the order the engine made the moves
    return table


def curve_chart(result: RebalanceResult, tolerance_pct: float) -> QWidget:
    """Max deviation against accounts moved along the run (matplotlib, embedded)."""
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

    moves, accounts, dev = trajectory_arrays(result)
    fig = Figure(figsize=(5.2, 2.8), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    x, label = (accounts, "Accounts moved") if accounts.any() else (moves, "Units moved")
    ax.step(x, dev, where="post", color="#1f77b4", linewidth=1.8)
    ax.plot(x, dev, "o", color="#1f77b4", markersize=3)
    ax.axhline(tolerance_pct, color="#d62728", linestyle="--", linewidth=1)
    ax.annotate(
        f"tolerance {tolerance_pct:g} %",
        (x.min() if x.size else 0, tolerance_pct),
        textcoords="offset points",
        xytext=(4, 3),
        ha="left",
        color="#d62728",
        fontsize=8,
    )
    ax.set_xlabel(label)
    ax.set_ylabel("Max deviation (%)")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.set_title("Balance reached vs disruption", fontsize=10)
    canvas = FigureCanvasQTAgg(fig)
    canvas.setObjectName("curve_chart")
    canvas.setMinimumHeight(220)
    return canvas


class BalanceResultDialog(QDialog):
    """Shows the quality report of a new plan (and, for a rebalance, its moves and curve).

    Parameters
    ----------
    plan_name : str
        The plan the run added.
    report : QualityReport
        Its figures.
    moves : list of MoveRow, optional
        Rebalance moves (None for a build).
    result : RebalanceResult, optional
        Rebalance trajectory for the curve.
    """

    def __init__(
        self,
        plan_name: str,
        report: QualityReport,
        moves: list[MoveRow] | None = None,
        result: RebalanceResult | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Result: {plan_name}")
        self.report = report
        head = QLabel(f"New plan <b>{plan_name}</b> added and made active. Edit ▸ Undo removes it.")
        head.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._quality_tab(report), "Quality")
        self.moves_table: QTableWidget | None = None
        self.curve_table: QTableWidget | None = None
        if moves is not None:
            self.moves_table = moves_table(moves)
            self.tabs.addTab(self.moves_table, f"Moves ({len(moves)})")
        if result is not None and result.trajectory:
            self.tabs.addTab(self._curve_tab(result, report.tolerance_pct), "Balance vs moves")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        if moves is not None:
            self.resize(860, 520)
        else:
            self.resize(480, self.sizeHint().height())

    def _quality_tab(self, report: QualityReport) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.figures: dict[str, str] = {}
        for label, text in report_rows(report):
            value = QLabel(text)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if label == "Max deviation" and not report.within_tolerance:
                value.setStyleSheet(WARN)
            if label == "Contiguity" and not report.contiguous:
                value.setStyleSheet(WARN)
            form.addRow(f"{label}:", value)
            self.figures[label] = text
        for text in ([report.infeasible_reason] if report.infeasible_reason else []) + list(
            report.notes
        ):
            note = QLabel(text)
            note.setObjectName("infeasible_reason" if text == report.infeasible_reason else "")
            note.setWordWrap(True)
            note.setStyleSheet(WARN if text == report.infeasible_reason else "color: #555;")
            form.addRow(note)
        return tab

    def _curve_tab(self, result: RebalanceResult, tolerance_pct: float) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(curve_chart(result, tolerance_pct), 1)
        rows = [
            (
                int(c["max_moves"]),
                int(c["moves"]),
                round(c["accounts_moved"]),
                f"{c['max_abs_deviation_pct']:.2f} %",
            )
            for c in balance_curve(result)
        ]
        self.curve_table = _table(CURVE_COLUMNS, rows)
        self.curve_table.setObjectName("curve_table")
        self.curve_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.curve_table.setMaximumHeight(
            self.curve_table.horizontalHeader().sizeHint().height()
            + self.curve_table.verticalHeader().defaultSectionSize() * len(rows)
            + 4
        )
        layout.addWidget(self.curve_table)
        return tab

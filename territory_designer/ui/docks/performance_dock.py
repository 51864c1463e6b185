"""The "Performance" dock: trends per territory (small multiples) and a table with
sparklines, from the project's order lines (:mod:`territory_designer.core.performance`).

Refreshed after edits; the figures follow the active plan. The figures are computed on a
worker thread (with a million order lines that takes about a second) from a snapshot of the
project, 400 ms after the last edit (so a paint stroke costs one computation); meanwhile the
dock says "Updating…". A result computed for an older state of the project is dropped (a
generation counter, as the basemap loader does), and at most one computation runs at a time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.attribution import level_key, levels_of
from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.feedback import Feedback
from territory_designer.core.performance import (
    PerformanceTable,
    group_scores,
    project_performance,
    score_fields,
)
from territory_designer.core.sales_history import SalesHistory
from territory_designer.reports.performance_report import draw_growth_share
from territory_designer.ui.docks.performance_map_colours import MapColours
from territory_designer.ui.session import Session
from territory_designer.ui.workers import Task, weak_task

if TYPE_CHECKING:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

#: Shown in the message line while the figures are being computed.
UPDATING = "Updating…"

#: Figures the small multiples can show: (label, PerformanceTable attribute or method).
FIGURES = {
    "Revenue": "revenue",
    "Growth %": "growth_pct",
    "Customers": "customers",
    "Retention %": "retention_pct",
    "Attainment %": "attainment_pct",
    "Growth vs share": "",
}
#: Basis box entries -> ``attribute`` bases.
BASES = {"Active plan": "active", "Plan in force": "in-force"}
COLUMNS = ("Territory", "Name", "Trend", "Revenue", "Growth %", "YoY %", "Customers",
           "Retention %", "Attainment %")  # fmt: skip
SPARK = "▁▂▃▄▅▆▇█"
MAX_PANELS = 24


def sparkline(values: np.ndarray, width: int = 12) -> str:
    """The last ``width`` values as block characters (blank where undefined)."""
    v = np.asarray(values, dtype=float)[-width:]
    ok = np.isfinite(v)
    if not ok.any():
        return ""
    low, high = float(v[ok].min()), float(v[ok].max())
    span = high - low or 1.0
    return "".join(
        SPARK[int(round((x - low) / span * (len(SPARK) - 1)))] if math.isfinite(x) else " "
        for x in v
    )


def _figure(table: PerformanceTable, name: str) -> np.ndarray:
    value = getattr(table, name)
    return np.asarray(value() if callable(value) else value, dtype=float)


def _text(value: float, pct: bool = False) -> str:
    if not math.isfinite(value):
        return "—"
    return f"{value:+.1f}%" if pct else f"{value:,.0f}"


def _compact_number(value: float, _pos: object = None) -> str:
    """Axis labels: 1.2M, 350k, 12."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _percent(value: float) -> str:
    return f"{value:.0f}%" if math.isfinite(value) else "—"


@dataclass
class _Computed:
    """What the worker hands back: the figures, the score means and the order lines read."""

    table: PerformanceTable | None
    error: str
    fields: list[str]
    scores: list[dict]
    history: SalesHistory | None
    lines: object


def _compute(
    project: object,
    lines: object,
    history: SalesHistory | None,
    period: str,
    level: str,
    basis: str,
    feedback: Feedback,
) -> _Computed:
    """The dock's figures for a project snapshot (runs on the worker thread)."""
    try:
        if history is None:
            history = SalesHistory.of_project(project)  # type: ignore[arg-type]
        feedback.check_canceled()
        table = project_performance(project, period, level, basis, history=history)  # type: ignore[arg-type]
        fields = score_fields(project)  # type: ignore[arg-type]
        scores = group_scores(project, table.attribution, fields) if fields else []  # type: ignore[arg-type]
    except TerritoryDesignerError as exc:
        return _Computed(None, str(exc), [], [], history, lines)
    return _Computed(table, "", fields, scores, history, lines)


class _ChartHolder(QWidget):
    """Where the chart goes; as big as the chart wants to be (6 x 3 inches at 100 dpi)
    before it is made, so the dock's first layout does not depend on when it is made."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(600, 300)


class PerformanceDock(QDockWidget):
    """Small multiples of one figure per territory, and a table of the last period."""

    def __init__(
        self, session: Session, canvas: QWidget | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Performance", parent)
        self.setObjectName("performance_dock")
        self.session = session
        self.table_data: PerformanceTable | None = None
        self._lines: object = None
        self._columns: SalesHistory | None = None
        self._scores: tuple[list[str], list[dict]] = ([], [])
        #: Bumped by every refresh: a result of an older generation is stale and dropped.
        self._generation = 0
        self._task: Task | None = None
        #: A refresh was asked for while a computation ran: start one when it ends.
        self._pending = False
        #: True from a refresh until its figures are shown.
        self.updating = False
        self.period_box = QComboBox()
        self.period_box.addItems(["month", "quarter", "year"])
        self.level_box = QComboBox()
        self._fill_levels()
        self.basis_box = QComboBox()
        self.basis_box.addItems(list(BASES))
        self.basis_box.setToolTip(
            "Count all history under the active plan, or each period under the plan in force "
            "at the time (plans dated with plan-start)"
        )
        self.map_colours = MapColours(session, canvas)
        self.figure_box = QComboBox()
        self.figure_box.addItems(list(FIGURES))
        self.message = QLabel()
        self.message.setWordWrap(True)
        # matplotlib (about 0.8 s to import) is loaded when the chart is first needed, not
        # at window start: the dock starts hidden.
        self._figure: Figure | None = None
        self._chart: FigureCanvasQTAgg | None = None
        self._chart_holder = _ChartHolder()
        self._chart_holder.setMinimumHeight(180)
        QVBoxLayout(self._chart_holder).setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Period"))
        controls.addWidget(self.period_box)
        controls.addWidget(QLabel("By"))
        controls.addWidget(self.level_box)
        controls.addWidget(self.basis_box)
        controls.addWidget(QLabel("Show"))
        controls.addWidget(self.figure_box)
        if canvas is not None:
            controls.addWidget(QLabel("Map"))
            controls.addWidget(self.map_colours.box)
            controls.addWidget(self.map_colours.keep_button)
        controls.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self._chart_holder)
        split.addWidget(self.table)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addWidget(self.map_colours.message)
        layout.addWidget(split, 1)
        self.setWidget(body)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self.refresh)
        for sig in (
            session.sig_project_replaced,
            session.sig_plan_changed,
            session.sig_assignment_changed,
            session.sig_territories_changed,
            session.sig_structure_changed,
            session.sig_settings_changed,
            session.sig_accounts_changed,
        ):
            sig.connect(self._schedule)
        self.period_box.currentTextChanged.connect(self.refresh)
        self.level_box.currentTextChanged.connect(self.refresh)
        self.basis_box.currentTextChanged.connect(self.refresh)
        self.figure_box.currentTextChanged.connect(self._draw_chart)
        self.visibilityChanged.connect(lambda on: on and self.refresh())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Make the chart before the dock is first laid out, so it gets its room."""
        self.figure  # noqa: B018 - makes the canvas
        super().showEvent(event)

    @property
    def figure(self) -> Figure:
        """The matplotlib figure of the small multiples (made on first use)."""
        if self._figure is None:
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
            from matplotlib.figure import Figure

            self._figure = Figure(figsize=(6, 3), layout="constrained")
            self._chart = FigureCanvasQTAgg(self._figure)
            self._chart.setMinimumHeight(180)
            self._chart_holder.layout().addWidget(self._chart)
            self._chart.show()
        return self._figure

    @property
    def chart(self) -> FigureCanvasQTAgg:
        """The Qt canvas showing :attr:`figure` (made on first use)."""
        self.figure  # noqa: B018 - makes the canvas
        assert self._chart is not None
        return self._chart

    def _schedule(self, *_args: object) -> None:
        """Debounce: restart the timer, so a burst of edits (a paint stroke) computes once."""
        if self.isVisible():
            self._timer.start()

    def _cached_history(self) -> SalesHistory | None:
        """The order lines as columns when already read for this table of lines (a plan
        edit does not change them; an import replaces the table), else None."""
        if self._lines is self.session.project.transactions:
            return self._columns
        return None

    def _fill_levels(self) -> None:
        """Territory, Rep and the project's hierarchy levels (District, Region...)."""
        levels = levels_of(self.session.project)
        current = self.level_box.currentData()
        if [self.level_box.itemData(k) for k in range(self.level_box.count())] == levels:
            return
        self.level_box.blockSignals(True)
        self.level_box.clear()
        for level in levels:
            self.level_box.addItem(level[:1].upper() + level[1:], level)
        self.level_box.setCurrentIndex(levels.index(current) if current in levels else 0)
        self.level_box.blockSignals(False)

    def refresh(self) -> None:
        """Compute the figures again on a worker thread; redraw when they arrive."""
        self._timer.stop()
        self._fill_levels()
        self._generation += 1
        self.updating = True
        self.message.setText(UPDATING)
        if self._task is not None:  # one computation at a time; its result is now stale
            self._task.cancel()
            self._pending = True
            return
        self._start()

    def _start(self) -> None:
        project = self.session.project
        generation = self._generation
        snapshot = project.snapshot()  # plans and settings copied; order lines shared
        lines = project.transactions
        history = self._cached_history()
        args = (
            self.period_box.currentText(),
            self.level_box.currentData() or "territory",
            BASES[self.basis_box.currentText()],
        )

        def work(feedback: Feedback) -> _Computed:
            return _compute(snapshot, lines, history, *args, feedback)

        # A window closed while the work runs is freed at once; the result goes nowhere.
        task = weak_task(work, self, generation, "_on_computed", "_on_failed", "_on_done")
        self._task = task
        task.start()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until a running computation ends (tests, scripts); shown on the next
        event loop turn."""
        return self._task.wait(msecs) if self._task is not None else True

    def _on_done(self, _generation: int, _task: Task) -> None:
        self._task = None
        if self._pending:
            self._pending = False
            self._start()

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._show(_Computed(None, message, [], [], None, None))

    def _on_computed(self, generation: int, result: _Computed) -> None:
        if result.history is not None and result.lines is self.session.project.transactions:
            self._columns, self._lines = result.history, result.lines
        if generation != self._generation:
            return  # stale: computed for an older state of the project or the controls
        self._show(result)

    def _show(self, result: _Computed) -> None:
        self.updating = False
        self.table_data = result.table
        self._scores = (result.fields, result.scores)
        if result.table is None:
            self.message.setText(result.error)
            self.table.setRowCount(0)
            self.figure.clear()
            self.chart.draw_idle()
            return
        t = result.table
        self.message.setText(
            f"{t.periods[0]} to {t.periods[-1]}; {t.attribution.statement}; "
            f"quota: {t.quota_source}."
        )
        self._fill_table()
        self._draw_chart()
        self.map_colours.period = self.period_box.currentText()
        self.map_colours.apply()

    def _fill_table(self) -> None:
        t = self.table_data
        assert t is not None
        revenue, growth, yoy = t.revenue, t.growth_pct(), t.yoy_pct()
        retention, attainment = t.retention_pct(), t.attainment_pct()
        fields, scores = self._scores
        means = {(s["field"], s[level_key(t.attribution.level)]): s["mean"] for s in scores}
        self.table.setColumnCount(len(COLUMNS) + len(fields))
        self.table.setHorizontalHeaderLabels(
            [self.level_box.currentText(), *COLUMNS[1:], *[f"Mean {f}" for f in fields]]
        )
        self.table.setRowCount(len(t.groups))
        for g, group in enumerate(t.groups):
            cells = [
                group.id,
                group.name,
                sparkline(revenue[g]),
                _text(revenue[g, -1]),
                _text(growth[g, -1], True),
                _text(yoy[g, -1], True),
                str(int(t.customers[g, -1])),
                _percent(retention[g, -1]),
                _percent(attainment[g, -1]),
                *[_score(means.get((f, group.id))) for f in fields],
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(g, c, item)
        self.table.resizeColumnsToContents()

    def _draw_chart(self) -> None:
        self.figure.clear()
        t = self.table_data
        if t is None:
            self.chart.draw_idle()
            return
        if self.figure_box.currentText() == "Growth vs share":
            self._draw_growth_share(t)
            return
        values = _figure(t, FIGURES[self.figure_box.currentText()])
        groups = t.groups[:MAX_PANELS]
        cols = min(4, max(1, len(groups)))
        rows = math.ceil(len(groups) / cols)
        colours = {tr.id: tr.color for tr in self.session.project.plan.territories.values()}
        x = np.arange(values.shape[1])
        axes = self.figure.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k >= len(groups):
                ax.set_visible(False)
                continue
            ax.plot(x, values[k], color=colours.get(groups[k].id, "#4e79a7"), lw=1.2)
            ax.set_title(f"{groups[k].id} {groups[k].name}"[:22], fontsize=7)
            ax.tick_params(labelsize=6)
        ticks = np.unique(np.linspace(0, len(x) - 1, min(4, len(x))).round().astype(int))
        labels = t.periods
        for ax in axes[-1]:
            ax.set_xticks(ticks, [labels[i] for i in ticks])
        from matplotlib.ticker import FuncFormatter

        axes[0, 0].yaxis.set_major_formatter(FuncFormatter(_compact_number))
        self.chart.draw_idle()

    def _draw_growth_share(self, t: PerformanceTable) -> None:
        """One scatter: each group's share of the last period's revenue against its growth."""
        draw_growth_share(self.figure.add_subplot(111), t)
        self.chart.draw_idle()

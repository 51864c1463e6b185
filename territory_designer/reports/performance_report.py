"""Performance and white space in the Excel and PDF reports.

Sheets ``Performance`` (every territory and quarter with its figures), ``Trends``
(revenue per territory and quarter, with a line chart) and ``White space`` (the model's
verdict, coefficients and the units ranked); PDF pages with one small chart per territory
and growth against share, then the white space. Nothing is added for a project without
order lines. Figures by quarter, under the plan reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.errors import InputError
from territory_designer.reports.safety import safe_cell

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from openpyxl import Workbook

    from territory_designer.core.performance import PerformanceTable
    from territory_designer.core.project import Project
    from territory_designer.core.white_space import WhiteSpace

KIND = "quarter"
#: Periods shown in charts (the most recent).
SHOWN = 12
TOP_UNITS = 50
ROW_HEADERS = {
    "territory_id": "Territory",
    "name": "Name",
    "period": "Period",
    "revenue": "Revenue",
    "growth_pct": "Growth %",
    "yoy_pct": "YoY %",
    "customers": "Customers",
    "new_customers": "New",
    "lost_customers": "Lost",
    "retention_pct": "Retention %",
    "revenue_per_rep": "Revenue per rep",
    "quota": "Quota",
    "attainment_pct": "Attainment %",
}


@dataclass
class PerformanceSection:
    """What the reports show: the table (None without order lines) and the white space."""

    table: PerformanceTable | None
    white_space: WhiteSpace | None
    white_space_message: str
    unit_ids: np.ndarray
    unit_names: np.ndarray
    colours: dict[str, str]
    #: Mean satisfaction / NPS per territory (``group_scores`` rows).
    scores: list[dict] | None = None


def performance_section(project: Project, plan_name: str | None = None) -> PerformanceSection:
    """Figures of ``plan_name`` (default: the active plan) for the reports."""
    from territory_designer.core.performance import (
        group_scores,
        project_performance,
        score_fields,
    )
    from territory_designer.core.white_space import white_space

    plan = project.plans[plan_name] if plan_name else project.plan
    try:
        table = project_performance(project, KIND, plan=plan)
    except InputError:
        table = None
    ws, message = None, ""
    fields = score_fields(project)
    scores = group_scores(project, table.attribution, fields) if table and fields else None
    if table is not None:  # the reports show white space beside the sales figures
        try:
            ws = white_space(project)
            message = ws.fit.message
        except InputError as exc:
            message = str(exc)
    return PerformanceSection(
        table,
        ws,
        message,
        np.asarray(project.units.ids),
        np.asarray(project.units.names),
        {t.id: t.color for t in plan.territories.values()},
        scores,
    )


def write_performance_sheets(wb: Workbook, section: PerformanceSection) -> None:
    """Add the Performance, Trends and White space sheets (nothing without order lines)."""
    if section.table is None:
        return
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    t = section.table
    ws = wb.create_sheet("Performance")
    ws.append([safe_cell(" ".join(t.notes) + f" Quota: {t.quota_source}.")])
    ws.append([])
    ws.append(list(ROW_HEADERS.values()))
    for c in ws[3]:
        c.font = Font(bold=True)
    for row in t.rows():
        ws.append([safe_cell(row.get(k)) for k in ROW_HEADERS])
    ws.freeze_panes = "A4"
    trends = wb.create_sheet("Trends")
    periods = t.periods[-SHOWN:]
    trends.append(["Period", *[safe_cell(g.id) for g in t.groups]])
    for k, label in enumerate(periods):
        col = len(t.periods) - len(periods) + k
        trends.append([label, *[float(v) for v in t.revenue[:, col]]])
    chart = LineChart()
    chart.title = "Revenue per territory and quarter"
    chart.y_axis.title = "Revenue"
    chart.height, chart.width = 10, 22
    data = Reference(trends, min_col=2, max_col=1 + len(t.groups), min_row=1,
                     max_row=1 + len(periods))  # fmt: skip
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(trends, min_col=1, min_row=2, max_row=1 + len(periods)))
    trends.add_chart(chart, f"{_column_letter(len(t.groups) + 3)}2")
    if section.scores:
        sheet = wb.create_sheet("Scores")
        sheet.append(["Territory", "Field", "Mean", "Accounts"])
        for c in sheet[1]:
            c.font = Font(bold=True)
        for r in section.scores:
            sheet.append([safe_cell(r["territory_id"]), safe_cell(r["field"]), r["mean"],
                          r["accounts"]])  # fmt: skip
    _white_space_sheet(wb, section)


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _white_space_sheet(wb: Workbook, section: PerformanceSection) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet("White space")
    ws.append([safe_cell(section.white_space_message)])
    model = section.white_space
    if model is None:
        return
    fit = model.fit
    ws.append([f"Cross-validated R² {fit.cv_r2:.3f} ({fit.folds} folds), sales: {model.target}"])
    ws.append([])
    ws.append(["Attribute", "Coefficient", "Per standard deviation"])
    for c in ws[4]:
        c.font = Font(bold=True)
    for r in fit.coefficient_rows():
        ws.append([safe_cell(r["feature"]), r["coefficient"], r["per_std"]])
    ws.append(["(intercept)", fit.intercept])
    ws.append([])
    ws.append(["Unit", "Name", "Actual", "Potential", "White space"])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    gap = model.white_space
    for i in np.argsort(-gap)[:TOP_UNITS]:
        ws.append(
            [
                safe_cell(str(section.unit_ids[i])),
                safe_cell(str(section.unit_names[i])),
                float(model.actual[i]),
                float(model.potential[i]),
                float(gap[i]),
            ]
        )


def performance_pages(section: PerformanceSection, paper: tuple[float, float]) -> list[Figure]:
    """PDF pages: small multiples and growth against share, then the white space."""
    if section.table is None:
        return []
    return [_trend_page(section, paper), _white_space_page(section, paper)]


def _trend_page(section: PerformanceSection, paper: tuple[float, float]) -> Figure:
    import math

    from matplotlib.figure import Figure

    t = section.table
    assert t is not None
    fig = Figure(figsize=paper)
    fig.suptitle("Performance by territory and quarter", fontsize=13, weight="bold")
    groups = t.groups[:16]
    cols = 4
    rows = math.ceil(len(groups) / cols)
    shown = t.revenue[:, -SHOWN:]
    grid = fig.add_gridspec(rows + 2, cols, top=0.92, bottom=0.1, hspace=0.9, wspace=0.35)
    top = float(np.nanmax(shown)) if shown.size else 1.0
    labels = t.periods[-SHOWN:]
    for k, g in enumerate(groups):
        ax = fig.add_subplot(grid[k // cols, k % cols])
        ax.plot(shown[k], color=section.colours.get(g.id, "#4e79a7"), lw=1.2)
        ax.set_ylim(0, top * 1.05 or 1)
        ax.set_title(f"{g.id} {g.name}"[:24], fontsize=7)
        ax.set_xticks([0, len(labels) - 1], [labels[0], labels[-1]])
        ax.tick_params(labelsize=5)
    draw_growth_share(fig.add_subplot(grid[rows:, :]), t)
    fig.text(0.07, 0.045, " ".join(t.notes)[:160], fontsize=6)
    return fig


def draw_growth_share(ax: Axes, t: PerformanceTable) -> None:
    """One scatter on ``ax``: each group's share of the last period's revenue against its
    growth on the period before (the PDF's trend page and the Performance dock)."""
    revenue = t.revenue[:, -1]
    total = revenue.sum()
    share = 100.0 * revenue / total if total > 0 else np.zeros_like(revenue)
    growth = t.growth_pct()[:, -1]
    ok = np.isfinite(growth)
    ax.scatter(share[ok], growth[ok], color="#4e79a7")
    for k in np.flatnonzero(ok):
        ax.annotate(t.groups[k].id, (share[k], growth[k]), fontsize=7, xytext=(3, 3),
                    textcoords="offset points")  # fmt: skip
    ax.axhline(0, color="#999999", lw=0.8)
    ax.set_xlabel(f"Share of revenue in {t.periods[-1]} (%)", fontsize=8)
    ax.set_ylabel(f"Growth on the {t.kind} before (%)", fontsize=8)
    ax.tick_params(labelsize=7)


def _white_space_page(section: PerformanceSection, paper: tuple[float, float]) -> Figure:
    import textwrap

    from matplotlib.figure import Figure

    fig = Figure(figsize=paper)
    fig.text(0.07, 0.95, "White space (potential − actual)", fontsize=13, weight="bold")
    lines = textwrap.wrap(section.white_space_message, 100)
    model = section.white_space
    if model is not None:
        fit = model.fit
        lines += [f"Cross-validated R² {fit.cv_r2:.3f}; sales: {model.target}.", ""]
        lines += [
            f"{r['feature']:<28} {r['coefficient']:>14,.4f}  ({r['per_std']:+,.1f} per sd)"
            for r in fit.coefficient_rows()
        ]
        lines += [
            "",
            f"{'Unit':<10} {'Name':<28} {'Actual':>12} {'Potential':>12} {'White space':>12}",
        ]
        gap = model.white_space
        for i in np.argsort(-gap)[:30]:
            lines.append(
                f"{str(section.unit_ids[i])[:10]:<10} {str(section.unit_names[i])[:28]:<28} "
                f"{model.actual[i]:>12,.0f} {model.potential[i]:>12,.0f} {gap[i]:>12,.0f}"
            )
    y = 0.91
    for line in lines:
        fig.text(0.07, y, line, fontsize=7.5, family="monospace", va="top")
        y -= 0.017
    return fig

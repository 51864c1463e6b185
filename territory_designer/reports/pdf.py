"""PDF report (matplotlib, vector): a cover page and one page per territory.

The cover holds the overview map (territories coloured, legend, labels, scale bar), the
balance chart and the plan-level figures; each territory page its zoomed map with its
accounts, its key figures and its largest accounts. Pages are A4 or Letter portrait.
Figures are ``matplotlib.figure.Figure`` objects written with ``PdfPages`` (no pyplot).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.feedback import Feedback
from territory_designer.core.formatting import field_label, format_figure
from territory_designer.io.atomic import atomic_target
from territory_designer.reports.mapping import (
    PLAIN_TEXT,
    add_scale_bar,
    draw_balance_chart,
    draw_legend,
    draw_plan,
)
from territory_designer.reports.registry import PAPER_SIZES, ExportOptions, exporter
from territory_designer.reports.tables import ReportData, build_report_data

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from territory_designer.core.project import Project

TOP_ACCOUNTS = 25
_DARK = "#1f4e78"


def _rows(
    ax: Axes,
    rows: Sequence[Sequence[str]],
    xs: Sequence[float],
    aligns: Sequence[str],
    title: str | None = None,
    fontsize: float = 7.5,
) -> None:
    """A plain text table filling ``ax`` from the top (first row bold)."""
    ax.set_axis_off()
    tr = ax.transAxes
    y = 1.0
    if title:
        ax.text(
            0, y, title, fontsize=fontsize + 2, weight="bold", color=_DARK, va="top", transform=tr
        )
        y -= 0.075
    step = min(0.06, (y - 0.02) / max(len(rows), 1))
    for i, row in enumerate(rows):
        if i == 1:
            ax.plot([0, 1], [y + step * 0.15] * 2, color="#999999", linewidth=0.5, transform=tr)
        for x, a, text in zip(xs, aligns, row, strict=False):
            ax.text(
                x,
                y,
                str(text),
                fontsize=fontsize,
                ha=a,
                va="top",
                weight="bold" if i == 0 else "normal",
                transform=tr,
            )
        y -= step


def _header(fig: Figure, title: str, subtitle: str) -> None:
    fig.text(0.06, 0.965, title, fontsize=15, weight="bold", color=_DARK, va="top")
    fig.text(0.06, 0.935, subtitle, fontsize=8.5, color="#555555", va="top")


def _footer(fig: Figure, data: ReportData, page: int, pages: int) -> None:
    fig.text(0.06, 0.02, f"{data.project_title} · {data.plan_name}", fontsize=6.5, color="#777777")
    fig.text(0.94, 0.02, f"page {page} of {pages}", fontsize=6.5, color="#777777", ha="right")


def cover_page(data: ReportData, paper: str, title: str | None) -> Figure:
    """The cover: overview map, legend, balance chart and plan figures."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=PAPER_SIZES[paper])
    subtitle = (
        f"Plan {data.plan_name}  ·  {data.date.isoformat()}  ·  "
        f"balanced on {data.criterion or field_label(data.balance_field)}"
    )
    if data.template:
        subtitle += f"  ·  template {data.template}"
    _header(fig, title or f"Territory plan: {data.plan_name}", subtitle)
    ax = fig.add_axes((0.04, 0.47, 0.70, 0.44))
    bounds = draw_plan(ax, data)
    add_scale_bar(ax, bounds)
    leg = fig.add_axes((0.75, 0.47, 0.22, 0.44))
    leg.set_axis_off()
    draw_legend(leg, data, max_items=30)
    chart = fig.add_axes((0.20, 0.07, 0.36, 0.34))
    draw_balance_chart(chart, data)
    chart.set_title("Balance", fontsize=10, loc="left", color=_DARK, weight="bold")
    figs = fig.add_axes((0.62, 0.07, 0.34, 0.34))
    rows = [("Figure", "Value")] + [
        (label[:34], format_figure(value, kind)) for label, value, kind in data.figures()
    ]
    _rows(figs, rows, (0.0, 1.0), ("left", "right"), title="Plan figures", fontsize=7)
    return fig


def territory_page(data: ReportData, code: int, paper: str, include_accounts: bool) -> Figure:
    """One territory: zoomed map with its accounts, key figures, largest accounts."""
    from matplotlib.figure import Figure

    t = data.territories.set_index("code").loc[code]
    fig = Figure(figsize=PAPER_SIZES[paper])
    owner = f"Owner: {t['owner']}" if t["owner"] else "No owner"
    _header(fig, f"{t['id']}  {t['name']}", f"{owner}  ·  plan {data.plan_name}")
    ax = fig.add_axes((0.06, 0.45, 0.88, 0.46))
    bounds = draw_plan(ax, data, focus=code)
    mine = np.flatnonzero(data.account_code == code)
    if include_accounts and mine.size:
        xy = data.account_xy[mine]
        ax.scatter(xy[:, 0], xy[:, 1], s=4, c="#222222", linewidths=0, alpha=0.8, zorder=4)
    add_scale_bar(ax, bounds)
    rows = [("Figure", "Value"), ("Units", format_figure(t["units"], "int"))]
    rows.append(("Accounts", format_figure(t["accounts"], "int")))
    rows += [(field_label(f)[:28], format_figure(t[f])) for f in data.metric_fields]
    rows += [
        (
            f"Deviation ({field_label(data.balance_field)})",
            format_figure(t["deviation_pct"] / 100, "pct"),
        ),
        ("Target", format_figure(t["target"]) if t["target"] else "mean"),
        ("Area (km²)", format_figure(t["area_km2"])),
        ("Compactness (Polsby-Popper)", format_figure(t["polsby_popper"], "ratio")),
        ("Pieces", format_figure(t["pieces"], "int")),
    ]
    if data.changes is not None:
        flow = data.changes.by_territory.set_index("territory")
        if t["id"] in flow.index:
            f = flow.loc[t["id"]]
            rows.append(("Units gained / lost", f"+{f['units_gained']} / -{f['units_lost']}"))
    _rows(fig.add_axes((0.06, 0.05, 0.34, 0.36)), rows, (0, 1), ("left", "right"), "Key figures")
    acc_ax = fig.add_axes((0.46, 0.05, 0.48, 0.36))
    _accounts_table(acc_ax, data, mine)
    return fig


def _accounts_table(ax: Axes, data: ReportData, mine: np.ndarray) -> None:
    acc = data.accounts.iloc[mine]
    value = data.balance_field if data.balance_field in acc.columns else None
    if value is None:
        value = next((f for f in ("revenue", "potential") if f in acc.columns), None)
    if value is not None and len(acc):
        acc = acc.sort_values(value, ascending=False, kind="stable")
    head = acc.head(TOP_ACCOUNTS)
    rows = [("Account", "Name", field_label(value) if value else "Unit")]
    for _, r in head.iterrows():
        rows.append(
            (
                str(r["account_id"])[:12],
                str(r["account_name"])[:30],
                format_figure(r[value]) if value else str(r["unit_id"]),
            )
        )
    title = f"Accounts ({len(acc):,})"
    if len(acc) > TOP_ACCOUNTS:
        title += f", largest {TOP_ACCOUNTS}"
    if not len(acc):
        rows.append(("", "no accounts", ""))
    _rows(ax, rows, (0.0, 0.22, 1.0), ("left", "left", "right"), title, fontsize=6.5)


@exporter("pdf", label="PDF report", suffixes=(".pdf",))
def export_pdf(project: Project, path: Path, options: ExportOptions, feedback: Feedback) -> Path:
    """Write the PDF report (cover plus one page per territory) to ``path``."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    data = build_report_data(project, options.plan)
    codes = [int(c) for c in data.territories["code"]] if len(data.territories) else []
    pages = 1 + len(codes)
    feedback.set_progress(2, "Dissolving territories")
    data.shapes("coarse")
    data.shapes("fine")
    with atomic_target(path) as tmp, matplotlib.rc_context(PLAIN_TEXT):
        with PdfPages(tmp, metadata={"Title": f"Territory plan {data.plan_name}"}) as pdf:
            fig = cover_page(data, options.paper, options.title)
            _footer(fig, data, 1, pages)
            pdf.savefig(fig)
            for k, code in enumerate(codes, start=2):
                feedback.check_canceled()
                feedback.set_progress(5 + 90 * k / pages, f"Page {k} of {pages}")
                fig = territory_page(data, code, options.paper, options.include_accounts)
                _footer(fig, data, k, pages)
                pdf.savefig(fig)
        feedback.check_canceled()
    return path

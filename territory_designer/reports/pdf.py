"""PDF report (matplotlib, vector): a cover page and one page per territory.

The cover holds the overview map (territories coloured, legend, labels, scale bar), the
balance chart and the plan-level figures; each territory page its zoomed map with its
accounts (neighbouring territories greyed for context), its key figures and the start of
its account list, which continues on as many pages as it needs. Pages are A4 or Letter
portrait; the footer names the project's title (the report title, or the project's
``title`` setting), the plan and the page. ``pdf-per-territory`` writes one such PDF per
territory into a folder: a rep's handout. Figures are ``matplotlib.figure.Figure``
objects written with ``PdfPages`` (no pyplot).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.feedback import Feedback
from territory_designer.core.formatting import clipped, field_label, format_figure
from territory_designer.io.atomic import atomic_target
from territory_designer.reports.map_basemap import credit_below
from territory_designer.reports.mapping import (
    PLAIN_TEXT,
    draw_balance_chart,
    draw_plan,
    map_bounds,
    scale_bar_below,
)
from territory_designer.reports.pdf_accounts import (
    AccountList,
    account_list,
    draw_accounts,
    rows_fitting,
    territory_table,
)
from territory_designer.reports.pdf_fonts import core_fonts
from territory_designer.reports.pdf_layout import (
    DEFAULT_COVER,
    DEFAULT_LAYOUT,
    TerritoryLayout,
    fit_cover,
    fit_territory_page,
    shape_ratio,
)
from territory_designer.reports.pdf_tables import hierarchy_pages, hierarchy_text, workload_pages
from territory_designer.reports.performance_report import performance_pages, performance_section
from territory_designer.reports.registry import PAPER_SIZES, ExportOptions, exporter
from territory_designer.reports.tables import ReportData, build_report_data

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from territory_designer.core.project import Project

_DARK = "#1f4e78"
#: Where the account list sits on the pages continuing a territory's list (left, bottom,
#: width, height as fractions of the page; its first page: :mod:`~.pdf_layout`).
MORE_LIST_BOX = (0.06, 0.05, 0.88, 0.85)
#: Largest spacing of the rows of key figures (points).
ROW_PT = 18.0


def territory_layout(data: ReportData, code: int, paper: str) -> TerritoryLayout:
    """The first page of territory ``code``, fitted to its map's shape (see
    :func:`~.pdf_layout.fit_territory_page`)."""
    t = data.territories.set_index("code").loc[code]
    top = 0.89 if definition_lines(t.get("definition", "")) else 0.91
    try:
        bounds = map_bounds(data, focus=code)
    except (KeyError, ValueError):
        return DEFAULT_LAYOUT
    return fit_territory_page(shape_ratio(bounds), paper, top)


def _rows(
    ax: Axes,
    rows: Sequence[Sequence[str]],
    xs: Sequence[float],
    aligns: Sequence[str],
    title: str | None = None,
    fontsize: float = 7.5,
) -> None:
    """A plain text table filling ``ax`` from the top (first row bold), rows at most
    :data:`ROW_PT` apart however tall the box."""
    ax.set_axis_off()
    tr = ax.transAxes
    height_pt = ax.get_position().height * ax.figure.get_size_inches()[1] * 72
    y = 1.0
    if title:
        ax.text(
            0, y, title, fontsize=fontsize + 2, weight="bold", color=_DARK, va="top", transform=tr
        )
        y -= 1.25 * ROW_PT / height_pt
    step = min(ROW_PT / height_pt, (y - 0.02) / max(len(rows), 1))
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


def report_title(project: Project, options: ExportOptions) -> str:
    """The title the report carries: the one asked for, the project's, else a plain one."""
    title = options.title or project.settings.get("title")
    return str(title) if title else "Territory plan"


def _footer(fig: Figure, title: str, plan: str, page: int, pages: int) -> None:
    fig.text(0.06, 0.02, f"{title} · plan {plan}", fontsize=6.5, color="#777777")
    fig.text(0.94, 0.02, f"page {page} of {pages}", fontsize=6.5, color="#777777", ha="right")


def cover_page(data: ReportData, paper: str, title: str | None, basemap: bool = True) -> Figure:
    """The cover: overview map and plan figures; the balance chart beside a table of all
    territories (rep, units, accounts, the balanced figure, deviation, workload)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=PAPER_SIZES[paper])
    subtitle = (
        f"Plan {data.plan_name}  ·  {data.date.isoformat()}  ·  "
        f"balanced on {data.criterion or field_label(data.balance_field)}"
    )
    if data.template:
        subtitle += f"  ·  template {data.template}"
    _header(fig, title or f"Territory plan: {data.plan_name}", subtitle)
    layout = fit_cover(shape_ratio(map_bounds(data)), paper) if len(data.territories) else None
    layout = layout or DEFAULT_COVER
    ax = fig.add_axes(layout.map_box)
    bounds = draw_plan(ax, data, basemap=basemap)
    scale_bar_below(fig, ax, bounds)
    credit_below(fig, ax)
    figs = fig.add_axes(layout.figures_box)
    rows = [("Figure", "Value")] + [
        (clipped(label, 40), format_figure(value, kind)) for label, value, kind in data.figures()
    ]
    _rows(figs, rows, (0.0, 1.0), ("left", "right"), title="Plan figures", fontsize=6.5)
    chart = fig.add_axes(layout.chart_box)
    draw_balance_chart(chart, data)
    chart.set_title("Balance", fontsize=10, loc="left", color=_DARK, weight="bold")
    table = territory_table(data)
    box = fig.add_axes(layout.table_box)
    draw_accounts(box, table, 0, len(table), f"Territories ({len(table)})", shrink=True)
    return fig


def territory_page(
    data: ReportData,
    code: int,
    paper: str,
    include_accounts: bool,
    accounts: AccountList | None = None,
    basemap: bool = True,
    layout: TerritoryLayout | None = None,
) -> Figure:
    """One territory: zoomed map with its accounts, key figures, start of the account list."""
    from matplotlib.figure import Figure

    accounts = accounts if accounts is not None else account_list(data, code)
    layout = layout or territory_layout(data, code, paper)
    t = data.territories.set_index("code").loc[code]
    fig = Figure(figsize=PAPER_SIZES[paper])
    _header(fig, f"{t['id']}  {t['name']}", _territory_subtitle(data, t))
    definition = definition_lines(t.get("definition", ""))
    if definition:  # what the territory covers and why, under the title
        fig.text(0.06, 0.918, definition, fontsize=7.5, style="italic", color="#333333", va="top")
    ax = fig.add_axes(layout.map_box)
    bounds = draw_plan(ax, data, focus=code, basemap=basemap)
    mine = np.flatnonzero(data.account_code == code)
    if include_accounts and mine.size:
        xy = data.account_xy[mine]
        ax.scatter(xy[:, 0], xy[:, 1], s=4, c="#222222", linewidths=0, alpha=0.8, zorder=4)
    scale_bar_below(fig, ax, bounds)
    credit_below(fig, ax)
    rows = [("Figure", "Value"), ("Units", format_figure(t["units"], "int"))]
    rows.append(("Accounts", format_figure(t["accounts"], "int")))
    rows += [(clipped(field_label(f), 28), format_figure(t[f])) for f in data.metric_fields]
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
    figures = fig.add_axes(layout.figures_box)
    _rows(figures, rows, (0, 1), ("left", "right"), "Key figures")
    stop = first_page_rows(accounts, paper, layout)
    title = f"Accounts ({len(accounts):,})"
    if len(accounts) > stop:
        title += f", 1–{stop} (continued)"
    list_box = layout.list_box
    draw_accounts(fig.add_axes(list_box), accounts, 0, stop, title)
    if not len(accounts):
        top = list_box[1] + list_box[3] - 0.05
        fig.text(list_box[0], top, "No accounts in this territory.", fontsize=7, color="#555555")
    return fig


def definition_lines(text: object, width: int = 120, lines: int = 2) -> str:
    """A territory's definition wrapped to at most ``lines`` lines ('…' when cut)."""
    import textwrap

    if not isinstance(text, str) or not text.strip():
        return ""
    wrapped = textwrap.wrap(" ".join(text.split()), width)
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], clipped(" ".join(wrapped[lines - 1 :]), width)]
    return "\n".join(wrapped)


def _territory_subtitle(data: ReportData, t: object) -> str:
    owner = f"Owner: {t['owner']}" if t["owner"] else "No owner"
    placed = hierarchy_text(data, t)
    return f"{owner}  ·  {placed + '  ·  ' if placed else ''}plan {data.plan_name}"


def first_page_rows(
    accounts: AccountList, paper: str, layout: TerritoryLayout = DEFAULT_LAYOUT
) -> int:
    """Account rows on a territory's first page."""
    w, h = PAPER_SIZES[paper]
    box = layout.list_box
    return rows_fitting(accounts, box[2] * w, box[3] * h)


def more_page_rows(accounts: AccountList, paper: str) -> int:
    """Account rows on each page that continues a territory's list."""
    w, h = PAPER_SIZES[paper]
    return rows_fitting(accounts, MORE_LIST_BOX[2] * w, MORE_LIST_BOX[3] * h)


def accounts_page(
    data: ReportData, code: int, paper: str, accounts: AccountList, start: int, stop: int
) -> Figure:
    """A page continuing territory ``code``'s account list (rows ``start:stop``)."""
    from matplotlib.figure import Figure

    t = data.territories.set_index("code").loc[code]
    fig = Figure(figsize=PAPER_SIZES[paper])
    _header(fig, f"{t['id']}  {t['name']} (continued)", _territory_subtitle(data, t))
    title = f"Accounts {start + 1:,}–{stop:,} of {len(accounts):,}"
    draw_accounts(fig.add_axes(MORE_LIST_BOX), accounts, start, stop, title)
    return fig


def territory_pages(
    data: ReportData,
    code: int,
    options: ExportOptions,
    accounts: AccountList,
    layout: TerritoryLayout | None = None,
) -> Iterator[Figure]:
    """The pages of territory ``code``: its first page, then its account list continued."""
    layout = layout or territory_layout(data, code, options.paper)
    yield territory_page(
        data, code, options.paper, options.include_accounts, accounts, options.basemap, layout
    )
    start = first_page_rows(accounts, options.paper, layout)
    step = more_page_rows(accounts, options.paper)
    while start < len(accounts):
        stop = min(start + step, len(accounts))
        yield accounts_page(data, code, options.paper, accounts, start, stop)
        start = stop


def page_count(accounts: AccountList, paper: str, layout: TerritoryLayout = DEFAULT_LAYOUT) -> int:
    """How many pages :func:`territory_pages` makes for a territory with ``accounts``
    (its first page laid out as ``layout``)."""
    rest = max(0, len(accounts) - first_page_rows(accounts, paper, layout))
    return 1 + -(-rest // more_page_rows(accounts, paper))


def _write_pages(
    path: Path,
    data: ReportData,
    title: str,
    codes: list[int],
    options: ExportOptions,
    feedback: Feedback,
    cover: bool,
    extra: list | None = None,
) -> None:
    """Write the cover (when asked) and the pages of ``codes`` into one PDF at ``path``,
    then the ``extra`` figures (performance pages)."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    lists = {c: account_list(data, c) for c in codes}
    extra = extra or []
    layouts = {c: territory_layout(data, c, options.paper) for c in codes}
    pages = int(cover) + sum(page_count(lists[c], options.paper, layouts[c]) for c in codes)
    pages += len(extra)
    page = 0
    meta = {"Title": f"{title} – plan {data.plan_name}"}
    with (
        core_fonts(),
        matplotlib.rc_context(PLAIN_TEXT),
        PdfPages(path, metadata=meta) as pdf,
    ):
        if cover:
            page += 1
            fig = cover_page(data, options.paper, options.title, options.basemap)
            _footer(fig, title, data.plan_name, page, pages)
            pdf.savefig(fig)
        for code in codes:
            for fig in territory_pages(data, code, options, lists[code], layouts[code]):
                feedback.check_canceled()
                page += 1
                if cover:  # the whole report: progress page by page
                    feedback.set_progress(5 + 90 * page / pages, f"Page {page} of {pages}")
                _footer(fig, title, data.plan_name, page, pages)
                pdf.savefig(fig)
        for fig in extra:
            page += 1
            _footer(fig, title, data.plan_name, page, pages)
            pdf.savefig(fig)


@exporter("pdf", label="PDF report", suffixes=(".pdf",))
def export_pdf(project: Project, path: Path, options: ExportOptions, feedback: Feedback) -> Path:
    """Write the PDF report (cover plus every territory's pages) to ``path``."""
    data = build_report_data(project, options.plan)
    codes = [int(c) for c in data.territories["code"]] if len(data.territories) else []
    feedback.set_progress(2, "Dissolving territories")
    data.shapes("coarse")
    data.shapes("fine")
    title = report_title(project, options)
    extra = hierarchy_pages(data, PAPER_SIZES[options.paper])
    extra += workload_pages(data, PAPER_SIZES[options.paper])
    extra += performance_pages(
        performance_section(project, options.plan), PAPER_SIZES[options.paper]
    )
    with atomic_target(path) as tmp:
        _write_pages(tmp, data, title, codes, options, feedback, cover=True, extra=extra)
        feedback.check_canceled()
    return path


@exporter("pdf-per-territory", label="PDF per territory (folder)", is_folder=True)
def export_pdf_per_territory(
    project: Project, path: Path, options: ExportOptions, feedback: Feedback
) -> Path:
    """Write one PDF per territory (its map, figures and every account) into folder ``path``.

    Files are named after the territory (``T01 Charlotte Metro.pdf``). They are written
    into a hidden sibling folder first and moved in only when all are complete, so a
    failure or a cancel leaves no partial set.
    """
    from territory_designer.io.atomic import staged_folder

    data = build_report_data(project, options.plan)
    codes = [int(c) for c in data.territories["code"]] if len(data.territories) else []
    data.shapes("fine")
    title = report_title(project, options)
    with staged_folder(path) as staging:
        names = territory_file_names(data)
        for k, code in enumerate(codes):
            feedback.set_progress(5 + 90 * k / max(len(codes), 1), f"Territory {k + 1}")
            _write_pages(staging / names[code], data, title, [code], options, feedback, False)
        feedback.check_canceled()
    return path


def territory_file_names(data: ReportData) -> dict[int, str]:
    """A file name per territory code: ``"<id> <name>.pdf"`` with unsafe characters removed."""
    import re

    out: dict[int, str] = {}
    used: set[str] = set()
    for code, tid, name in zip(
        data.territories["code"], data.territories["id"], data.territories["name"], strict=True
    ):
        stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", f"{tid} {name}").strip(" .")[:80]
        stem = stem or f"territory {int(code)}"
        candidate, k = stem, 2
        while candidate.lower() in used:
            candidate, k = f"{stem} ({k})", k + 1
        used.add(candidate.lower())
        out[int(code)] = f"{candidate}.pdf"
    return out

"""Summary pages of the PDF report: hierarchy roll-ups (one table per level) and the
territory workload, drawn like the account lists (monospaced rows, see :mod:`~.pdf_accounts`).

The roll-ups are those of :func:`territory_designer.core.hierarchy.rollup`, the same
figures as the Excel report's "By district" / "By region" sheets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from territory_designer.core.formatting import clipped, field_label
from territory_designer.reports.pdf_accounts import AccountList, _number, draw_accounts
from territory_designer.reports.rules_tables import node_names

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from territory_designer.reports.tables import ReportData

#: Roll-up columns shown besides node, name, the levels above and the territory count.
MAX_ROLLUP_FIGURES = 4
_DARK = "#1f4e78"


def frame_table(
    frame: pd.DataFrame, labels: dict[str, str] | None = None, right: tuple[str, ...] = ()
) -> AccountList:
    """A data frame as a drawable table: numbers (and the ``right`` columns, e.g. texts
    holding percentages) right-aligned, texts clipped."""
    labels = labels or {}
    headers, cells, numeric = [], [], []
    for col in frame.columns:
        values = frame[col]
        is_number = values.dtype.kind in "iuf"
        headers.append(clipped(labels.get(col, field_label(col)), 18))
        if is_number:
            cells.append([_number(v) for v in values])
        else:
            cells.append([clipped("" if v is None else str(v), 24) for v in values])
        numeric.append(is_number or col in right)
    widths = [
        max(len(h), *(len(c) for c in col)) if len(col) else len(h)
        for h, col in zip(headers, cells, strict=True)
    ]
    return AccountList(headers, cells, numeric, [w + 2 for w in widths])


def hierarchy_text(data: ReportData, territory: object) -> str:
    """``"District D1 Triangle · Region R1 East"`` for a territory row of the report (''
    when the plan has no hierarchy)."""
    names = node_names(data)
    parts = []
    for level in data.hierarchy:
        node = str(territory[level] or "")  # type: ignore[index]
        if not node:
            continue
        name = names.get(level, {}).get(node, node)
        label = node if name == node else f"{node} {name}"
        parts.append(f"{level.capitalize()} {label}")
    return "  ·  ".join(parts)


def rollup_table(data: ReportData, level: str) -> AccountList:
    """The roll-up of one level: node, name, levels above, territories and key figures
    (units, accounts, the balanced field, then others), '(none)' for unplaced territories."""
    frame = data.rollups[level].copy()
    above = [c for c in data.hierarchy if c in frame.columns]
    fixed = ["node", "name", *above, "territories"]
    order = ["units", "accounts", data.balance_field, *data.metric_fields]
    figures = []
    for f in order:
        if f in frame.columns and f not in figures and f not in fixed:
            figures.append(f)
    frame = frame[fixed + figures[:MAX_ROLLUP_FIGURES]]
    frame["node"] = [n or "(none)" for n in frame["node"]]
    labels = {"node": level.capitalize(), "name": "Name", "territories": "Territories"}
    labels.update({a: a.capitalize() for a in above})
    return frame_table(frame, labels)


def table_page(title: str, tables: list[tuple[str, AccountList]], paper: tuple[float, float],
               note: str = "") -> Figure:  # fmt: skip
    """One page with ``tables`` stacked, each box as high as its share of the rows; fonts
    shrink so every row fits."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=paper)
    fig.text(0.06, 0.965, title, fontsize=15, weight="bold", color=_DARK, va="top")
    if note:
        fig.text(0.06, 0.935, note, fontsize=8.5, color="#555555", va="top")
    top, bottom = 0.9, 0.06
    lines = [len(t) + 5 for _, t in tables]
    total = sum(lines) or 1
    y = top
    for (heading, table), n in zip(tables, lines, strict=True):
        height = (top - bottom) * n / total
        y -= height
        ax = fig.add_axes((0.06, y, 0.88, height * 0.95))
        draw_accounts(ax, table, 0, len(table), heading, shrink=True)
    return fig


def hierarchy_pages(data: ReportData, paper: tuple[float, float]) -> list[Figure]:
    """The roll-up page (one table per hierarchy level), none without a hierarchy."""
    if not data.rollups:
        return []
    tables = [
        (f"By {level} ({len(data.rollups[level])})", rollup_table(data, level))
        for level in data.hierarchy
        if level in data.rollups
    ]
    note = "Figures of each node are the sums of its territories' figures."
    return [table_page("Hierarchy roll-up", tables, paper, note)]


#: Workload columns on the PDF page (keys of :func:`~.workload_sheet.workload_figures`).
WORKLOAD_COLUMNS = {
    "id": "Territory",
    "name": "Name",
    "owner": "Rep",
    "accounts": "Accounts",
    "visits": "Visits/yr",
    "visit_hours": "Visit h",
    "travel_hours": "Travel h",
    "routing_hours": "Routing h",
    "hours": "Hours",
    "fte": "Full-time",
}


def workload_pages(data: ReportData, paper: tuple[float, float]) -> list[Figure]:
    """The workload page (hours a year per territory and share of a full-time year), none
    when the project has no workload model."""
    import textwrap

    from territory_designer.core.workload import APPROXIMATION_NOTE

    table = data.workload
    if table is None or not len(table):
        return []
    frame = table[[c for c in WORKLOAD_COLUMNS if c in table.columns]].copy()
    frame["fte"] = [f"{100 * float(v):.0f}%" for v in frame["fte"]]
    for col in ("id", "name", "owner"):
        frame[col] = frame[col].fillna("").astype(str)
    hours = float(table["hours"].sum())
    title = f"Workload by territory ({len(frame)})"
    note = (
        f"Hours a year per territory; full-time year {data.full_time_hours:,.0f} hours. "
        f"Total {hours:,.0f} hours = {hours / data.full_time_hours:.1f} full-time reps."
    )
    fig = table_page(
        "Workload", [(title, frame_table(frame, WORKLOAD_COLUMNS, ("fte",)))], paper, note
    )
    fig.text(0.06, 0.035, "\n".join(textwrap.wrap(APPROXIMATION_NOTE, 130)), fontsize=6,
             color="#555555", va="bottom")  # fmt: skip
    return [fig]

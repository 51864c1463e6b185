"""The monthly review pack: an Excel workbook and a PDF of what drifted and what the
proposal moves, with the balance-versus-moves curve.

Built from a :class:`territory_designer.core.review.Review` (plain figures). Charts use
``matplotlib.figure.Figure`` (never pyplot); files are written atomically; every cell
from user data goes through :func:`safe_cell`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from territory_designer.io.atomic import atomic_target
from territory_designer.reports.safety import safe_cell

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from territory_designer.core.review import Review

TERRITORY_HEADERS = {
    "territory_id": "Territory",
    "name": "Name",
    "revenue": "Revenue (period)",
    "growth_pct": "Growth %",
    "year_sales": "Sales, year to period",
    "year_sales_dev_pct": "vs mean %",
    "customers": "Customers",
    "retention_pct": "Retention %",
    "workload": "Workload",
    "potential": "Potential",
}


def pack_paths(folder: Path | str, period: str) -> tuple[Path, Path]:
    """``review-2026-11.xlsx`` and ``review-2026-11.pdf`` in ``folder``."""
    folder = Path(folder)
    return folder / f"review-{period}.xlsx", folder / f"review-{period}.pdf"


def write_review_pack(review: Review, folder: Path | str) -> tuple[Path, Path]:
    """Write the Excel and PDF review pack into ``folder`` (created if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    xlsx, pdf = pack_paths(folder, review.period)
    write_review_excel(review, xlsx)
    write_review_pdf(review, pdf)
    return xlsx, pdf


def _summary_lines(review: Review) -> list[str]:
    lines = [
        f"Monthly review {review.period} — plan {review.plan!r}",
        f"Band ±{100 * review.band:.0f}%; {len(review.drifted)} of "
        f"{len(review.territories)} territories drifted.",
    ]
    lines += [f"{d.territory_id} {d.name}: {d.message}" for d in review.drifts]
    lines.append(review.proposal_message)
    lines += review.notes
    return lines


def write_review_excel(review: Review, path: Path) -> Path:
    """Sheets Summary, Territories, Drift, Moves and Curve (with a line chart)."""
    import openpyxl
    from openpyxl.chart import Reference, ScatterChart, Series
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Summary"
    for k, line in enumerate(_summary_lines(review), start=1):
        ws.cell(k, 1, safe_cell(line)).font = Font(bold=k == 1, size=14 if k == 1 else 11)
    ws.column_dimensions["A"].width = 110

    def table(title: str, headers: list[str], rows: list[list]) -> None:
        sheet = wb.create_sheet(title)
        sheet.append(headers)
        for c in sheet[1]:
            c.font = Font(bold=True)
        for r in rows:
            sheet.append([safe_cell(v) for v in r])
        for k, h in enumerate(headers, start=1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(k)].width = max(12, len(h) + 2)
        sheet.freeze_panes = "A2"

    keys = [k for k in TERRITORY_HEADERS if any(k in t for t in review.territories)]
    table(
        "Territories",
        [TERRITORY_HEADERS[k] for k in keys],
        [[t.get(k) for k in keys] for t in review.territories],
    )
    table(
        "Drift",
        ["Territory", "Name", "Measure", "Value", "Reference", "Deviation", "What"],
        [
            [d.territory_id, d.name, d.measure, d.value, d.reference, d.deviation_pct, d.message]
            for d in review.drifts
        ],
    )
    table(
        "Moves",
        ["Unit", "Unit name", "From", "To", "Accounts", "Revenue", "Why"],
        [
            [m["unit_id"], m["unit_name"], m["from"], m["to"], m["accounts"], m["revenue"],
             m["reason"]]
            for m in review.moves
        ],
    )  # fmt: skip
    traj = review.trajectory
    table(
        "Curve",
        ["Units moved", "Accounts moved", "Max deviation %"],
        [
            list(row)
            for row in zip(
                traj.get("moves", []),
                traj.get("accounts_moved", []),
                traj.get("max_abs_deviation_pct", []),
                strict=True,
            )
        ],
    )
    n = len(traj.get("moves", []))
    if n:
        sheet = wb["Curve"]
        chart = ScatterChart()
        chart.title = "Balance versus moves"
        chart.x_axis.title = "Units moved"
        chart.y_axis.title = "Max deviation %"
        chart.style = 13
        xs = Reference(sheet, min_col=1, min_row=2, max_row=n + 1)
        ys = Reference(sheet, min_col=3, min_row=1, max_row=n + 1)
        chart.series.append(Series(ys, xs, title_from_data=True))
        sheet.add_chart(chart, "E2")
    with atomic_target(path) as tmp:
        wb.save(tmp)
    return path


def _text_page(lines: list[str], title: str) -> Figure:
    import textwrap

    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.27, 11.69))
    fig.text(0.07, 0.95, title, fontsize=16, weight="bold", va="top")
    y = 0.91
    for line in lines:
        for part in textwrap.wrap(line, 95) or [""]:
            if y < 0.05:
                break
            fig.text(0.07, y, part, fontsize=9, va="top", family="DejaVu Sans")
            y -= 0.018
        y -= 0.004
    return fig


def _curve_figure(review: Review) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11.69, 8.27))
    ax = fig.add_subplot(111)
    traj = review.trajectory
    ax.plot(traj["moves"], traj["max_abs_deviation_pct"], marker="o", ms=3, color="#4e79a7")
    ax.axhline(100 * review.band, color="#e15759", ls="--", lw=1, label="band")
    ax.set_xlabel("Units moved")
    ax.set_ylabel(f"Max deviation from the mean, % ({review.balance_on})")
    ax.set_title(f"Balance versus moves — review {review.period}")
    ax.set_ylim(bottom=0)
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def write_review_pdf(review: Review, path: Path) -> Path:
    """Pages: summary and drift, territory figures, moves, the balance-versus-moves curve."""
    from matplotlib.backends.backend_pdf import PdfPages

    territory_lines = [
        f"{t['territory_id']:<6} {str(t['name'])[:26]:<27} revenue {t['revenue']:>12,.0f}  "
        f"year {t['year_sales']:>13,.0f}  "
        + ("" if t["year_sales_dev_pct"] is None else f"{t['year_sales_dev_pct']:+.0f}%  ")
        + ("" if t["retention_pct"] is None else f"retention {t['retention_pct']:.0f}%")
        for t in review.territories
    ]
    move_lines = [
        f"{m['unit_id']} {m['unit_name']}: {m['from']} -> {m['to']} "
        f"({m['accounts']:.0f} accounts, revenue {m['revenue']:,.0f}) — {m['reason']}"
        for m in review.moves
    ] or ["No moves proposed."]
    with atomic_target(path) as tmp, PdfPages(tmp) as pdf:
        pdf.savefig(_text_page(_summary_lines(review), f"Review {review.period}"))
        pdf.savefig(_text_page(territory_lines, "Territories"))
        pdf.savefig(_text_page([review.proposal_message, "", *move_lines], "Proposed moves"))
        if review.trajectory.get("moves"):
            pdf.savefig(_curve_figure(review))
    return path

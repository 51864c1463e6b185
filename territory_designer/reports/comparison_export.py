"""A plan comparison (:class:`~territory_designer.core.comparison.PlanComparison`) as an
Excel workbook and a PDF: disruption figures, territories before and after, every unit
and account moved with its reason."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from territory_designer.core.formatting import clipped, field_label
from territory_designer.io.atomic import atomic_target
from territory_designer.reports.safety import safe_cell

if TYPE_CHECKING:
    from territory_designer.core.comparison import PlanComparison

#: Rows of moves per PDF page.
PDF_ROWS = 48


def disruption_rows(c: PlanComparison) -> list[tuple[str, float, float | None]]:
    """(label, count or amount, percentage) of the disruption, as reports print it."""
    d, v = c.disruption, field_label(c.value_field)
    return [
        ("Units moved", d["units_moved"], d["units_moved_pct"]),
        ("Accounts moved", d["accounts_moved"], d["accounts_moved_pct"]),
        (f"{v} moved", d["value_moved"], d["value_moved_pct"]),
        ("Accounts that change rep", d["accounts_changing_rep"], d["accounts_changing_rep_pct"]),
        ("Customers that change rep", d["customers_changing_rep"], d["customers_changing_rep_pct"]),
        (f"{v} that changes rep", d["value_changing_rep"], d["value_changing_rep_pct"]),
        ("Territories added", d["territories_added"], None),
        ("Territories removed", d["territories_removed"], None),
    ]


def _headers(c: PlanComparison) -> dict[str, str]:
    v = field_label(c.value_field)
    out = {
        "territory": "Territory",
        "name": "Name",
        "unit_id": "Unit id",
        "unit_name": "Unit",
        "account_id": "Account id",
        "account_name": "Account",
        "from_territory": "From",
        "from_name": "From (name)",
        "from_owner": "From rep",
        "to_territory": "To",
        "to_name": "To (name)",
        "to_owner": "To rep",
        "accounts": "Accounts",
        "rep_changed": "Changes rep",
        "reason": "Reason",
        c.value_field: v,
    }
    for f, label in (("units", "Units"), ("accounts", "Accounts"), (c.value_field, v)):
        for part in ("before", "after", "change"):
            out[f"{f}_{part}"] = f"{label} {part}"
    return out


def write_comparison_xlsx(c: PlanComparison, path: Path | str) -> Path:
    """Write the comparison workbook (Summary, Territories, Units moved, Accounts moved)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from territory_designer.reports.xlsx_tables import frame_columns, write_table

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws["A1"] = safe_cell(f"Changes from {c.plan_a} to {c.plan_b}")
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["Figure", "Value", "%"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for label, value, pct in disruption_rows(c):
        ws.append([safe_cell(label), value, None if pct is None else pct / 100])
        ws.cell(ws.max_row, 2).number_format = "#,##0"
        ws.cell(ws.max_row, 3).number_format = "0.0%"
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 14
    headers = _headers(c)
    terr = c.territories.drop(columns=["in_plan_a", "in_plan_b"])
    for title, df in (
        ("Territories", terr),
        ("Units moved", c.units),
        ("Accounts moved", c.accounts),
    ):
        write_table(wb.create_sheet(title), frame_columns(df, headers))
    with atomic_target(path) as tmp:
        wb.save(tmp)
    return path


def write_comparison_pdf(c: PlanComparison, path: Path | str, paper: str = "a4") -> Path:
    """Write the comparison PDF: figures and territories, then the moves page by page."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from territory_designer.reports.mapping import PLAIN_TEXT
    from territory_designer.reports.pdf import _header, _rows
    from territory_designer.reports.registry import PAPER_SIZES

    path = Path(path)
    v = field_label(c.value_field)
    title = f"Changes from {c.plan_a} to {c.plan_b}"
    pages = [_first_page(c, v)]
    moves = [("Unit", "From", "To", v, "Reason")] + [
        (
            clipped(f"{r.unit_id} {r.unit_name}", 28),
            clipped(r.from_name or "(unassigned)", 20),
            clipped(r.to_name or "(unassigned)", 20),
            f"{getattr(r, c.value_field) if c.value_field in c.units else 0:,.0f}",
            clipped(str(r.reason), 44),
        )
        for r in c.units.itertuples(index=False)
    ]
    for start in range(1, len(moves), PDF_ROWS):
        pages.append(("Units moved", [moves[0], *moves[start : start + PDF_ROWS]]))
    with atomic_target(path) as tmp, matplotlib.rc_context(PLAIN_TEXT), PdfPages(tmp) as pdf:
        for k, (heading, rows) in enumerate(pages, start=1):
            fig = Figure(figsize=PAPER_SIZES[paper])
            _header(fig, title, f"page {k} of {len(pages)}  ·  {heading}")
            if isinstance(rows, tuple):  # the first page: figures and territories
                figures, territories = rows
                _rows(
                    fig.add_axes((0.06, 0.66, 0.55, 0.24)),
                    figures,
                    (0, 0.7, 1.0),
                    ("left", "right", "right"),
                    title="Disruption",
                )
                _rows(
                    fig.add_axes((0.06, 0.05, 0.88, 0.56)),
                    territories,
                    (0, 0.12, 0.58, 0.74, 0.87, 1.0),
                    ("left", "left", "right", "right", "right", "right"),
                    title="Territories before and after",
                    fontsize=7,
                )
            else:
                _rows(
                    fig.add_axes((0.06, 0.05, 0.88, 0.85)),
                    rows,
                    (0, 0.3, 0.5, 0.77, 0.79),
                    ("left", "left", "left", "right", "left"),
                    fontsize=6.5,
                )
            pdf.savefig(fig)
    return path


def _first_page(c: PlanComparison, v: str) -> tuple[str, tuple[list, list]]:
    figures = [("Figure", "Value", "%")] + [
        (label, f"{value:,.0f}", "" if pct is None else f"{pct:.1f}%")
        for label, value, pct in disruption_rows(c)
    ]
    t = c.territories
    value = c.value_field if f"{c.value_field}_before" in t else "accounts"
    terr = [("Id", "Name", "Units", f"{clipped(v, 14)} before", "after", "change")]
    for r in t.to_dict(orient="records"):
        terr.append(
            (
                clipped(r["territory"], 8),
                clipped(r["name"], 26),
                f"{r['units_before']:,.0f} → {r['units_after']:,.0f}",
                f"{r[f'{value}_before']:,.0f}",
                f"{r[f'{value}_after']:,.0f}",
                f"{r[f'{value}_change']:+,.0f}",
            )
        )
    return ("Summary", (figures, terr[:45]))

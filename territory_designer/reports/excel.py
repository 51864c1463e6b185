"""Excel report (openpyxl): summary with chart and map, territories, units, accounts, changes.

Every cell written from user data goes through :func:`safe_cell` (no formulas), numbers
keep number formats, and the workbook is written beside the target and renamed into
place only when complete.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from territory_designer.core.feedback import Feedback
from territory_designer.core.formatting import field_label
from territory_designer.io.atomic import atomic_target
from territory_designer.reports.performance_report import (
    performance_section,
    write_performance_sheets,
)
from territory_designer.reports.registry import ExportOptions, exporter
from territory_designer.reports.rules_tables import write_rule_sheets
from territory_designer.reports.safety import safe_cell
from territory_designer.reports.tables import ReportData, build_report_data
from territory_designer.reports.workload_sheet import write_workload_sheet
from territory_designer.reports.xlsx_chart import balance_chart, chart_width_cm, reference_value
from territory_designer.reports.xlsx_style import (
    DEFAULT_CURRENCY,
    apply_currency,
    currency_format,
    fill_territory_cells,
    is_money_field,
    labelled_columns,
    safe_footer,
)
from territory_designer.reports.xlsx_tables import (
    FORMATS,
    Column,
    frame_columns,
    print_setup,
    write_split_table,
    write_table,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from territory_designer.core.project import Project

SHEETS = ("summary", "territories", "units", "accounts", "changes")
TABLE_ROW = 4  # header row of the summary's territory table
#: Deviation bands for the conditional formatting (fractions): fine, watch, act.
BANDS = (0.05, 0.10)


def territory_columns(data: ReportData, detailed: bool = False) -> list[Column]:
    """The territory table as sheet columns (summary or full detail)."""
    t = data.territories
    cols = [
        Column("Territory", t["id"]),
        Column("Name", t["name"]),
        Column("Owner", t["owner"]),
        Column("Units", t["units"], "int"),
        Column("Accounts", t["accounts"], "int"),
    ]
    for f in data.metric_fields:
        kind = frame_columns(t[[f]])[0].kind
        cols.append(Column(field_label(f), t[f], kind))
    if _is_mix(data):  # a weighted mix: each territory's share of it
        cols.append(Column(field_label(data.balance_field), t[data.balance_field], "pct"))
    cols.append(
        Column(f"Deviation ({field_label(data.balance_field)})", t["deviation_pct"] / 100, "pct")
    )
    if detailed:
        cols += [Column(level.capitalize(), t[level]) for level in data.hierarchy]
        cols += [
            Column("Target", t["target"], "float"),
            Column("Locked", t["locked"], "bool"),
            Column("Area (km²)", t["area_km2"], "float"),
            Column("Compactness (Polsby-Popper)", t["polsby_popper"], "ratio"),
            Column("Pieces", t["pieces"], "int"),
            Column("Colour", [""] * len(t)),  # filled with the colour, not its hex code
        ]
        if "definition" in t and t["definition"].astype(bool).any():
            cols.append(Column("Definition", t["definition"]))
    return cols


def _is_mix(data: ReportData) -> bool:
    """True when the plan is balanced on a weighted mix (no single column holds it)."""
    return data.balance_field not in (*data.metric_fields, "units", "accounts")


def _summary(wb: Workbook, data: ReportData, options: ExportOptions, fmt: str) -> None:
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.active
    ws.title = "Summary"
    title = options.title or f"Territory plan: {data.plan_name}"
    ws["A1"] = safe_cell(title)
    ws["A1"].font = Font(bold=True, size=14)
    parts = [f"Plan: {data.plan_name}", f"Date: {data.date.isoformat()}"]
    parts.append(f"Balance criterion: {data.criterion or field_label(data.balance_field)}")
    if data.template:
        parts.append(f"Template: {data.template}")
    ws["A2"] = safe_cell("   ·   ".join(parts))
    ws["A2"].font = Font(italic=True, color="555555")
    cols = territory_columns(data)
    last_row, last_col = write_table(ws, cols, row=TABLE_ROW, col=1)
    n = len(data.territories)
    money = _money_positions(data)
    apply_currency(ws, cols, money, TABLE_ROW, fmt)
    fill_territory_cells(ws, 1, TABLE_ROW + 1, list(data.territories["color"]))
    # The reference (mean or common target) and totals under the table, outside the filter.
    ref_label, _ = reference_value(data)
    mean_row, total_row = last_row + 1, last_row + 2
    ws.cell(row=mean_row, column=1, value=ref_label).font = Font(italic=True)
    ws.cell(row=mean_row, column=2, value=f"{ref_label} per territory").font = Font(italic=True)
    ws.cell(row=total_row, column=1, value="Total").font = Font(bold=True)
    balance_col = _balance_column(data)
    for j, c in enumerate(cols[3:-1], start=4):
        total = float(sum(_num(v) for v in c.values))
        # The balanced column's reference is the chart's (a common target when there is one).
        mean = reference_value(data)[1] if j == balance_col else total / max(n, 1)
        money_fmt = fmt if j - 1 in money else None
        cell = ws.cell(row=mean_row, column=j, value=mean)
        cell.number_format, cell.font = money_fmt or FORMATS["float"], Font(italic=True)
        cell = ws.cell(row=total_row, column=j, value=total)
        cell.number_format, cell.font = money_fmt or FORMATS[c.kind], Font(bold=True)
    dev_col = get_column_letter(last_col)
    if n:
        _deviation_rules(ws, f"{dev_col}{TABLE_ROW + 1}:{dev_col}{last_row}", dev_col)
    # Plan-level figures to the right of the table.
    fc = last_col + 2
    ws.cell(row=TABLE_ROW, column=fc, value="Plan figures").font = Font(bold=True, color="FFFFFF")
    ws.cell(row=TABLE_ROW, column=fc).fill = PatternFill("solid", fgColor="1F4E78")
    ws.cell(row=TABLE_ROW, column=fc + 1).fill = PatternFill("solid", fgColor="1F4E78")
    figures = data.figures()
    for i, (label, value, kind) in enumerate(figures, start=TABLE_ROW + 1):
        ws.cell(row=i, column=fc, value=safe_cell(label))
        cell = ws.cell(row=i, column=fc + 1, value=safe_cell(value))
        cell.alignment = Alignment(horizontal="right")
        if kind != "text":
            cell.number_format = FORMATS["money" if kind == "float" else kind]
    ws.column_dimensions[get_column_letter(fc)].width = 34
    ws.column_dimensions[get_column_letter(fc + 1)].width = 22
    # Under the table: the map; under the figures: the chart. All on one landscape page.
    below = max(total_row, TABLE_ROW + len(figures)) + 2
    map_rows = 0
    if options.include_map and n:
        from territory_designer.reports.mapping import map_png

        # As wide as the table above it (7 to 11 inches), as tall as the plan's shape asks.
        width = min(11.0, max(7.0, _columns_width_cm(ws, 1, last_col) / 2.54))
        height = map_image_height(data, width)
        img = Image(io.BytesIO(map_png(data, width, height, dpi=96, basemap=options.basemap)))
        ws.add_image(img, f"A{below}")
        map_rows = -(-img.height // 20) + 1  # default row height: 20 px
    chart_rows = 0
    last_print_col = fc + 3
    if n:
        value_col = _balance_column(data)
        # The chart widens with the territories: the print area reaches its right edge,
        # and the line's hidden helper column lies beyond it.
        last_print_col = max(last_print_col, _last_column_under(ws, fc, chart_width_cm(n)))
        chart = balance_chart(data, ws, value_col, TABLE_ROW + 1, line_col=last_print_col + 2)
        ws.add_chart(chart, f"{get_column_letter(fc)}{TABLE_ROW + len(figures) + 2}")
        chart_rows = int(chart.height / 0.53) + 1  # 0.53 cm per default row
    last_print_row = max(below + map_rows, TABLE_ROW + len(figures) + 2 + chart_rows, total_row)
    summary_print_setup(ws, f"A1:{get_column_letter(last_print_col)}{last_print_row}", data)


def map_image_height(data: ReportData, width_in: float) -> float:
    """Height (inches) of the summary's map image: as tall as the plan's shape asks beside
    its legend (a wide plan gets a low image, not bands of margin), tall enough for the
    legend of many territories."""
    from territory_designer.reports.mapping import LEGEND_IN, map_bounds
    from territory_designer.reports.pdf_layout import shape_ratio

    least = 3.0 if len(data.territories) <= 15 else 4.8
    return min(4.8, max(least, (width_in - LEGEND_IN) / shape_ratio(map_bounds(data))))


def _columns_width_cm(ws: Worksheet, first: int, last: int) -> float:
    """Width (cm) of sheet columns ``first`` to ``last``."""
    from openpyxl.utils import get_column_letter

    total = 0.0
    for col in range(first, last + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        width = dim.width if dim is not None and dim.customWidth else 8.43
        total += 0.19 * width + 0.13
    return total


def _last_column_under(ws: Worksheet, first: int, width_cm: float) -> int:
    """The last sheet column that a drawing ``width_cm`` wide from column ``first`` covers
    (a column ``w`` characters wide is about ``0.19 w + 0.13`` cm)."""
    from openpyxl.utils import get_column_letter

    col, covered = first, 0.0
    while True:
        dim = ws.column_dimensions.get(get_column_letter(col))
        width = dim.width if dim is not None and dim.customWidth else 8.43
        covered += 0.19 * width + 0.13
        if covered >= width_cm:
            return col
        col += 1


def _money_positions(data: ReportData) -> set[int]:
    """Positions of the money columns in :func:`territory_columns`."""
    return {5 + k for k, f in enumerate(data.metric_fields) if is_money_field(f)}


def _balance_column(data: ReportData) -> int:
    """Sheet column of the balanced figure in the summary's territory table."""
    bf = data.balance_field
    if bf in data.metric_fields:
        return 6 + data.metric_fields.index(bf)
    if _is_mix(data):
        return 6 + len(data.metric_fields)
    return 4 if bf == "units" else 5


def summary_print_setup(ws: Worksheet, area: str, data: ReportData) -> None:
    """One landscape page: print area, fit to width and height, title and page numbers."""
    print_setup(ws, None)
    ws.print_area = area
    ws.page_setup.fitToHeight = 1
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.left.text = safe_footer(data.project_title)
    ws.oddFooter.right.text = "Page &P of &N"


def _num(v: object) -> float:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if f != f else f


def _deviation_rules(ws: Worksheet, ref: str, col: str) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    first = f"{col}{TABLE_ROW + 1}"
    fine, watch = BANDS
    red = PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")
    amber = PatternFill("solid", fgColor="FFE699", bgColor="FFE699")
    green = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")
    ws.conditional_formatting.add(
        ref, FormulaRule(formula=[f"ABS({first})>{watch}"], fill=red, font=Font(color="9C0006"))
    )
    ws.conditional_formatting.add(ref, FormulaRule(formula=[f"ABS({first})>{fine}"], fill=amber))
    ws.conditional_formatting.add(ref, FormulaRule(formula=[f"ABS({first})<={fine}"], fill=green))


def _changes(wb: Workbook, data: ReportData) -> None:
    from openpyxl.styles import Font

    c = data.changes
    assert c is not None
    ws = wb.create_sheet("Changes")
    ws["A1"] = safe_cell(f"Changes from {c.baseline} to {data.plan_name}")
    ws["A1"].font = Font(bold=True, size=12)
    ws["A2"] = safe_cell(
        f"{c.units_moved} units and {c.accounts_moved} accounts moved; "
        f"{field_label(c.value_field)} moved: {c.value_moved:,.0f}"
    )
    heads = {
        "territory": "Territory",
        "territory_name": "Name",
        "units_gained": "Units gained",
        "units_lost": "Units lost",
        f"{c.value_field}_gained": f"{field_label(c.value_field)} gained",
        f"{c.value_field}_lost": f"{field_label(c.value_field)} lost",
        f"{c.value_field}_net": f"{field_label(c.value_field)} net",
    }
    last, _ = write_table(ws, frame_columns(c.by_territory, heads), row=4, filter_and_freeze=False)
    moved = {
        "unit_id": "Unit",
        "unit_name": "Unit name",
        "account_id": "Account",
        "account_name": "Account name",
        "from_territory": "From",
        "from_name": "From name",
        "to_territory": "To",
        "to_name": "To name",
        c.value_field: field_label(c.value_field),
        "reason": "Reason",
    }
    row = last + 3
    ws.cell(row=row - 1, column=1, value="Units moved").font = Font(bold=True)
    last, _ = write_table(ws, frame_columns(c.units, moved), row=row, filter_and_freeze=False)
    row = last + 3
    ws.cell(row=row - 1, column=1, value="Accounts moved").font = Font(bold=True)
    write_table(ws, frame_columns(c.accounts, moved), row=row, filter_and_freeze=False)


UNIT_HEADERS = {
    "unit_id": "Unit",
    "unit_name": "Unit name",
    "postal_code": "Postal code",
    "territory": "Territory",
    "territory_name": "Territory name",
    "owner": "Owner",
    "locked": "Locked",
}
ACCOUNT_HEADERS = {
    "account_id": "Account",
    "account_name": "Account name",
    "unit_id": "Unit",
    "unit_name": "Unit name",
    "territory": "Territory",
    "territory_name": "Territory name",
    "owner": "Owner",
    "located_by": "How located",
    "pinned": "Pinned to territory",
    "postal_code": "Postal code",
    "city": "City",
    "segment": "Segment",
}


def _labelled_sheets(
    wb: Workbook, title: str, frame: object, headers: dict[str, str], fmt: str
) -> None:
    """A data table on its sheet(s) under friendly headers, money in currency format."""
    cols, money = labelled_columns(frame, headers)
    for ws in write_split_table(wb, title, cols):
        apply_currency(ws, cols, money, 1, fmt)


def build_workbook(
    data: ReportData, options: ExportOptions, feedback: Feedback, currency: str = DEFAULT_CURRENCY
) -> Workbook:
    """The report workbook for ``data`` (not yet saved); money shown in ``currency``."""
    from openpyxl import Workbook

    sheets = set(options.sheets or SHEETS)
    wb = Workbook()
    feedback.set_progress(10, "Summary sheet")
    fmt = currency_format(currency)
    _summary(wb, data, options, fmt)
    if "summary" not in sheets:  # the workbook needs a first sheet; keep it unless told
        wb.remove(wb["Summary"])
    feedback.check_canceled()
    colours = list(data.territories["color"])
    if "territories" in sheets:
        ws = wb.create_sheet("Territories")
        cols = territory_columns(data, detailed=True)
        write_table(ws, cols)
        apply_currency(ws, cols, _money_positions(data), 1, fmt)
        fill_territory_cells(ws, 1, 2, colours)
        fill_territory_cells(ws, len(cols), 2, colours)
    feedback.set_progress(40, "Unit assignments")
    feedback.check_canceled()
    if "units" in sheets:
        _labelled_sheets(wb, "Units", data.units, UNIT_HEADERS, fmt)
    feedback.set_progress(60, "Account assignments")
    feedback.check_canceled()
    if "accounts" in sheets and len(data.accounts):
        _labelled_sheets(wb, "Accounts", data.accounts, ACCOUNT_HEADERS, fmt)
    feedback.check_canceled()
    if "changes" in sheets and data.changes is not None:
        _changes(wb, data)
    write_rule_sheets(wb, data)  # roll-ups per hierarchy level, the Rules sheet (if any)
    write_workload_sheet(wb, data)  # hours and FTE per territory (with a workload model)
    if not wb.sheetnames:
        wb.create_sheet("Summary")
    for ws in wb.worksheets:
        if ws.title == "Summary":
            continue  # one page of its own (summary_print_setup)
        print_setup(ws, {"Changes": None}.get(ws.title, 1))
        ws.oddFooter.left.text = safe_footer(data.project_title)
        ws.oddFooter.right.text = "Page &P of &N"
    wb.properties.title = safe_cell(f"Territory plan {data.plan_name}")
    wb.properties.creator = "Territory Designer"
    return wb


@exporter("excel", label="Excel workbook", suffixes=(".xlsx",))
def export_excel(project: Project, path: Path, options: ExportOptions, feedback: Feedback) -> Path:
    """Write the Excel report of the plan to ``path`` (.xlsx)."""
    data = build_report_data(project, options.plan)
    currency = str(project.settings.get("currency") or DEFAULT_CURRENCY)
    wb = build_workbook(data, options, feedback, currency)
    # Sales performance and white space (issue 15); nothing without order lines.
    write_performance_sheets(wb, performance_section(project, options.plan))
    feedback.set_progress(85, "Saving workbook")
    feedback.check_canceled()
    with atomic_target(path) as tmp:
        wb.save(tmp)
        feedback.check_canceled()
    return path

"""The balance chart of the Excel summary: a column per territory and a line at the mean.

One column per territory in its colour, in the table's order, with a dashed line across
them at the mean (or at the common target), so each territory reads against it; the
value axis starts at zero so lengths compare honestly; the chart widens with the number
of territories and turns their names upright past a dozen, so 20–60 stay readable.

The line is a line-chart series over the same axes as the columns — the combination
both Excel ("Clustered Column – Line") and LibreOffice draw. (A line over horizontal
bars needs an XY series, which LibreOffice drops, and Excel cannot draw a line series
down a horizontal bar chart.) Its values, the reference repeated once per territory,
sit in a hidden helper column beside the summary, outside the print area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from territory_designer.reports.tables import ReportData, field_label

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: Width of one column of the chart (cm) and the room taken by the value axis.
COLUMN_CM = 0.55
FRAME_CM = 3.0
LINE_COLOR = "262626"
#: Territory names under the columns (hundredths of a point).
LABEL_SIZE = 800
#: Past this many territories their names stand upright under the columns.
UPRIGHT_AFTER = 12


def _font(size: int, rotation: int | None = None) -> object:
    """Text properties of an axis: ``size`` in hundredths of a point, ``rotation`` in
    60,000ths of a degree."""
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import (
        CharacterProperties,
        Paragraph,
        ParagraphProperties,
        RichTextProperties,
    )

    props = CharacterProperties(sz=size)
    body = RichTextProperties(rot=rotation, vert="horz") if rotation is not None else None
    return RichText(
        bodyPr=body, p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)]
    )


def reference_value(data: ReportData) -> tuple[str, float]:
    """The reference the bars are read against: ("Target", common target) or ("Mean", mean)."""
    targets = data.territories.get("target")
    if targets is not None and len(targets) and targets.notna().all() and targets.nunique() == 1:
        return "Target", float(targets.iloc[0])
    return "Mean", data.mean_value


def chart_width_cm(n: int) -> float:
    """Chart width for ``n`` columns: grows with the count."""
    return max(16.0, min(COLUMN_CM * n + FRAME_CM, 45.0))


def chart_height_cm(n: int) -> float:
    """Chart height for ``n`` columns: room for upright names past :data:`UPRIGHT_AFTER`."""
    return 9.0 if n <= UPRIGHT_AFTER else 12.0


def balance_chart(
    data: ReportData, ws: Worksheet, value_col: int, first_row: int, line_col: int
) -> object:
    """Columns of ``value_col`` (header at ``first_row - 1``) with the reference line.

    Rows ``first_row`` onwards hold one territory each (names in column 2). The line's
    values are written into column ``line_col`` (hidden) of the same rows.
    """
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.marker import DataPoint
    from openpyxl.utils import get_column_letter

    bf = data.balance_field
    n = len(data.territories)
    last_row = first_row + n - 1
    label, value = reference_value(data)
    # The line's values: the reference once per territory, in a hidden helper column.
    ws.cell(row=first_row - 1, column=line_col, value=f"{label} {value:,.0f}")
    for r in range(first_row, last_row + 1):
        ws.cell(row=r, column=line_col, value=value)
    ws.column_dimensions[get_column_letter(line_col)].hidden = True

    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.style = 10
    chart.title = f"{field_label(bf)} per territory (dashed line: {label.lower()} {value:,.0f})"
    chart.y_axis.title = field_label(bf)
    chart.y_axis.scaling.min = 0  # columns start at zero: lengths compare honestly
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.legend = None
    chart.gapWidth = 40
    chart.visible_cells_only = False  # plot the line's hidden helper column
    values = Reference(ws, min_col=value_col, min_row=first_row - 1, max_row=last_row)
    cats = Reference(ws, min_col=2, min_row=first_row, max_row=last_row)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(cats)
    series = chart.series[0]
    for i, color in enumerate(data.territories["color"]):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = str(color).lstrip("#").upper()
        point.graphicalProperties.line.solidFill = "666666"
        series.dPt.append(point)

    line = LineChart()
    line.add_data(
        Reference(ws, min_col=line_col, min_row=first_row - 1, max_row=last_row),
        titles_from_data=True,
    )
    ref = line.series[0]
    ref.smooth = False
    ref.marker.symbol = "none"
    ref.graphicalProperties.line.solidFill = LINE_COLOR
    ref.graphicalProperties.line.width = 22_000  # EMU: about 1.75 pt
    ref.graphicalProperties.line.dashStyle = "dash"
    chart += line  # same axes as the columns

    chart.x_axis.delete = False
    chart.x_axis.tickLblSkip = 1  # every territory named (LibreOffice skips some otherwise)
    upright = -5_400_000 if n > UPRIGHT_AFTER else None
    chart.x_axis.txPr = _font(LABEL_SIZE, upright)
    chart.y_axis.delete = False
    chart.height = chart_height_cm(n)
    chart.width = chart_width_cm(n)
    return chart

"""The balance chart of the Excel summary: horizontal bars from zero and a mean bar.

One bar per territory in its colour, first territory on top as in the table, and a grey
bar for the mean (or the common target) at the bottom, so each territory reads against
it; the value axis starts at zero so bar lengths compare honestly; the chart grows with
the number of territories so 20–60 bars stay readable. (A drawn reference line needs an
XY series over the bars, which LibreOffice cannot show: the reference bar reads
everywhere.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from territory_designer.reports.tables import ReportData, field_label

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: Height of one bar in the chart (cm) and the room taken by title and axis.
BAR_CM = 0.5
FRAME_CM = 3.0
REFERENCE_FILL = "A6A6A6"
#: Territory names beside the bars (hundredths of a point).
LABEL_SIZE = 800


def _font(size: int) -> object:
    """Text properties of an axis: ``size`` in hundredths of a point."""
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    props = CharacterProperties(sz=size)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def reference_value(data: ReportData) -> tuple[str, float]:
    """The reference the bars are read against: ("Target", common target) or ("Mean", mean)."""
    targets = data.territories.get("target")
    if targets is not None and len(targets) and targets.notna().all() and targets.nunique() == 1:
        return "Target", float(targets.iloc[0])
    return "Mean", data.mean_value


def chart_height_cm(n: int) -> float:
    """Chart height for ``n`` bars (and the reference bar): grows with the count."""
    return max(7.5, min(BAR_CM * (n + 1) + FRAME_CM, 45.0))


def balance_chart(data: ReportData, ws: Worksheet, value_col: int, first_row: int) -> object:
    """A bar chart of column ``value_col`` (header at ``first_row - 1``).

    Rows ``first_row`` onwards hold one territory each (names in column 2), then the
    reference row (the mean or target).
    """
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.marker import DataPoint

    bf = data.balance_field
    n = len(data.territories)
    last_row = first_row + n  # the reference row
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    label, value = reference_value(data)
    chart.title = f"{field_label(bf)} per territory ({label.lower()} {value:,.0f})"
    chart.y_axis.title = field_label(bf)
    chart.y_axis.scaling.min = 0  # bars start at zero: lengths compare honestly
    chart.y_axis.number_format = "#,##0"
    chart.legend = None
    chart.gapWidth = 40
    values = Reference(ws, min_col=value_col, min_row=first_row - 1, max_row=last_row)
    cats = Reference(ws, min_col=2, min_row=first_row, max_row=last_row)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(cats)
    series = chart.series[0]
    colours = [*data.territories["color"], REFERENCE_FILL]
    for i, color in enumerate(colours):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = str(color).lstrip("#").upper()
        point.graphicalProperties.line.solidFill = "404040" if i == n else "666666"
        series.dPt.append(point)
    chart.x_axis.scaling.orientation = "maxMin"  # first territory on top, as in the table
    chart.x_axis.delete = False
    chart.x_axis.tickLblSkip = 1  # every territory named (LibreOffice skips some otherwise)
    chart.x_axis.txPr = _font(LABEL_SIZE)  # small enough to fit one name per bar
    chart.y_axis.delete = False
    chart.height = chart_height_cm(n)
    chart.width = 16
    return chart

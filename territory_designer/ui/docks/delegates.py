"""Item delegates of the territory table: colour swatch and deviation bar."""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from territory_designer.ui.qt_models.territory_model import DEVIATION_ROLE

GREEN = QColor("#3a9d5d")
AMBER = QColor("#e0a526")
RED = QColor("#d1495b")
#: Deviation (percent) that fills one side of the bar when no territory deviates more;
#: the column scales to its largest deviation beyond that, so -84 % and -36 % differ.
FULL_SCALE_PCT = 25.0
#: Narrowest bar area the column asks for (pixels), so small deviations stay visible.
MIN_BAR_WIDTH = 110

_Index = QModelIndex | QPersistentModelIndex


def deviation_color(pct: float) -> QColor:
    """Green within ±5 %, amber within ±10 %, red beyond."""
    a = abs(pct)
    return GREEN if a <= 5 else AMBER if a <= 10 else RED


def _paint_background(painter: QPainter, option: QStyleOptionViewItem) -> None:
    style = option.widget.style() if option.widget else None
    if style is not None:
        opt = QStyleOptionViewItem(option)
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)


class SwatchDelegate(QStyledItemDelegate):
    """Fills the cell with the territory colour (from ``DecorationRole``)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        _paint_background(painter, option)
        color = index.data(Qt.ItemDataRole.DecorationRole)
        if not isinstance(color, QColor):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(4, 3, -4, -3)
        painter.setPen(QPen(color.darker(150), 1))
        painter.setBrush(color)
        painter.drawRoundedRect(rect, 3, 3)
        painter.restore()


#: Widest deviation text the layout reserves room for.
WIDEST_TEXT = "+888.8%"


def deviation_layout(rect: QRectF, metrics: QFontMetricsF) -> tuple[QRectF, QRectF]:
    """Split a deviation cell into the text area (left) and the bar area (right).

    The text area is as wide as the widest figure in the cell's font (bold included), so
    the percentage is never clipped and the figures line up down the column.
    """
    text_w = min(metrics.horizontalAdvance(WIDEST_TEXT) + 6, rect.width() * 0.6)
    text_rect = QRectF(rect.left(), rect.top(), text_w, rect.height())
    bar_rect = QRectF(
        rect.left() + text_w + 4, rect.top(), rect.width() - text_w - 4, rect.height()
    )
    return text_rect, bar_rect


def deviation_full_scale(model: QAbstractItemModel, column: int) -> float:
    """The deviation (percent) that fills one side of the bars of ``column``.

    The largest deviation in the column, and at least ``FULL_SCALE_PCT`` so a plan
    within a few percent does not look wildly off.
    """
    largest = 0.0
    for row in range(model.rowCount()):
        pct = model.index(row, column).data(DEVIATION_ROLE)
        if pct is not None and math.isfinite(float(pct)):
            largest = max(largest, abs(float(pct)))
    return max(largest, FULL_SCALE_PCT)


def deviation_bar(zone: QRectF, pct: float, full_scale: float = FULL_SCALE_PCT) -> QRectF:
    """The bar of a deviation in its area: from the centre line, right when above the mean.

    ``full_scale`` fills one side (larger deviations are clipped at the edge); any
    deviation of at least 0.05 % is at least two pixels long, so it never vanishes into
    the centre tick.
    """
    cx, half = zone.center().x(), zone.width() / 2
    length = min(abs(pct) / full_scale, 1.0) * half
    if abs(pct) >= 0.05:
        length = max(length, min(2.0, half))
    return QRectF(cx if pct >= 0 else cx - length, zone.top(), length, zone.height())


class DeviationBarDelegate(QStyledItemDelegate):
    """The % right-aligned on the left, then a bar from the bar area's centre line:
    right for above the mean, left for below."""

    def _full_scale(self, model: QAbstractItemModel, column: int) -> float:
        """:func:`deviation_full_scale`, kept until the model's data changes (it reads
        every row: computed per painted cell it made a repaint quadratic in the rows)."""
        scales: dict[int, float] = self.__dict__.setdefault("_scales", {})
        if self.__dict__.get("_scales_model") is not model:
            self._scales_model = model
            scales.clear()

            def forget(*_args: object) -> None:
                scales.clear()

            for signal in (
                model.dataChanged,
                model.modelReset,
                model.layoutChanged,
                model.rowsInserted,
                model.rowsRemoved,
                model.rowsMoved,
            ):
                signal.connect(forget)
        if column not in scales:
            scales[column] = deviation_full_scale(model, column)
        return scales[column]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        _paint_background(painter, option)
        pct = index.data(DEVIATION_ROLE)
        if pct is None:
            return
        pct = float(pct)
        font = index.data(Qt.ItemDataRole.FontRole)
        font = font if isinstance(font, QFont) else QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        rect = QRectF(option.rect).adjusted(3, 3, -3, -3)
        text_rect, zone = deviation_layout(rect, QFontMetricsF(bold))
        cx = round(zone.center().x())
        painter.save()
        fill = QColor(deviation_color(pct))
        fill.setAlpha(215)
        full_scale = self._full_scale(index.model(), index.column())
        painter.fillRect(deviation_bar(zone, pct, full_scale), fill)
        # Centre tick (the mean), a little taller than the bar so it reads on any fill.
        painter.setPen(QPen(QColor("#505050"), 1))
        painter.drawLine(cx, int(zone.top()) - 2, cx, int(zone.bottom()) + 2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(option.palette.highlightedText().color() if selected else QColor("#202020"))
        painter.setFont(font)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        painter.drawText(text_rect.adjusted(0, 0, -2, 0), int(align), text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        hint = super().sizeHint(option, index)
        bold = QFont(option.font)
        bold.setBold(True)
        width = int(QFontMetricsF(bold).horizontalAdvance(WIDEST_TEXT)) + 6 + 4 + MIN_BAR_WIDTH + 6
        return QSize(max(hint.width(), width), hint.height())

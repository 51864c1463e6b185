"""Item delegates of the territory table: colour swatch and deviation bar."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from territory_designer.ui.qt_models.territory_model import DEVIATION_ROLE

GREEN = QColor("#3a9d5d")
AMBER = QColor("#e0a526")
RED = QColor("#d1495b")
#: Deviation (percent) that fills half the cell; larger ones are clipped at the edge.
FULL_SCALE_PCT = 30.0

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


class DeviationBarDelegate(QStyledItemDelegate):
    """A bar from the cell's centre, right for above the mean, left for below, with the %."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        _paint_background(painter, option)
        pct = index.data(DEVIATION_ROLE)
        if pct is None:
            return
        pct = float(pct)
        rect = QRectF(option.rect).adjusted(3, 3, -3, -3)
        cx = rect.center().x()
        half = rect.width() / 2
        length = min(abs(pct) / FULL_SCALE_PCT, 1.0) * half
        bar = QRectF(cx if pct >= 0 else cx - length, rect.top(), length, rect.height())
        painter.save()
        color = deviation_color(pct)
        fill = QColor(color)
        fill.setAlpha(215)
        painter.fillRect(bar, fill)
        painter.setPen(QPen(QColor("#888888"), 1))
        painter.drawLine(int(cx), int(rect.top()), int(cx), int(rect.bottom()))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(option.palette.highlightedText().color() if selected else QColor("#202020"))
        font = option.font
        if index.data(Qt.ItemDataRole.FontRole) is not None:
            font = index.data(Qt.ItemDataRole.FontRole)
        painter.setFont(font)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        align = Qt.AlignmentFlag.AlignVCenter | (
            Qt.AlignmentFlag.AlignRight if pct >= 0 else Qt.AlignmentFlag.AlignLeft
        )
        # Text sits on the side opposite to the bar so it never hides it.
        text_rect = (
            rect.adjusted(4, 0, -(half + 4), 0) if pct >= 0 else rect.adjusted(half + 4, 0, -4, 0)
        )
        painter.drawText(text_rect, int(align), str(text))
        painter.restore()

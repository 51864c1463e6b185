"""Map text with a halo: dark glyphs inside a light outline, readable over any fill.

One item draws both (the outline stroked, then the glyphs filled, from one path), keeps
its size in screen pixels whatever the zoom and caches its pixels, so a map of a few
hundred names redraws as fast as without them.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

INK = QColor(25, 25, 25)
HALO = QColor(255, 255, 255, 235)
#: Halo width in pixels (the stroke straddles the glyph outline: half of it shows).
HALO_PX = 3.0
#: Radius of the dot a point label (a city) marks its place with.
DOT_PX = 2.5


class HaloText(QGraphicsItem):
    """A text label with a halo, anchored at its position.

    Parameters
    ----------
    text : str
        The label.
    font : QFont
        Its font (point size is in screen pixels' terms: the item ignores zoom).
    dot : bool
        Mark the anchor with a dot and start the text just right of it (a place name);
        otherwise centre the text on the anchor (an area's name).
    ink, halo : QColor
        Glyph and halo colours.
    """

    def __init__(
        self,
        text: str,
        font: QFont,
        dot: bool = False,
        ink: QColor = INK,
        halo: QColor = HALO,
    ) -> None:
        super().__init__()
        self._text = text
        metrics = QFontMetricsF(font)
        width = metrics.horizontalAdvance(text)
        baseline = (metrics.ascent() - metrics.descent()) / 2
        x = DOT_PX + 3.5 if dot else -width / 2
        self._path = QPainterPath()
        self._path.addText(QPointF(x, baseline), font, text)
        self._dot = dot
        h = metrics.height()
        left = -DOT_PX - 1 if dot else x
        #: The label's box around the anchor, in pixels (what collision tests use).
        self.box = QRectF(left - 1, -h / 2 - 1, x + width - left + 2, h + 2)
        self._bounds = self.box.adjusted(-HALO_PX, -HALO_PX, HALO_PX, HALO_PX)
        self._halo_pen = QPen(halo, HALO_PX)
        self._halo_pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self._ink = QBrush(ink)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def text(self) -> str:
        """The label."""
        return self._text

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.strokePath(self._path, self._halo_pen)
        painter.fillPath(self._path, self._ink)
        if self._dot:
            painter.setPen(QPen(HALO, 1.5))
            painter.setBrush(self._ink)
            painter.drawEllipse(QPointF(0, 0), DOT_PX, DOT_PX)

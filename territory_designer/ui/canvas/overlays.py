"""Widgets drawn over the map view: the legend and the scale bar.

They are children of the canvas (not scene items), so they keep their screen size and
corner whatever the zoom, and a redraw of the map does not repaint them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from territory_designer.core.criterion import criterion_label
from territory_designer.core.formatting import format_number, round_length
from territory_designer.core.project import Project
from territory_designer.ui.canvas.choropleth import NO_VALUE_COLOR, Classes
from territory_designer.ui.canvas.unit_layer import UNASSIGNED_HATCH

#: Most territories listed in the legend; the rest are summed up in one line.
LEGEND_MAX_ROWS = 16
#: Longest scale bar, in pixels.
SCALE_BAR_MAX_PX = 140
MARGIN = 10
PANEL = QColor(255, 255, 255, 225)
INK = QColor(30, 30, 30)


def nice_length(metres_per_px: float, max_px: int = SCALE_BAR_MAX_PX) -> tuple[float, str]:
    """The longest round distance (1, 2 or 5 times a power of ten) that fits ``max_px``.

    Parameters
    ----------
    metres_per_px : float
        Ground distance of one screen pixel.
    max_px : int
        Longest bar allowed.

    Returns
    -------
    (float, str)
        The length in metres and its label ("50 km", "200 m").
    """
    length = round_length(metres_per_px * max_px)
    label = f"{length / 1000:,.0f} km" if length >= 1000 else f"{length:,.0f} m"
    if 1000 <= length < 10_000 and length % 1000:
        label = f"{length / 1000:g} km"
    return float(length), label


class _Panel(QWidget):
    """A translucent rounded panel that lets the mouse through to the map."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def _panel(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(0, 0, 0, 60), 1))
        painter.setBrush(PANEL)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)


class ScaleBar(_Panel):
    """A bar of a round length at the map's current scale (metres of the working CRS)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("scale_bar")
        self.length_m, self.label, self.bar_px = 0.0, "", 0
        self.resize(SCALE_BAR_MAX_PX + 20, 34)

    def set_scale(self, px_per_m: float) -> None:
        """The map's zoom changed to ``px_per_m`` screen pixels per metre."""
        if px_per_m <= 0:
            return
        self.length_m, self.label = nice_length(1.0 / px_per_m)
        self.bar_px = round(self.length_m * px_per_m)
        text = QFontMetrics(self.font()).horizontalAdvance(self.label)
        self.resize(max(self.bar_px, text) + 22, 34)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: D102 - Qt override
        painter = QPainter(self)
        self._panel(painter)
        x0, y = 10, self.height() - 10
        painter.setPen(QPen(INK, 2))
        painter.drawLine(x0, y, x0 + self.bar_px, y)
        for x in (x0, x0 + self.bar_px):
            painter.drawLine(x, y - 5, x, y)
        painter.drawText(x0, 4, self.bar_px + 40, 16, int(Qt.AlignmentFlag.AlignLeft), self.label)
        painter.end()


class Legend(_Panel):
    """Territories with their colour, or the classes of the metric the map is coloured by."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.title = ""
        self.rows: list[tuple[QColor | None, str]] = []  # None: hatched (unassigned)

    def show_territories(self, territories: list[tuple[str, str]], unassigned: bool) -> None:
        """List ``(name, colour)`` pairs, and the unassigned hatch when any unit is."""
        rows: list[tuple[QColor | None, str]] = [
            (QColor(color), name) for name, color in territories[:LEGEND_MAX_ROWS]
        ]
        if len(territories) > LEGEND_MAX_ROWS:
            rows.append((QColor(0, 0, 0, 0), f"… {len(territories) - LEGEND_MAX_ROWS} more"))
        if unassigned:
            rows.append((None, "Unassigned"))
        self._set("Territories", rows)

    def show_classes(self, classes: Classes, fmt: Callable[[float], str]) -> None:
        """The metric's classes, light to dark, with their value ranges."""
        rows: list[tuple[QColor | None, str]] = []
        low = classes.lower
        for k, (color, high) in enumerate(
            zip(classes.colors, classes.breaks.tolist(), strict=True)
        ):
            label = classes.labels[k] if classes.labels else f"{fmt(low)} – {fmt(high)}"
            rows.append((QColor(color), label))
            low = high
        rows.append((QColor(NO_VALUE_COLOR), classes.none_label))
        self._set(criterion_label(classes.field), rows)

    def _set(self, title: str, rows: list[tuple[QColor | None, str]]) -> None:
        self.title, self.rows = title, rows
        fm = QFontMetrics(self.font())
        width = max([fm.horizontalAdvance(t) for _c, t in rows] + [0]) + 36
        width = max(width, QFontMetrics(self._bold()).horizontalAdvance(title) + 16)
        self.resize(min(width, 280), 10 + fm.height() * (len(rows) + 1) + 6)
        self.update()

    def _bold(self) -> object:
        font = self.font()
        font.setBold(True)
        return font

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: D102 - Qt override
        painter = QPainter(self)
        self._panel(painter)
        fm = QFontMetrics(self.font())
        h = fm.height()
        painter.setPen(INK)
        painter.setFont(self._bold())
        painter.drawText(8, 6, self.width() - 16, h, int(Qt.AlignmentFlag.AlignLeft), self.title)
        painter.setFont(self.font())
        elide = self.width() - 36
        for k, (color, text) in enumerate(self.rows):
            y = 6 + h * (k + 1)
            box = QRectF(8, y + 2, 16, h - 4)
            if color is None:
                painter.setPen(QPen(UNASSIGNED_HATCH, 1))
                painter.setBrush(QBrush(UNASSIGNED_HATCH, Qt.BrushStyle.BDiagPattern))
                painter.drawRect(box)
            elif color.alpha():
                painter.setPen(QPen(color.darker(150), 1))
                painter.setBrush(color)
                painter.drawRect(box)
            painter.setPen(INK)
            shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, elide)
            painter.drawText(30, y, elide, h, int(Qt.AlignmentFlag.AlignVCenter), shown)
        painter.end()


class Overlays(QObject):
    """Keeps the legend (top left) and the scale bar (bottom left) in their corners."""

    def __init__(self, canvas: QWidget) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.legend = Legend(canvas)
        self.scale_bar = ScaleBar(canvas)
        canvas.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102, N802
        # While the canvas is torn down its Python side may already be gone.
        canvas = self.__dict__.get("canvas")
        if (
            canvas is not None
            and watched is canvas
            and event.type() in (QEvent.Type.Resize, QEvent.Type.Show)
        ):
            self.place()
        return False

    def refresh(self, project: Project, classes: Classes | None) -> None:
        """Fill the legend from the plan's territories, or from the metric's classes."""
        if classes is not None:
            self.legend.show_classes(classes, format_number)
        else:
            plan = project.plan
            names = [(t.name, t.color) for _c, t in sorted(plan.territories.items())]
            self.legend.show_territories(names, bool((plan.assignment < 0).any()))
        self.place()

    def place(self) -> None:
        """Put each overlay in its corner of the view."""
        view = self.canvas.viewport().geometry()
        self.legend.move(view.left() + MARGIN, view.top() + MARGIN)
        bar = self.scale_bar
        bar.move(view.left() + MARGIN, view.bottom() - MARGIN - bar.height())

"""All account points as one scene item drawn with a single ``drawPoints`` call."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from territory_designer.ui.canvas.paths import polygon_from_xy
from territory_designer.ui.canvas.z_order import Z_ACCOUNTS

#: Accounts whose point lies outside every unit: a red ring, so they never pass for
#: customers counted in a territory.
OUTSIDE_COLOR = QColor(200, 30, 45)


class AccountsItem(QGraphicsItem):
    """Account locations as dots of constant screen size (a cosmetic pen).

    Parameters
    ----------
    xy : numpy.ndarray
        (n, 2) project coordinates (NaN for an account with no point at all).
    in_unit : numpy.ndarray of bool, optional
        Whether each account lies in a unit; the others are drawn as red rings. None
        treats every point as in a unit.
    """

    def __init__(self, xy: np.ndarray, in_unit: np.ndarray | None = None) -> None:
        super().__init__()
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        has_point = np.isfinite(xy).all(axis=1)
        inside = np.ones(len(xy), dtype=bool) if in_unit is None else np.asarray(in_unit, bool)
        self.located_count = int((has_point & inside).sum())
        self.outside_count = int((has_point & ~inside).sum())
        self._points = polygon_from_xy(xy[has_point & inside])
        self._outside = polygon_from_xy(xy[has_point & ~inside])
        rect = self._points.boundingRect().united(self._outside.boundingRect())
        pad = max(rect.width(), rect.height(), 1.0) * 0.01
        self._rect = rect.adjusted(-pad, -pad, pad, pad)
        self._pen = _round_pen(QColor(25, 25, 25, 170), 2.5)
        self._ring = _round_pen(OUTSIDE_COLOR, 8.0)
        self._hole = _round_pen(QColor(255, 255, 255), 4.0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:  # noqa: D102 - Qt override
        return self._rect

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:  # noqa: D102 - Qt override
        painter.setPen(self._pen)
        painter.drawPoints(self._points)
        if self.outside_count:
            painter.setPen(self._ring)
            painter.drawPoints(self._outside)
            painter.setPen(self._hole)
            painter.drawPoints(self._outside)


def _round_pen(color: QColor, width: float) -> QPen:
    pen = QPen(color, width)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def refresh_accounts_item(units: object, visible: bool = True) -> None:
    """Rebuild the account points of a ``UnitItems`` layer after the accounts changed.

    Parameters
    ----------
    units : UnitItems
        The canvas unit layer holding ``accounts_item`` (its scene and project are used).
    visible : bool
        Whether the accounts layer is switched on.
    """
    old = units.accounts_item
    if old is not None:
        units.scene.removeItem(old)
        units.accounts_item = None
    accounts = units.project.accounts
    if len(accounts):
        item = AccountsItem(accounts.xy, accounts.table["unit"].to_numpy(dtype=int) >= 0)
        item.setZValue(Z_ACCOUNTS)
        item.setVisible(visible)
        units.scene.addItem(item)
        units.accounts_item = item

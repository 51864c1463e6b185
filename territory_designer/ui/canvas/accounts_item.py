"""All account points as one scene item drawn with a single ``drawPoints`` call."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from territory_designer.ui.canvas.paths import polygon_from_xy
from territory_designer.ui.canvas.z_order import Z_ACCOUNTS


class AccountsItem(QGraphicsItem):
    """Account locations as dots of constant screen size (a cosmetic pen).

    Parameters
    ----------
    xy : numpy.ndarray
        (n, 2) project coordinates.
    """

    def __init__(self, xy: np.ndarray) -> None:
        super().__init__()
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        self._points = polygon_from_xy(xy[np.isfinite(xy).all(axis=1)])  # unlocated: NaN
        rect = self._points.boundingRect()
        pad = max(rect.width(), rect.height(), 1.0) * 0.01
        self._rect = rect.adjusted(-pad, -pad, pad, pad)
        self._pen = QPen(QColor(25, 25, 25, 170), 2.5)
        self._pen.setCosmetic(True)
        self._pen.setCapStyle(Qt.PenCapStyle.RoundCap)
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
        item = AccountsItem(accounts.xy)
        item.setZValue(Z_ACCOUNTS)
        item.setVisible(visible)
        units.scene.addItem(item)
        units.accounts_item = item

"""Greedy label placement in screen pixels: boxes taken so far, and whether one more fits.

Labels are offered most important first; one whose box meets a box already taken is
left out. The boxes live in one numpy array, so each test is a single vectorised
comparison however many labels are on the map.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF


class TakenBoxes:
    """Screen-pixel boxes already taken by labels and markers.

    Parameters
    ----------
    taken : list of QRectF, optional
        Boxes taken before any is offered (other layers' labels).
    room : int
        How many boxes :meth:`take` may add.
    """

    def __init__(self, taken: list[QRectF] | None = None, room: int = 512) -> None:
        taken = taken or []
        self._boxes = np.empty((len(taken) + room, 4))
        self._n = 0
        for r in taken:
            self._add(r.left(), r.top(), r.right(), r.bottom())

    def _add(self, left: float, top: float, right: float, bottom: float) -> None:
        if self._n == len(self._boxes):
            self._boxes = np.concatenate([self._boxes, np.empty_like(self._boxes)])
        self._boxes[self._n] = (left, top, right, bottom)
        self._n += 1

    def fits(self, rect: QRectF) -> bool:
        """True if ``rect`` meets no box taken."""
        p = self._boxes[: self._n]
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        return not bool(
            np.any((left < p[:, 2]) & (p[:, 0] < right) & (top < p[:, 3]) & (p[:, 1] < bottom))
        )

    def take(self, rect: QRectF) -> bool:
        """Take ``rect`` if it fits; returns whether it did."""
        if not self.fits(rect):
            return False
        self._add(rect.left(), rect.top(), rect.right(), rect.bottom())
        return True

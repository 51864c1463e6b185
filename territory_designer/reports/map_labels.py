"""Territory labels on report maps that never overlap.

Labels are placed biggest territory first. One that would overlap a label already placed
is shrunk, then shortened to the territory's id, and as a last resort left out: the
PDF cover's territory table and the map legend still name every territory. (The greedy
order is the usual cartographic rule: the largest areas have the most room for a name.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Text

#: Font scale factors tried for a label that overlaps, before it is left out.
SHRINK = (1.0, 0.8, 0.65)
#: Room kept around each label (pixels at the renderer's resolution).
MARGIN = 1.5


def _renderer(ax: Axes) -> object:
    """A renderer for measuring text (an Agg canvas when the figure has none yet)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.figure
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


def declutter(ax: Axes, texts: list[Text], short: list[str], areas: list[float]) -> int:
    """Shrink, shorten (to ``short``) or hide ``texts`` so that no two overlap.

    Returns how many labels were left out.
    """
    renderer = _renderer(ax)
    placed = []
    hidden = 0
    frame = ax.get_window_extent(renderer)
    for i in np.argsort(-np.asarray(areas, dtype=float), kind="stable"):
        text = texts[int(i)]
        size, full = text.get_fontsize(), text.get_text()
        options = [(s, full) for s in SHRINK]
        if short[int(i)] != full:
            options += [(s, short[int(i)]) for s in SHRINK]
        for scale, content in options:
            text.set_fontsize(size * scale)
            text.set_text(content)
            box = text.get_window_extent(renderer).padded(MARGIN)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
        else:
            text.set_visible(False)
            hidden += 1
    return hidden

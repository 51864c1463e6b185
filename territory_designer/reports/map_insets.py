"""Insets of a plan map: far-away groups of units drawn in small frames along the bottom.

:func:`territory_designer.reports.mapping.draw_plan` frames the main body of the map (see
:mod:`territory_designer.core.map_layout`) and leaves a strip along the bottom, right of the
scale bar, where :func:`draw_insets` puts Alaska, Hawaii, Puerto Rico and the like.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shapely

from territory_designer.core.colors import UNASSIGNED_COLOR
from territory_designer.core.map_layout import MapLayout
from territory_designer.core.plan import UNASSIGNED
from territory_designer.reports.mapping import (
    INSET_HEIGHT,
    UNASSIGNED_FILL,
    pad_bounds,
    shape_collection,
    widen_to_ratio,
)
from territory_designer.reports.tables import ReportData

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Left edge of the first inset, as a fraction of the map axes (the scale bar is left of it).
INSET_LEFT = 0.3


def draw_insets(
    ax: Axes,
    data: ReportData,
    shapes: dict[int, object],
    faces: dict[int, object],
    layout: MapLayout,
) -> list[Axes]:
    """Far-away groups of units (Alaska, Hawaii, Puerto Rico…) in insets along the bottom.

    Each inset keeps its group's proportions at its own scale and sits right of the scale
    bar; the insets shrink together when they would not fit the width.
    """
    boxes = [pad_bounds(b, 0.06) for b in layout.inset_bounds(data.lod[0])]
    fw, fh = ax.figure.get_size_inches()
    pos = ax.get_position()
    ax_w, ax_h = pos.width * fw, pos.height * fh
    height = INSET_HEIGHT * 0.92
    widths = [
        min(height * ax_h * (b[2] - b[0]) / max(b[3] - b[1], 1e-9), 0.3 * ax_w) / ax_w
        for b in boxes
    ]
    room = 1.0 - INSET_LEFT - 0.01 - 0.01 * len(boxes)
    shrink = min(1.0, room / max(sum(widths), 1e-9))
    out, x = [], INSET_LEFT
    for members, box, w in zip(layout.insets, boxes, widths, strict=True):
        w_ax, h_ax = w * shrink, height * shrink
        inset = ax.inset_axes((x, 0.01, w_ax, h_ax))
        x += w_ax + 0.01
        clipped = {c: shapely.clip_by_rect(g, *box) for c, g in shapes.items()}
        codes = [c for c, g in clipped.items() if not g.is_empty]
        inset.add_collection(
            shape_collection(
                [clipped[c] for c in codes],
                [faces[c] for c in codes],
                edgecolors="white",
                linewidths=0.4,
            )
        )
        free = members[data.assignment[members] == UNASSIGNED]
        if free.size:
            inset.add_collection(
                shape_collection(
                    list(data.lod[0][free]),
                    [UNASSIGNED_FILL] * free.size,
                    edgecolors=UNASSIGNED_COLOR,
                    linewidths=0.2,
                )
            )
        _fit_box(inset, box, w_ax * ax_w / (h_ax * ax_h))
        out.append(inset)
    return out


def _fit_box(ax: Axes, box: tuple[float, float, float, float], ratio: float) -> None:
    """Show ``box`` at equal scale in axes ``ratio`` (width / height) wide, framed in grey."""
    xmin, ymin, xmax, ymax = widen_to_ratio(box, ratio)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("white")
    for spine in ax.spines.values():
        spine.set_edgecolor("#9a9a9a")
        spine.set_linewidth(0.6)

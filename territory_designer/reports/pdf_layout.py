"""Where the PDF report's pages put their maps, figures and lists: fitted to the map's shape.

A map drawn at equal scale in a frame of another shape leaves margins; here the frame
takes the map's shape instead (within limits) and the page's other blocks take what it
leaves. On a territory's first page a wide (east-west) territory gets a low, page-wide
map and its figures and account list move up; a tall one a narrower map with its
figures beside it and the list across the page under both. On the cover a wide plan gets
a map across the whole page, its figures, chart and territory table under it. All boxes
are ``(left, bottom, width, height)`` as fractions of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from territory_designer.reports.registry import PAPER_SIZES

Box = tuple[float, float, float, float]

#: A territory map's height follows the territory's shape between these fractions of
#: the page, and the figures and the list take the rest.
MAP_MIN_HEIGHT = 0.15
MAP_MAX_HEIGHT = 0.52
#: Under a map: its scale bar and the basemap's credit (a fraction of the page).
UNDER_MAP = 0.05
#: Up to this width-over-height a territory's key figures go beside its map.
TALL = 0.8
#: From this width-over-height on, the cover's map spans the page.
WIDE_COVER = 1.5


@dataclass(frozen=True)
class TerritoryLayout:
    """A territory's first page: its map, key figures and account list."""

    map_box: Box
    figures_box: Box
    list_box: Box


#: The first page for a map of about the frame's own shape.
DEFAULT_LAYOUT = TerritoryLayout(
    (0.06, 0.46, 0.88, 0.45), (0.06, 0.05, 0.34, 0.36), (0.46, 0.05, 0.48, 0.36)
)


def shape_ratio(bounds: tuple[float, float, float, float]) -> float:
    """Width over height of ``bounds``."""
    x0, y0, x1, y1 = bounds
    return (x1 - x0) / max(y1 - y0, 1e-9)


def fit_territory_page(ratio: float, paper: str, top: float = 0.91) -> TerritoryLayout:
    """A territory's first page for a map ``ratio`` times as wide as tall, under ``top``.

    A tall territory (:data:`TALL` and under) gets a map as tall as allowed and as wide as
    its shape asks, its key figures beside it and the account list across the page under
    both; any other a page-wide map as tall as its shape asks.
    """
    w_in, h_in = PAPER_SIZES[paper]
    if ratio <= TALL:
        height = min(MAP_MAX_HEIGHT, top - 0.3)
        width = min(max(height * h_in * ratio / w_in, 0.45), 0.58)
        bottom = top - height
        side = 0.06 + width + 0.04
        return TerritoryLayout(
            (0.06, bottom, width, height),
            (side, bottom + 0.1, 0.94 - side, height - 0.1),
            (0.06, 0.05, 0.88, bottom - UNDER_MAP - 0.05),
        )
    width = 0.88
    height = min(max(width * w_in / ratio / h_in, MAP_MIN_HEIGHT), MAP_MAX_HEIGHT, top - 0.3)
    bottom = top - height
    rest = bottom - UNDER_MAP - 0.05
    return TerritoryLayout(
        (0.06, bottom, width, height), (0.06, 0.05, 0.34, rest), (0.46, 0.05, 0.48, rest)
    )


@dataclass(frozen=True)
class CoverLayout:
    """The cover: the plan map, the plan figures, the balance chart, the territory table."""

    map_box: Box
    figures_box: Box
    chart_box: Box
    table_box: Box


#: The cover for a plan about as wide as tall: map and figures side by side above the
#: chart and the territory table.
DEFAULT_COVER = CoverLayout(
    (0.04, 0.51, 0.62, 0.40), (0.69, 0.51, 0.27, 0.40), (0.17, 0.07, 0.27, 0.36),
    (0.49, 0.05, 0.47, 0.40),
)  # fmt: skip


def fit_cover(ratio: float, paper: str) -> CoverLayout:
    """The cover for a plan map ``ratio`` times as wide as tall.

    A wide plan (:data:`WIDE_COVER` and up) gets the page's whole width, as tall as its
    shape asks; the plan figures and the chart share the left column under it and the
    territory table the right one, taller than beside a narrow map.
    """
    if ratio < WIDE_COVER:
        return DEFAULT_COVER
    w_in, h_in = PAPER_SIZES[paper]
    height = min(max(0.92 * w_in / ratio / h_in, MAP_MIN_HEIGHT), 0.40)
    bottom = 0.91 - height
    rest = bottom - UNDER_MAP  # top of the blocks under the map
    figures_h = 0.22
    chart_top = rest - figures_h - 0.045  # room for the chart's title
    return CoverLayout(
        (0.04, bottom, 0.92, height),
        (0.06, rest - figures_h, 0.36, figures_h),
        (0.17, 0.07, 0.25, chart_top - 0.07),
        (0.49, 0.05, 0.47, rest - 0.05),
    )

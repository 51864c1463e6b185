"""Plan maps and balance charts drawn with matplotlib (``Figure``, never pyplot).

Shared by the PDF report (vector pages) and the Excel report (a PNG on the summary
sheet). Territories are drawn as dissolved polygons — far fewer vertices than their
units — from the units' coverage-simplified display geometry.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np
import shapely
from matplotlib.collections import PathCollection
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from territory_designer.core.colors import UNASSIGNED_COLOR
from territory_designer.core.formatting import field_label, round_length
from territory_designer.core.map_layout import MapLayout, map_layout
from territory_designer.core.plan import UNASSIGNED
from territory_designer.reports.map_basemap import (
    CREDIT_TEXT,
    MAX_CITIES,
    draw_basemap,
    has_basemap,
    label_cities,
    report_basemap,
)
from territory_designer.reports.tables import ReportData

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

UNASSIGNED_FILL = "#e6e6e6"
#: Width of the legend beside the map of :func:`map_figure` (inches).
LEGEND_IN = 1.7
#: Insets' height, as a fraction of the map axes (see :mod:`~.map_insets`).
INSET_HEIGHT = 0.2
#: Names are user text: "$5M$" must print as typed, and "$^$" must not stop the export
#: (matplotlib would parse text between dollar signs as mathtext).
PLAIN_TEXT = {"text.parse_math": False}


def geometry_path(geom: object) -> MplPath | None:
    """A matplotlib compound path of a (multi)polygon, holes included."""
    verts, codes = [], []
    for poly in shapely.get_parts(np.asarray([geom], dtype=object)):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def shape_collection(geoms: list[object], faces: list[str], **kw: object) -> PathCollection:
    """One matplotlib collection of shapely polygons, each filled with its colour.

    Empty or non-polygon geometries are left out; ``kw`` goes to ``PathCollection``.
    """
    paths, colors = [], []
    for g, f in zip(geoms, faces, strict=True):
        p = geometry_path(g)
        if p is not None:
            paths.append(p)
            colors.append(f)
    return PathCollection(paths, facecolors=colors, **kw)


def nice_length(span: float) -> float:
    """A round length (1, 2 or 5 times a power of ten) close to a fifth of ``span``."""
    return round_length(span / 5.0)


def add_scale_bar(ax: Axes, bounds: tuple[float, float, float, float]) -> None:
    """Black-and-white scale bar in the lower left corner (map units are metres)."""
    xmin, ymin, xmax, ymax = bounds
    length = nice_length(xmax - xmin)
    x0, y0 = xmin + 0.04 * (xmax - xmin), ymin + 0.04 * (ymax - ymin)
    h = 0.012 * (ymax - ymin)
    _draw_bar(ax, x0, y0, length, h, zorder=6)
    label = scale_label(length)
    ax.text(x0 + length / 2, y0 + 1.6 * h, label, ha="center", va="bottom", fontsize=7, zorder=6)


def scale_bar_below(fig: Figure, ax: Axes, bounds: tuple[float, float, float, float]) -> None:
    """A scale bar in a strip under map ``ax`` (left-aligned), clear of the map itself.

    The map fills its axes at an exact scale (see :func:`_frame`), so a length is the same
    fraction of the axes width in the strip as on the map.
    """
    box = ax.get_position()
    strip = fig.add_axes((box.x0, box.y0 - 0.028, box.width, 0.024))
    strip.set_axis_off()
    strip.set_xlim(bounds[0], bounds[2])
    strip.set_ylim(0, 1)
    length = nice_length(bounds[2] - bounds[0])
    x0 = bounds[0]
    _draw_bar(strip, x0, 0.55, length, 0.25)
    strip.text(x0 + length * 1.04, 0.67, scale_label(length), ha="left", va="center", fontsize=7)


def scale_label(length: float) -> str:
    """A scale bar's length in metres as people read it: ``500 km``, ``200 m``."""
    return f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"


def _draw_bar(
    ax: Axes, x0: float, y0: float, length: float, height: float, zorder: float | None = None
) -> None:
    """The two-tone bar of a scale bar: a black half, then a white half, from ``x0``."""
    half = length / 2
    ys = [y0, y0, y0 + height, y0 + height]
    ax.fill([x0, x0 + half, x0 + half, x0], ys, color="black", zorder=zorder)
    ax.fill(
        [x0 + half, x0 + length, x0 + length, x0 + half],
        ys,
        facecolor="white",
        edgecolor="black",
        linewidth=0.6,
        zorder=zorder,
    )


def pad_bounds(bounds: tuple[float, ...], frac: float = 0.03) -> tuple[float, float, float, float]:
    """``bounds`` grown by ``frac`` of its width and height on each side (1 where flat)."""
    xmin, ymin, xmax, ymax = bounds
    dx, dy = (xmax - xmin) * frac or 1.0, (ymax - ymin) * frac or 1.0
    return xmin - dx, ymin - dy, xmax + dx, ymax + dy


def draw_plan(
    ax: Axes,
    data: ReportData,
    focus: int | None = None,
    labels: bool = True,
    detail: str = "coarse",
    basemap: bool = True,
    keep_clear: tuple[tuple[float, float, float, float], ...] = (),
) -> tuple[float, float, float, float]:
    """Draw the plan's territories on ``ax`` and return the bounds shown.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Target axes (turned into an equal-aspect map without frame).
    data : ReportData
        The plan.
    focus : int, optional
        Territory code to zoom to: its units are outlined, the others fade.
    labels : bool
        Territory labels (names, or ids when there are many territories).
    detail : str
        ``coarse`` or ``fine`` display geometry.
    basemap : bool
        The offline basemap under the territories and city names (see
        :mod:`~.map_basemap`), where the project has one.
    keep_clear : tuple of boxes
        ``(x0, y0, x1, y1)`` boxes in axes fractions where no city is named (a scale bar
        drawn on the map).
    """
    full = data.shapes("fine" if focus is not None else detail)
    shapes = full
    codes = list(shapes)
    faces = {c: data.colors[c] for c in codes}
    layout, main_box = _layout(data, full, focus)
    if focus is not None:
        from matplotlib.colors import to_rgba

        # Neighbours are greyed for context; only what is in view is drawn.
        faces = {c: f if c == focus else _pale(to_rgba(f)) for c, f in faces.items()}
        view = shapely.box(*pad_bounds(main_box, 1.0))
        codes = [c for c in codes if shapes[c].intersects(view)]
        shapes = {c: shapely.clip_by_rect(shapes[c], *view.bounds) for c in codes}
    coll = shape_collection(
        [shapes[c] for c in codes], [faces[c] for c in codes], edgecolors="white", linewidths=0.8
    )
    ax.add_collection(coll)
    unassigned = np.flatnonzero(data.assignment == UNASSIGNED)
    geoms = data.lod[1] if focus is not None else data.lod[0]
    if unassigned.size:
        ax.add_collection(
            shape_collection(
                list(geoms[unassigned]),
                [UNASSIGNED_FILL] * unassigned.size,
                edgecolors=UNASSIGNED_COLOR,
                linewidths=0.3,
            )
        )
    if focus is not None and focus in shapes:
        members = np.flatnonzero(data.assignment == focus)
        ax.add_collection(
            shape_collection(
                list(geoms[members]),
                ["none"] * members.size,
                edgecolors="#ffffff",
                linewidths=0.35,
            )
        )
        ax.add_collection(
            shape_collection([shapes[focus]], ["none"], edgecolors="#222222", linewidths=1.2)
        )
    bounds = _frame(ax, _shown_bounds(layout, main_box, focus))
    background = report_basemap(data) if basemap else None
    if background is not None:
        draw_basemap(ax, background, bounds)
    texts = _labels(ax, data, shapes, focus) if labels else []
    if background is not None:
        avoid = [t.get_window_extent().padded(2) for t in texts if t.get_visible()]
        if layout is not None and layout.insets:  # the insets' strip along the bottom
            avoid.append(_strip(ax, INSET_HEIGHT))
        avoid += [Bbox([b[:2], b[2:]]).transformed(ax.transAxes) for b in keep_clear]
        label_cities(ax, background, bounds, avoid, MAX_CITIES if focus is None else 10)
    if layout is not None and layout.insets:
        from territory_designer.reports.map_insets import draw_insets

        draw_insets(ax, data, full, faces, layout)
    return bounds


def _strip(ax: Axes, height: float) -> Bbox:
    """The bottom ``height`` (a fraction) of ``ax``, in display coordinates."""
    return Bbox([[0, 0], [1, height]]).transformed(ax.transAxes)


def map_bounds(
    data: ReportData, focus: int | None = None, detail: str = "coarse"
) -> tuple[float, float, float, float]:
    """What :func:`draw_plan` shows before it widens the box to its frame's shape: the
    plan's main body (or territory ``focus``) with a margin, and the insets' strip.

    Its width over its height is the frame shape that the map fills exactly.
    """
    full = data.shapes("fine" if focus is not None else detail)
    layout, main_box = _layout(data, full, focus)
    return _shown_bounds(layout, main_box, focus)


def _shown_bounds(
    layout: MapLayout | None, main_box: tuple[float, float, float, float], focus: int | None
) -> tuple[float, float, float, float]:
    bounds = pad_bounds(main_box, 0.08 if focus is not None else 0.03)
    if layout is not None and layout.insets:
        # A strip along the bottom for the insets, clear of the main body.
        bounds = (bounds[0], bounds[1] - INSET_HEIGHT * (bounds[3] - bounds[1]), *bounds[2:])
    return bounds


def _layout(
    data: ReportData, shapes: dict[int, object], focus: int | None
) -> tuple[MapLayout | None, tuple[float, float, float, float]]:
    """Insets (or None) and the main frame's box, for the plan or one territory."""
    if focus is None:
        layout = map_layout(data.lod[0])
        return layout, layout.main_bounds
    if focus not in shapes:
        return None, tuple(float(v) for v in shapely.total_bounds(data.geometry))
    members = np.flatnonzero(data.assignment == focus)
    sub = map_layout(data.lod[0][members]) if members.size > 1 else None
    if sub is None or not sub.insets:
        return None, tuple(float(v) for v in shapely.bounds(shapes[focus]))
    layout = MapLayout(members[sub.main], sub.main_bounds, [members[i] for i in sub.insets])
    return layout, layout.main_bounds


def _pale(rgba: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A neighbour's fill on a territory's page: light grey, a shade apart per colour."""
    r, g, b, _ = rgba
    grey = 0.84 + 0.1 * (0.2126 * r + 0.7152 * g + 0.0722 * b)
    return (grey, grey, grey, 1.0)


def _short(v: float, _pos: object = None) -> str:
    """Axis tick label with k/M suffixes."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:g}M"
    if a >= 1e4:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


def widen_to_ratio(bounds: tuple[float, ...], ratio: float) -> tuple[float, float, float, float]:
    """``bounds`` widened about its centre, on x or on y, to ``ratio`` = width / height.

    Used to show a box at equal scale in axes of that shape; it is never cut.
    """
    xmin, ymin, xmax, ymax = bounds
    w, h = max(xmax - xmin, 1e-9), max(ymax - ymin, 1e-9)
    if w / h < ratio:
        grow = (h * ratio - w) / 2
        xmin, xmax = xmin - grow, xmax + grow
    else:
        grow = (w / ratio - h) / 2
        ymin, ymax = ymin - grow, ymax + grow
    return xmin, ymin, xmax, ymax


def _frame(
    ax: Axes, bounds: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """Widen ``bounds`` to the axes' shape (equal scale on x and y) and apply them."""
    fw, fh = ax.figure.get_size_inches()
    box = ax.get_position()
    ratio = (box.width * fw) / max(box.height * fh, 1e-9)
    xmin, ymin, xmax, ymax = widen_to_ratio(bounds, ratio)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    return xmin, ymin, xmax, ymax


def _labels(ax: Axes, data: ReportData, shapes: dict[int, object], focus: int | None) -> list[Text]:
    """Territory labels that do not overlap (see :mod:`~.map_labels`)."""
    from territory_designer.reports.map_labels import declutter
    from territory_designer.reports.map_text import halo_text

    many = len(shapes) > 25
    terr = data.territories.set_index("code")
    texts, short, areas = [], [], []
    for code, shape in shapes.items():
        if focus is not None and code != focus:
            continue
        # Label the largest part, so a territory with islands gets one clear label.
        parts = shapely.get_parts(np.asarray([shape], dtype=object))
        big = parts[int(np.argmax(shapely.area(parts)))]
        p = shapely.point_on_surface(big)
        text = terr.at[code, "id"] if many else terr.at[code, "name"]
        texts.append(
            halo_text(
                ax,
                p.x,
                p.y,
                str(text),
                halo_width=2.2,
                ha="center",
                va="center",
                fontsize=5 if many else 7,
                zorder=5,
                clip_on=True,
            )
        )
        short.append(str(terr.at[code, "id"]))
        areas.append(float(shapely.area(big)))
    declutter(ax, texts, short, areas)
    return texts


def draw_legend(ax: Axes, data: ReportData, max_items: int = 30) -> None:
    """A legend of territory colours (the first ``max_items`` territories)."""
    from matplotlib.patches import Patch

    rows = data.territories.head(max_items)
    handles = [
        Patch(facecolor=c, edgecolor="#666666", linewidth=0.4, label=f"{i} {n}"[:28])
        for i, n, c in zip(rows["id"], rows["name"], rows["color"], strict=True)
    ]
    if len(data.territories) > max_items:
        handles.append(Patch(facecolor="none", edgecolor="none", label="…"))
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            fontsize=6,
            frameon=False,
            borderaxespad=0.3,
            title="Territories",
            title_fontsize=7,
        )


def draw_balance_chart(ax: Axes, data: ReportData) -> None:
    """Bars of the balance field per territory with the mean (or targets) marked."""
    t = data.territories
    field = data.balance_field
    if not len(t):
        ax.text(0.5, 0.5, "No territories", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    values = t[field].to_numpy(dtype=float)
    colors = t["color"].tolist()
    mean = data.mean_value
    if len(t) <= 40:
        y = np.arange(len(t))[::-1]
        ax.barh(y, values, color=colors, edgecolor="#555555", linewidth=0.3)
        ax.set_yticks(y)
        ax.set_yticklabels([str(n)[:22] for n in t["name"]], fontsize=6)
        ax.axvline(mean, color="#333333", linestyle="--", linewidth=0.8, label="mean")
        ax.set_xlabel(field_label(field), fontsize=7)
    else:
        order = np.argsort(values)[::-1]
        ax.bar(np.arange(len(t)), values[order], color=[colors[i] for i in order], width=1.0)
        ax.axhline(mean, color="#333333", linestyle="--", linewidth=0.8, label="mean")
        ax.set_xticks([])
        ax.set_xlabel(f"{len(t)} territories, largest first", fontsize=7)
        ax.set_ylabel(field_label(field), fontsize=7)
    from matplotlib.ticker import FuncFormatter

    (ax.xaxis if len(t) <= 40 else ax.yaxis).set_major_formatter(FuncFormatter(_short))
    ax.tick_params(labelsize=6)
    ax.legend(fontsize=6, loc="lower right", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def map_figure(
    data: ReportData, width_in: float = 7.0, height_in: float = 5.0, basemap: bool = True
) -> Figure:
    """The plan map with legend and scale bar (and insets for far-away units), over the
    basemap (credited under the legend) unless ``basemap`` is False."""
    import matplotlib
    from matplotlib.figure import Figure

    # Text objects read ``text.parse_math`` when created: user names print as typed.
    with matplotlib.rc_context(PLAIN_TEXT):
        fig = Figure(figsize=(width_in, height_in))
        split = 1.0 - LEGEND_IN / width_in
        ax = fig.add_axes((0.0, 0.0, split, 1.0))
        # The scale bar's corner (see add_scale_bar) stays clear of city names.
        bounds = draw_plan(ax, data, basemap=basemap, keep_clear=((0.0, 0.0, 0.36, 0.12),))
        add_scale_bar(ax, bounds)
        legend_ax = fig.add_axes((split, 0.0, 1.0 - split, 1.0))
        legend_ax.set_axis_off()
        draw_legend(legend_ax, data, max_items=30)
        if has_basemap(ax):
            fig.text(
                0.995,
                0.005,
                CREDIT_TEXT.replace("; ", ";\n").replace(", borders", ",\nborders"),
                fontsize=4,
                color="#777777",
                ha="right",
                va="bottom",
            )
    return fig


def map_png(
    data: ReportData,
    width_in: float = 7.0,
    height_in: float = 5.0,
    dpi: int = 110,
    basemap: bool = True,
) -> bytes:
    """The plan map of :func:`map_figure` as PNG bytes (for spreadsheets)."""
    import matplotlib

    fig = map_figure(data, width_in, height_in, basemap)
    buf = io.BytesIO()
    with matplotlib.rc_context(PLAIN_TEXT):
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()

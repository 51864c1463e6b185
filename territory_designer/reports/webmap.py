"""Interactive HTML map (folium): one self-contained file that works with no network.

Territories are dissolved from the units' coverage-simplified display geometry,
reprojected to EPSG:4326 and rounded to 5 decimals (about a metre), so a 3,000-unit plan
stays well under 10 MB. Accounts are clustered points; a legend and a layer control
complete the page. Leaflet is inlined (see :mod:`webassets`), there are no tiles, every
user string is HTML-escaped, and the file is refused if any http(s) address slipped in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from territory_designer.core.feedback import Feedback
from territory_designer.core.formatting import field_label, format_number
from territory_designer.core.plan import UNASSIGNED
from territory_designer.io.atomic import atomic_target
from territory_designer.reports.registry import ExportError, ExportOptions, exporter
from territory_designer.reports.safety import escape_html
from territory_designer.reports.tables import ReportData, build_report_data
from territory_designer.reports.webassets import find_urls, leaflet_head

if TYPE_CHECKING:
    from territory_designer.core.project import Project

UNITS_LAYER_LIMIT = 5000
CLUSTER_FROM = 300
DECIMALS = 5
_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


def to_lonlat(geoms: np.ndarray, crs: object, centre_lon: float | None = None) -> np.ndarray:
    """Geometries reprojected to EPSG:4326 and rounded to ``DECIMALS`` decimals.

    With ``centre_lon`` every longitude is brought within 180° of it (see
    :func:`unwrap_longitudes`), so a layer across the 180° meridian stays in one piece.
    """
    import geopandas as gpd
    import shapely

    if crs is None:
        raise ExportError(
            "The units layer has no coordinate system, so it cannot be placed on a web "
            "map; recreate the project from a file with a CRS (or give one with --crs)."
        )
    out = gpd.GeoSeries(list(geoms), crs=crs).to_crs(4326).to_numpy()

    def lonlat(xy: np.ndarray) -> np.ndarray:
        if centre_lon is not None:
            xy = np.column_stack([unwrap_longitudes(xy[:, 0], centre_lon), xy[:, 1]])
        return np.round(xy, DECIMALS)

    return shapely.transform(out, lonlat)


def unwrap_longitudes(lon: np.ndarray, centre_lon: float) -> np.ndarray:
    """Longitudes shifted by whole turns to lie within 180° of ``centre_lon``.

    Leaflet draws a longitude where it is, not modulo 360°: the Aleutians at +179° would
    land on the far side of the world from the rest of Alaska at -179° (and a polygon
    across the meridian would stretch round the globe). Past ±180° the page continues
    seamlessly, so the layer is drawn and framed in one piece.
    """
    return centre_lon + (np.asarray(lon, dtype=float) - centre_lon + 180.0) % 360.0 - 180.0


def _features(geoms: np.ndarray, props: list[dict[str, Any]]) -> dict[str, Any]:
    import shapely

    texts = shapely.to_geojson(geoms)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(g), "properties": p}
            for g, p in zip(texts, props, strict=True)
            if g is not None
        ],
    }


def _territory_layer(data: ReportData, shapes: dict[int, Any], centre_lon: float) -> Any:
    import folium

    t = data.territories.set_index("code")
    codes = [c for c in shapes if c in t.index]
    geoms = to_lonlat(np.array([shapes[c] for c in codes], dtype=object), data.crs, centre_lon)
    fields = ["units", "accounts", *data.metric_fields]
    props = []
    for c in codes:
        r = t.loc[c]
        p = {
            "id": escape_html(r["id"]),
            "name": escape_html(r["name"]),
            "owner": escape_html(r["owner"]),
            "color": escape_html(r["color"]),
        }
        for k, f in enumerate(fields):
            p[f"f{k}"] = format_number(float(r[f]))
        p["dev"] = f"{r['deviation_pct']:+.1f}%"
        props.append(p)
    aliases = ["Territory", "Name", "Owner", *[field_label(f) for f in fields]]
    aliases.append(f"Deviation ({field_label(data.balance_field)})")
    tooltip = folium.GeoJsonTooltip(
        fields=["id", "name", "owner", *[f"f{k}" for k in range(len(fields))], "dev"],
        aliases=[escape_html(a) for a in aliases],
        sticky=True,
    )
    return folium.GeoJson(
        _features(geoms, props),
        name="Territories",
        style_function=lambda f: {
            "fillColor": f["properties"]["color"],
            "color": "#ffffff",
            "weight": 1.5,
            "fillOpacity": 0.75,
        },
        highlight_function=lambda f: {"weight": 3, "color": "#222222", "fillOpacity": 0.9},
        tooltip=tooltip,
        smooth_factor=0.5,
    )


def _units_layer(data: ReportData, centre_lon: float) -> Any:
    import folium

    geoms = to_lonlat(data.lod[0], data.crs, centre_lon)
    u = data.units
    props = [
        {"u": escape_html(a), "n": escape_html(b), "t": escape_html(f"{c} {d}".strip())}
        for a, b, c, d in zip(
            u["unit_id"], u["unit_name"], u["territory"], u["territory_name"], strict=True
        )
    ]
    return folium.GeoJson(
        _features(geoms, props),
        name="Units",
        show=False,
        style_function=lambda f: {"fillOpacity": 0.0, "color": "#333333", "weight": 0.4},
        tooltip=folium.GeoJsonTooltip(
            fields=["u", "n", "t"], aliases=["Unit", "Name", "Territory"]
        ),
    )


def _accounts_layer(data: ReportData, centre_lon: float) -> Any:
    import geopandas as gpd
    from folium.plugins import FastMarkerCluster

    xy = data.account_xy
    pts = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=data.crs).to_crs(4326)
    lat = np.round(pts.y.to_numpy(), DECIMALS)
    lon = np.round(unwrap_longitudes(pts.x.to_numpy(), centre_lon), DECIMALS)
    a = data.accounts
    colors = {c: escape_html(v) for c, v in data.colors.items()}
    rows = [
        [
            float(la),
            float(lo),
            f"<b>{escape_html(n)}</b><br>{escape_html(i)} · {escape_html(t)}",
            colors.get(int(code), "#888888") if code != UNASSIGNED else "#888888",
        ]
        for la, lo, n, i, t, code in zip(
            lat,
            lon,
            a["account_name"],
            a["account_id"],
            a["territory"],
            data.account_code,
            strict=True,
        )
    ]
    callback = """function callback(row) {
        var m = L.circleMarker([row[0], row[1]], {radius: 5, weight: 1, color: '#222222',
            fillColor: row[3], fillOpacity: 0.9});
        m.bindTooltip(row[2]);
        return m;
    }"""
    options = {"chunkedLoading": True, "maxClusterRadius": 50}
    if len(rows) < CLUSTER_FROM:
        options["disableClusteringAtZoom"] = 0
    layer = FastMarkerCluster(rows, callback=callback, name="Accounts", options=options)
    layer.default_js, layer.default_css = [], []
    return layer


def _legend(data: ReportData) -> str:
    items = "".join(
        f'<div><i style="background:{escape_html(c)}"></i>{escape_html(i)} {escape_html(n)}</div>'
        for i, n, c in zip(
            data.territories["id"], data.territories["name"], data.territories["color"], strict=True
        )
    )
    title = escape_html(f"{data.plan_name} · {data.criterion or field_label(data.balance_field)}")
    return (
        "<style>.td-legend{position:fixed;bottom:14px;right:10px;z-index:1000;background:#fff;"
        "padding:6px 8px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.4);"
        "font:12px/1.4 sans-serif;max-height:40vh;max-width:60vw;overflow:auto}"
        ".td-legend i{display:inline-block;width:12px;height:12px;margin-right:6px;"
        "vertical-align:-2px;border:1px solid #777}"
        ".td-legend summary{font-weight:bold;cursor:pointer}</style>"
        f'<details class="td-legend" open><summary>{title}</summary>{items}</details>'
    )


def build_map(data: ReportData, options: ExportOptions, feedback: Feedback) -> str:
    """The self-contained HTML page of the plan."""
    import folium
    from branca.element import Element

    shapes = data.shapes("coarse")
    m = folium.Map(
        tiles=None,
        control_scale=True,
        attributionControl=False,
        zoom_start=7,
        maxZoom=18,
        zoomSnap=0.25,
    )
    m.default_js, m.default_css = [], []
    root = m.get_root()
    root.header.add_child(Element(leaflet_head(cluster=True)), name="td_leaflet", index=0)
    root.header.add_child(Element(_VIEWPORT), name="td_viewport")
    heading = page_heading(data, options)
    root.title = escape_html(heading)
    view = _bbox(data)
    centre_lon = _centre_lon(view, data.crs)
    feedback.set_progress(30, "Territories")
    if shapes:
        _territory_layer(data, shapes, centre_lon).add_to(m)
    feedback.check_canceled()
    include_units = options.include_units
    if include_units is None:
        include_units = len(data.units) <= UNITS_LAYER_LIMIT
    if include_units:
        feedback.set_progress(50, "Units")
        _units_layer(data, centre_lon).add_to(m)
    feedback.check_canceled()
    if options.include_accounts and len(data.accounts):
        feedback.set_progress(70, "Accounts")
        _accounts_layer(data, centre_lon).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    bounds = to_lonlat(np.array([view], dtype=object), data.crs, centre_lon)[0].bounds
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    root.html.add_child(Element(_legend(data)))
    root.html.add_child(Element(_title_bar(heading)))
    feedback.set_progress(85, "Writing page")
    html = root.render()
    urls = find_urls(html)
    if urls:  # a new folium version added a CDN link we do not know about
        raise ExportError(f"The HTML map would load {urls[0]}; refusing to write an online page.")
    return html


def page_heading(data: ReportData, options: ExportOptions) -> str:
    """What the page is: project title, plan and date (the browser tab and the map's top)."""
    title = options.title or data.project_title
    return f"{title} · plan {data.plan_name} · {data.date.isoformat()}"


def _title_bar(heading: str) -> str:
    """The heading over the map, centred, narrow enough to leave the zoom buttons free."""
    return (
        "<style>.td-title{position:fixed;top:8px;left:50%;transform:translateX(-50%);"
        "z-index:1000;background:rgba(255,255,255,.92);padding:4px 10px;border-radius:4px;"
        "box-shadow:0 1px 4px rgba(0,0,0,.3);font:bold 13px/1.3 sans-serif;color:#1f4e78;"
        "max-width:calc(100vw - 120px);white-space:nowrap;overflow:hidden;"
        "text-overflow:ellipsis;pointer-events:none}</style>"
        f'<div class="td-title">{escape_html(heading)}</div>'
    )


def _bbox(data: ReportData) -> Any:
    """The first view: the map's main body (the lower 48 of a national US layer, whose
    Aleutians at +179° would otherwise make the page open on the whole world)."""
    import shapely

    from territory_designer.core.map_layout import map_layout

    box = shapely.box(*map_layout(data.lod[0]).main_bounds)
    # Densified: the box's edges curve in longitude and latitude (a conic's top edge bulges
    # north of its corners), and its corners alone would crop the view.
    return shapely.segmentize(box, max(box.length, 1e-9) / 64)


def _centre_lon(view: Any, crs: object) -> float:
    """Longitude of the middle of the first view: the page is drawn within 180° of it."""
    centre = to_lonlat(np.array([view.centroid], dtype=object), crs)[0]
    return float(centre.x)


@exporter("html", label="Interactive HTML map", suffixes=(".html", ".htm"))
def export_html(project: Project, path: Path, options: ExportOptions, feedback: Feedback) -> Path:
    """Write the offline interactive map of the plan to ``path``."""
    data = build_report_data(project, options.plan)
    html = build_map(data, options, feedback)
    feedback.check_canceled()
    with atomic_target(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
        feedback.check_canceled()
    return path

"""Interactive HTML map (folium): one self-contained file that works with no network.

Territories are dissolved from the units' coverage-simplified display geometry,
reprojected to EPSG:4326 and rounded to 5 decimals (about a metre). Accounts are
clustered points; the offline basemap (:mod:`webmap_basemap`) lies under the territories;
a legend, a layer control, a search box, names on the map and popups complete the page
(the page's data in :mod:`webmap_data`, its own script in :mod:`webmap_script`). Leaflet
is inlined (see :mod:`webassets`), there are no tiles, every user string is HTML-escaped,
and the file is refused if any http(s) address slipped in. Measured (bench/bench_webmap.py,
10,000 accounts): 2,645 units 2.7 MB, 29,380 units 4.7 MB.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from territory_designer.core.feedback import Feedback
from territory_designer.core.formatting import field_label
from territory_designer.io.atomic import atomic_target
from territory_designer.reports.registry import ExportError, ExportOptions, exporter
from territory_designer.reports.safety import escape_html
from territory_designer.reports.tables import ReportData, build_report_data
from territory_designer.reports.webassets import find_urls, leaflet_head
from territory_designer.reports.webmap_basemap import CREDIT, basemap_page_data
from territory_designer.reports.webmap_data import (
    account_rows,
    css_color,
    label_points,
    page_json,
    territory_entries,
    unit_index,
)
from territory_designer.reports.webmap_script import SCRIPT
from territory_designer.reports.webmap_style import STYLE

if TYPE_CHECKING:
    from territory_designer.core.project import Project

UNITS_LAYER_LIMIT = 5000
CLUSTER_FROM = 300
DECIMALS = 5
#: Most city names shown at once.
MAX_CITY_LABELS = 40
_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


def to_lonlat(
    geoms: np.ndarray, crs: object, centre_lon: float | None = None, decimals: int = DECIMALS
) -> np.ndarray:
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
        return np.round(xy, decimals)

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


def _territory_layer(geoms: np.ndarray, entries: list[dict[str, Any]]) -> Any:
    """Filled territories; their popups and tooltips are bound by the page script."""
    import folium

    props = [{"k": k, "color": e["color"]} for k, e in enumerate(entries) if e["label"]]
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
        smooth_factor=0.5,
    )


def _units_layer(data: ReportData, centre_lon: float) -> Any:
    """Unit outlines (hidden at first); each feature is its row ``i`` of the unit index."""
    import folium

    geoms = to_lonlat(data.lod[0], data.crs, centre_lon)
    return folium.GeoJson(
        _features(geoms, [{"i": k} for k in range(len(geoms))]),
        name="Units",
        show=False,
        style_function=lambda f: {"fillOpacity": 0.0, "color": "#333333", "weight": 0.4},
    )


def _accounts_layer(
    data: ReportData, centre_lon: float, territory_index: dict[int, int]
) -> tuple[Any, dict[str, Any]]:
    """Clustered account points (markers and bubbles made by the page script)."""
    import geopandas as gpd
    from folium.plugins import FastMarkerCluster

    xy = data.account_xy
    pts = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=data.crs).to_crs(4326)
    lat = np.round(pts.y.to_numpy(), DECIMALS)
    lon = np.round(unwrap_longitudes(pts.x.to_numpy(), centre_lon), DECIMALS)
    rows, header = account_rows(data, territory_index, lat, lon)
    options = {"chunkedLoading": True, "maxClusterRadius": 70}
    if len(rows) < CLUSTER_FROM:
        options["disableClusteringAtZoom"] = 0
    layer = FastMarkerCluster(
        rows,
        callback="function (row) { return TD.accountMarker(row); }",
        name="Accounts",
        options=options,
        icon_create_function="TD.clusterIcon",
    )
    layer.default_js, layer.default_css = [], []
    return layer, header


def _legend(data: ReportData, credit: str = "") -> str:
    items = "".join(
        f'<div><i style="background:{css_color(c)}"></i>{escape_html(i)} {escape_html(n)}</div>'
        for i, n, c in zip(
            data.territories["id"], data.territories["name"], data.territories["color"], strict=True
        )
    )
    title = escape_html(f"{data.plan_name} · {data.criterion or field_label(data.balance_field)}")
    note = f'<div class="td-credit">{credit}</div>' if credit else ""
    return (
        "<style>.td-legend{position:fixed;bottom:14px;right:10px;z-index:1000;background:#fff;"
        "padding:6px 8px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.4);"
        "font:12px/1.4 sans-serif;max-height:40vh;max-width:min(60vw,320px);overflow:auto}"
        ".td-legend i{display:inline-block;width:12px;height:12px;margin-right:6px;"
        "vertical-align:-2px;border:1px solid #777}"
        ".td-legend summary{font-weight:bold;cursor:pointer}"
        ".td-credit{margin-top:4px;font-size:9.5px;color:#777;max-width:260px}</style>"
        f'<details class="td-legend" open><summary>{title}</summary>{items}{note}</details>'
    )


def _page_start(layers: dict[str, Any]) -> str:
    """``TD.init(map, layers)``, run after folium's script has made the map and layers."""
    names = ",".join(f"{k}:{v.get_name() if v is not None else 'null'}" for k, v in layers.items())
    return f"<script>TD.init({layers['map'].get_name()}, {{{names}}});</script>"


def build_map(data: ReportData, options: ExportOptions, feedback: Feedback) -> str:
    """The self-contained HTML page of the plan."""
    import folium
    from branca.element import Element

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
    heading = page_heading(data, options)
    root.title = escape_html(heading)
    view = _bbox(data)
    centre_lon = _centre_lon(view, data.crs)
    feedback.set_progress(20, "Territories")
    entries, territory_geoms = _territories(data, centre_lon)
    territory_index = {e["code"]: k for k, e in enumerate(entries)}
    page: dict[str, Any] = {"territories": entries, "maxCities": MAX_CITY_LABELS}
    layers: dict[str, Any] = {"map": m, "territories": None, "units": None, "accounts": None}
    if len(territory_geoms):
        layers["territories"] = _territory_layer(territory_geoms, entries).add_to(m)
    feedback.check_canceled()
    feedback.set_progress(40, "Units")
    page["units"] = unit_index(data, territory_index, _lonlat_transform(data.crs, centre_lon))
    include_units = options.include_units
    if include_units is None:
        include_units = len(data.units) <= UNITS_LAYER_LIMIT
    if include_units:
        layers["units"] = _units_layer(data, centre_lon).add_to(m)
    feedback.check_canceled()
    if options.include_accounts and len(data.accounts):
        feedback.set_progress(60, "Accounts")
        cluster, page["accountFields"] = _accounts_layer(data, centre_lon, territory_index)
        layers["accounts"] = cluster.add_to(m)
    feedback.check_canceled()
    feedback.set_progress(70, "Basemap")
    credit = ""
    base = basemap_page_data(
        data,
        lambda g, decimals: to_lonlat(g, data.crs, centre_lon, decimals),
        _lonlat_transform(data.crs, centre_lon),
    )
    if base is not None:
        page["basemap"], page["cities"] = base
        credit = CREDIT
    layers["control"] = folium.LayerControl(collapsed=True).add_to(m)
    bounds = to_lonlat(np.array([view], dtype=object), data.crs, centre_lon)[0].bounds
    page["fit"] = [[bounds[1], bounds[0]], [bounds[3], bounds[2]]]
    m.fit_bounds(page["fit"])
    head = (
        leaflet_head(cluster=True)
        + f"<style>{STYLE}</style>"
        + f"<script>var TD = {page_json(page)};</script>"
        + f"<script>{SCRIPT}</script>"
    )
    root.header.add_child(Element(head), name="td_leaflet", index=0)
    root.header.add_child(Element(_VIEWPORT), name="td_viewport")
    root.html.add_child(Element(_legend(data, credit)))
    root.html.add_child(Element(_title_bar(heading)))
    feedback.set_progress(85, "Writing page")
    html = root.render()
    # The encoding must be declared in the first 1,024 bytes, else the browser guesses
    # (folium's declaration comes after the inlined Leaflet: "Montréal" read as GBK).
    html = html.replace("<head>", '<head>\n<meta charset="utf-8" />', 1)
    end = html.rindex("</html>")
    html = html[:end] + _page_start(layers) + "\n" + html[end:]
    urls = find_urls(html)
    if urls:  # a new folium version added a CDN link we do not know about
        raise ExportError(f"The HTML map would load {urls[0]}; refusing to write an online page.")
    return html


def _territories(data: ReportData, centre_lon: float) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Every territory's page entry, and the drawn ones' shapes in longitude/latitude."""
    import shapely

    shapes = data.shapes("coarse")
    codes = [int(c) for c in data.territories["code"]]
    drawn = [c for c in codes if c in shapes]
    projected = np.array([shapes[c] for c in drawn], dtype=object)
    geoms = to_lonlat(projected, data.crs, centre_lon)
    labels = label_points(list(projected))
    transform = _lonlat_transform(data.crs, centre_lon)
    lon, lat = transform(labels[:, 0], labels[:, 1]) if len(labels) else ([], [])
    label_lonlat = np.column_stack([lon, lat]) if len(labels) else np.zeros((0, 2))
    drawn_entries = territory_entries(data, drawn, geoms, label_lonlat)
    areas = dict(zip(drawn, shapely.area(projected), strict=True)) if drawn else {}
    by_code = {e["code"]: e for e in drawn_entries}
    entries = []
    for code in codes:
        entry = by_code.get(code) or territory_entries(data, [code], None, None)[0]
        entry["area"] = float(areas.get(code, 0.0))
        entries.append(entry)
    return entries, geoms


def _lonlat_transform(crs: object, centre_lon: float) -> Any:
    """``f(x, y) -> (lon, lat)`` from ``crs``, longitudes within 180° of ``centre_lon``."""
    from pyproj import Transformer

    to_lonlat_xy = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def transform(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = to_lonlat_xy.transform(np.asarray(x, float), np.asarray(y, float))
        return unwrap_longitudes(np.asarray(lon), centre_lon), np.asarray(lat)

    return transform


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

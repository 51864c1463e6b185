"""What the HTML map's own script needs: territories, a unit index and account rows.

The page's script (see :mod:`webmap_script`) draws territory names, builds popups and
searches from one JSON object, ``TD``, written into the page's head. Every user string is
HTML-escaped here (the script inserts them as markup) and the JSON is written so that
``<``, ``>``, ``&`` and ``'`` never appear literally, so no user text can close a
``<script>`` element.

Compact on purpose: a unit is ``[id, name, territory, lat, lon, half-height,
half-width, figures…]`` and an account ``[lat, lon, name, territory, id, texts…,
figures…]``; popups are built in the browser when opened, so 30,000 units and 10,000
accounts add a few MB, not tens.
"""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from territory_designer.core.formatting import field_label, format_number
from territory_designer.core.plan import UNASSIGNED
from territory_designer.reports.rules_tables import node_names
from territory_designer.reports.safety import escape_html

if TYPE_CHECKING:
    from territory_designer.reports.tables import ReportData

#: Decimals of positions in the search index (about 100 m: where a popup opens).
INDEX_DECIMALS = 3
#: Account text fields shown in popups when the accounts have them.
ACCOUNT_TEXT = ("segment", "city", "postal_code")
#: Numeric account fields shown in popups at most (the balanced one first).
ACCOUNT_FIGURES = 4
#: Figures preferred, in order, after the balanced field.
PREFERRED = ("revenue", "potential", "visits_per_year", "visits")
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def css_color(value: object) -> str:
    """``#rrggbb``, or grey for anything else: colours go into style attributes, where a
    colour from a hand-edited project file could carry ``url(…)`` and fetch something."""
    text = str(value)
    return text if _HEX_COLOR.fullmatch(text) else "#888888"


def page_json(value: object) -> str:
    """JSON safe inside a ``<script>`` element (as Jinja's ``tojson`` writes it)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, code)
    return text


def _number(value: object) -> float | None:
    """A JSON number (``None`` for a blank or not-a-number), two decimals at most."""
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    return int(f) if f.is_integer() and abs(f) < 2**53 else round(f, 2)


def territory_entries(
    data: ReportData,
    codes: list[int],
    lonlat: np.ndarray | None,
    label_lonlat: np.ndarray | None,
) -> list[dict[str, Any]]:
    """One entry per drawn territory: names, colour, label point, bounds and figures.

    Parameters
    ----------
    data : ReportData
        The plan's tables.
    codes : list of int
        Territory codes, in the order of ``lonlat``.
    lonlat : numpy.ndarray, optional
        The territories' shapes in (unwrapped) longitude/latitude; ``None`` for
        territories without units (no label, no bounds: they are only listed).
    label_lonlat : numpy.ndarray, optional
        (n, 2) label points (lon, lat), inside each territory's largest piece.
    """
    import shapely

    t = data.territories.set_index("code")
    fields = ["units", "accounts", *data.metric_fields]
    bounds = shapely.bounds(lonlat) if lonlat is not None else None
    definitions = _definitions(data)
    names = node_names(data)
    out = []
    for k, code in enumerate(codes):
        r = t.loc[code]
        figures = [[escape_html(field_label(f)), format_number(float(r[f]))] for f in fields]
        figures.append(
            [escape_html(f"Deviation ({field_label(data.balance_field)})"),
             f"{r['deviation_pct']:+.1f}%"]
        )  # fmt: skip
        target = r.get("target")
        if target is not None and _number(target) is not None:
            figures.append(["Target", format_number(float(target))])
        place: dict[str, Any] = {"label": None, "bounds": None}
        if bounds is not None and label_lonlat is not None:
            x0, y0, x1, y1 = bounds[k]
            place = {
                "label": [float(label_lonlat[k, 1]), float(label_lonlat[k, 0])],
                "bounds": [[float(y0), float(x0)], [float(y1), float(x1)]],
            }
        out.append(
            {
                "code": int(code),
                "id": escape_html(r["id"]),
                "name": escape_html(r["name"]),
                "owner": escape_html(r["owner"]),
                "color": css_color(r["color"]),
                "parents": [
                    [escape_html(level.capitalize()), _node_text(names, level, r.get(level))]
                    for level in data.hierarchy
                    if _text(r.get(level))
                ],
                "definition": escape_html(definitions.get(int(code), "")),
                **place,
                "figures": figures,
            }
        )
    return out


def _definitions(data: ReportData) -> dict[int, str]:
    """Each territory's written definition, where the project has them."""
    table = data.territories
    for column in ("definition", "description"):
        if column in table.columns:
            return {int(c): str(v) for c, v in zip(table["code"], table[column], strict=True) if v}
    return {}


def label_points(shapes: list[Any]) -> np.ndarray:
    """A point well inside each shape's largest piece, where its name is written.

    The pole of inaccessibility (``polylabel``) of the largest polygon: a centroid can
    fall outside a C-shaped territory or into the sea beside a coastal one.
    """
    import shapely
    from shapely.ops import polylabel

    out = np.zeros((len(shapes), 2))
    for k, shape in enumerate(shapes):
        parts = shapely.get_parts(shape)
        parts = parts[shapely.get_type_id(parts) == 3]
        if not len(parts):
            p = shapely.point_on_surface(shape)
        else:
            largest = parts[int(np.argmax(shapely.area(parts)))]
            try:
                p = polylabel(largest, tolerance=max(math.sqrt(largest.area) / 40, 1e-9))
            except Exception:  # noqa: BLE001 - a degenerate ring: any inside point will do
                p = shapely.point_on_surface(largest)
        out[k] = (p.x, p.y)
    return out


def unit_index(data: ReportData, territory_index: dict[int, int], transform: Any) -> dict[str, Any]:
    """Every unit for search and popups: id, name, territory, place, extent, figures.

    ``transform`` maps projected (x, y) arrays to unwrapped (lon, lat) arrays.
    """
    import shapely

    geoms = data.lod[0]
    points = shapely.get_coordinates(shapely.point_on_surface(geoms))
    x0, y0, x1, y1 = shapely.bounds(geoms).T
    lon, lat = transform(points[:, 0], points[:, 1])
    corners = [transform(x, y) for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1))]
    half_w = np.max([np.abs(c[0] - lon) for c in corners], axis=0)
    half_h = np.max([np.abs(c[1] - lat) for c in corners], axis=0)
    d = INDEX_DECIMALS
    u = data.units
    figures = [f for f in data.metric_fields if f in u.columns]
    values = [u[f].to_numpy() for f in figures]
    rows = []
    for k, (uid, name, code) in enumerate(
        zip(u["unit_id"], u["unit_name"], data.assignment, strict=True)
    ):
        rows.append(
            [
                escape_html(uid),
                escape_html(name) if str(name) != str(uid) else "",
                territory_index.get(int(code), -1) if code != UNASSIGNED else -1,
                round(float(lat[k]), d),
                round(float(lon[k]), d),
                round(float(half_h[k]), d),
                round(float(half_w[k]), d),
                *[_number(v[k]) for v in values],
            ]
        )
    return {"fields": [escape_html(field_label(f)) for f in figures], "rows": rows}


def account_fields(data: ReportData) -> tuple[list[str], list[str]]:
    """The account text fields and numeric fields shown in popups."""
    a = data.accounts
    text = [f for f in ACCOUNT_TEXT if f in a.columns]
    numeric = [c for c in a.columns if c not in ("pinned",) and a[c].dtype.kind in "iuf"]
    order = [data.balance_field, *PREFERRED, *numeric]
    figures: list[str] = []
    for f in order:
        if f in numeric and f not in figures:
            figures.append(f)
    return text, figures[:ACCOUNT_FIGURES]


def account_rows(
    data: ReportData, territory_index: dict[int, int], lat: np.ndarray, lon: np.ndarray
) -> tuple[list[list[Any]], dict[str, Any]]:
    """Account rows for the clustered layer and the field headings of their popups."""
    a = data.accounts
    text, figures = account_fields(data)
    text_values = [a[f].to_numpy() for f in text]
    figure_values = [a[f].to_numpy() for f in figures]
    located = a["unit_id"].to_numpy()
    rows = []
    for k, (name, aid, code) in enumerate(
        zip(a["account_name"], a["account_id"], data.account_code, strict=True)
    ):
        rows.append(
            [
                float(lat[k]),
                float(lon[k]),
                escape_html(name),
                territory_index.get(int(code), -1) if code != UNASSIGNED else -1,
                escape_html(aid),
                escape_html(located[k]),
                *[_text(v[k]) for v in text_values],
                *[_number(v[k]) for v in figure_values],
            ]
        )
    header = {
        "text": [escape_html(field_label(f)) for f in text],
        "figures": [escape_html(field_label(f)) for f in figures],
    }
    return rows, header


def _node_text(names: dict[str, dict[str, str]], level: str, node: object) -> str:
    """``"D1 Triangle"`` (id and name; the id alone when the node has no other name)."""
    node = str(node)
    name = names.get(level, {}).get(node, node)
    return escape_html(node if name == node else f"{node} {name}")


def _text(value: object) -> str:
    s = "" if value is None else str(value)
    return "" if s in ("nan", "None", "<NA>") else escape_html(s)

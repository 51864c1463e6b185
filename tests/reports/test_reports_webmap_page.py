"""What the exported HTML map holds for a rep: names, popups, search, cluster colours,
the offline basemap (issue 18, HTML part; issue 11, basemap in the HTML map).

Read from the real exported page of the bundled demo (the ``TD`` object its script
runs on); what the browser makes of it is in ``test_reports_webmap_browser.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import shapely
from report_fixtures import HOSTILE_OWNER

from territory_designer.core.operations import AddTerritory
from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export


def page_data(html: str) -> dict:
    """The page's ``TD`` object."""
    start = html.index("var TD = ") + len("var TD = ")
    data, _ = json.JSONDecoder().raw_decode(html, start)
    return data


def territory_shapes(html: str) -> dict[int, shapely.Geometry]:
    """The territories layer's shapes by their index in ``TD.territories``."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"geo_json_\w+_add\(", html):
        layer, _ = decoder.raw_decode(html, match.end())
        props = layer["features"][0]["properties"]
        if "k" in props:
            return {
                f["properties"]["k"]: shapely.geometry.shape(f["geometry"])
                for f in layer["features"]
            }
    raise AssertionError("no territories layer")


@pytest.fixture(scope="module")
def demo_page(_demo_project_session: Project, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = export("html", _demo_project_session, tmp_path_factory.mktemp("page") / "map.html")
    return out.read_text(encoding="utf-8")


def test_encoding_is_declared_before_anything_else(demo_page: str) -> None:
    assert '<meta charset="utf-8" />' in demo_page.encode("utf-8")[:1024].decode("utf-8", "ignore")


def test_every_territory_is_named_inside_itself(demo_page: str) -> None:
    td = page_data(demo_page)
    names = [t["name"] for t in td["territories"]]
    assert names[:3] == ["Charlotte Metro", "Triangle", "Triad"] and len(names) == 8
    shapes = territory_shapes(demo_page)
    for k, t in enumerate(td["territories"]):
        lat, lon = t["label"]
        assert shapes[k].contains(shapely.Point(lon, lat)), t["name"]  # not in the sea
        (s, w), (n, e) = t["bounds"]
        assert (w, s, e, n) == pytest.approx(shapes[k].bounds)
    assert "td-tlabel" in demo_page and "TD.init(map_" in demo_page


def test_popups_carry_the_figures_a_rep_needs(demo_page: str) -> None:
    td = page_data(demo_page)
    triad = next(t for t in td["territories"] if t["name"] == "Triad")
    assert triad["owner"] == "Aisha Patel"
    labels = [f[0] for f in triad["figures"]]
    assert labels[:2] == ["Units", "Accounts"] and "Revenue" in labels
    assert any(label.startswith("Deviation") for label in labels)
    # Accounts: name, id, unit, segment and city, the balanced field first, then revenue.
    assert td["accountFields"]["text"] == ["Segment", "City", "Postal code"]
    assert td["accountFields"]["figures"][:2] == ["Revenue", "Potential"]
    start = demo_page.index("var data = ") + len("var data = ")
    rows, _ = json.JSONDecoder().raw_decode(demo_page, start)
    first = rows[0]
    assert first[2] == "Advance Clinic 0001" and first[4] == "A00001"
    assert td["territories"][first[3]]["name"]  # its territory, by index
    assert first[6] == "Pharmacy" and first[9] == 25700  # segment, revenue
    # Units: every county, by FIPS id and name, with its territory and figures.
    units = td["units"]
    assert len(units["rows"]) == 100 and "Births 1974" in units["fields"]
    ashe = units["rows"][0]
    assert ashe[:2] == ["37009", "Ashe"] and ashe[2] >= 0


def test_cluster_bubbles_are_neutral_or_territory_coloured(demo_page: str) -> None:
    """folium's default bubbles are green, amber and red: they read as good and bad."""
    assert "iconCreateFunction =\n                    TD.clusterIcon" in demo_page
    for traffic_light in ("181, 226, 140", "241, 211, 87", "253, 156, 115"):
        assert traffic_light not in demo_page
    assert "marker-cluster-small" not in demo_page


def test_basemap_is_inlined_around_the_plan(demo_page: str) -> None:
    td = page_data(demo_page)
    base = td["basemap"]
    assert set(base) == {"sea", "land", "lakes", "countries", "states"}
    sheet = shapely.geometry.shape(base["sea"])
    land = shapely.make_valid(shapely.geometry.shape(base["land"]))  # rounded: may self-touch
    assert land.difference(sheet).area < land.area / 1000  # the land lies on the sheet
    plan = shapely.union_all(list(territory_shapes(demo_page).values()))
    assert land.buffer(0.05).contains(plan.representative_point())
    west, south, east, north = land.bounds
    assert west < plan.bounds[0] - 5 and east > plan.bounds[2] + 5  # the neighbours too
    cities = [c[2] for c in td["cities"]]
    assert {"Charlotte", "Raleigh", "Atlanta"} <= set(cities)
    assert cities.index("Charlotte") < cities.index("Hickory")  # largest first
    assert "GeoNames" in demo_page and "GSHHS" in demo_page  # credited


def test_user_strings_in_page_data_are_escaped(hostile_plan: Project, tmp_path: Path) -> None:
    out = export("html", hostile_plan, tmp_path / "map.html", ExportOptions(include_units=True))
    html = out.read_text(encoding="utf-8")
    assert HOSTILE_OWNER not in html
    td = page_data(html)
    owners = {t["owner"] for t in td["territories"]}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in owners  # shown as text, never run
    assert html.count("<script") == html.count("</script>")


def test_territory_without_units_is_listed_not_drawn(grid_plan: Project, tmp_path: Path) -> None:
    t = grid_plan.default_territory()
    t.name, t.owner = "Empty one", "Nobody"
    AddTerritory(t).apply(grid_plan)
    out = export("html", grid_plan, tmp_path / "map.html")
    td = page_data(out.read_text(encoding="utf-8"))
    empty = next(t for t in td["territories"] if t["name"] == "Empty one")
    assert empty["label"] is None and empty["bounds"] is None
    assert len(territory_shapes(out.read_text(encoding="utf-8"))) == len(td["territories"]) - 1


def test_territory_definition_is_in_its_popup(demo_project: Project, tmp_path: Path) -> None:
    """Issue 13's written definition of a territory, shown (escaped) when clicked."""
    triad = next(t for t in demo_project.plan.territories.values() if t.name == "Triad")
    triad.definition = "Guilford, Forsyth & Davidson <core>"
    out = export("html", demo_project, tmp_path / "map.html")
    td = page_data(out.read_text(encoding="utf-8"))
    by_name = {t["name"]: t["definition"] for t in td["territories"]}
    assert by_name["Triad"] == "Guilford, Forsyth &amp; Davidson &lt;core&gt;"
    assert by_name["Coastal"] == ""


def test_a_colour_that_is_not_a_colour_is_grey(grid_plan: Project, tmp_path: Path) -> None:
    """A hand-edited project file could hold a 'colour' that fetches: never written."""
    first = next(iter(grid_plan.plan.territories.values()))
    first.color = "red;background-image:url(//example.invalid/x.png)"
    html = export("html", grid_plan, tmp_path / "map.html").read_text(encoding="utf-8")
    assert "example.invalid" not in html
    assert page_data(html)["territories"][0]["color"] == "#888888"

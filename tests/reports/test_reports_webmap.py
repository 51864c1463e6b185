"""The HTML map is one offline file: inlined Leaflet, no http(s) address, escaped strings."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from report_fixtures import HOSTILE_OWNER
from td_programs import required_program

from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export

URL = re.compile(r"(?i)\b(?:https?|ftp):/{2}|(?:src|href)\s*=\s*[\"']?//")


def test_demo_map_is_self_contained(demo_project: Project, tmp_path: Path) -> None:
    out = export("html", demo_project, tmp_path / "map.html")
    html = out.read_text("utf-8")
    assert not URL.search(html), URL.search(html)
    assert "<script src" not in html and "<link" not in html  # nothing to fetch
    assert "L.markerClusterGroup" in html and "L.control.layers" in html
    assert 'name="viewport"' in html
    assert "Charlotte Metro" in html and "td-legend" in html
    assert "L.tileLayer(" not in html and "{z}" not in html  # no tile layer, no tile URL
    assert out.stat().st_size < 2_000_000


def test_hostile_strings_are_escaped(hostile_plan: Project, tmp_path: Path) -> None:
    out = export("html", hostile_plan, tmp_path / "map.html", ExportOptions(include_units=True))
    html = out.read_text("utf-8")
    assert HOSTILE_OWNER not in html
    assert "alert(1)" in html  # present, but only as escaped text
    # HTML-escaped in the legend, and again JSON-escaped inside the tooltip data.
    assert "\\u0026lt;script\\u0026gt;alert(1)" in html
    assert "&#x27;-2+3" not in html and "-2+3" in html  # no spreadsheet quoting in HTML
    assert html.count("<script") == html.count("</script>")
    assert not URL.search(html)  # the =HYPERLINK("http://x") name is neutralised too


def test_chromium_offline_draws_the_territories(demo_project: Project, tmp_path: Path) -> None:
    """What a field rep sees: with all networking cut, the browser still draws every
    territory as an SVG path and builds the legend and layer control."""
    chromium = required_program("chromium")
    out = export("html", demo_project, tmp_path / "map.html")
    done = subprocess.run(
        [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--proxy-server=127.0.0.1:9",
            f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=4000",
            "--dump-dom", out.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    dom = done.stdout
    paths = re.findall(r'<path class="leaflet-interactive"[^>]*fill="(#[0-9a-f]{6})"', dom)
    colours = {t.color for t in demo_project.plan.territories.values()}
    assert colours <= set(paths), (colours, set(paths), done.stderr[-2000:])
    assert "leaflet-control-layers" in dom and "td-legend" in dom

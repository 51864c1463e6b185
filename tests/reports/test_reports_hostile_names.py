"""Names from customers' spreadsheets in every export: no formula, no markup, no crash.

The hostile fixture puts formulas, ``<img onerror>``, quotes with ``</script>`` and
dollar signs into territory names and owners, account and unit names and column headings.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
from report_fixtures import (
    HOSTILE_DOLLARS,
    HOSTILE_HEADER,
    HOSTILE_MARKUP,
    HOSTILE_QUOTES,
    HOSTILE_UNIT_HEADER,
)
from td_programs import required_program

from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cells(path: Path) -> list[tuple[str, openpyxl.cell.Cell]]:
    wb = openpyxl.load_workbook(path)
    return [(ws.title, cell) for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def test_excel_headings_and_title_never_start_a_formula(
    hostile_plan: Project, tmp_path: Path
) -> None:
    title = '=HYPERLINK("file:///etc","Q3 plan")'
    out = export("excel", hostile_plan, tmp_path / "plan.xlsx", ExportOptions(title=title))
    for sheet, cell in _cells(out):
        if isinstance(cell.value, str):
            assert cell.data_type == "s", (sheet, cell.coordinate, cell.value)
            assert not cell.value.startswith(FORMULA_STARTS), (sheet, cell.coordinate)
    wb = openpyxl.load_workbook(out)
    assert wb["Summary"]["A1"].value == "'" + title  # the user's title, shown as text
    accounts_head = [c.value for c in wb["Accounts"][1]]
    assert "'" + HOSTILE_HEADER in accounts_head
    units_head = [c.value for c in wb["Units"][1]]
    assert "'" + HOSTILE_UNIT_HEADER in units_head
    names = [r[1] for r in wb["Accounts"].iter_rows(min_row=2, values_only=True)]
    assert {HOSTILE_MARKUP, HOSTILE_QUOTES, HOSTILE_DOLLARS} <= set(names)  # kept verbatim


def _html(project: Project, tmp_path: Path) -> str:
    out = export("html", project, tmp_path / "map.html", ExportOptions(include_units=True))
    return out.read_text("utf-8")


def test_html_map_escapes_account_and_unit_names(hostile_plan: Project, tmp_path: Path) -> None:
    html = _html(hostile_plan, tmp_path)
    # Raw, or only JSON-escaped (which the browser decodes back to markup), is unsafe.
    for raw in (HOSTILE_MARKUP, "<img", "\\u003cimg", "</script><script>alert(2)"):
        assert raw not in html, raw
    assert html.count("<script") == html.count("</script>")
    # The names are there, as text: the account tooltips and the units layer data.
    escaped = "&lt;img src=x onerror=alert(&#x27;td&#x27;)&gt;".replace("&", "\\u0026")
    assert html.count(escaped) >= 2, escaped  # HTML-escaped, then JSON-escaped
    assert "Bob\\u0026#x27;s \\u0026quot;Best\\u0026quot; \\u0026lt;/script\\u0026gt;" in html
    assert HOSTILE_DOLLARS in html


# A hostile name that runs calls alert(); record the call instead of blocking on a dialog.
_RECORD_ALERTS = """<head><script>window.alert = function (m) {
  document.documentElement.setAttribute('data-td-alert', String(m)); };</script>"""
# Opens every account and unit tooltip once the page has loaded, so the DOM shows
# what a user hovering the map would see.
_OPEN_TOOLTIPS = """<script>
window.addEventListener('load', function () { setTimeout(function () {
  var map = %s;
  Object.keys(window).filter(function (k) { return /^geo_json_[0-9a-f]+$/.test(k); })
    .forEach(function (k) {
      var group = window[k];
      map.addLayer(group);
      group.eachLayer(function (shape) {  // the first shape of each layer: unit 0000
        if (!group.isTooltipOpen()) { group.openTooltip(shape.getBounds().getCenter()); }
      });
    });
  map.eachLayer(function (layer) {
    if (layer.getLatLng && layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); }
  });
  document.body.setAttribute('data-td-opened', 'yes');
}, 300); });
</script></body>"""


def test_chromium_shows_hostile_names_as_text(hostile_plan: Project, tmp_path: Path) -> None:
    """In a real browser the tooltips show the markup as text: no <img> element exists."""
    chromium = required_program("chromium")
    html = _html(hostile_plan, tmp_path)
    map_var = re.search(r"var (map_[0-9a-f]+) = L\.map\(", html)
    assert map_var
    page = tmp_path / "opened.html"
    html = html.replace("<head>", _RECORD_ALERTS, 1)
    page.write_text(html.replace("</body>", _OPEN_TOOLTIPS % map_var.group(1), 1), "utf-8")
    done = subprocess.run(
        [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--proxy-server=127.0.0.1:9",
            f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000",
            "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    dom = done.stdout
    assert 'data-td-opened="yes"' in dom, done.stderr[-2000:]
    tooltips = re.findall(r'<div class="leaflet-tooltip[^"]*"[^>]*>(.*?)</div>', dom, re.S)
    assert len(tooltips) >= 40, len(tooltips)  # every account's tooltip is open
    shown = " ".join(tooltips)
    assert shown.count("&lt;img src=x onerror=alert('td')&gt;") >= 2  # an account, a unit
    assert "<img" not in dom and "alert(2)</script>" not in dom
    assert "data-td-alert=" not in dom  # no name ran as script

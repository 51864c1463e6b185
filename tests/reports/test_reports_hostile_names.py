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
# Builds every account, unit and territory popup the page can show (the same functions a
# click runs) into the page once it has loaded, and opens one account's real popup, so the
# DOM shows what a user clicking round the map would see.
_OPEN_POPUPS = """<script>
window.addEventListener('load', function () { setTimeout(function () {
  var html = [];
  TD.accountMarkers.forEach(function (m) { html.push(TD.accountPopup(m.tdRow)); });
  TD.units.rows.forEach(function (r, i) { html.push(TD.unitPopup(i)); });
  TD.territories.forEach(function (t, k) { html.push(TD.territoryPopup(k)); });
  var all = document.createElement('div');
  all.innerHTML = html.map(function (h) { return '<div class="td-all">' + h + '</div>'; }).join('');
  document.body.appendChild(all);
  TD.accountMarkers[0].openPopup();
  document.body.setAttribute('data-td-opened', 'yes');
}, 300); });
</script></body>"""


def test_chromium_shows_hostile_names_as_text(hostile_plan: Project, tmp_path: Path) -> None:
    """In a real browser the popups show the markup as text: no <img> element exists."""
    chromium = required_program("chromium")
    html = _html(hostile_plan, tmp_path)
    page = tmp_path / "opened.html"
    html = html.replace("<head>", _RECORD_ALERTS, 1)
    page.write_text(html.replace("</body>", _OPEN_POPUPS, 1), "utf-8")
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
    popups = re.findall(r'<div class="td-all">(.*?)</table>', dom, re.S)
    assert len(popups) >= 40 + 24, len(popups)  # every account's and unit's popup
    shown = " ".join(popups)
    assert shown.count("&lt;img src=x onerror=alert('td')&gt;") >= 2  # an account, a unit
    assert "leaflet-popup-content" in dom  # a real popup, opened on the map
    assert "<img" not in dom and "alert(2)</script>" not in dom
    assert "data-td-alert=" not in dom  # no name ran as script

"""The exported HTML map in a real browser, offline: on a desktop and on a 390 x 844 phone.

Headless Chromium driven over the DevTools protocol (``td_chromium``), networking cut:
territory names are drawn and never overlap, the search box finds a territory, a unit
and an account and opens their popups, a tap opens a popup on the phone, the legend is a
button there, nothing overflows the screen, and the page requests nothing but itself.
Screenshots are kept beside the export (``--basetemp`` to look at them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from td_chromium import Page
from td_programs import required_program

from territory_designer.core.project import Project
from territory_designer.reports import export

SHOWN_LABELS = """[...document.querySelectorAll('.td-tlabel span')]
  .filter(s => s.style.display !== 'none')
  .map(s => { const r = s.getBoundingClientRect();
              return [s.textContent, r.left, r.top, r.right, r.bottom]; })"""
BUBBLES = """[...document.querySelectorAll('.td-cluster')]
  .map(e => { const r = e.getBoundingClientRect();
              return ['bubble', r.left, r.top, r.right, r.bottom]; })"""
POPUP = "(document.querySelector('.leaflet-popup-content') || {}).textContent || ''"


DEFINITION = "Blue Ridge counties west of Hickory.\nHome base: Asheville (28801)."


@pytest.fixture(scope="module")
def demo_map(_demo_project_session: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import copy

    folder = tmp_path_factory.mktemp("browser")
    project = copy.deepcopy(_demo_project_session)
    mountains = next(t for t in project.plan.territories.values() if t.name == "Mountains")
    mountains.definition = DEFINITION
    return export("html", project, folder / "map.html")


def _chromium() -> str:
    chromium = required_program("chromium", "chromium-browser", "google-chrome")
    if os.name != "posix":
        pytest.skip("the DevTools pipe driver (td_chromium) passes file descriptors: POSIX")
    return chromium


def _page(
    demo_map: Path, name: str, width: int, height: int, mobile: bool, fragment: str = ""
) -> Iterator[Page]:
    page = Page(_chromium(), demo_map.parent / f"profile-{name}", width, height, mobile)
    try:
        page.open(demo_map.as_uri() + fragment, settle=1.0)
        yield page
    finally:
        page.close()


@pytest.fixture(scope="module")
def desktop(demo_map: Path) -> Iterator[Page]:
    yield from _page(demo_map, "desktop", 1280, 800, mobile=False)


@pytest.fixture(scope="module")
def phone(demo_map: Path) -> Iterator[Page]:
    yield from _page(demo_map, "phone", 390, 844, mobile=True)


def _no_overlap(boxes: list[list]) -> bool:
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[1] < b[3] and a[3] > b[1] and a[2] < b[4] and a[4] > b[2]:
                return False
    return True


def test_page_makes_no_request_and_no_error(desktop: Page, demo_map: Path) -> None:
    fetched = [url for url in desktop.requests if not url.startswith("data:")]  # inlined
    assert fetched == [demo_map.as_uri()]
    assert not [c for c in desktop.console if c.startswith("EXCEPTION")], desktop.console


def test_text_is_read_as_utf8(desktop: Page) -> None:
    """Before: the charset came after 400 kB of inlined Leaflet; the browser guessed."""
    assert desktop.evaluate("document.characterSet") == "UTF-8"
    assert " · plan Working draft · " in desktop.evaluate("document.title")
    assert "Montréal" in desktop.evaluate("TD.cities.map(c => c[2])")


def test_territory_names_are_drawn_without_overlap(desktop: Page, demo_map: Path) -> None:
    desktop.screenshot(demo_map.parent / "desktop.png")
    shown = desktop.evaluate(SHOWN_LABELS)
    bubbles = desktop.evaluate(BUBBLES)
    assert len(shown) >= 6 and len(bubbles) >= 10, (shown, bubbles)
    assert _no_overlap(shown) and len(shown) == 8  # every territory: its name or its id
    names = [s for s in shown if not s[0].startswith("T0")]
    assert len(names) >= 5 and all(_no_overlap([s, b]) for s in names for b in bubbles)
    cities = desktop.evaluate("TD.shownCities")
    assert {"Atlanta", "Richmond"} <= set(cities) and len(cities) <= 40
    # With the accounts layer off every territory is named in full.
    desktop.evaluate("TD.map.removeLayer(TD.layers.accounts); 1")
    desktop.wait(0.3)
    names = {s[0] for s in desktop.evaluate(SHOWN_LABELS)}
    assert names == {
        "Charlotte Metro", "Triangle", "Triad", "Coastal", "Mountains", "Sandhills",
        "Inner Banks", "Foothills",
    }  # fmt: skip
    # Zoomed out, the names thin out (ids or nothing) instead of piling up.
    desktop.evaluate("TD.map.setZoom(TD.map.getMinZoom(), {animate: false}); 1")
    desktop.wait(0.3)
    far = desktop.evaluate(SHOWN_LABELS)
    assert _no_overlap(far) and len([s for s in far if len(s[0]) > 3]) < len(names)
    desktop.evaluate("TD.map.addLayer(TD.layers.accounts); TD.map.fitBounds(TD.fit); 1")
    desktop.wait(0.5)


def test_search_box_finds_territory_unit_and_account(desktop: Page, demo_map: Path) -> None:
    desktop.evaluate("document.querySelector('.td-search input').focus(); 1")
    desktop.type_text("tria")
    desktop.wait(0.2)
    results = desktop.evaluate(
        "[...document.querySelectorAll('.td-search li')].map(li => li.textContent)"
    )
    assert results[0] == "TerritoryT02 Triangle", results
    # The town itself before the many accounts named after it.
    found = desktop.evaluate("TD.search('char').map(e => [e.kind, e.label])")
    assert [k for k, _ in found[:2]] == ["Territory", "Place"] and found[1][1] == "Charlotte"
    desktop.press("Enter")
    desktop.wait(0.3)
    assert "T02 Triangle" in desktop.evaluate(POPUP) and "James Carter" in desktop.evaluate(POPUP)
    desktop.screenshot(demo_map.parent / "desktop-search.png")
    # A county by name: zoomed to it, its popup names its territory.
    desktop.evaluate("TD.find('Wake'); 1")
    desktop.wait(0.3)
    text = desktop.evaluate(POPUP)
    assert text.startswith("Unit 37183") and "Wake" in text and "T02 Triangle" in text
    assert desktop.evaluate("TD.map.getZoom()") > 8
    # An account by id: the cluster opens down to its marker and shows its figures.
    desktop.evaluate("TD.find('A00001'); 1")
    desktop.wait(2.0)
    text = desktop.evaluate(POPUP)
    assert text.startswith("Advance Clinic 0001"), text
    assert "Revenue25,700" in text and "SegmentPharmacy" in text
    # A town of the basemap.
    desktop.evaluate("TD.find('Boone'); 1")
    desktop.wait(0.3)
    assert desktop.evaluate(POPUP) == "Boone"
    assert desktop.evaluate("TD.map.getCenter().distanceTo([36.2168, -81.6746])") < 2000


def test_find_link_opens_on_a_territory(demo_map: Path) -> None:
    """``map.html#find=T03`` (a link in an e-mail to the rep) opens on that territory."""
    for page in _page(demo_map, "link", 390, 844, mobile=True, fragment="#find=T03"):
        assert "T03 Triad" in page.evaluate(POPUP)
        assert page.evaluate("document.querySelector('.td-search input').value") == "T03"


def test_phone_layout(phone: Page, demo_map: Path) -> None:
    phone.screenshot(demo_map.parent / "phone.png")
    assert phone.evaluate("innerWidth") == 390
    # Nothing wider than the screen; every control on screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = phone.evaluate(
        """[...document.querySelectorAll('.leaflet-control, .td-legend, .td-title')]
           .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"""
    )
    assert boxes and all(left >= 0 and right <= 390 for left, right in boxes), boxes
    # The legend starts folded into a button.
    assert phone.evaluate("document.querySelector('.td-legend').open") is False
    # The first view holds the whole plan.
    assert phone.evaluate("TD.map.getBounds().contains(L.latLngBounds(TD.fit))"), phone.evaluate(
        "[TD.map.getBounds().toBBoxString(), TD.fit]"
    )


def test_phone_tap_opens_a_popup(phone: Page, demo_map: Path) -> None:
    phone.evaluate("TD.map.removeLayer(TD.layers.accounts); 1")  # the layers menu's tick
    x, y = phone.evaluate(
        "(() => { const t = TD.territories.find(t => t.name === 'Mountains');"
        " const p = TD.map.latLngToContainerPoint(t.label); return [p.x, p.y + 12]; })()"
    )
    phone.tap(x, y)
    phone.wait(0.5)
    text = phone.evaluate(POPUP)
    assert "T05 Mountains" in text and "Emily Brooks" in text, text
    assert DEFINITION in text  # the territory's definition, its line break kept
    phone.screenshot(demo_map.parent / "phone-popup.png")
    width = phone.evaluate("document.querySelector('.leaflet-popup').getBoundingClientRect().width")
    assert width <= 390


def test_ten_thousand_accounts_all_load(_demo_project_session: Project, tmp_path: Path) -> None:
    """Markercluster adds this many in chunks after the page starts. Before: the page
    changed its lowest zoom meanwhile, the clustering broke and a quarter of the accounts
    never appeared (an exception in the console)."""
    import copy

    import numpy as np
    import pandas as pd

    from territory_designer.core.accounts import AccountTable

    project = copy.deepcopy(_demo_project_session)
    table = project.accounts.table
    rng = np.random.default_rng(1)
    copies = []
    for k in range(7):
        part = table.copy()
        part["account_id"] = [f"C{k}-{a}" for a in table["account_id"]]
        part["x"] = part["x"] + rng.normal(0, 2000, len(part))
        part["y"] = part["y"] + rng.normal(0, 2000, len(part))
        copies.append(part)
    project.replace_accounts(AccountTable(pd.concat(copies, ignore_index=True)))
    out = export("html", project, tmp_path / "many.html")
    for page in _page(out, "many", 390, 844, mobile=True):
        page.wait(3.0)
        total = page.evaluate("TD.accountMarkers.length")
        assert total == 7 * len(table) > 10_000
        assert page.evaluate("TD.layers.accounts.getLayers().length") == total
        assert not [c for c in page.console if c.startswith("EXCEPTION")], page.console


def test_with_a_mouse_hover_names_and_click_opens(demo_map: Path) -> None:
    """On a desktop with a mouse, hovering a territory names it; a click opens its popup."""
    with Page(_chromium(), demo_map.parent / "profile-mouse", 1280, 800) as page:
        page.pretend_mouse()
        page.open(demo_map.as_uri(), settle=1.0)
        assert page.evaluate("matchMedia('(hover: hover)').matches") is True
        page.evaluate("TD.map.removeLayer(TD.layers.accounts); 1")
        x, y = page.evaluate(
            "(() => { const t = TD.territories.find(t => t.name === 'Sandhills');"
            " const p = TD.map.latLngToContainerPoint(t.label); return [p.x, p.y + 14]; })()"
        )
        page.move_mouse(x - 3, y)
        page.move_mouse(x, y)
        page.wait(0.3)
        tip = page.evaluate("(document.querySelector('.leaflet-tooltip') || {}).textContent")
        assert tip == "T06 Sandhills"
        page.click(x, y)
        page.wait(0.3)
        assert "T06 Sandhills" in page.evaluate(POPUP) and "Robert King" in page.evaluate(POPUP)
        # With the Units layer ticked, a click names the county under the pointer.
        page.evaluate("TD.map.closePopup(); TD.map.addLayer(TD.layers.units); 1")
        page.click(x, y)
        page.wait(0.3)
        text = page.evaluate(POPUP)
        assert text.startswith("Unit 37") and "T06 Sandhills" in text, text
        assert not [c for c in page.console if c.startswith("EXCEPTION")], page.console


def test_without_units_and_accounts_layers(grid_plan: Project, tmp_path: Path) -> None:
    """A page written without the unit outlines and the accounts still names, searches
    (units by the index) and opens popups, with no error."""
    from territory_designer.reports import ExportOptions

    options = ExportOptions(include_units=False, include_accounts=False)
    out = export("html", grid_plan, tmp_path / "bare.html", options)
    for page in _page(out, "bare", 1280, 800, mobile=False):
        assert page.evaluate("TD.layers.units === null && TD.layers.accounts === null")
        assert len(page.evaluate("TD.shownLabels")) == 3
        page.evaluate("TD.find('0005'); 1")
        page.wait(0.2)
        assert page.evaluate(POPUP).startswith("Unit 0005")
        assert not [c for c in page.console if c.startswith("EXCEPTION")], page.console

"""Issue 11: the offline basemap under the territories, toggled from View, credited."""

from __future__ import annotations

import pytest

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.canvas.basemap_layer import SEA
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_project):
    prompts = ScriptedPrompts()
    window = MainWindow(demo_project, "Demo", AppSettings(), prompts)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.canvas.basemap.layer is not None, timeout=30000)
    return window


def test_basemap_draws_under_the_map_with_city_names_by_zoom(qtbot, window, monkeypatch):
    canvas = window.canvas
    layer = canvas.basemap.layer
    assert canvas.backgroundBrush().color() == SEA
    assert all(item.isVisible() for item in layer.items) and len(layer.items) >= 3
    canvas.zoom_to_all()
    canvas.wait_idle()
    qtbot.waitUntil(lambda: "Richmond" in layer.shown_cities, timeout=15000)
    wide = list(layer.shown_cities)
    # Zoomed in on one county, its towns appear that the whole state had no room for.
    wake = window.session.project.units.index_of("37183")
    window.session.set_selection([wake])
    canvas.zoom_to_selection()
    qtbot.waitUntil(lambda: "Cary" in layer.shown_cities, timeout=15000)
    assert "Cary" not in wide


def test_view_menu_switches_the_basemap_off_and_on(qtbot, window):
    action = window.actions_by_name["layer_basemap"]
    layer = window.canvas.basemap.layer
    action.setChecked(False)
    assert not any(item.isVisible() for item in layer.items)
    assert window.canvas.backgroundBrush().color() != SEA and layer.shown_cities == []
    action.setChecked(True)
    assert all(item.isVisible() for item in layer.items)


def test_about_credits_the_basemap_sources(window):
    window.actions_by_name["about"].trigger()
    text = window.prompts.about_text
    assert "GeoNames" in text and "CC BY 4.0" in text and "LGPL-3" in text


def test_basemap_needs_no_network(qtbot, demo_project, tmp_path, monkeypatch, network_guard):
    monkeypatch.setenv("TD_CACHE_DIR", str(tmp_path / "fresh-cache"))  # built from scratch
    window = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.canvas.basemap.layer is not None, timeout=30000)
    assert window.canvas.basemap.error == "" and network_guard.attempts == []
    assert list((tmp_path / "fresh-cache" / "basemap").glob("*.npz"))


def test_city_names_never_cover_territory_labels(qtbot, window):
    canvas = window.canvas
    canvas.zoom_to_all()
    canvas.wait_idle()
    layer = canvas.basemap.layer
    qtbot.waitUntil(lambda: "Richmond" in layer.shown_cities, timeout=15000)
    labels = canvas.territories.label_rects_px()
    assert labels
    scale = canvas.scale_px_per_unit()
    for item in layer._labels.values():  # noqa: SLF001 - the city names drawn
        if item.isVisible():
            rect = item.box.translated(item.pos().x() * scale, item.pos().y() * scale)
            assert not any(rect.intersects(r) for r in labels), item.text()

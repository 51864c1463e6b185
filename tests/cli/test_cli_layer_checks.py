"""``new`` refuses unusable polygon layers with one clear line and status 2.

Each file is written with pyogrio from a real geometry: the 100 North Carolina counties
of libpysal's ``sids2`` (lon/lat) with one defect a real-world file has.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from libpysal import examples

from territory_designer.cli import main


def _counties() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(examples.get_path("sids2.shp")).set_crs("EPSG:4267")
    return gdf[["FIPS", "NAME", "geometry"]].to_crs("EPSG:4326")


def _new(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> tuple[int, str, str]:
    out = path.with_suffix(".tdproj")
    code = main(["new", "--units", str(path), "--id-field", "FIPS", "--out", str(out), *extra])
    stdout, stderr = capsys.readouterr()
    if code != 0:
        assert not out.exists(), "a refused layer must not leave a project behind"
    return code, stdout, stderr


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_null_and_blank_ids_name_their_features(capsys, tmp_path):
    gdf = _counties()
    gdf["FIPS"] = gdf["FIPS"].astype(object)
    gdf.loc[3, "FIPS"] = None
    gdf.loc[7, "FIPS"] = "  "
    path = tmp_path / "null_ids.gpkg"
    pyogrio.write_dataframe(gdf, path)
    code, _, err = _new(capsys, path)
    line = _one_line(err)
    assert code == 2
    assert str(path) in line and "2 units have no id in field 'FIPS'" in line
    assert "features 4, 8" in line


def test_real_number_ids_and_a_name_attribute_are_kept(capsys, tmp_path):
    gdf = _counties()
    gdf["CODE"] = gdf["FIPS"].astype(float)  # ids stored as reals: 37001.0
    path = tmp_path / "float_ids.gpkg"
    pyogrio.write_dataframe(gdf, path)
    out = tmp_path / "float.tdproj"
    assert main(["new", "--units", str(path), "--id-field", "CODE", "--out", str(out)]) == 0
    from territory_designer.io.project_file import load_project

    units = load_project(out).units
    assert "37001" in set(units.ids)
    # NAME is not the name field here: an attribute, kept under a name the file can hold.
    assert "Alamance" in set(units.attributes["NAME (file)"])


@pytest.mark.filterwarnings("error::RuntimeWarning")  # no stray warning lines on stderr
def test_nan_coordinates_are_refused(capsys, tmp_path):
    gdf = _counties()
    ring = np.array(gdf.geometry.iloc[10].exterior.coords)
    ring[2] = (np.nan, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gdf.loc[10, "geometry"] = shapely.Polygon(ring)
    path = tmp_path / "nan.gpkg"
    pyogrio.write_dataframe(gdf, path)
    code, _, err = _new(capsys, path)
    line = _one_line(err)
    assert code == 2
    assert "missing (NaN) or infinite coordinates" in line
    assert f"feature 11 (id {gdf.FIPS.iloc[10]})" in line


def test_longitudes_beyond_180_in_a_geographic_crs_are_refused(capsys, tmp_path):
    gdf = _counties()
    # A 0..360 longitude convention: two counties shifted east by 360 degrees.
    for k in (0, 5):
        gdf.loc[k, "geometry"] = shapely.affinity.translate(gdf.geometry.iloc[k], xoff=360)
    path = tmp_path / "lon360.geojson"
    pyogrio.write_dataframe(gdf, path, driver="GeoJSON")
    code, _, err = _new(capsys, path)
    line = _one_line(err)
    assert code == 2
    assert "beyond longitude ±180 / latitude ±90" in line
    assert f"features 1, 6 (ids {gdf.FIPS.iloc[0]}, {gdf.FIPS.iloc[5]})" in line


@pytest.mark.parametrize("crs", ["EPSG:99999", "foo"])
def test_an_invalid_crs_is_one_line(capsys, tmp_path, crs):
    path = tmp_path / "counties.gpkg"
    pyogrio.write_dataframe(_counties(), path)
    code, _, err = _new(capsys, path, "--crs", crs)
    line = _one_line(err)
    assert code == 2
    assert f"the CRS {crs!r} (--crs) is not a coordinate reference system" in line


def test_degrees_under_a_projected_prj_are_refused_and_crs_fixes_it(capsys, tmp_path):
    gdf = _counties().set_crs("EPSG:3857", allow_override=True)  # a .prj copied by mistake
    path = tmp_path / "wrong_prj.shp"
    pyogrio.write_dataframe(gdf, path)
    code, _, err = _new(capsys, path)
    line = _one_line(err)
    assert code == 2
    assert "look like longitude/latitude" in line and ".prj looks wrong" in line
    assert "--crs EPSG:4326" in line
    code, out, _ = _new(capsys, path, "--crs", "EPSG:4326")
    assert code == 0 and "100 units" in out
    from territory_designer.io.project_file import load_project

    areas = load_project(path.with_suffix(".tdproj")).units.area / 1e6
    assert 500 < np.median(areas) < 2000  # real NC counties: hundreds of km², not 0


def test_zero_area_polygons_are_refused(capsys, tmp_path):
    gdf = _counties()
    x, y = gdf.geometry.iloc[20].representative_point().coords[0]
    gdf.loc[20, "geometry"] = shapely.Polygon([(x, y), (x + 0.1, y), (x + 0.2, y), (x, y)])
    path = tmp_path / "flat.gpkg"
    pyogrio.write_dataframe(gdf, path)
    code, _, err = _new(capsys, path)
    line = _one_line(err)
    assert code == 2
    assert f"zero area (a collapsed polygon): feature 21 (id {gdf.FIPS.iloc[20]})" in line


def test_duplicate_ids_name_every_feature(capsys, tmp_path):
    gdf = _counties()
    gdf.loc[9, "FIPS"] = gdf.FIPS.iloc[2]
    path = tmp_path / "dups.gpkg"
    pyogrio.write_dataframe(gdf, path)
    code, _, err = _new(capsys, path)
    line = _one_line(err)
    assert code == 2
    assert f"duplicate unit ids: {gdf.FIPS.iloc[2]} (features 3, 10" in line


def test_a_hair_past_180_degrees_is_the_antimeridian_not_an_error(capsys, tmp_path):
    # Aleutian islands on both sides of the antimeridian, rounded a hair past ±180.
    gdf = gpd.GeoDataFrame(
        {"FIPS": ["W", "E"]},
        geometry=[
            shapely.box(179.5, 51.5, 180 + 1e-9, 52.0),
            shapely.box(-180 - 1e-9, 51.5, -179.5, 52.0),
        ],
        crs="EPSG:4326",
    )
    path = tmp_path / "aleutians.gpkg"
    pyogrio.write_dataframe(gdf, path)
    code, out, err = _new(capsys, path)
    assert code == 0, err
    assert "2 units" in out


def test_a_projected_crs_given_explicitly_is_trusted_for_a_tiny_local_layer(capsys, tmp_path):
    # Two 50 m plots of a site plan drawn near the origin of a local metric grid.
    gdf = gpd.GeoDataFrame(
        {"FIPS": ["P1", "P2"]},
        geometry=[shapely.box(0, 0, 50, 50), shapely.box(50, 0, 100, 50)],
        crs="EPSG:3857",
    )
    path = tmp_path / "site.gpkg"
    pyogrio.write_dataframe(gdf, path)
    code, _, err = _new(capsys, path)
    assert code == 2 and ".prj looks wrong" in err
    code, out, err = _new(capsys, path, "--crs", "EPSG:3857")
    assert code == 0, err
    assert "2 units" in out

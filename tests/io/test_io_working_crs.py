"""The working projection: wrap-around at 180°, the user's choice, and what ``info`` says."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import CRS

from territory_designer.cli import main
from territory_designer.core.errors import InputError
from territory_designer.io.geography import new_project_from_file


def _fiji_layer() -> gpd.GeoDataFrame:
    """1° x 0.5° cells from 170°E to 170°W around Fiji, in lon/lat.

    Cells east of 180° are written as -180..-170 (as real files do), and one unit below them
    straddles the meridian as a multipolygon of two halves (like the Aleutians West census
    area).
    """
    cells, ids = [], []
    for row in range(6):
        lat = -20.0 + row * 0.5
        for col in range(20):
            west = 170.0 + col
            west = west - 360.0 if west >= 180.0 else west
            cells.append(shapely.box(west, lat, west + 1.0, lat + 0.5))
            ids.append(f"C{row}_{col:02d}")
    halves = shapely.MultiPolygon(
        [shapely.box(179.0, -20.5, 180.0, -20.0), shapely.box(-180.0, -20.5, -179.0, -20.0)]
    )
    cells.append(halves)
    ids.append("STRADDLE")
    return gpd.GeoDataFrame({"code": ids}, geometry=cells, crs="EPSG:4326")


def _lon0(crs: CRS) -> float:
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    return float(params["Longitude of natural origin"])


def _local_polsby_popper(geom: shapely.Geometry, lon0: float, lat0: float) -> float:
    local = CRS.from_proj4(f"+proj=laea +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
    g = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(local).iloc[0]
    return 4 * np.pi * g.area / g.length**2


@pytest.fixture(scope="module")
def fiji_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fiji") / "fiji.gpkg"
    pyogrio.write_dataframe(_fiji_layer(), path)
    return path


def test_layer_across_180_is_centred_on_180(fiji_file: Path) -> None:
    units = new_project_from_file(fiji_file, "code").units
    lon0 = _lon0(units.crs)
    assert abs(abs(lon0) - 180.0) < 0.5  # the old bounding-box midpoint gave 0°
    assert "equal-area" in units.crs.name
    # The layer is drawn the right way up: wider (20°) than tall (3°), not a sliver.
    xmin, ymin, xmax, ymax = units.bounds
    assert (xmax - xmin) > 4 * (ymax - ymin)


def test_each_unit_keeps_its_local_compactness(fiji_file: Path) -> None:
    project = new_project_from_file(fiji_file, "code")
    units = project.units
    source = _fiji_layer().set_index("code")
    for uid in units.ids:
        geom = source.geometry[uid]
        # The straddling unit's own centre is 180°, not the midpoint of its halves' 0°.
        lon0, lat0 = (180.0, -20.25) if uid == "STRADDLE" else geom.centroid.coords[0]
        expected = _local_polsby_popper(geom, lon0, lat0)
        i = units.index_of(uid)
        got = 4 * np.pi * units.area[i] / units.perimeter[i] ** 2
        assert got == pytest.approx(expected, rel=0.02), uid


def test_cells_either_side_of_180_are_neighbours(fiji_file: Path) -> None:
    project = new_project_from_file(fiji_file, "code")
    units, adj = project.units, project.adjacency
    pairs = {(int(i), int(j)) for i, j in zip(adj.ei, adj.ej, strict=True)}

    def touching(a: str, b: str) -> bool:
        i, j = units.index_of(a), units.index_of(b)
        return (min(i, j), max(i, j)) in pairs

    assert touching("C0_09", "C0_10")  # 179°E..180° and 180°..179°W
    assert touching("STRADDLE", "C0_09") and touching("STRADDLE", "C0_10")
    # The straddling unit's two halves meet in the projection: one shape, not two.
    halves = shapely.get_parts(units.geometry[units.index_of("STRADDLE")])
    assert shapely.union_all(shapely.buffer(halves, 1.0)).geom_type == "Polygon"


def test_user_chosen_working_crs(fiji_file: Path) -> None:
    units = new_project_from_file(fiji_file, "code", working_crs="EPSG:3460").units
    assert units.crs.to_epsg() == 3460  # Fiji 1986 / Fiji Map Grid


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("EPSG:4326", "not projected"),
        ("EPSG:99999", "not a coordinate system"),
        ("EPSG:2263", "foot"),
    ],
)
def test_bad_working_crs_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], fiji_file: Path, tmp_path: Path, value: str, needle: str
) -> None:
    out = tmp_path / "p.tdproj"
    code = main(
        [
            "new",
            "--units",
            str(fiji_file),
            "--id-field",
            "code",
            "--working-crs",
            value,
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err and value in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_new_and_info_name_the_working_crs(
    capsys: pytest.CaptureFixture[str], fiji_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "p.tdproj"
    argv = ["new", "--units", str(fiji_file), "--id-field", "code", "--out", str(out)]
    assert main([*argv, "--working-crs", "EPSG:3460"]) == 0
    assert "EPSG:3460" in capsys.readouterr().out
    assert main(["info", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["crs"] == "EPSG:3460" and "Fiji" in info["crs_name"]
    assert main(["info", str(out)]) == 0
    assert "EPSG:3460 (Fiji 1986 / Fiji Map Grid)" in capsys.readouterr().out


def test_bad_working_crs_from_python_names_it(fiji_file: Path) -> None:
    with pytest.raises(InputError, match="EPSG:4326"):
        new_project_from_file(fiji_file, "code", working_crs="EPSG:4326")

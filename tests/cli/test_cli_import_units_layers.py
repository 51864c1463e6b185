"""``import-units`` with a layer that overlaps the project's or reuses its ids.

On real public data: the bundled demo (North Carolina counties, accounts at real ZIP
centroids, eight territories) and "ZIP areas" for the Triangle — Voronoi cells of the
real ZIP centroids of Wake and Durham counties, clipped to the two counties grown by
1.5 km, so that they cover Wake and Durham and reach a little into their neighbours, as
ZIP areas added over counties do. Clashing ids: Georgia's counties numbered 1..159
added to North Carolina's numbered 1..100.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
import zipcodes
from libpysal import examples

from territory_designer.cli import main
from territory_designer.io.project_file import load_project

WAKE, DURHAM = "37183", "37063"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def triangle_zips(demo_file: Path, tmp_path: Path) -> Path:
    project = load_project(demo_file)
    units = project.units
    counties = units.geometry[units.indices_of([WAKE, DURHAM])]
    region = shapely.buffer(shapely.union_all(counties), 1500)
    zips = [
        z
        for z in zipcodes.filter_by(state="NC", active=True, zip_code_type="STANDARD")
        if z["county"] in ("Wake County", "Durham County")
    ]
    # A few ZIPs share a centroid (and so a Voronoi cell): keep the first of each.
    zips = list({(z["lat"], z["long"]): z for z in reversed(zips)}.values())[::-1]
    points = gpd.GeoSeries(
        gpd.points_from_xy([float(z["long"]) for z in zips], [float(z["lat"]) for z in zips]),
        crs="EPSG:4326",
    ).to_crs(units.crs)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points.values)))
    tree = shapely.STRtree(cells)
    order = tree.query(points.values, predicate="within")  # cell of each ZIP centroid
    cell_of = dict(zip(order[0], order[1], strict=True))
    geoms = [shapely.intersection(cells[cell_of[k]], region) for k in range(len(zips))]
    gdf = gpd.GeoDataFrame(
        {"ZCTA": [z["zip_code"] for z in zips], "CITY": [z["city"] for z in zips]},
        geometry=geoms,
        crs=units.crs,
    ).to_crs("EPSG:4326")
    path = tmp_path / "triangle_zips.gpkg"
    pyogrio.write_dataframe(gdf, path)
    return path


def test_zip_areas_over_counties_are_refused_and_the_file_is_unchanged(
    capsys, demo_file, triangle_zips
):
    before = _digest(demo_file)
    code, _, err = _run(
        capsys, "import-units", str(demo_file), str(triangle_zips), "--id-field", "ZCTA"
    )
    assert code == 2
    line = err.strip()
    assert "\n" not in line and str(triangle_zips) in line
    n_new, n_old = line.split(f"{triangle_zips}: ")[1].split(" new units overlap ")
    assert int(n_new) > 30  # the ZIP areas of Wake and Durham
    assert int(n_old.split()[0]) > 2  # Wake, Durham and the neighbours they reach into
    km2 = float(line.split("(")[1].split(" km²")[0].replace(",", ""))
    assert 2800 < km2 < 3600  # Wake and Durham, plus the 1.5 km fringe
    assert "--replace-covered" in line and "Nothing was added" in line
    assert _digest(demo_file) == before


def test_replace_covered_swaps_counties_for_zip_areas_keeping_plans_and_accounts(
    capsys, demo_file, triangle_zips
):
    old = load_project(demo_file)
    wake = old.units.index_of(WAKE)
    triangle = {p.name: p.territories[int(p.assignment[wake])].id for p in old.plans.values()}
    located_before = int((old.accounts.table["unit"] >= 0).sum())
    in_wake_durham = set(
        old.accounts.table["account_id"][
            old.accounts.table["unit"].isin(old.units.indices_of([WAKE, DURHAM]))
        ]
    )
    code, out, err = _run(
        capsys,
        "import-units",
        str(demo_file),
        str(triangle_zips),
        "--id-field",
        "ZCTA",
        "--replace-covered",
    )
    assert code == 0, err
    assert "replaced 2 covered units (37063, 37183)" in out
    new = load_project(demo_file)
    ids = set(new.units.ids)
    assert WAKE not in ids and DURHAM not in ids
    zip_rows = np.flatnonzero([i.startswith("27") for i in new.units.ids])
    assert zip_rows.size > 30
    # Neighbours the ZIP areas reach into are cut back, not doubled: no overlap is left.
    from territory_designer.core.overlaps import find_overlaps

    assert len(find_overlaps(new.units.geometry)) == 0
    # Every account is still located, once; those of Wake and Durham are in ZIP areas.
    table = new.accounts.table
    assert int((table["unit"] >= 0).sum()) == located_before
    moved = table[table["account_id"].isin(in_wake_durham)]
    assert all(new.units.ids[u].startswith("27") for u in moved["unit"])
    # In every plan the ZIP areas belong to the territory the counties were in.
    for plan in new.plans.values():
        codes = set(plan.assignment[zip_rows].tolist())
        assert {plan.territories[c].id for c in codes} == {triangle[plan.name]}
        old_plan = old.plans[plan.name]
        for uid in ("37119", "37081", "37021"):  # Charlotte, Greensboro, Asheville untouched
            assert (
                plan.assignment[new.units.index_of(uid)]
                == old_plan.assignment[old.units.index_of(uid)]
            )


def test_clashing_ids_are_refused_and_a_prefix_keeps_both(capsys, tmp_path):
    nc = gpd.read_file(examples.get_path("sids2.shp")).set_crs("EPSG:4267")
    pyogrio.write_dataframe(nc[["CRESS_ID", "NAME", "geometry"]], tmp_path / "nc.gpkg")
    project = tmp_path / "p.tdproj"
    assert (
        main(
            [
                "new",
                "--units",
                str(tmp_path / "nc.gpkg"),
                "--id-field",
                "CRESS_ID",
                "--out",
                str(project),
            ]
        )
        == 0
    )
    capsys.readouterr()
    ga = examples.get_path("G_utm.shp")  # no .prj: UTM zone 16N metres
    before = _digest(project)
    args = ["import-units", str(project), ga, "--id-field", "G_UTM_ID", "--crs", "EPSG:26916"]
    code, _, err = _run(capsys, *args)
    assert code == 2 and "\n" not in err.strip()
    clash = re.search(r"(\d+) unit ids already exist in the project: (\d+), ", err)
    assert clash and int(clash.group(1)) > 50 and "--id-prefix" in err
    assert _digest(project) == before
    code, out, err = _run(capsys, *args, "--id-prefix", "GA-")
    assert code == 0, err
    units = load_project(project).units
    assert len(units) == 259
    assert {"1", "100", f"GA-{clash.group(2)}"} <= set(units.ids)

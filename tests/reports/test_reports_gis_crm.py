"""GIS and CRM files a GIS analyst and a CRM take as they are (issue 18).

Read back with pyogrio, sqlite3, csv and openpyxl from exports of the demo project: the
real North Carolina counties (libpysal ``sids2``) with accounts at real NC ZIP centroids,
drawn in the project's own Lambert azimuthal equal-area projection centred on the state.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import openpyxl
import pyogrio
import pytest
from pyproj import CRS

from territory_designer.cli import main
from territory_designer.core.account_territories import account_codes
from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export

NO_NAME = ("unknown", "undefined", "unnamed", "")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_geopackage_crs_is_named_with_a_wgs84_base(demo_project: Project, tmp_path: Path):
    out = export("gpkg", demo_project, tmp_path / "plan.gpkg")
    for layer in ("territories", "units", "accounts"):
        crs = CRS(pyogrio.read_info(out, layer=layer)["crs"])
        assert crs.name.lower() not in NO_NAME
        assert crs.geodetic_crs.name == "WGS 84"  # was "undefined"
        assert crs.geodetic_crs.to_epsg() == 4326
    with sqlite3.connect(out) as db:
        names = [r[0] for r in db.execute("SELECT srs_name FROM gpkg_spatial_ref_sys")]
    assert any(n.startswith("Lambert azimuthal equal-area centred on") for n in names)


def test_shapefile_prj_names_its_datum(demo_project: Project, tmp_path: Path):
    export("shp", demo_project, tmp_path / "shp")
    prj = (tmp_path / "shp" / "units.prj").read_text()
    assert 'GEOGCS["GCS_WGS_1984"' in prj  # was GCS_undefined
    assert "Lambert" in prj.split(",")[0]


def test_gis_files_in_epsg_4326_on_request(demo_project: Project, tmp_path: Path):
    out = export("gpkg", demo_project, tmp_path / "plan.gpkg", ExportOptions(gis_crs="EPSG:4326"))
    for layer in ("territories", "units", "accounts"):
        frame = pyogrio.read_dataframe(out, layer=layer)
        assert frame.crs.to_epsg() == 4326
        x0, y0, x1, y1 = frame.total_bounds
        assert -84.5 < x0 < x1 < -75.3 and 33.7 < y0 < y1 < 36.7  # North Carolina, lon/lat


def test_bad_gis_crs_is_one_line_and_writes_nothing(demo_project_file: Path, tmp_path, capsys):
    project = tmp_path / "p.tdproj"
    shutil.copy(demo_project_file, project)
    before = project.read_bytes()
    code = main(["export", str(project), "--gpkg", str(tmp_path / "x.gpkg"), "--gis-crs", "EPSG:1"])
    err = capsys.readouterr().err
    assert code == 2 and "EPSG:1" in err and "Traceback" not in err
    assert not (tmp_path / "x.gpkg").exists() and project.read_bytes() == before


def test_shapefile_field_names_are_unique_readable_and_keyed(demo_project: Project, tmp_path):
    folder = tmp_path / "shp"
    gpkg = export("gpkg", demo_project, tmp_path / "plan.gpkg")
    export("shp", demo_project, folder)
    for layer in ("territories", "units", "accounts"):
        fields = list(pyogrio.read_info(folder / f"{layer}.shp")["fields"])
        assert all(len(f) <= 10 for f in fields)
        assert len({f.lower() for f in fields}) == len(fields)
        key = _read_csv(folder / f"{layer}_fields.csv")
        assert [r["field"] for r in key] == fields
        # The key gives back every full name the GeoPackage carries, in order.
        assert [r["full_name"] for r in key] == list(pyogrio.read_info(gpkg, layer=layer)["fields"])
    territories = list(pyogrio.read_info(folder / "territories.shp")["fields"])
    units = list(pyogrio.read_info(folder / "units.shp")["fields"])
    # was births_197 / births_1_1, deviation_ and territory_ (cut, not shortened)
    assert {"brths_1974", "brths_1979", "dev_pct"} <= set(territories)
    assert "terr_name" in units
    key = {r["field"]: r for r in _read_csv(folder / "territories_fields.csv")}
    assert key["dev_pct"]["full_name"] == "deviation_pct"


def test_accounts_layer_goes_with_the_territories(demo_project: Project, tmp_path: Path):
    out = export("gpkg", demo_project, tmp_path / "plan.gpkg")
    accounts = pyogrio.read_dataframe(out, layer="accounts")
    table = demo_project.accounts.table
    assert len(accounts) == len(table) and set(accounts.geom_type) == {"Point"}
    plan = demo_project.plan
    expected = [plan.territories[int(c)].id for c in account_codes(demo_project, plan)]
    assert list(accounts["territory"]) == expected
    assert np.allclose(accounts["revenue"], table["revenue"])
    # Each account point lies in the territory polygon it is listed under.
    terr = pyogrio.read_dataframe(out, layer="territories").set_index("territory")
    inside = [
        terr.geometry[t].covers(p)
        for t, p in zip(accounts["territory"], accounts.geometry, strict=False)
    ]
    assert np.mean(inside) == 1.0


def test_geojson_writes_the_three_files_the_readme_names(demo_project: Project, tmp_path):
    export("geojson", demo_project, tmp_path / "plan.geojson")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "plan.geojson",
        "plan_accounts.geojson",
        "plan_units.geojson",
    ]
    accounts = pyogrio.read_dataframe(tmp_path / "plan_accounts.geojson")
    assert len(accounts) == len(demo_project.accounts.table) and accounts.crs.to_epsg() == 4326
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert "X_accounts.geojson" in readme and "X_units.geojson" in readme


def _moved_plan(project: Project) -> tuple[Project, list[str]]:
    """The demo with two boundary units moved to a neighbouring territory in the active plan."""
    plan = project.plan
    adj = project.adjacency
    a, b = plan.assignment[adj.ei], plan.assignment[adj.ej]
    edge = int(np.flatnonzero(a != b)[0])
    unit, to = int(adj.ei[edge]), int(b[edge])
    plan.assignment[unit] = to
    project.metrics = project.metrics_for(plan)  # refresh after a raw edit
    moved = project.accounts.table["unit"].to_numpy() == unit
    return project, list(project.accounts.table["account_id"].astype(str)[moved])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_account_assignments_one_row_per_account(demo_project: Project, tmp_path, suffix):
    project, moved = _moved_plan(demo_project)
    assert moved  # the moved unit holds accounts
    for t in project.plan.territories.values():
        t.parent = "East" if t.id in ("T02", "T04", "T07") else "West"
    out = export("account-assignments", project, tmp_path / f"crm{suffix}")
    if suffix == ".csv":
        rows = _read_csv(out)
    else:
        ws = openpyxl.load_workbook(out).active
        values = list(ws.iter_rows(values_only=True))
        rows = [
            {k: ("" if v is None else str(v)) for k, v in zip(values[0], r, strict=False)}
            for r in values[1:]
        ]
    assert list(rows[0]) == [
        "account_id",
        "account_name",
        "territory",
        "territory_name",
        "owner",
        "district",
        "previous_territory",
        "previous_territory_name",
    ]
    table = project.accounts.table
    assert [r["account_id"] for r in rows] == list(table["account_id"].astype(str))
    by_id = {r["account_id"]: r for r in rows}
    plan = project.plan
    base = project.plans[project.baseline_plan_name]
    for account_id in moved:
        r = by_id[account_id]
        assert r["previous_territory"] and r["previous_territory"] != r["territory"]
        assert r["previous_territory_name"] in {t.name for t in base.territories.values()}
    changed = {r["account_id"] for r in rows if r["previous_territory"]}
    old = account_codes(project, base)
    new = account_codes(project, plan)
    ids = table["account_id"].astype(str).to_numpy()
    truly = {
        i
        for i, o, n in zip(ids, old, new, strict=True)
        if base.territories[int(o)].id != plan.territories[int(n)].id
    }
    assert changed == truly
    owners = {t.id: t.owner for t in plan.territories.values()}
    assert all(r["owner"] == owners[r["territory"]] for r in rows)
    assert {r["district"] for r in rows} == {"East", "West"}


def test_account_assignments_without_baseline_compare_with_previous_plan(
    demo_project: Project, tmp_path: Path
):
    project, moved = _moved_plan(demo_project)
    project.baseline_plan_name = None
    rows = _read_csv(export("account-assignments", project, tmp_path / "crm.csv"))
    assert "district" not in rows[0]
    assert {r["account_id"] for r in rows if r["previous_territory"]} >= set(moved)


def test_account_assignments_cli_and_project_without_accounts(
    demo_project_file: Path, make_grid_project, tmp_path: Path, capsys
):
    project = tmp_path / "p.tdproj"
    shutil.copy(demo_project_file, project)
    out = tmp_path / "accounts.xlsx"
    assert main(["export", str(project), "--account-assignments", str(out)]) == 0
    assert openpyxl.load_workbook(out).active.max_row == 1 + 1480
    from territory_designer.io.project_file import save_project

    empty = tmp_path / "grid.tdproj"
    save_project(make_grid_project(3, 3, ["AAB", "ABB", "CCC"]), empty)
    capsys.readouterr()
    code = main(["export", str(empty), "--account-assignments", str(tmp_path / "a.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "no accounts" in err and "Traceback" not in err
    assert not (tmp_path / "a.csv").exists()

"""Column names that clash with the project's own fields (GeoPackage names ignore case)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
from import_files import write_xlsx

from territory_designer.cli import main
from territory_designer.io.accounts_import import import_accounts
from territory_designer.io.project_file import load_project, save_project

CLASHING = ["Name", "NAME", "FID", "fid", "geom", "Unit_ID", "Notes", "notes", "Located_By"]


def _clashing_workbook(path: Path) -> Path:
    rows = [["id", "zip", *CLASHING]]
    for k, code in enumerate(["0001", "0002"]):
        rows.append([f"a{k}", code, *(f"{c}-{k}" for c in CLASHING)])
    return write_xlsx(path, rows)


def test_clashing_account_columns_are_renamed_saved_and_reopened(grid_project, tmp_path):
    report = import_accounts(grid_project, _clashing_workbook(tmp_path / "crm.xlsx"))
    note = next(n for n in report.notes if "renamed" in n)
    assert "'NAME' -> 'NAME (file)'" in note and "'FID' -> 'FID (file)'" in note
    save_project(grid_project, tmp_path / "p.tdproj")
    table = load_project(tmp_path / "p.tdproj").accounts.table.set_index("account_id")
    assert table.loc["a1", "name"] == "Name-1"  # the mapped name column
    # every other column kept, under a name that does not clash, with its own values
    for col in CLASHING[1:]:
        kept = [c for c in table.columns if c == col or c.startswith(f"{col} (file")]
        assert [table.loc["a1", c] for c in kept] == [f"{col}-1"], col
    assert len({c.casefold() for c in table.columns}) == len(table.columns)


def test_cli_import_with_clashing_columns_saves_and_info_works(capsys, grid_project, tmp_path):
    project_file = save_project(grid_project, tmp_path / "p.tdproj")
    path = _clashing_workbook(tmp_path / "crm.xlsx")
    assert main(["import-accounts", str(project_file), str(path)]) == 0
    out = capsys.readouterr().out
    assert "renamed" in out and "'Unit_ID' -> 'Unit_ID (file)'" in out
    assert main(["info", str(project_file)]) == 0
    assert len(load_project(project_file).accounts) == 2


def _units_file(path: Path, ids: list[str], y0: float) -> Path:
    n = len(ids)
    gdf = gpd.GeoDataFrame(
        {
            "ZIP": ids,
            "FID": list(range(n)),
            "Name": [f"Area {i}" for i in ids],
            "NAME": [f"AREA {i}" for i in ids],
            "geom": ["g"] * n,
            "territory_id": [f"T-{i}" for i in ids],
            "Owner": ["Ann"] * n,
            "pop": [10] * n,
        },
        geometry=[shapely.box(k, y0, k + 1, y0 + 1) for k in range(n)],
        crs="EPSG:4326",
    )
    gdf.to_file(path)
    return path


def test_units_attributes_clashing_are_renamed_through_new_and_import_units(capsys, tmp_path):
    first = _units_file(tmp_path / "a.geojson", ["01", "02"], 0.0)
    second = _units_file(tmp_path / "b.geojson", ["03", "04"], 1.0)
    project_file = tmp_path / "u.tdproj"
    argv = ["new", "--units", str(first), "--id-field", "ZIP", "--name-field", "Name"]
    assert main([*argv, "--out", str(project_file)]) == 0
    out = capsys.readouterr().out
    assert "'territory_id' -> 'territory_id (file)'" in out and "'FID' -> 'FID (file)'" in out
    assert main(["import-units", str(project_file), str(second), "--id-field", "ZIP"]) == 0
    assert "renamed" in capsys.readouterr().out
    units = load_project(project_file).units
    attrs = units.attributes
    assert units.names[:2].tolist() == ["Area 01", "Area 02"]
    # the second layer continues the first one's renamed columns; nothing is lost
    assert attrs["territory_id (file)"].tolist() == ["T-01", "T-02", "T-03", "T-04"]
    assert attrs["NAME (file)"].tolist() == ["AREA 01", "AREA 02", "AREA 03", "AREA 04"]
    assert attrs["Owner (file)"].tolist() == ["Ann"] * 4 and attrs["pop"].tolist() == [10] * 4
    assert attrs["Name (file 2)"].tolist()[2:] == ["Area 03", "Area 04"]
    assert main(["info", str(project_file)]) == 0


def test_a_units_layer_wider_than_a_project_table_is_refused(capsys, tmp_path):
    columns = {f"v{k}": [k, k] for k in range(2100)}  # e.g. tracts joined with census tables
    gdf = gpd.GeoDataFrame(
        {"ZIP": ["a", "b"], **columns},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    gdf.to_file(tmp_path / "wide.geojson")
    out = tmp_path / "wide.tdproj"
    argv = ["new", "--units", str(tmp_path / "wide.geojson"), "--id-field", "ZIP"]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "wide.geojson: 2,100 columns" in err
    assert not out.exists()

"""Reports carry the hierarchy (columns, roll-up sheets) and say which rules are met."""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import pytest
from td_rules import two_state_project

from territory_designer.cli import main
from territory_designer.core.hierarchy import SetParents
from territory_designer.core.rules import set_constraints
from territory_designer.core.soft_targets import add_soft_target, parse_target
from territory_designer.io.project_file import save_project


@pytest.fixture
def placed_file(tmp_path):
    project = two_state_project()
    for code, (district, region) in enumerate(
        [("D1", "East"), ("D1", "East"), ("D2", "West"), ("D3", "West")]
    ):
        project.apply(SetParents(code, [district, region]))
    set_constraints(project, stay_within="state", max_accounts=24)
    add_soft_target(project, parse_target("population:min=500,ideal=600"))
    path = tmp_path / "placed.tdproj"
    save_project(project, path)
    return path


def sheet_rows(ws):
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_excel_has_rollup_and_rules_sheets(placed_file, tmp_path, capsys):
    xlsx, gpkg = tmp_path / "r.xlsx", tmp_path / "r.gpkg"
    code = main(["export", str(placed_file), "--excel", str(xlsx), "--gpkg", str(gpkg)])
    assert code == 0, capsys.readouterr().err
    wb = openpyxl.load_workbook(xlsx)
    assert {"By district", "By region", "Rules"} <= set(wb.sheetnames)
    header, rows = sheet_rows(wb["By region"])
    by_region = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_region["East"]["territories"] == 2 and by_region["West"]["accounts"] == 48
    header, rows = sheet_rows(wb["Territories"])
    assert "District" in header and "Region" in header
    districts = [r[header.index("District")] for r in rows]
    assert sorted(districts) == ["D1", "D1", "D2", "D3"]
    rules = [r for r in wb["Rules"].iter_rows(values_only=True) if any(r)]
    assert rules[1][:3] == ("every rule", None, "holds")
    soft_header = next(r for r in rules if r[0] == "metric")
    soft = [dict(zip(soft_header, r, strict=False)) for r in rules[rules.index(soft_header) + 1 :]]
    assert len(soft) == 4 and all(s["metric"] == "population" for s in soft)
    territories = gpd.read_file(gpkg, layer="territories")
    assert set(territories["district"]) == {"D1", "D2", "D3"}
    units = gpd.read_file(gpkg, layer="units")
    assert set(units["region"]) == {"East", "West"}


def test_a_plain_project_keeps_its_report_layout(tmp_path, capsys):
    path = tmp_path / "plain.tdproj"
    save_project(two_state_project(), path)
    xlsx = tmp_path / "p.xlsx"
    assert main(["export", str(path), "--excel", str(xlsx)]) == 0
    names = openpyxl.load_workbook(xlsx).sheetnames
    assert not {"Rules", "By district"} & set(names)

"""One definition of adjacency for the engine, the live metrics and the reports (issue 14).

Two units whose common boundary is only 5 m long (a digitising accident at a corner) are
not neighbours anywhere: territory A below, whose two units meet only along that 5 m
edge, is in two pieces for the engine, the dock and ``info``, and the Excel report.

    +------+--------+        b2 (B) shares 995 m with a1, a2 (A) only 5 m
    |  b2  |   a2   |
    +------+-+------+        (a2 starts 5 m left of a1's right edge)
    |   a1   |  b1  |
    +--------+------+
"""

from __future__ import annotations

import json

import geopandas as gpd
import shapely
from td_realdata import excel_figure

from territory_designer.balance.project_api import rebalance_plan
from territory_designer.cli import main
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.plan_operations import AddGeneratedPlan
from territory_designer.io.project_file import load_project, save_project

CELL = 1000.0


def _layer(path) -> None:
    x0, y0 = 500_000.0, 3_900_000.0  # UTM 17N metres, in North Carolina
    boxes = {
        "a1": (0, 0, CELL, CELL),
        "b1": (CELL, 0, 2 * CELL, CELL),
        "b2": (0, CELL, CELL - 5, 2 * CELL),
        "a2": (CELL - 5, CELL, 2 * CELL, 2 * CELL),
    }
    geoms = [shapely.box(x0 + a, y0 + b, x0 + c, y0 + d) for a, b, c, d in boxes.values()]
    frame = gpd.GeoDataFrame({"uid": list(boxes)}, geometry=geoms, crs="EPSG:32617")
    frame.to_file(path)


def _project(tmp_path):
    _layer(tmp_path / "units.gpkg")
    path = tmp_path / "p.tdproj"
    assert main(["new", "--units", str(tmp_path / "units.gpkg"), "--id-field", "uid",
                 "--out", str(path)]) == 0  # fmt: skip
    project = load_project(path)
    codes = [0 if uid.startswith("a") else 1 for uid in project.units.ids]
    terr = {0: Territory("A", "A", "#ff0000"), 1: Territory("B", "B", "#0000ff")}
    project.apply(AddGeneratedPlan(Plan("Hand", terr, codes)))
    save_project(project, path)
    return path, project


def test_a_5m_edge_connects_nothing_for_engine_metrics_and_reports(tmp_path, capsys):
    path, project = _project(tmp_path)
    # The live metrics (the dock) ...
    table = project.territory_table().set_index("id")
    assert table.loc["A", "pieces"] == 2 and table.loc["B", "pieces"] == 2
    assert not project.summary().contiguous
    # ... the engine, looking at the same plan ...
    _, report, _ = rebalance_plan(project, max_moves=0)
    assert not report.contiguous and report.noncontiguous == 2
    # ... info ...
    capsys.readouterr()
    assert main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["summary"]["contiguous"] is False
    assert {t["id"]: t["pieces"] for t in info["territories"]} == {"A": 2, "B": 2}
    # ... and the Excel report agree.
    xlsx = tmp_path / "r.xlsx"
    assert main(["export", str(path), "--excel", str(xlsx)]) == 0
    assert excel_figure(xlsx, "Contiguous") == "no"
    assert excel_figure(xlsx, "Territories in several pieces") == "2"
    assert excel_figure(xlsx, "Avoidable extra pieces") == "2"

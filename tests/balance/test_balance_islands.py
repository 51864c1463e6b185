"""Islands and separate parts of a layer (issue 10, §4).

The real NC ZIP layer with three islands off the coast, each holding accounts: a build
gives every island to the territory of the mainland nearest to it, and the engine's
report, ``info`` and the Excel report all say the plan is not contiguous because of
island pieces that cannot be joined — never "contiguous: yes" next to a territory in
several pieces.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.spatial import cKDTree
from td_realdata import NC_ISLANDS, excel_figure, make_nc_zip_project, project_with_accounts

from territory_designer.cli import main
from territory_designer.io.project_file import load_project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    folder = tmp_path_factory.mktemp("islands")
    source, zips = make_nc_zip_project(folder, islands=True)
    rng = np.random.default_rng(11)
    island_zips = [code for code, *_ in NC_ISLANDS]
    chosen = list(rng.choice(zips[:-3], 150, replace=False)) + island_zips
    revenue = np.round(rng.lognormal(10, 0.6, len(chosen)), -2).tolist()
    project = project_with_accounts(source, folder, chosen, revenue)
    return project, island_zips


def _build(project, capsys) -> dict:
    capsys.readouterr()
    argv = ["build", str(project), "-k", "6", "--balance-on", "revenue", "--json"]
    assert main([*argv, "--dry-run"]) == 0
    return json.loads(capsys.readouterr().out)


def test_islands_join_the_nearest_territory_and_are_reported_as_such(built, capsys, tmp_path):
    path, island_zips = built
    report = _build(path, capsys)
    assert report["within_tolerance"] and report["unassigned"] == 0
    assert report["contiguous"] is False  # was: "contiguous" with territories in 2 pieces
    assert report["island_pieces"] == 3 and report["extra_pieces"] == 0
    assert 1 <= report["territories_in_pieces"] <= 3
    out = tmp_path / "built.tdproj"
    assert main(["build", str(path), "-k", "6", "--balance-on", "revenue", "--out", str(out)]) == 0
    project = load_project(out)
    units, plan = project.units, project.plan
    islands = units.indices_of(np.array(island_zips, dtype=object))
    components = project.adjacency.components
    mainland = np.flatnonzero(components == np.bincount(components).argmax())
    _, nearest = cKDTree(units.centroid[mainland]).query(units.centroid[islands])
    assert (plan.assignment[islands] == plan.assignment[mainland[nearest]]).all()
    table = project.territory_table()
    assert (table["extra_pieces"] == 0).all()
    assert table["pieces"].sum() == len(table) + 3


def test_info_and_excel_say_which_pieces_are_islands(built, capsys, tmp_path):
    path, _ = built
    out = tmp_path / "built.tdproj"
    assert main(["build", str(path), "-k", "6", "--balance-on", "revenue", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["info", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["contiguous"] is False
    assert summary["island_pieces"] == 3 and summary["extra_pieces"] == 0
    assert main(["info", str(out)]) == 0
    text = capsys.readouterr().out
    assert "3 island pieces that cannot be joined" in text and ", contiguous," not in text
    xlsx = tmp_path / "r.xlsx"
    assert main(["export", str(out), "--excel", str(xlsx)]) == 0
    assert excel_figure(xlsx, "Contiguous") == "no"
    assert excel_figure(xlsx, "Island pieces (cannot be joined)") == "3"
    assert excel_figure(xlsx, "Avoidable extra pieces") == "0"
    in_pieces = excel_figure(xlsx, "Territories in several pieces")
    assert in_pieces == str(summary["territories_in_pieces"]) and in_pieces != "0"

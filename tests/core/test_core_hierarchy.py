"""Territory hierarchy: parents at any depth, and roll-ups that equal the sums of children."""

from __future__ import annotations

import numpy as np
import pytest
from td_rules import two_state_project

from territory_designer.core.errors import EditError
from territory_designer.core.hierarchy import (
    SetParents,
    chain,
    hierarchy_columns,
    rollup,
    unit_nodes,
)
from territory_designer.core.operations import AssignUnits
from territory_designer.io.project_file import load_project, save_project


def placed():
    """Territories 1, 2 in district D1; 3 in D2; 4 in D3; D1, D2 in region East, D3 West."""
    project = two_state_project()
    project.apply(SetParents(0, ["D1", "East"], {"D1": "Triangle"}))
    project.apply(SetParents(1, ["D1"]))
    project.apply(SetParents(2, ["D2", "East"]))
    project.apply(SetParents(3, ["D3", "West"]))
    return project


def test_a_territory_takes_its_districts_region() -> None:
    project = placed()
    t2 = project.plan.territories[1]
    assert chain(project, t2) == ["D1", "East"]
    cols = hierarchy_columns(project, project.plan)
    assert cols.loc[3].tolist() == ["D3", "West"]


def test_rollups_equal_the_sums_of_their_children() -> None:
    project = placed()
    project.apply(AssignUnits([0, 1, 2, 40, 41], 3))  # uneven figures
    territories = project.territory_table()
    districts = rollup(project, "district")
    regions = rollup(project, "region")
    fields = ["units", "accounts", "population", "revenue"]
    parent = {t.id: t.parent for t in project.plan.territories.values()}
    for _, d in districts.iterrows():
        kids = territories[[parent[i] == d["node"] for i in territories["id"]]]
        assert d["territories"] == len(kids)
        for f in fields:
            assert d[f] == pytest.approx(kids[f].sum())
    for _, r in regions.iterrows():
        kids = districts[districts["region"] == r["node"]]
        for f in [*fields, "territories"]:
            assert r[f] == pytest.approx(kids[f].sum())
    for f in fields:
        assert regions[f].sum() == pytest.approx(territories[f].sum())
    assert districts.set_index("node").loc["D1", "name"] == "Triangle"


def test_any_depth_with_level_names_from_settings() -> None:
    project = two_state_project()
    project.settings["hierarchy_levels"] = ["territory", "district", "region", "area"]
    project.apply(SetParents(0, ["D1", "R1", "A1"]))
    project.apply(SetParents(1, ["D2", "R2", "A1"]))
    areas = rollup(project, "area")
    unplaced = areas.set_index("node").loc[""]
    assert areas.set_index("node").loc["A1", "territories"] == 2
    assert unplaced["territories"] == 2  # Territories 3 and 4 have no parent
    assert (unit_nodes(project, "area")[project.plan.assignment == 0] == "A1").all()
    with pytest.raises(EditError, match="levels above territories"):
        project.apply(SetParents(2, ["D", "R", "A", "X"]))


def test_moving_a_district_to_another_region_moves_its_territories() -> None:
    project = placed()
    project.apply(SetParents(1, [None, "West"]))  # D1 now under West
    assert chain(project, project.plan.territories[0]) == ["D1", "West"]


def test_a_node_keeps_its_level_and_undo_restores() -> None:
    project = placed()
    with pytest.raises(EditError, match="'East' is a region, not a district"):
        project.apply(SetParents(3, ["East"]))
    before = (project.plan.territories[3].parent, dict(project.settings["hierarchy_nodes"]))
    op = project.apply(SetParents(3, ["D9", "North"]))
    op.undo(project)
    assert (project.plan.territories[3].parent, project.settings["hierarchy_nodes"]) == before


def test_hierarchy_survives_save_and_open(tmp_path) -> None:
    project = placed()
    path = tmp_path / "h.tdproj"
    save_project(project, path)
    again = load_project(path)
    assert np.array_equal(
        rollup(again, "region")[["territories", "accounts"]].to_numpy(),
        rollup(project, "region")[["territories", "accounts"]].to_numpy(),
    )

"""The change log: every edit recorded (who, when, what, from, to), saved and read back."""

from __future__ import annotations

import sqlite3

import numpy as np

from territory_designer.core.change_log import os_user
from territory_designer.core.operations import AddGeneratedPlan, AssignUnits, UpdateTerritory
from territory_designer.core.plan_operations import RenamePlan, SetActivePlan
from territory_designer.io.project_file import load_project, save_project


def test_an_assignment_records_units_from_to_user_and_time(grid_project):
    grid_project.apply(AssignUnits([0, 1, 12], 1))  # C, C, A -> B
    (e,) = grid_project.change_log.entries
    assert e.units == ["0000", "0001", "0012"]
    assert e.from_territories == ["T03", "T01"] and e.to_territory == "T02"
    assert e.user == os_user() and e.plan == "Plan 1" and e.kind == "edit"
    assert e.time[:2] == "20" and "T" in e.time
    assert e.action == "Assign 3 units to Territory B"


def test_switching_plans_is_not_logged_and_other_edits_are(grid_project):
    grid_project.apply(UpdateTerritory(0, name="North"))
    grid_project.apply(SetActivePlan("Plan 1"))
    assert [e.action for e in grid_project.change_log.entries] == ["Rename Territory A to North"]


def test_engine_plans_keep_their_reasons_and_renames_follow(grid_project):
    plan = grid_project.plan.copy("Engine")
    plan.assignment[0] = 1
    grid_project.apply(AddGeneratedPlan(plan, {"0000": "South over target by 12%"}))
    e = grid_project.change_log.entries[-1]
    assert e.kind == "engine" and e.plan == "Engine" and e.units == ["0000"]
    assert e.details["0000"] == "South over target by 12%"
    grid_project.apply(RenamePlan("Engine", "Option E"))
    assert grid_project.change_log.entries[-2].plan == "Option E"


def test_the_log_survives_a_save_and_old_files_open_with_an_empty_log(grid_project, tmp_path):
    grid_project.apply(AssignUnits(np.array([0]), 1))
    grid_project.change_log.entries[0].note = "customer asked, café owner"
    path = tmp_path / "p.tdproj"
    save_project(grid_project, path)
    back = load_project(path)
    assert [e.row() for e in back.change_log.entries] == [
        e.row() for e in grid_project.change_log.entries
    ]
    con = sqlite3.connect(path)
    con.execute("DROP TABLE td_change_log")  # a file from before the log
    con.execute("DELETE FROM gpkg_contents WHERE table_name = 'td_change_log'")
    con.commit()
    con.close()
    assert len(load_project(path).change_log) == 0


def test_filtering(grid_project):
    grid_project.apply(AssignUnits([0], 1))
    grid_project.apply(UpdateTerritory(0, owner="Zoe"))
    log = grid_project.change_log
    assert len(log.filtered("zoe")) == 1
    assert len(log.filtered(kind="edit")) == 2
    assert len(log.filtered(plan="Other")) == 0
    assert list(log.to_frame().columns)[:3] == ["time", "user", "plan"]


def test_an_assignment_by_attribute_is_logged_with_its_units(grid_project):
    from territory_designer.core.attribute_operations import AssignWhere

    grid_project.apply(AssignWhere("row = 0", 1))  # the bottom row: C, C, C, C, C, '' -> B
    (e,) = grid_project.change_log.entries
    assert e.units == ["0000", "0001", "0002", "0003", "0004", "0005"]
    assert e.from_territories == ["T03", ""] and e.to_territory == "T02"

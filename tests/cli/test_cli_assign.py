"""``assign``, ``lock`` and ``unlock`` on saved projects (issue 11: fill by attribute and
single-unit locks, headless)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run
from td_factories import build_grid_project

from territory_designer.io.project_file import load_project, save_project

LAYOUT = ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."]


@pytest.fixture
def grid_file(tmp_path: Path) -> Path:
    path = tmp_path / "grid.tdproj"
    save_project(build_grid_project(4, 6, LAYOUT), path)
    return path


def test_assign_where_saves_and_reports_matches_and_locks(capsys, grid_file):
    code, out, err = run(capsys, "lock", str(grid_file), "--units", "0012,0013")
    assert code == 0, err
    assert "Locked 2 of 2 matching units." in out
    code, out, err = run(
        capsys, "assign", str(grid_file), "--where", "region = R1", "--territory", "t03"
    )
    assert code == 0, err
    assert "Assigned 10 units to Territory C (12 units match region = R1)" in out
    assert "2 locked units skipped" in out and f"saved to {grid_file}" in out
    plan = load_project(grid_file).plan
    assert plan.assignment[12:14].tolist() == [0, 0]  # locked: still in A
    assert (plan.assignment[14:24] == 2).all()
    assert plan.locked_units[[12, 13]].all() and plan.locked_units.sum() == 2


def test_assign_by_name_to_a_file_elsewhere_as_json(capsys, grid_file, tmp_path):
    out_file = tmp_path / "other.tdproj"
    code, out, err = run(
        capsys,
        "assign",
        str(grid_file),
        "--where",
        "col in (0, 1) and row < 2",
        "--territory",
        "Territory B",
        "--out",
        str(out_file),
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["matched"] == 4 and report["assigned"] == 4 and report["territory"] == "T02"
    assert report["saved_to"] == str(out_file)
    assert (load_project(out_file).plan.assignment[[0, 1, 6, 7]] == 1).all()
    assert (load_project(grid_file).plan.assignment[[0, 1, 6, 7]] == 2).all()  # untouched


def test_unassign_dry_run_and_unlock_where(capsys, grid_file):
    before = grid_file.read_bytes()
    code, out, _ = run(
        capsys, "assign", str(grid_file), "--where", "row = 0", "--unassign", "--dry-run"
    )
    assert code == 0 and "Unassigned 5 units" in out and "not saved: --dry-run" in out
    assert grid_file.read_bytes() == before
    run(capsys, "lock", str(grid_file), "--where", "region = R0")
    code, out, _ = run(capsys, "unlock", str(grid_file), "--where", "row = 0")
    assert code == 0 and "Unlocked 6 of 6 matching units." in out
    locked = load_project(grid_file).plan.locked_units
    assert np.flatnonzero(locked).tolist() == list(range(6, 12))
    code, out, _ = run(capsys, "unlock", str(grid_file), "--where", "row = 0")
    assert "nothing changed, not saved" in out and "6 already unlocked" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["assign", "{p}", "--where", "state = NC", "--territory", "T01"], "Unknown field 'state'"),
        (
            ["assign", "{p}", "--where", "revenue > lots", "--territory", "T01"],
            "Field 'revenue' holds numbers",
        ),
        (["assign", "{p}", "--where", "region in R0", "--territory", "T01"], "in brackets"),
        (
            ["assign", "{p}", "--where", "region = R0", "--territory", "Nowhere"],
            "No territory 'Nowhere'",
        ),
        (["lock", "{p}", "--units", "0001,9999"], "no unit with id 9999"),
        (
            ["assign", "{p}", "--where", "row = 0", "--territory", "T01", "--plan", "X"],
            "no plan named 'X'",
        ),
    ],
)
def test_bad_queries_and_names_give_one_clear_line(capsys, grid_file, argv, needle):
    before = grid_file.read_bytes()
    code, out, err = run(capsys, *[a.replace("{p}", str(grid_file)) for a in argv])
    assert code == 2, (out, err)
    assert needle in err and err.count("\n") == 1
    assert grid_file.read_bytes() == before


def test_assign_into_a_locked_territory_is_refused(capsys, grid_file):
    project = load_project(grid_file)
    project.plan.territories[0].locked = True
    save_project(project, grid_file)
    code, _, err = run(capsys, "assign", str(grid_file), "--where", "row = 0", "--territory", "T01")
    assert code == 2 and "locked" in err

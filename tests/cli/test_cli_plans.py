"""``plans`` and ``plan``: list and manage a saved project's plans from the command line."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run

from territory_designer.io.project_file import load_project


def test_plans_lists_roles_and_moves(capsys, demo_file):
    code, out, _ = run(capsys, "plans", demo_file, "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)["plans"]}
    assert rows["Baseline 2026"]["baseline"] is True
    assert rows["Working draft"]["active"] is True
    assert rows["Baseline 2026"]["units_moved_vs_baseline"] is None
    code, out, _ = run(capsys, "plans", demo_file)
    assert "Baseline 2026 (baseline)" in out and "Working draft (active)" in out


def test_copy_rename_baseline_delete_round_trip(capsys, demo_file):
    assert run(capsys, "plan", demo_file, "copy", "Working draft", "Option B")[0] == 0
    p = load_project(demo_file)
    assert list(p.plans) == ["Baseline 2026", "Working draft", "Option B"]
    assert p.active_plan_name == "Working draft"  # the CLI does not switch plans
    assert (p.plans["Option B"].assignment == p.plans["Working draft"].assignment).all()
    assert run(capsys, "plan", demo_file, "rename", "Option B", "Option C")[0] == 0
    assert run(capsys, "plan", demo_file, "baseline", "Option C")[0] == 0
    p = load_project(demo_file)
    assert p.baseline_plan_name == "Option C" and "Option B" not in p.plans
    code, out, _ = run(capsys, "plan", demo_file, "delete", "Working draft")
    assert code == 0 and "active: Baseline 2026" not in out  # baseline is Option C now
    p = load_project(demo_file)
    assert list(p.plans) == ["Baseline 2026", "Option C"]
    assert p.active_plan_name == "Option C"
    code, _, _ = run(capsys, "plan", demo_file, "baseline")
    assert load_project(demo_file).baseline_plan_name is None


def test_copy_without_a_name_picks_a_free_one_and_out_leaves_the_file(capsys, demo_file, tmp_path):
    before = demo_file.read_bytes()
    out_file = tmp_path / "other.tdproj"
    assert run(capsys, "plan", demo_file, "copy", "Baseline 2026", "--out", out_file)[0] == 0
    assert demo_file.read_bytes() == before
    assert "Baseline 2026 copy" in load_project(out_file).plans


@pytest.mark.parametrize(
    "argv, message",
    [
        (("delete", "Nope"), "No plan named 'Nope'"),
        (("rename", "Working draft", "Baseline 2026"), "already exists"),
        (("rename", "Working draft"), "usage: plan P rename"),
        (("copy", "Nope", "X"), "No plan named 'Nope'"),
    ],
)
def test_bad_plan_edits_fail_clearly_and_leave_the_file(capsys, demo_file, argv, message):
    before = demo_file.read_bytes()
    code, _, err = run(capsys, "plan", demo_file, *argv)
    assert code == 2 and message in err
    assert demo_file.read_bytes() == before


def test_the_only_plan_cannot_be_deleted(capsys, demo_file):
    assert run(capsys, "plan", demo_file, "delete", "Working draft")[0] == 0
    code, _, err = run(capsys, "plan", demo_file, "delete", "Baseline 2026")
    assert code == 2 and "only plan" in err

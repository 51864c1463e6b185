"""Problems of a plan, on small grids with known answers."""

from __future__ import annotations

import numpy as np
from td_factories import build_grid_project

from territory_designer.core.operations import UpdateTerritory
from territory_designer.core.problems import plan_problems


def test_unassigned_units_and_each_extra_piece_are_listed():
    # A owns the left block and a 2-unit island on the right; two units unassigned.
    project = build_grid_project(4, 6, ["AAB.AA", "AAB.BB", "AABBBB", "AABBBB"])
    problems = plan_problems(project)
    kinds = [p.kind for p in problems]
    assert kinds[:2] == ["unassigned", "pieces"]
    assert problems[0].text == "2 units unassigned"
    assert sorted(problems[0].units.tolist()) == [15, 21]  # layouts are drawn top row first
    piece = problems[1]
    assert piece.text.startswith("Territory A: piece 2 of 2 (2 units)")
    assert sorted(piece.units.tolist()) == [22, 23]


def test_units_heavier_than_a_territory_target_are_listed_heaviest_first():
    # One territory per unit: a territory's target is the mean, so every unit above it is
    # heavier on its own than a territory should be.
    project = build_grid_project(4, 6, ["ABCDEF", "GHIJKL", "MNOPQR", "STUVWX"])
    project.set_balance_field("population")
    values = project.unit_values("population")
    heavy = [p for p in plan_problems(project) if p.kind == "heavy"]
    expected = np.flatnonzero(values > values.mean())
    assert 0 < len(heavy) < 24
    assert [int(p.units[0]) for p in heavy] == expected[np.argsort(-values[expected])].tolist()
    assert "of a territory's target" in heavy[0].text


def test_changed_units_of_a_locked_territory_are_listed():
    project = build_grid_project(4, 6, ["AAABBB"] * 4, plans=2)
    project.baseline_plan_name = "Plan 1"
    project.set_active_plan("Plan 2")
    project.apply(UpdateTerritory(0, locked=True))
    project.plan.assignment[[0, 1]] = 1  # changed behind the lock (a file edited elsewhere)
    locked = [p for p in plan_problems(project) if p.kind == "locked"]
    assert len(locked) == 1 and sorted(locked[0].units.tolist()) == [0, 1]
    assert locked[0].text == "Territory A (locked): 2 units changed since Plan 1"


def test_a_sound_plan_has_no_problems():
    assert plan_problems(build_grid_project(4, 6, ["AAABBB"] * 4)) == []

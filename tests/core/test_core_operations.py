"""Reversible edits: each operation applies and undoes exactly; locks are enforced here."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from td_factories import assert_same_metrics, fresh_metrics

from territory_designer.core.errors import EditError, LockedError
from territory_designer.core.operations import (
    AddPlan,
    AddTerritory,
    AssignUnits,
    DeleteTerritory,
    MergeTerritories,
    Operation,
    SetUnitsLocked,
    UpdateTerritory,
)
from territory_designer.core.plan import UNASSIGNED, Territory
from territory_designer.core.project import Project

LAYOUT = ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."]  # grid_project: codes A=0, B=1, C=2
# Row 0 is the bottom line: C = 0-4, 6-8; B = 9, 10, 15-17, 21-23; A = 12-14, 18-20;
# units 5 and 11 are unassigned.


def state(project: Project) -> dict[str, Any]:
    """Everything an edit may change, as comparable values."""
    return {
        "active": project.active_plan_name,
        "plans": {
            name: (
                plan.assignment.tolist(),
                plan.locked_units.tolist(),
                copy.deepcopy(plan.territories),
                plan.account_overrides.copy(),
            )
            for name, plan in project.plans.items()
        },
        "settings": dict(project.settings),
    }


class Recorder:
    """Collects model events as (name, kwargs)."""

    NAMES = (
        "assignment_changed",
        "territories_changed",
        "structure_changed",
        "locks_changed",
        "plan_changed",
        "settings_changed",
        "revision_changed",
    )

    def __init__(self, project: Project) -> None:
        self.events: list[tuple[str, dict]] = []
        for name in self.NAMES:
            project.events.connect(name, lambda _n=name, **kw: self.events.append((_n, kw)))

    def named(self, name: str) -> list[dict]:
        return [kw for n, kw in self.events if n == name]


OPERATIONS = {
    "assign": lambda: AssignUnits([0, 1, 5, 22], 1),
    "unassign": lambda: AssignUnits([0, 3, 12], UNASSIGNED),
    "update": lambda: UpdateTerritory(0, name="North", color="#123456", owner="Zoe", target=9.0),
    "home_base": lambda: UpdateTerritory(2, home_base=(1.0, 2.0), parent="East"),
    "lock_territory": lambda: UpdateTerritory(1, locked=True),
    "add": lambda: AddTerritory(),
    "add_given": lambda: AddTerritory(Territory("X9", "Extra", "#abcdef", owner="New")),
    "delete": lambda: DeleteTerritory(1),
    "merge": lambda: MergeTerritories(0, [1, 2]),
    "lock_units": lambda: SetUnitsLocked([0, 7, 8], True),
    "add_plan_copy": lambda: AddPlan("Scenario B", copy_of="Plan 1"),
    "add_plan_empty": lambda: AddPlan("Blank"),
}


@pytest.mark.parametrize("make_op", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_operation_applies_and_undoes_exactly(make_grid_project, make_op) -> None:
    project = make_grid_project(4, 6, LAYOUT, plans=2)
    before = state(project)
    op: Operation = make_op()
    project.apply(op)
    after = state(project)
    assert after != before, "the edit changed nothing"
    assert_same_metrics(project.metrics, fresh_metrics(project))
    assert op.text and op.text != "Edit"
    op.undo(project)
    assert state(project) == before
    assert_same_metrics(project.metrics, fresh_metrics(project))
    # Redo (a QUndoCommand calls apply again) reaches the same state as the first time.
    getattr(op, "redo", op.apply)(project)
    assert state(project) == after
    assert_same_metrics(project.metrics, fresh_metrics(project))


def test_stroke_extends_one_undo_step(grid_project: Project) -> None:
    before = state(grid_project)
    op = AssignUnits([0], 0)
    grid_project.apply(op)
    changed = op.extend(grid_project, [1, 2, 0])  # 0 already done this stroke
    assert changed.tolist() == [1, 2]
    op.extend(grid_project, [6, 7])
    assert sorted(op.units.tolist()) == [0, 1, 2, 6, 7]
    assert op.text == "Assign 5 units to Territory A"
    assert (grid_project.plan.assignment[[0, 1, 2, 6, 7]] == 0).all()
    op.undo(grid_project)
    assert state(grid_project) == before


def test_eraser_step_is_named_unassign(grid_project: Project) -> None:
    op = AssignUnits(grid_project.plan.units_of(0)[:2], UNASSIGNED)
    grid_project.apply(op)
    assert op.text == "Unassign 2 units"


def test_a_territory_cannot_take_another_ones_name(grid_project: Project) -> None:
    other = grid_project.plan.territories[1].name
    with pytest.raises(EditError, match="already called"):
        grid_project.apply(UpdateTerritory(0, name=f" {other.upper()} "))
    assert grid_project.plan.territories[0].name != other
    grid_project.apply(UpdateTerritory(0, name=grid_project.plan.territories[0].name))


def test_locked_territory_refuses_units(grid_project: Project) -> None:
    grid_project.apply(UpdateTerritory(1, locked=True))
    before = state(grid_project)
    with pytest.raises(LockedError, match="Territory B"):
        grid_project.apply(AssignUnits([0, 1], 1))
    assert state(grid_project) == before


def test_units_of_a_locked_territory_are_skipped_and_counted(grid_project: Project) -> None:
    grid_project.apply(UpdateTerritory(0, locked=True))
    a_units = grid_project.plan.units_of(0)
    op = AssignUnits([12, 13, 3, 4], 1)
    grid_project.apply(op)
    assert op.skipped_locked == 2
    assert (grid_project.plan.assignment[a_units] == 0).all()
    assert (grid_project.plan.assignment[[3, 4]] == 1).all()
    # Unassigning cannot empty a locked territory either.
    eraser = AssignUnits(a_units, UNASSIGNED)
    grid_project.apply(eraser)
    assert eraser.skipped_locked == a_units.size
    assert eraser.units.size == 0


def test_locked_units_are_skipped_and_counted(grid_project: Project) -> None:
    grid_project.apply(SetUnitsLocked([0, 1, 2], True))
    op = AssignUnits([0, 1, 2, 3], 0)
    grid_project.apply(op)
    assert op.skipped_locked == 3
    assert grid_project.plan.assignment[[0, 1, 2]].tolist() == [2, 2, 2]
    assert grid_project.plan.assignment[3] == 0
    op.extend(grid_project, [1, 2, 9])  # already counted units are not counted twice
    assert op.skipped_locked == 3
    assert grid_project.plan.assignment[9] == 0
    grid_project.apply(SetUnitsLocked([0, 1, 2], False))
    grid_project.apply(AssignUnits([0], 0))
    assert grid_project.plan.assignment[0] == 0


def test_deleting_or_merging_a_locked_territory_is_refused(grid_project: Project) -> None:
    grid_project.apply(UpdateTerritory(2, locked=True))
    before = state(grid_project)
    with pytest.raises(LockedError, match="Territory C"):
        grid_project.apply(DeleteTerritory(2))
    with pytest.raises(LockedError, match="Territory C"):
        grid_project.apply(MergeTerritories(0, [2]))
    with pytest.raises(LockedError, match="Territory C"):
        grid_project.apply(MergeTerritories(2, [0]))
    assert state(grid_project) == before


@pytest.mark.parametrize(
    ("make_op", "message"),
    [
        (lambda: UpdateTerritory(0, name="  "), "cannot be empty"),
        (lambda: UpdateTerritory(0, color="red"), "Not a colour"),
        (lambda: UpdateTerritory(0, target=0), "positive"),
        (lambda: AssignUnits([0], 42), "No territory"),
        (lambda: AssignUnits([999], 0), "out of range"),
        (lambda: DeleteTerritory(42), "No territory"),
        (lambda: MergeTerritories(0, [0]), "at least two"),
        (lambda: AddTerritory(Territory("T01", "Dup", "#000000")), "already exists"),
        (lambda: AddPlan("Plan 1"), "already exists"),
        (lambda: AddPlan("   "), "needs a name"),
    ],
)
def test_invalid_edits_are_refused_with_a_reason(grid_project, make_op, message) -> None:
    before = state(grid_project)
    with pytest.raises(EditError, match=message):
        grid_project.apply(make_op())
    assert state(grid_project) == before


def test_unknown_territory_field_is_refused() -> None:
    with pytest.raises(EditError, match="bogus"):
        UpdateTerritory(0, bogus=1)


def test_assign_emits_changed_units_and_touched_codes(grid_project: Project) -> None:
    rec = Recorder(grid_project)
    rev = grid_project.revision
    # Unit 12 is in A, 9 in B, 5 unassigned, 0 already in C (no change).
    op = AssignUnits([12, 9, 5, 0], 2)
    grid_project.apply(op)
    (event,) = rec.named("assignment_changed")
    assert sorted(event["units"].tolist()) == [5, 9, 12]
    assert event["codes"] == {0, 1, UNASSIGNED, 2}
    assert grid_project.revision == rev + 1
    assert rec.named("revision_changed") == [{"revision": rev + 1}]
    op.undo(grid_project)
    undo_event = rec.named("assignment_changed")[-1]
    assert sorted(undo_event["units"].tolist()) == [5, 9, 12]
    assert undo_event["codes"] == {0, 1, UNASSIGNED, 2}


def test_edit_events(grid_project: Project) -> None:
    rec = Recorder(grid_project)
    grid_project.apply(UpdateTerritory(1, name="West"))
    assert rec.named("territories_changed") == [{"codes": [1]}]
    add = AddTerritory()
    grid_project.apply(add)
    assert len(rec.named("structure_changed")) == 1
    assert add.code == 3
    assert grid_project.plan.territories[3].name == "Territory 04"
    rec.events.clear()
    grid_project.apply(DeleteTerritory(0))
    (event,) = rec.named("assignment_changed")
    assert sorted(event["units"].tolist()) == [12, 13, 14, 18, 19, 20]
    assert event["codes"] == {0, UNASSIGNED}
    assert len(rec.named("structure_changed")) == 1
    rec.events.clear()
    grid_project.apply(MergeTerritories(1, [2]))
    (event,) = rec.named("assignment_changed")
    assert sorted(event["units"].tolist()) == [0, 1, 2, 3, 4, 6, 7, 8]
    assert event["codes"] == {1, 2}
    rec.events.clear()
    grid_project.apply(SetUnitsLocked([5, 4], True))
    assert [e["units"].tolist() for e in rec.named("locks_changed")] == [[4, 5]]
    rec.events.clear()
    grid_project.apply(AddPlan("Other"))
    assert rec.named("plan_changed")
    assert grid_project.active_plan_name == "Other"


def test_add_plan_copies_and_switches(grid_project: Project) -> None:
    op = AddPlan("Scenario", copy_of="Plan 1")
    grid_project.apply(op)
    assert grid_project.active_plan_name == "Scenario"
    grid_project.apply(AssignUnits([0], 1))
    assert grid_project.plans["Plan 1"].assignment[0] == 2  # the copy is independent
    assert grid_project.metrics.plan is grid_project.plans["Scenario"]
    op.undo(grid_project)
    assert list(grid_project.plans) == ["Plan 1"]
    assert grid_project.active_plan_name == "Plan 1"
    assert grid_project.metrics.plan is grid_project.plans["Plan 1"]


def test_merge_moves_units_and_removes_territories(grid_project: Project) -> None:
    counts = grid_project.territory_table("units").set_index("code")["units"]
    grid_project.apply(MergeTerritories(0, [1, 2]))
    assert list(grid_project.plan.territories) == [0]
    assert grid_project.territory_table("units")["units"].tolist() == [counts.sum()]


def test_snapshot_is_not_changed_by_later_edits(grid_project):
    """Autosave writes a snapshot on a worker thread while painting goes on."""
    from territory_designer.core.operations import AssignUnits, UpdateTerritory

    project = grid_project
    snap = project.snapshot()
    before = snap.plan.assignment.copy()
    code = next(iter(project.plan.territories))
    project.apply(AssignUnits(np.arange(len(project.units)), code))
    project.apply(UpdateTerritory(code, name="Renamed"))
    assert np.array_equal(snap.plan.assignment, before)
    assert snap.plan.territories[code].name != "Renamed"
    assert snap.units is project.units  # geometry is shared, not copied

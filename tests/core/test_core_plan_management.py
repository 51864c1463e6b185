"""Plan management: new, copy, rename, delete, baseline — each undone exactly."""

from __future__ import annotations

import pytest

from territory_designer.core.errors import EditError
from territory_designer.core.plan_operations import (
    AddPlan,
    DeletePlan,
    RenamePlan,
    SetBaselinePlan,
    free_plan_name,
)


@pytest.fixture
def project(make_grid_project):
    p = make_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."], plans=3)
    p.baseline_plan_name = "Plan 1"
    p.set_active_plan("Plan 2")
    return p


def roles(p):
    return list(p.plans), p.active_plan_name, p.baseline_plan_name


def test_copy_is_independent_and_undo_removes_it(project):
    before = roles(project)
    op = project.apply(AddPlan("Option B", copy_of="Plan 2"))
    assert project.active_plan_name == "Option B"
    copy = project.plans["Option B"]
    assert copy.assignment.tolist() == project.plans["Plan 2"].assignment.tolist()
    copy.assignment[0] = -1
    assert project.plans["Plan 2"].assignment[0] != -1
    op.undo(project)
    assert roles(project) == before


def test_empty_plan_has_every_unit_unassigned(project):
    project.apply(AddPlan("Blank"))
    assert (project.plans["Blank"].assignment == -1).all()
    assert project.plans["Blank"].territories == {}


@pytest.mark.parametrize("name", ["", "  ", "plan 1", "Plan 3"])
def test_names_in_use_or_empty_are_refused(project, name):
    with pytest.raises(EditError):
        project.apply(AddPlan(name, copy_of="Plan 1"))
    with pytest.raises(EditError):
        project.apply(RenamePlan("Plan 2", name))
    assert list(project.plans) == ["Plan 1", "Plan 2", "Plan 3"]


def test_rename_keeps_place_roles_and_undoes(project):
    op = project.apply(RenamePlan("Plan 1", "In force 2026"))
    assert list(project.plans) == ["In force 2026", "Plan 2", "Plan 3"]
    assert project.baseline_plan_name == "In force 2026"
    assert project.plans["In force 2026"].name == "In force 2026"
    project.apply(RenamePlan("Plan 2", "Draft"))
    assert project.active_plan_name == "Draft" and project.plan.name == "Draft"
    op2 = RenamePlan("Draft", "Draft")  # same name: harmless
    project.apply(op2)
    op.undo(project)
    assert list(project.plans) == ["Plan 1", "Draft", "Plan 3"]
    assert project.baseline_plan_name == "Plan 1"


def test_delete_the_only_plan_is_refused(make_grid_project):
    p = make_grid_project(2, 2, ["AB", "AB"])
    with pytest.raises(EditError, match="only plan"):
        p.apply(DeletePlan("Plan 1"))
    assert list(p.plans) == ["Plan 1"]


def test_delete_the_active_plan_switches_to_the_baseline_and_undo_restores(project):
    before = roles(project)
    op = project.apply(DeletePlan("Plan 2"))
    assert list(project.plans) == ["Plan 1", "Plan 3"]
    assert project.active_plan_name == "Plan 1"
    assert project.metrics.plan is project.plans["Plan 1"]
    op.undo(project)
    assert roles(project) == before
    assert project.metrics.plan is project.plans["Plan 2"]


def test_delete_the_baseline_clears_it_and_undo_restores(project):
    op = project.apply(DeletePlan("Plan 1"))
    assert project.baseline_plan_name is None and project.active_plan_name == "Plan 2"
    op.undo(project)
    assert roles(project) == (["Plan 1", "Plan 2", "Plan 3"], "Plan 2", "Plan 1")


def test_delete_active_without_baseline_takes_the_next_plan(project):
    project.baseline_plan_name = None
    project.apply(DeletePlan("Plan 2"))
    assert project.active_plan_name == "Plan 3"


def test_set_baseline_and_undo(project):
    op = project.apply(SetBaselinePlan("Plan 3"))
    assert project.baseline_plan_name == "Plan 3"
    op.undo(project)
    assert project.baseline_plan_name == "Plan 1"
    with pytest.raises(EditError):
        project.apply(SetBaselinePlan("Nope"))


def test_free_plan_name(project):
    assert free_plan_name(project, "Plan 1") == "Plan 1 (2)"
    assert free_plan_name(project, "Fresh") == "Fresh"

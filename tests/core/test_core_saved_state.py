"""Dirty tracking in the core: an exact undo back to the saved content is not a change."""

from __future__ import annotations

from territory_designer.core.operations import AssignUnits, UpdateTerritory


def test_restoring_the_saved_state_clears_dirty_and_any_other_change_sets_it(
    grid_project, tmp_path
) -> None:
    project = grid_project
    project.apply(UpdateTerritory(0, name="North"))
    project.mark_saved(tmp_path / "grid.tdproj")
    saved = project.state
    assert not project.is_dirty
    op = project.apply(AssignUnits([0, 1], 1))
    assert project.is_dirty
    op.undo(project)
    assert project.is_dirty  # the core alone cannot know the undo was exact...
    project.restore_state(saved)  # ...the undo history says so
    assert not project.is_dirty and project.state == saved
    project.set_balance_field("revenue")  # a change outside the history
    assert project.is_dirty

"""Autosave recovery copies: written beside nothing the user owns, listed, loaded, discarded."""

from __future__ import annotations

import json
import os
from pathlib import Path

from td_factories import snapshot

from territory_designer.core.operations import AssignUnits
from territory_designer.core.project import Project
from territory_designer.io.project_file import save_project
from territory_designer.io.recovery import (
    discard_recovery,
    list_recoveries,
    load_recovery,
    recovery_dir,
    recovery_path_for,
    write_recovery,
)


def test_recovery_folder_comes_from_the_environment(tmp_path: Path) -> None:
    assert recovery_dir() == Path(os.environ["TD_RECOVERY_DIR"])
    assert recovery_dir().is_relative_to(tmp_path)  # conftest isolates every test
    assert list_recoveries() == []


def test_write_list_load_discard(grid_project: Project, tmp_path: Path) -> None:
    original = save_project(grid_project, tmp_path / "work.tdproj")
    saved_bytes = original.read_bytes()
    grid_project.apply(AssignUnits([0, 1, 2], 0))
    copy_path = write_recovery(grid_project)
    assert copy_path.parent == recovery_dir()
    assert copy_path == recovery_path_for(grid_project)
    assert grid_project.is_dirty  # a recovery copy is not a save
    assert original.read_bytes() == saved_bytes  # the user's file is left alone

    (entry,) = list_recoveries()
    assert entry.project_file == copy_path
    assert entry.original == original
    assert entry.title == "work.tdproj"
    assert entry.saved_at > 0

    recovered = load_recovery(entry)
    assert snapshot(recovered) == snapshot(grid_project)
    assert recovered.path == original
    assert recovered.is_dirty  # the user still has to save it

    discard_recovery(entry)
    assert list_recoveries() == []
    assert not copy_path.exists()
    assert not copy_path.with_suffix(".json").exists()


def test_newer_copy_overwrites_the_previous_one(grid_project: Project, tmp_path: Path) -> None:
    save_project(grid_project, tmp_path / "p.tdproj")
    write_recovery(grid_project)
    grid_project.apply(AssignUnits([5], 1))
    write_recovery(grid_project)
    (entry,) = list_recoveries()
    assert load_recovery(entry).plan.assignment[5] == 1
    discard_recovery(grid_project)  # by project, as after a clean save
    assert list_recoveries() == []


def test_untitled_projects_and_newest_first(make_grid_project) -> None:
    first = make_grid_project(2, 2, ["AB", "AB"])
    second = make_grid_project(2, 3, ["ABB", "ABB"])
    write_recovery(first)
    write_recovery(second)
    entries = list_recoveries()
    assert len(entries) == 2
    assert all(e.original is None and e.title == "Untitled project" for e in entries)
    assert entries[0].saved_at >= entries[1].saved_at
    assert len(load_recovery(entries[0]).units) == 6


def test_incomplete_or_broken_entries_are_skipped(grid_project: Project) -> None:
    folder = recovery_dir()
    (folder / "orphan.json").write_text(json.dumps({"original": None, "saved_at": 1}))
    (folder / "garbage.tdproj").write_text("x")
    (folder / "garbage.json").write_text("{not json")
    write_recovery(grid_project)
    (entry,) = list_recoveries()
    assert entry.title == "Untitled project"

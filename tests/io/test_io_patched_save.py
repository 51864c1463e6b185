"""Saving only what changed, and reading a project without its polygons (issue 17).

A project read from a file and saved with the same units, adjacency and accounts is
written as a copy of the file with its plans rewritten; a lazily read project reads its
polygons from the file only when used. Either way the file read back holds exactly what
a full save holds.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from td_factories import build_grid_project, snapshot

from territory_designer.core.errors import ProjectFileError
from territory_designer.core.operations import AddPlan, AssignUnits, UpdateTerritory
from territory_designer.core.plan_operations import DeletePlan
from territory_designer.core.project import Project
from territory_designer.io import project_write
from territory_designer.io.project_file import load_project, save_project


def saved_grid(tmp_path: Path) -> Path:
    project = build_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."], plans=2)
    path = tmp_path / "grid.tdproj"
    save_project(project, path)
    return path


def edit(project: Project) -> None:
    """Plan edits only: assignments, a territory's name and owner, a new plan."""
    project.apply(AssignUnits([0, 1, 6], 2))
    project.apply(UpdateTerritory(1, name="Renamed", owner="Zoë"))
    project.apply(AddPlan("Scenario 3", copy_of="Plan 1"))


def patch_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    calls: list[bool] = []
    real = project_write.patch_project_tables

    def spy(*args: object) -> bool:
        calls.append(real(*args))
        return calls[-1]

    monkeypatch.setattr("territory_designer.io.project_file.patch_project_tables", spy)
    return calls


def units_columns(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT territory_id, territory, owner FROM units ORDER BY fid"
        ).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("lazy", [False, True])
def test_patched_save_reads_back_as_a_full_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lazy: bool
) -> None:
    path = saved_grid(tmp_path)
    calls = patch_calls(monkeypatch)
    project = load_project(path, lazy=lazy)
    edit(project)
    save_project(project, tmp_path / "patched.tdproj")
    assert calls == [True]
    assert project.units.geometry_loaded is not lazy  # the build path never read them

    full = load_project(path)
    edit(full)
    monkeypatch.setattr(project_write, "patch_project_tables", lambda *a: False)
    monkeypatch.setattr("territory_designer.io.project_file.patch_project_tables", lambda *a: False)
    save_project(full, tmp_path / "full.tdproj")
    patched, whole = (
        load_project(tmp_path / "patched.tdproj"),
        load_project(tmp_path / "full.tdproj"),
    )
    assert snapshot(patched) == snapshot(whole)
    # QGIS styles the units by the active plan's columns: rewritten in place.
    assert units_columns(tmp_path / "patched.tdproj") == units_columns(tmp_path / "full.tdproj")
    assert ("T02", "Renamed", "Zoë") in units_columns(tmp_path / "patched.tdproj")
    layers = {name for name, _ in pyogrio.list_layers(tmp_path / "patched.tdproj")}
    assert {"units", "accounts", "territories"} <= layers


def test_removed_plan_leaves_no_rows_and_kept_plans_keep_theirs(tmp_path: Path) -> None:
    path = saved_grid(tmp_path)
    project = load_project(path, lazy=True)
    project.apply(DeletePlan("Plan 2"))
    save_project(project, path)
    con = sqlite3.connect(path)
    try:
        plans = con.execute("SELECT plan, count(*) FROM td_assignments GROUP BY plan").fetchall()
    finally:
        con.close()
    assert plans == [("Plan 1", 24)]
    again = load_project(path, lazy=True)
    assert list(again.plans) == ["Plan 1"]
    # Saved twice in place: still a patch, still readable, polygons read on demand.
    again.apply(AssignUnits([23], 0))
    save_project(again, path)
    third = load_project(path, lazy=True)
    assert third.plan.assignment[23] == 0
    assert len(third.units.geometry) == 24


def test_edited_attributes_or_changed_file_mean_a_full_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved_grid(tmp_path)
    calls = patch_calls(monkeypatch)
    project = load_project(path)
    project.set_unit_field("revenue", np.arange(24.0))
    save_project(project, tmp_path / "a.tdproj")
    assert calls == [False]
    assert load_project(tmp_path / "a.tdproj").units.attributes["revenue"].tolist() == list(
        np.arange(24.0)
    )
    # Saving where it was read from after someone else changed the file is refused
    # anyway; saving elsewhere copies nothing from the changed file.
    other = load_project(path)
    save_project(load_project(path), path)
    save_project(other, tmp_path / "b.tdproj")
    assert calls[-1] is False


def test_lazy_polygons_refuse_a_file_changed_since(tmp_path: Path) -> None:
    path = saved_grid(tmp_path)
    project = load_project(path, lazy=True)
    save_project(load_project(path), path)  # another writer
    with pytest.raises(ProjectFileError, match="changed on disk"):
        project.units.geometry  # noqa: B018


def test_figures_cache_is_ignored_when_the_layer_changed(tmp_path: Path) -> None:
    path = saved_grid(tmp_path)
    project = load_project(path)
    con = sqlite3.connect(path)
    try:
        # As a GIS editing the layer does: the layer's last change moves on.
        con.execute(
            "UPDATE gpkg_contents SET last_change = '2030-01-01T00:00:00.000Z'"
            " WHERE table_name = 'units'"
        )
        con.commit()
        assert project_write.read_unit_figures(con, 24) is None
    finally:
        con.close()
    lazy = load_project(path, lazy=True)
    assert lazy.units.geometry_loaded  # no valid cache: read at once
    np.testing.assert_allclose(lazy.units.area, project.units.area)
    np.testing.assert_allclose(lazy.units.perimeter, project.units.perimeter)

"""The .tdproj file: complete round trips, a GeoPackage QGIS can open, atomic saves."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
from td_factories import build_grid_project, snapshot

from territory_designer.core.errors import ProjectFileError
from territory_designer.core.operations import (
    AddPlan,
    AddTerritory,
    AssignUnits,
    SetUnitsLocked,
    UpdateTerritory,
)
from territory_designer.core.plan import Territory
from territory_designer.core.project import Project
from territory_designer.io import project_write
from territory_designer.io.project_file import load_project, save_project


def edited_grid_project() -> Project:
    """A grid project exercising every saved property."""
    project = build_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."], plans=2)
    project.baseline_plan_name = "Plan 1"
    project.set_active_plan("Plan 2")
    project.apply(UpdateTerritory(0, home_base=(100_500.0, 203_500.0), target=9.5, parent="North"))
    project.apply(UpdateTerritory(1, locked=True, owner="Zoë Ünicode", name='Bête, "B"'))
    project.apply(AddTerritory(Territory("T09", "Empty one", "#010203")))
    project.apply(AssignUnits([0, 1], 2))
    project.apply(SetUnitsLocked([3, 4, 23], True))
    project.plan.account_overrides["A001"] = 2
    project.apply(AddPlan("Scenario 3", copy_of="Plan 2"))
    project.apply(AssignUnits([5, 11], 0))
    project.set_active_plan("Plan 2")
    project.set_balance_field("population")
    project.settings["note"] = {"nested": [1, 2, "three"]}
    return project


def test_grid_round_trip_keeps_everything(tmp_path: Path) -> None:
    project = edited_grid_project()
    path = save_project(project, tmp_path / "grid.tdproj")
    assert not project.is_dirty
    assert project.path == path
    loaded = load_project(path)
    assert snapshot(loaded) == snapshot(project)
    assert loaded.active_plan_name == "Plan 2"
    assert loaded.baseline_plan_name == "Plan 1"
    assert loaded.balance_field == "population"
    assert loaded.path == path
    assert not loaded.is_dirty
    t1 = loaded.plans["Plan 2"].territories[1]
    assert (t1.locked, t1.owner, t1.name) == (True, "Zoë Ünicode", 'Bête, "B"')
    t0 = loaded.plans["Plan 2"].territories[0]
    assert (t0.home_base, t0.target, t0.parent) == ((100_500.0, 203_500.0), 9.5, "North")
    assert loaded.units.ids[7] == "0007"
    pd.testing.assert_frame_equal(loaded.territory_table(), project.territory_table())


def test_demo_round_trip(demo_project: Project, tmp_path: Path) -> None:
    demo_project.apply(UpdateTerritory(3, locked=True, target=500_000.0))
    demo_project.apply(SetUnitsLocked([0, 5], True))
    path = save_project(demo_project, tmp_path / "demo.tdproj")
    loaded = load_project(path)
    assert snapshot(loaded) == snapshot(demo_project)
    assert len(loaded.accounts) == len(demo_project.accounts) > 1000
    assert list(loaded.plans) == ["Baseline 2026", "Working draft"]
    assert loaded.units_moved_vs_baseline() == 0
    pd.testing.assert_frame_equal(loaded.territory_table(), demo_project.territory_table())
    assert loaded.summary() == demo_project.summary()
    for k in range(2):  # display geometry is stored, not recomputed
        assert np.array_equal(
            [g.wkb for g in loaded.units.lod[k]], [g.wkb for g in demo_project.units.lod[k]]
        )


def test_file_is_a_geopackage_with_named_layers(demo_project: Project, tmp_path: Path) -> None:
    demo_project.set_active_plan("Baseline 2026")
    demo_project.apply(AssignUnits([0, 1, 2], 5))
    path = save_project(demo_project, tmp_path / "demo.tdproj")
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers["units"] in ("MultiPolygon", "Polygon")
    assert layers["accounts"] == "Point"
    assert layers["territories"] == "Point"
    units = pyogrio.read_dataframe(path, layer="units")
    assert units["unit_id"].tolist() == list(demo_project.units.ids)
    assert units["territory_id"].tolist() == list(
        demo_project.plans["Baseline 2026"].territory_ids()
    )
    assert units["territory_id"].iloc[0] == demo_project.plan.territories[5].id
    names = {t.id: t.name for t in demo_project.plan.territories.values()}
    assert units["territory"].tolist() == [names.get(t, "") for t in units["territory_id"]]
    territories = pyogrio.read_dataframe(path, layer="territories")
    assert set(territories["plan"]) == {"Baseline 2026", "Working draft"}
    assert len(pyogrio.read_dataframe(path, layer="accounts")) == len(demo_project.accounts)


def test_unassigned_units_and_empty_plan_round_trip(tmp_path: Path) -> None:
    project = build_grid_project(3, 3, None)
    loaded = load_project(save_project(project, tmp_path / "empty.tdproj"))
    assert snapshot(loaded) == snapshot(project)
    assert loaded.summary().unassigned_units == 9


def _no_temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("error", [OSError("disk full"), RuntimeError("bug in a writer")])
def test_failed_save_leaves_old_file_untouched(
    grid_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    path = save_project(grid_project, tmp_path / "p.tdproj")
    old = path.read_bytes()
    grid_project.apply(AssignUnits([0, 1, 2], 0))

    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(project_write, "_write_territories", broken)  # midway: units written
    with pytest.raises((ProjectFileError, type(error))) as info:
        save_project(grid_project, path)
    if isinstance(error, OSError):
        assert info.type is ProjectFileError
        assert str(path) in str(info.value)
    assert path.read_bytes() == old
    assert _no_temp_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.tdproj"]
    assert grid_project.is_dirty  # still unsaved


def test_save_into_missing_folder_is_a_clear_error(grid_project: Project, tmp_path: Path) -> None:
    target = tmp_path / "nope" / "p.tdproj"
    with pytest.raises(ProjectFileError, match="does not exist"):
        save_project(grid_project, target)


def test_save_over_itself_after_load(demo_project_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.tdproj"
    shutil.copy(demo_project_file, path)
    project = load_project(path)
    project.apply(AssignUnits([10, 11], 0))
    expected = snapshot(project)
    save_project(project, path)
    assert snapshot(load_project(path)) == expected
    assert _no_temp_files(tmp_path) == []


def test_recovery_copy_does_not_mark_saved(grid_project: Project, tmp_path: Path) -> None:
    grid_project.apply(AssignUnits([0], 1))
    save_project(grid_project, tmp_path / "r.tdproj", mark_saved=False)
    assert grid_project.is_dirty
    assert grid_project.path is None
    assert snapshot(load_project(tmp_path / "r.tdproj")) == snapshot(copy.deepcopy(grid_project))


def test_imported_transactions_survive_save_and_load(tmp_path, grid_project):
    """Order lines kept by an aggregated import are stored in td_transactions."""
    import pandas as pd

    from territory_designer.io.project_file import load_project, save_project

    grid_project.transactions = pd.DataFrame(
        {"account_id": ["A1", "A1", "B2"], "amount": [10.5, 20.0, 7.25], "order": ["x", "y", "z"]}
    )
    path = save_project(grid_project, tmp_path / "t.tdproj")
    back = load_project(path)
    assert back.transactions is not None
    assert back.transactions["amount"].tolist() == [10.5, 20.0, 7.25]
    assert back.transactions["account_id"].tolist() == ["A1", "A1", "B2"]

"""Two writers on one project file: the lock, the stamp of what was read, stale locks.

Before these guards two sessions that opened the same file both reported "saved" and the
second silently replaced the first one's plan.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from territory_designer.core.operations import UpdateTerritory
from territory_designer.core.project import Project
from territory_designer.io.file_stamp import ProjectChangedError
from territory_designer.io.project_file import load_project, save_project
from territory_designer.io.project_lock import (
    ProjectLockedError,
    acquire_lock,
    current_user,
    lock_holder,
    lock_path_for,
)
from territory_designer.io.recovery import list_recoveries, load_recovery, write_recovery
from territory_designer.io.units_import import add_units

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project_file(grid_project: Project, tmp_path: Path) -> Path:
    path = tmp_path / "plan.tdproj"
    save_project(grid_project, path)
    return path


def rename_first(project: Project, name: str) -> None:
    project.apply(UpdateTerritory(sorted(project.plan.territories)[0], name=name))


def first_name(path: Path) -> str:
    project = load_project(path)
    return project.plan.territories[sorted(project.plan.territories)[0]].name


def test_second_session_cannot_overwrite_the_first_ones_save(project_file: Path) -> None:
    alice, bob = load_project(project_file), load_project(project_file)
    rename_first(alice, "Alice's plan")
    save_project(alice, project_file)
    rename_first(bob, "Bob's plan")
    with pytest.raises(ProjectChangedError, match="changed on disk .*not overwritten"):
        save_project(bob, project_file)
    assert first_name(project_file) == "Alice's plan"
    # Bob keeps his work under another name; both plans exist.
    save_project(bob, project_file.with_name("bob.tdproj"))
    assert first_name(project_file.with_name("bob.tdproj")) == "Bob's plan"


def test_the_message_names_who_saved_in_between(project_file: Path) -> None:
    alice, bob = load_project(project_file), load_project(project_file)
    save_project(alice, project_file)
    with pytest.raises(ProjectChangedError) as info:
        save_project(bob, project_file)
    assert f"{current_user()}@{socket.gethostname()} (process {os.getpid()})" in str(info.value)


def test_saving_again_after_ones_own_save_is_no_conflict(project_file: Path) -> None:
    project = load_project(project_file)
    for name in ("first", "second", "third"):
        rename_first(project, name)
        save_project(project, project_file)
    assert first_name(project_file) == "third"


@pytest.mark.parametrize("copy", [shutil.copy, shutil.copy2], ids=["copy", "copy-keeping-time"])
def test_a_file_copied_over_the_project_is_not_overwritten(
    project_file: Path, grid_project: Project, tmp_path: Path, copy: object
) -> None:
    session = load_project(project_file)
    other = tmp_path / "other.tdproj"
    rename_first(grid_project, "Copied in")
    save_project(grid_project, other)
    copy(other, project_file)  # type: ignore[operator]
    before = project_file.read_bytes()
    rename_first(session, "Session edit")
    with pytest.raises(ProjectChangedError):
        save_project(session, project_file)
    assert project_file.read_bytes() == before


def test_an_edit_by_a_tool_that_ignores_the_lock_is_not_overwritten(project_file: Path) -> None:
    session = load_project(project_file)
    time.sleep(0.01)  # a later modification time than the read
    # A GIS tool editing the layer in place (GDAL, as QGIS does): one more home base.
    extra = pyogrio.read_dataframe(project_file, layer="territories").iloc[:1]
    pyogrio.write_dataframe(extra, project_file, layer="territories", driver="GPKG", append=True)
    edited = project_file.read_bytes()
    with pytest.raises(ProjectChangedError):
        save_project(session, project_file)
    assert project_file.read_bytes() == edited


def test_a_deleted_file_is_simply_written_again(project_file: Path) -> None:
    session = load_project(project_file)
    project_file.unlink()
    save_project(session, project_file)
    assert project_file.exists()


def test_a_locked_project_is_refused_and_names_the_holder(project_file: Path) -> None:
    before = project_file.read_bytes()
    with acquire_lock(project_file, "Territory Designer window") as lock:
        session = load_project(project_file)
        with pytest.raises(ProjectLockedError) as info:
            save_project(session, project_file)
        message = str(info.value)
        assert current_user() in message and socket.gethostname() in message
        assert f"process {os.getpid()}" in message and lock.holder.since in message
        assert "Territory Designer window" in message
        with pytest.raises(ProjectLockedError):
            acquire_lock(project_file, "main.py build")
        save_project(session, project_file, lock=lock)  # the holder itself may save
    assert project_file.read_bytes() != before
    assert not lock_path_for(project_file).exists()


def _lock_from_a_process_that_died(path: Path) -> int:
    """Take the lock in a child process that ends without releasing it; its pid."""
    code = (
        "import os, sys\n"
        "from territory_designer.io.project_lock import acquire_lock\n"
        "acquire_lock(sys.argv[1], 'Territory Designer window')\n"
        "print(os.getpid(), flush=True)\n"
        "os._exit(0)\n"  # a crash: no release, no atexit
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return int(res.stdout)


def test_a_lock_left_by_a_dead_process_is_taken_over_with_a_note(project_file: Path) -> None:
    pid = _lock_from_a_process_that_died(project_file)
    assert json.loads(lock_path_for(project_file).read_text())["pid"] == pid
    assert lock_holder(project_file) is None  # stale: nobody holds it
    with acquire_lock(project_file, "main.py build") as lock:
        assert lock.note and f"process {pid}" in lock.note and "ended" in lock.note
        assert json.loads(lock_path_for(project_file).read_text())["pid"] == os.getpid()


def test_a_lock_from_another_host_is_respected(project_file: Path) -> None:
    lock_path_for(project_file).write_text(
        json.dumps(
            {
                "user": "ana",
                "host": "laptop-elsewhere",
                "pid": 999999,
                "program": "Territory Designer window",
                "since": "2026-11-30 09:15",
            }
        )
    )
    with pytest.raises(ProjectLockedError, match="ana on laptop-elsewhere .* since 2026-11-30"):
        save_project(load_project(project_file), project_file)


def test_an_unreadable_lock_is_respected_while_fresh_and_cleared_when_old(
    project_file: Path,
) -> None:
    junk = lock_path_for(project_file)
    junk.write_text("")  # another process between creating and writing it, or a crash
    with pytest.raises(ProjectLockedError, match="unreadable"):
        acquire_lock(project_file)
    old = time.time() - 60
    os.utime(junk, (old, old))
    with acquire_lock(project_file) as lock:
        assert lock.note and "unreadable" in lock.note


def test_recovered_work_does_not_overwrite_a_version_saved_after_the_crash(
    project_file: Path,
) -> None:
    crashed = load_project(project_file)
    rename_first(crashed, "Unsaved at the crash")
    write_recovery(crashed.snapshot())
    colleague = load_project(project_file)
    rename_first(colleague, "Saved after the crash")
    save_project(colleague, project_file)
    (entry,) = list_recoveries()
    recovered = load_recovery(entry)
    with pytest.raises(ProjectChangedError):
        save_project(recovered, project_file)
    assert first_name(project_file) == "Saved after the crash"
    save_project(recovered, project_file.with_name("recovered.tdproj"))
    assert first_name(project_file.with_name("recovered.tdproj")) == "Unsaved at the crash"


def test_recovered_work_saves_over_an_unchanged_original(project_file: Path) -> None:
    crashed = load_project(project_file)
    rename_first(crashed, "Unsaved at the crash")
    write_recovery(crashed.snapshot())
    recovered = load_recovery(list_recoveries()[0])
    save_project(recovered, project_file)
    assert first_name(project_file) == "Unsaved at the crash"


def test_adding_units_keeps_the_guard_against_a_change_on_disk(
    project_file: Path, tmp_path: Path
) -> None:
    session = load_project(project_file)
    colleague = load_project(project_file)
    rename_first(colleague, "Saved meanwhile")
    save_project(colleague, project_file)
    boxes = [shapely.box(106_000 + k * 1000, 200_000, 107_000 + k * 1000, 201_000) for k in (0, 1)]
    layer = gpd.GeoDataFrame({"code": ["N1", "N2"]}, geometry=boxes, crs="EPSG:3857")
    layer.to_file(tmp_path / "extra.gpkg")
    extended, _ = add_units(session, tmp_path / "extra.gpkg", "code")
    with pytest.raises(ProjectChangedError):
        save_project(extended, project_file)
    assert first_name(project_file) == "Saved meanwhile"

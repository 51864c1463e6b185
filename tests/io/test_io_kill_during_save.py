"""A process killed (SIGKILL) in the middle of a save leaves the previous file intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from td_factories import build_grid_project

from territory_designer.io.project_file import load_project, save_project

TESTS_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = TESTS_DIR.parent
N = 150  # 22,500 units: a save takes a good fraction of a second

CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{tests!r}, {repo!r}]
    import numpy as np
    from td_factories import build_grid_project
    from territory_designer.io.project_file import save_project

    project = build_grid_project({n}, {n}, np.arange({n} * {n}) % 7)
    project.settings["writer"] = "child"
    print("ready", flush=True)
    while True:
        save_project(project, {target!r})
        print("saved", flush=True)
    """
)


def _fingerprint(path: Path) -> tuple:
    project = load_project(path)  # must open cleanly whatever happened
    return (
        len(project.units),
        project.settings.get("writer"),
        project.plan.assignment.tolist(),
        sorted(t.name for t in project.plan.territories.values()),
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_mid_save_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "big.tdproj"
    old = build_grid_project(N, N, np.arange(N * N) % 5)
    old.settings["writer"] = "parent"
    save_project(old, target)
    old_bytes = target.read_bytes()
    old_fp = _fingerprint(target)

    kills_before_first_save = 0
    for delay in (0.0, 0.05, 0.15):
        out = tmp_path / f"child-{delay}.log"
        script = CHILD.format(tests=str(TESTS_DIR), repo=str(REPO_ROOT), n=N, target=str(target))
        with open(out, "w") as log:
            child = subprocess.Popen([sys.executable, "-c", script], stdout=log, cwd=tmp_path)
        temp = target.with_name(f".{target.name}.saving-{child.pid}")
        try:
            deadline = time.monotonic() + 120
            while not temp.exists():
                assert child.poll() is None, f"child exited early: {out.read_text()}"
                assert time.monotonic() < deadline, "the child never started saving"
                time.sleep(0.001)
            time.sleep(delay)
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(timeout=30) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        completed = out.read_text().count("saved")
        if completed == 0 and target.read_bytes() == old_bytes:
            kills_before_first_save += 1
        fp = _fingerprint(target)
        if completed == 0:
            # Killed during its first save: the file is exactly what was there before.
            assert target.read_bytes() == old_bytes
            assert fp == old_fp
        else:  # a later save was interrupted: the last complete save is on disk
            assert fp[1] == "child"
        temp.unlink(missing_ok=True)  # the dead process's partial file
        for suffix in ("-journal", "-wal", "-shm"):
            Path(f"{temp}{suffix}").unlink(missing_ok=True)
        if completed:
            save_project(old, target)  # start the next round from the old content
            old_bytes = target.read_bytes()
    assert kills_before_first_save >= 1, "no kill landed in the middle of the first save"


def test_next_save_removes_temp_file_left_by_a_dead_save(tmp_path, grid_project):
    """A killed save leaves a hidden temp file; the next save cleans it up."""
    from territory_designer.io.project_file import save_project

    target = tmp_path / "plan.tdproj"
    save_project(grid_project, target)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = target.with_name(f".{target.name}.saving-{dead.pid}")
    leftover.write_bytes(b"half a file")
    save_project(grid_project, target)
    assert not leftover.exists()
    assert target.exists()

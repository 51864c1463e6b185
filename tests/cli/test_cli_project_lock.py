"""The command line against a project a window has open (the window holds its lock).

Before the lock a ``build`` while the window had the project open saved its plan, and the
window's next save silently replaced it (or the other way round).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from territory_designer.app import create_main_window
from territory_designer.io.project_lock import current_user, lock_path_for
from territory_designer.ui.dialogs.prompts import ScriptedPrompts

ROOT = Path(__file__).resolve().parents[2]


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *argv],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.fixture
def project_file(demo_project_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "nc.tdproj"
    shutil.copy(demo_project_file, path)
    return path


@pytest.fixture
def open_window(qtbot, project_file: Path):
    window = create_main_window(str(project_file), ScriptedPrompts(), offer_recovery=False)
    qtbot.addWidget(window)
    assert window.files.lock is not None and not window.files.read_only
    return window


@pytest.mark.parametrize(
    "argv", [["build", "--territories", "5"], ["rebalance", "--max-moves", "5"]]
)
def test_cli_refuses_a_project_open_in_a_window(
    open_window, project_file: Path, argv: list[str]
) -> None:
    before = project_file.read_bytes()
    res = cli(argv[0], str(project_file), *argv[1:])
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    err = res.stderr
    assert err.startswith(f"error: {project_file} is open for writing by {current_user()}")
    assert f"Territory Designer window, process {os.getpid()}" in err
    assert "--out" in err
    assert project_file.read_bytes() == before
    assert open_window.files.save(wait=True)  # the window's own save still works


def test_cli_new_project_over_a_file_open_in_a_window_is_refused(
    open_window, project_file: Path
) -> None:
    before = project_file.read_bytes()
    res = cli("demo", "--out", str(project_file))
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "is open for writing by" in res.stderr
    assert project_file.read_bytes() == before


def test_cli_writes_elsewhere_or_reads_while_the_window_holds_the_file(
    open_window, project_file: Path
) -> None:
    before = project_file.read_bytes()
    other = project_file.with_name("variant.tdproj")
    res = cli("build", str(project_file), "--territories", "5", "--out", str(other))
    assert res.returncode == 0, res.stderr
    assert other.exists() and not lock_path_for(other).exists()
    assert cli("info", str(project_file)).returncode == 0
    assert project_file.read_bytes() == before


def test_cli_saves_once_the_window_is_closed(open_window, project_file: Path) -> None:
    open_window.close()
    assert not lock_path_for(project_file).exists()
    res = cli("build", str(project_file), "--territories", "5", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["saved_to"] == str(project_file)


def test_cli_takes_over_a_lock_whose_process_died(project_file: Path) -> None:
    code = (
        "import os, sys\n"
        "from territory_designer.io.project_lock import acquire_lock\n"
        "acquire_lock(sys.argv[1], 'Territory Designer window')\n"
        "print(os.getpid(), flush=True)\n"
        "os._exit(0)\n"
    )
    dead = subprocess.run(
        [sys.executable, "-c", code, str(project_file)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    pid = int(dead.stdout)
    res = cli("build", str(project_file), "--territories", "5")
    assert res.returncode == 0, res.stderr
    assert res.stderr.startswith("note: Took over the lock on nc.tdproj left by")
    assert f"process {pid}" in res.stderr
    assert not lock_path_for(project_file).exists()

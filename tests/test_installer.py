"""installer/dev.py: the one-command set-up, checked with --dry-run (nothing is installed)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parents[1] / "installer" / "dev.py"


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("td_dev", DEV)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dry(*args: str, venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(DEV), "--dry-run", "--venv", str(venv), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_fresh_machine_creates_installs_and_runs(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    result = _dry("run", "--demo", "x.tdproj", venv=venv)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "-m venv" in out and str(venv) in out
    assert "pip install" in out and ".[test]" in out
    assert "main.py --demo x.tdproj" in out
    assert not venv.exists()  # a dry run changes nothing


def test_test_command_passes_pytest_arguments_through(tmp_path: Path) -> None:
    result = _dry("test", "-q", "-k", "a and not b", "tests/core", venv=tmp_path / "v")
    assert result.returncode == 0, result.stderr
    assert "-m pytest -q -k 'a and not b' tests/core" in result.stdout


def test_up_to_date_environment_is_reused(dev, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    python = dev.venv_python(venv)
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)
    assert dev.plan_setup(venv) == ["install"]  # no stamp yet
    (venv / dev.STAMP_NAME).write_text(dev.deps_hash() + "\n")
    assert dev.plan_setup(venv) == []
    assert dev.plan_setup(venv, reinstall=True) == ["install"]
    (venv / dev.STAMP_NAME).write_text("old pyproject\n")
    assert dev.plan_setup(venv) == ["install"]


def test_broken_environment_is_recreated(dev, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    python = dev.venv_python(venv)
    python.parent.mkdir(parents=True)
    python.symlink_to(tmp_path / "gone" / "python3")  # base interpreter removed
    (venv / dev.STAMP_NAME).write_text(dev.deps_hash() + "\n")
    assert dev.plan_setup(venv) == ["create", "install"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX layout check")
def test_windows_layout_is_recognised(dev, tmp_path: Path) -> None:
    (tmp_path / "Scripts").mkdir()
    (tmp_path / "Scripts" / "python.exe").touch()
    assert dev.venv_python(tmp_path) == tmp_path / "Scripts" / "python.exe"
    assert dev.venv_python(tmp_path / "other") == tmp_path / "other" / "bin" / "python"


def test_unknown_command_is_an_error(tmp_path: Path) -> None:
    result = _dry("deploy", venv=tmp_path / "v")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_missing_x11_libraries_are_named_with_their_packages(dev, monkeypatch, capsys, tmp_path):
    """On a desktop without libxcb-cursor0 etc. `run` says what to install (or installs it)."""
    plugin = tmp_path / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(b"")

    def fake_run(cmd, **kwargs):
        out = ""
        if cmd[:2] == ["ldconfig", "-p"]:
            out = "\tlibxcb-image.so.0 (libc6,x86-64) => /usr/lib/libxcb-image.so.0\n"
        elif cmd[0].endswith("python"):
            out = str(tmp_path / "PySide6") + "\n"
        elif cmd[0] == "ldd":
            out = "\tlibxcb-icccm.so.4 => not found\n\tlibc.so.6 => /lib/libc.so.6\n"
        return subprocess.CompletedProcess(cmd, 0, out, "")

    monkeypatch.setattr(dev.subprocess, "run", fake_run)
    monkeypatch.setattr(dev.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    missing = dev.missing_display_libraries(Path("/venv/bin/python"))
    assert "libxcb-cursor.so.0" in missing and "libxcb-icccm.so.4" in missing
    assert "libxcb-image.so.0" not in missing
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)  # not root: only tell
    dev.ensure_display_libraries(Path("/venv/bin/python"), dry_run=False)
    out = capsys.readouterr().out
    assert "sudo apt-get install" in out and "libxcb-cursor0" in out and "libxcb-icccm4" in out


def test_headless_runs_need_no_x11_libraries(dev, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert dev.missing_display_libraries(Path("/venv/bin/python")) == []

"""``main.py --selftest``: the end-to-end check an installed copy runs on itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from territory_designer import cli
from territory_designer.ui import selftest

ISOLATED = ("QT_QPA_PLATFORM", "TD_SETTINGS_DIR", "TD_CACHE_DIR", "TD_RECOVERY_DIR")


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The self-test rewrites these variables; restore them after the test."""
    for name in ISOLATED:
        monkeypatch.setenv(name, str(tmp_path / "unused"))
    return tmp_path


def test_selftest_passes_and_leaves_every_export(
    qapp, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keep = isolated_env / "run"
    assert cli.main(["--selftest", "--keep", str(keep)]) == 0
    out = capsys.readouterr().out
    assert "self-test passed" in out
    assert "FAIL" not in out
    for name, _ in selftest.STEPS:
        assert f"ok   {name}" in out
    exports = keep / "exports"
    for name in ("excel", "pdf", "html", "gpkg"):
        assert any(p.name.startswith(f"report-{name}") for p in exports.iterdir()), name
    assert (exports / "shp").is_dir()
    assert (keep / "window.png").stat().st_size > 10_000  # a rendered window, not a blank
    assert (keep / "selftest.tdproj").is_file()
    # settings, caches and autosaves went into the run's folder, not the user's
    assert (keep / "settings").is_dir() and (keep / "cache").is_dir()


def test_a_failing_step_fails_the_run_and_is_named(
    qapp, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(run: selftest.SelftestRun) -> str:
        raise selftest.SelftestError("the gazetteer is missing")

    monkeypatch.setattr(
        selftest,
        "STEPS",
        (
            ("open demo", selftest.step_open_demo),
            ("locate", broken),
            ("close", selftest.step_close),
        ),
    )
    lines: list[str] = []
    assert selftest.run_selftest(str(isolated_env / "run"), out=lines.append) == 1
    assert "FAIL locate: SelftestError: the gazetteer is missing" in lines
    assert lines[-1].startswith("self-test FAILED (locate)")
    assert any(line.startswith("ok   close") for line in lines)  # later steps still ran


def test_any_attempt_to_go_online_fails_the_run(
    qapp, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import contextlib
    import socket
    import sys

    def phones_home(run: selftest.SelftestRun) -> str:
        # The audit events socket.getaddrinfo / socket.connect raise, as a real lookup or
        # connection would (the tests' own network guard never sees a real socket here).
        for event, args in (
            ("socket.getaddrinfo", ("tiles.example.com", 443, 0, 0, 0)),
            ("socket.getaddrinfo", ("localhost", 80, 0, 0, 0)),  # loopback is allowed
        ):
            # code that swallows the failure must not hide the attempt
            with contextlib.suppress(ConnectionRefusedError):
                sys.audit(event, *args)
        with socket.socket() as sock:
            with pytest.raises(ConnectionRefusedError):
                sys.audit("socket.connect", sock, ("93.184.216.34", 80))
            sys.audit("socket.connect", sock, ("127.0.0.1", 80))
        return "done"

    monkeypatch.setattr(selftest, "STEPS", (("fetch tiles", phones_home),))
    lines: list[str] = []
    assert selftest.run_selftest(str(isolated_env / "run"), out=lines.append) == 1
    assert lines[1].startswith("ok   fetch tiles")
    assert any(
        line.startswith("FAIL network: 2 attempt") and "tiles.example.com" in line for line in lines
    )
    assert not selftest.NetworkWatch.active  # the rest of the process is not affected

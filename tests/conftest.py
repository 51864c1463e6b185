"""Shared test set-up: headless Qt, no network, per-test settings folders, projects.

* ``QT_QPA_PLATFORM=offscreen`` is set before anything can load Qt.
* Every socket connection or name lookup outside loopback raises
  :class:`NetworkAccessError` and fails the test even if the code under test swallows it
  (DESIGN.md: "tests fail on any socket use outside loopback").
* ``TD_RECOVERY_DIR`` and ``TD_SETTINGS_DIR`` point into the test's own ``tmp_path``.
* Fixtures: ``make_grid_project`` (factory), ``grid_project``, ``demo_project`` (a fresh
  copy of a session-wide build per test) and ``demo_project_file`` (saved once).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any test module imports PySide6

import pytest  # noqa: E402
from td_factories import build_grid_project  # noqa: E402
from td_network import NetworkGuard  # noqa: E402

from territory_designer.core.project import Project  # noqa: E402

# -- network guard ------------------------------------------------------------------------
_GUARD = NetworkGuard()


@pytest.fixture(autouse=True, scope="session")
def _no_network_session() -> Iterator[NetworkGuard]:
    """Install the network guard for the whole session."""
    with pytest.MonkeyPatch.context() as mp:
        _GUARD.install(mp)
        yield _GUARD


@pytest.fixture(autouse=True)
def _no_network(_no_network_session: NetworkGuard) -> Iterator[NetworkGuard]:
    """Fail the test if it tried to reach the network, even if the error was caught."""
    _no_network_session.attempts.clear()
    yield _no_network_session
    attempts = list(_no_network_session.attempts)
    _no_network_session.attempts.clear()
    if attempts:
        pytest.fail("; ".join(attempts), pytrace=False)


@pytest.fixture
def network_guard(_no_network: NetworkGuard) -> NetworkGuard:
    """The active guard (tests of the guard itself clear ``attempts`` when done)."""
    return _no_network


# -- per-test folders ---------------------------------------------------------------------
@pytest.fixture(autouse=True, scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The basemap cache of the whole run, never the user's (built once per project)."""
    folder = tmp_path_factory.mktemp("td-cache")
    old = os.environ.get("TD_CACHE_DIR")
    os.environ["TD_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("TD_CACHE_DIR", None)
    else:
        os.environ["TD_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recovery copies and settings go to the test's own temporary folder."""
    monkeypatch.setenv("TD_RECOVERY_DIR", str(tmp_path / "td-recovery"))
    monkeypatch.setenv("TD_SETTINGS_DIR", str(tmp_path / "td-settings"))


# -- projects -----------------------------------------------------------------------------
@pytest.fixture
def make_grid_project() -> Callable[..., Project]:
    """Factory: ``make_grid_project(n, m, layout=None, plans=1)`` (see td_factories)."""
    return build_grid_project


@pytest.fixture
def grid_project() -> Project:
    """4 x 6 grid with three territories (A, B, C) and two unassigned cells."""
    return build_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."])


@pytest.fixture(scope="session")
def _demo_project_session() -> Project:
    from territory_designer.io.demo import build_demo_project

    return build_demo_project()


@pytest.fixture
def demo_project(_demo_project_session: Project) -> Project:
    """A private copy of the bundled demo project (edits do not leak between tests)."""
    return copy.deepcopy(_demo_project_session)


@pytest.fixture(scope="session")
def demo_project_file(
    _demo_project_session: Project, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The demo saved once per session (copy it before writing over it)."""
    from territory_designer.io.project_file import save_project

    path = tmp_path_factory.mktemp("demo") / "demo.tdproj"
    save_project(copy.deepcopy(_demo_project_session), path)
    return path

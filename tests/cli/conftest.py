"""Fixtures the CLI tests share: a writable copy of the demo project and a demo with moved
units (``run`` is in :mod:`cli_helpers`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from territory_designer.core.operations import AssignUnits
from territory_designer.core.project import Project
from territory_designer.io.project_file import save_project


@pytest.fixture
def demo_file(demo_project_file: Path, tmp_path: Path) -> Path:
    """A copy of the saved demo project that a test may write over."""
    target = tmp_path / "demo.tdproj"
    target.write_bytes(Path(demo_project_file).read_bytes())
    return target


@pytest.fixture
def demo_file_with_moves(demo_project: Project, tmp_path: Path) -> Callable[[int], Path]:
    """``demo_file_with_moves(n)``: the demo saved after moving ``n`` units of the working
    draft's second territory to its first (so the plans differ and the change log has one
    entry)."""

    def write(moved: int) -> Path:
        plan = demo_project.plan
        codes = sorted(plan.territories)
        demo_project.apply(AssignUnits(plan.units_of(codes[1])[:moved], codes[0]))
        target = tmp_path / "demo.tdproj"
        save_project(demo_project, target)
        return target

    return write

"""Fixtures for the exporter tests: a small grid plan and one with hostile names."""

from __future__ import annotations

import pytest
from report_fixtures import grid_plan_project, make_hostile

from territory_designer.core.project import Project


@pytest.fixture
def grid_plan() -> Project:
    """4 x 6 grid, territories A/B/C, two plans; the active "Plan 2" moved two units."""
    return grid_plan_project()


@pytest.fixture
def hostile_plan() -> Project:
    """The grid plan with formulas and markup in territory names and owners."""
    return make_hostile(grid_plan_project())

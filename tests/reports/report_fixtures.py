"""Hostile names and a grid plan with accounts for the exporter tests (plain module)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from td_factories import build_grid_project

from territory_designer.core.accounts import AccountTable, locate_points
from territory_designer.core.operations import AssignUnits, UpdateTerritory
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer

HOSTILE_NAME = '=HYPERLINK("http://x","click")'
HOSTILE_OWNER = "<script>alert(1)</script>"
HOSTILE_ACCOUNT = "+cmd|' /C calc'!A0"
#: Names from customers' spreadsheets that Leaflet tooltips would run as HTML.
HOSTILE_MARKUP = "<img src=x onerror=alert('td')>"
HOSTILE_QUOTES = 'Bob\'s "Best" </script><script>alert(2)</script>'
#: Dollar signs make matplotlib parse mathtext; "$^$" is a syntax error there.
HOSTILE_DOLLARS = "Pay $^$ now, $5M$ club"
#: Column headings from a customer's sheet that would run as formulas.
HOSTILE_HEADER = "=1+2"
HOSTILE_UNIT_HEADER = "@note"


def _with_accounts(project: Project) -> Project:
    """Copy of ``project`` with 40 accounts, one of them hostile."""
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = project.units.bounds
    xy = np.column_stack([rng.uniform(x0 + 1, x1 - 1, 40), rng.uniform(y0 + 1, y1 - 1, 40)])
    table = pd.DataFrame(
        {
            "account_id": [f"A{k:03d}" for k in range(40)],
            "name": [HOSTILE_ACCOUNT if k == 0 else f"Account {k}" for k in range(40)],
            "x": xy[:, 0],
            "y": xy[:, 1],
            "unit": locate_points(xy, project.units.geometry),
            "located_by": "coordinates",
            "revenue": np.round(rng.uniform(100, 1000, 40), 2),
        }
    )
    plans = list(project.plans.values())
    return Project(
        project.units,
        project.adjacency,
        AccountTable(table),
        plans,
        baseline_plan=plans[0].name,
        active_plan=plans[-1].name,
    )


def grid_plan_project() -> Project:
    """4 x 6 grid, territories A/B/C, two plans; the active "Plan 2" moved two units."""
    base = build_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."], plans=2)
    project = _with_accounts(base)
    project.apply(AssignUnits([0, 1], 1))  # from C to B
    return project


def make_hostile(project: Project) -> Project:
    """Put formulas, markup and dollar signs into every name a user or a customer's
    spreadsheet supplies: territory names and owners, account and unit names, column
    headings."""
    units = project.units
    names = units.names.copy()
    names[:3] = [HOSTILE_MARKUP, HOSTILE_QUOTES, HOSTILE_DOLLARS]
    attrs = units.attributes.copy()
    attrs[HOSTILE_UNIT_HEADER] = np.arange(len(attrs), dtype=np.int64)  # numbers are exported
    table = project.accounts.table.copy()
    table.loc[1:3, "name"] = [HOSTILE_MARKUP, HOSTILE_QUOTES, HOSTILE_DOLLARS]
    table[HOSTILE_HEADER] = np.arange(len(table), dtype=float)
    plans = list(project.plans.values())
    hostile = Project(
        UnitLayer(units.ids, names, units.geometry, units.crs, attrs),
        project.adjacency,
        AccountTable(table),
        plans,
        baseline_plan=project.baseline_plan_name,
        active_plan=project.active_plan_name,
    )
    hostile.apply(UpdateTerritory(0, name=HOSTILE_NAME, owner=HOSTILE_OWNER))
    hostile.apply(UpdateTerritory(1, name="-2+3", owner="@SUM(A1:A2)"))
    hostile.apply(UpdateTerritory(2, name="\t" + HOSTILE_DOLLARS, owner=HOSTILE_DOLLARS))
    return hostile

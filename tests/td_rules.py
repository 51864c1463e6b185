"""A small two-state world for the rule, hierarchy and alignment tests (no Qt, no pytest).

An 6 x 8 grid of 1 km cells (:func:`td_factories.grid_units`): the left half (columns 0-3)
lies in state ``NC``, the right half in ``SC``; each cell holds ``1 + (k % 3)`` accounts
(the layer's ``accounts`` field) and the grid's ``population``. Four territories, two per
state, in quarters, with reps ``Ann`` (NC), ``Bob`` (NC), ``Cy`` (SC) and ``Di`` (SC).
"""

from __future__ import annotations

import numpy as np
from td_factories import CELL, ORIGIN, grid_units

from territory_designer.core.adjacency import compute_adjacency
from territory_designer.core.colors import palette_color
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer

ROWS, COLS = 6, 8
REPS = ("Ann", "Bob", "Cy", "Di")


def two_state_project() -> Project:
    """The project described in the module docstring (no rule set yet)."""
    grid = grid_units(ROWS, COLS)
    attrs = grid.attributes.copy()
    k = np.arange(len(attrs))
    attrs["state"] = np.where(attrs["col"] < COLS // 2, "NC", "SC")
    attrs["accounts"] = 1 + (k % 3)
    units = UnitLayer(grid.ids, grid.names, grid.geometry, grid.crs, attrs)
    rows, cols = attrs["row"].to_numpy(), attrs["col"].to_numpy()
    codes = (cols >= COLS // 2) * 2 + (rows >= ROWS // 2)  # quarters: 0,1 in NC; 2,3 in SC
    territories = {
        c: Territory(id=f"T{c + 1}", name=f"Territory {c + 1}", color=palette_color(c), owner=rep)
        for c, rep in enumerate(REPS)
    }
    plan = Plan("Plan 1", territories, codes.astype(np.int32))
    return Project(units, compute_adjacency(units.geometry), plans=[plan])


def cell(row: int, col: int) -> int:
    """Unit index of the cell at ``row`` (0 = bottom), ``col``."""
    return row * COLS + col


def cell_centre(row: int, col: int) -> tuple[float, float]:
    """Centre of a cell in the project CRS."""
    return (ORIGIN[0] + (col + 0.5) * CELL, ORIGIN[1] + (row + 0.5) * CELL)


def with_product_accounts(project: Project) -> Project:
    """Three accounts in every cell: one ``Devices``, one ``Cloud``, one ``Devices; Cloud``
    (revenue 100, 10 and 1 in cell ``k``… times ``k + 1``)."""
    import pandas as pd

    from territory_designer.core.accounts import AccountTable

    rows = []
    xy = project.units.centroid
    for k in range(len(project.units)):
        for j, (line, rev) in enumerate((("Devices", 100), ("Cloud", 10), ("Devices; Cloud", 1))):
            rows.append(
                {
                    "account_id": f"A{k:03d}-{j}",
                    "name": f"Account {k}-{j}",
                    "x": xy[k, 0],
                    "y": xy[k, 1],
                    "unit": k,
                    "located_by": "coordinates",
                    "product_line": line,
                    "revenue": float(rev * (k + 1)),
                }
            )
    project.replace_accounts(AccountTable(pd.DataFrame(rows)))
    return project

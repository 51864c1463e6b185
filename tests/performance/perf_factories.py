"""Small projects with order lines whose figures are checked by hand (no pytest, no Qt)."""

from __future__ import annotations

import pandas as pd
from td_factories import build_grid_project

from territory_designer.core.accounts import AccountTable
from territory_designer.core.operations import ReplaceAccounts
from territory_designer.core.project import Project

#: (account, date, amount): a1 and a2 in territory T01 (unit 0), b1 in T02 (unit 1); zz is
#: unknown to the project.
LINES = [
    ("a1", "2024-01-10", 100.0),
    ("a1", "2024-02-03", 150.0),
    ("a1", "2025-01-20", 120.0),
    ("a2", "2024-01-05", 50.0),
    ("a2", "2024-03-15", 30.0),
    ("b1", "2024-02-11", 200.0),
    ("b1", "2024-03-02", 100.0),
    ("zz", "2024-01-01", 999.0),
]


def two_territory_project() -> Project:
    """Units 0 (T01, Rep A) and 1 (T02, Rep B), accounts a1, a2 (unit 0) and b1 (unit 1),
    potentials 200, 100, 100, and the order lines of :data:`LINES`."""
    project = build_grid_project(1, 2, ["AB"])
    xy = project.units.centroid
    table = AccountTable(
        pd.DataFrame(
            {
                "account_id": ["a1", "a2", "b1"],
                "name": ["Acme", "Apex", "Bolt"],
                "x": xy[[0, 0, 1], 0],
                "y": xy[[0, 0, 1], 1],
                "unit": [0, 0, 1],
                "located_by": ["coordinates"] * 3,
                "potential": [200.0, 100.0, 100.0],
                "nps": [8.0, 6.0, 9.0],
            }
        )
    )
    project.apply(ReplaceAccounts(table))
    project.transactions = pd.DataFrame(LINES, columns=["account_id", "order_date", "revenue"])
    return project

"""The white-space model recovers a known signal and says so on noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from td_factories import grid_units, layout_codes

from territory_designer.core.accounts import AccountTable
from territory_designer.core.adjacency import compute_adjacency
from territory_designer.core.operations import ReplaceAccounts
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.project import Project
from territory_designer.core.white_space import ridge_cv, white_space


def _project(revenue_of, n: int = 10, seed: int = 1) -> Project:
    """A 10 x 10 grid, one account per unit, ``households`` per unit drawn at random and
    each account's revenue ``revenue_of(households, rng)``."""
    rng = np.random.default_rng(seed)
    units = grid_units(n, n)
    households = rng.uniform(100, 1000, n * n).round()
    units.attributes["households"] = households
    codes, _ = layout_codes(np.zeros((n, n), dtype=int), n, n)
    plan = Plan("Plan 1", {0: Territory("T01", "All", "#4e79a7")}, codes)
    project = Project(units, compute_adjacency(units.geometry), plans=[plan])
    xy = units.centroid
    project.apply(
        ReplaceAccounts(
            AccountTable(
                pd.DataFrame(
                    {
                        "account_id": [f"a{k}" for k in range(n * n)],
                        "name": [f"Account {k}" for k in range(n * n)],
                        "x": xy[:, 0],
                        "y": xy[:, 1],
                        "unit": np.arange(n * n),
                        "located_by": "coordinates",
                        "revenue": revenue_of(households, rng),
                    }
                )
            )
        )
    )
    return project


def test_recovers_a_known_signal():
    project = _project(lambda h, rng: 3.0 * h + 200 + rng.normal(0, 40, h.size))
    ws = white_space(project)
    coef = {r["feature"]: r["coefficient"] for r in ws.fit.coefficient_rows()}
    assert coef["households"] == pytest.approx(3.0, rel=0.05)
    # The attribute that carries the signal comes first; the others add next to nothing.
    assert ws.fit.coefficient_rows()[0]["feature"] == "households"
    assert ws.fit.cv_r2 > 0.9 and ws.fit.reliable
    assert "explain" in ws.fit.message and "%" in ws.fit.message
    # White space is potential minus actual, unit by unit.
    np.testing.assert_allclose(ws.white_space, ws.potential - ws.actual)
    assert abs(ws.white_space).max() < 200


def test_says_so_on_noise():
    project = _project(lambda h, rng: rng.gamma(2.0, 500.0, h.size))
    ws = white_space(project)
    assert not ws.fit.reliable
    assert ws.fit.cv_r2 < 0.2
    assert "do not explain sales" in ws.fit.message


def test_says_so_on_thin_data():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (8, 2))
    fit = ridge_cv(x, 5 * x[:, 0] + rng.normal(0, 0.01, 8), ["a", "b"])
    assert not fit.reliable and "Too little data" in fit.message

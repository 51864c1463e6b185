"""Synthetic grids with known answers for the balancing engine."""

from __future__ import annotations

import numpy as np
import pytest

from territory_designer.balance.problem import BalanceProblem


def grid_arrays(nx: int, ny: int) -> dict:
    """Unit squares on an nx x ny grid (1 km cells) with rook edges of 1 km."""
    ix, iy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    ix, iy = ix.ravel(), iy.ravel()
    idx = ix * ny + iy
    right = ix < nx - 1
    up = iy < ny - 1
    ei = np.r_[idx[right], idx[up]]
    ej = np.r_[idx[right] + ny, idx[up] + 1]
    n = nx * ny
    return dict(
        xy=np.c_[ix, iy].astype(float) * 1000 + 500,
        area=np.full(n, 1e6),
        perimeter=np.full(n, 4000.0),
        ei=ei,
        ej=ej,
        elen=np.full(ei.size, 1000.0),
    )


def grid_problem(
    nx: int, ny: int, k: int, weight: np.ndarray | None = None, **kw
) -> BalanceProblem:
    """A balancing problem on a grid (uniform weight by default)."""
    a = grid_arrays(nx, ny)
    w = np.ones(nx * ny) if weight is None else weight
    shares = kw.pop("shares", np.ones(k))
    return BalanceProblem(
        w, a["xy"], a["area"], a["perimeter"], a["ei"], a["ej"], a["elen"], k, shares, **kw
    )


@pytest.fixture
def grid8() -> BalanceProblem:
    """Uniform 8 x 8 grid into 4 territories."""
    return grid_problem(8, 8, 4, tolerance=0.0)

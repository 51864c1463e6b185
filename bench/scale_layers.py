"""Synthetic national layers of 300,000 and 1,000,000 units for the scale bench (issue 17).

No real public layer of a million polygons is available offline, so the units are a
tessellation of the lower 48 states: a hexagonal lattice whose shared vertices are jittered
(the same jitter for every hexagon sharing a vertex, so the layer stays a clean coverage of
irregular six-sided cells, like a Voronoi diagram of jittered points), clipped to the ZIP
layer ``zip_us48`` (EPSG:5070). Each cell takes the revenue of the ZIP code holding its
centre, shared among the cells of that ZIP and scattered by a log-normal factor: weights
are as skewed as real ones (dense cities, empty deserts), capped at a tenth of a
territory's share at k = 1000 so that no unit alone makes a build infeasible. Written once
to ``.bench/`` and reused.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import BENCH_DIR, instance_path  # noqa: E402

SQRT3 = np.sqrt(3.0)


def _jitter(x: np.ndarray, y: np.ndarray, amp: float, side: float) -> tuple[np.ndarray, ...]:
    """A smooth pseudo-random displacement that depends only on the (rounded) vertex."""
    ix = np.round(x / (side * 0.25)).astype(np.int64)
    iy = np.round(y / (side * 0.25)).astype(np.int64)
    h = (ix * 73856093) ^ (iy * 19349663)
    h = (h ^ (h >> 13)) * 1274126177
    u = ((h & 0xFFFF) / 65535.0) - 0.5
    v = (((h >> 16) & 0xFFFF) / 65535.0) - 0.5
    return x + 2 * amp * u, y + 2 * amp * v


def hex_cells(bounds: tuple[float, float, float, float], side: float) -> tuple[np.ndarray, ...]:
    """Centres ``(m, 2)`` and vertices ``(m, 7, 2)`` (closed rings) of a jittered hex grid."""
    xmin, ymin, xmax, ymax = bounds
    dx, dy = SQRT3 * side, 1.5 * side
    rows = int((ymax - ymin) / dy) + 2
    cols = int((xmax - xmin) / dx) + 2
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    cx = xmin + c * dx + (r % 2) * dx / 2
    cy = ymin + r * dy
    centres = np.c_[cx.ravel(), cy.ravel()]
    ang = np.deg2rad(30 + 60 * np.arange(7))  # pointy-top, ring closed
    vx = centres[:, 0:1] + side * np.cos(ang)[None, :]
    vy = centres[:, 1:2] + side * np.sin(ang)[None, :]
    vx, vy = _jitter(vx, vy, 0.22 * side, side)
    return centres, np.stack([vx, vy], axis=2)


def make_layer(n_target: int, out: Path) -> Path:
    """Write a layer of about ``n_target`` units to ``out`` (GeoPackage, EPSG:5070)."""
    import geopandas as gpd
    import shapely

    zips = gpd.read_file(instance_path("zip_us48"))
    area = float(shapely.area(zips.geometry.values).sum())
    side = np.sqrt(area / n_target / (1.5 * SQRT3))
    centres, verts = hex_cells(tuple(zips.total_bounds), side)
    tree = shapely.STRtree(zips.geometry.values)
    pts = shapely.points(centres)
    cell_i, zip_i = tree.query(pts, predicate="within")
    cell_i, first = np.unique(cell_i, return_index=True)  # one ZIP per cell
    zip_i = zip_i[first]
    rng = np.random.default_rng(17)
    per_zip = np.bincount(zip_i, minlength=len(zips))
    revenue = zips["revenue"].to_numpy(float)[zip_i] / per_zip[zip_i]
    revenue = revenue * rng.lognormal(0.0, 0.75, cell_i.size)
    # No cell heavier than a tenth of a territory's share at k = 1000 (a few hundred of
    # ZIP codes' revenues sit on one or two cells): builds up to k = 1000 stay feasible.
    revenue = np.round(np.minimum(revenue, 0.1 * revenue.sum() / 1000), 2)
    geoms = shapely.polygons(verts[cell_i])
    gdf = gpd.GeoDataFrame(
        {
            "unit_id": np.char.add("H", np.arange(cell_i.size).astype(str)),
            "revenue": revenue,
            "accounts": np.maximum(np.round(revenue / 5000.0), 0).astype(np.int64),
        },
        geometry=geoms,
        crs=zips.crs,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    gdf.to_file(out, layer="units", driver="GPKG", engine="pyogrio")
    return out


def layer_path(n_target: int) -> Path:
    """Path of the cached layer of about ``n_target`` units (made on first use)."""
    out = BENCH_DIR / "scale" / f"hex_us48_{n_target // 1000}k.gpkg"
    if not out.exists():
        t0 = time.perf_counter()
        make_layer(n_target, out)
        print(f"(made {out.name} in {time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return out


if __name__ == "__main__":
    for n in sys.argv[1:] or ["300000", "1000000"]:
        print(layer_path(int(n)))

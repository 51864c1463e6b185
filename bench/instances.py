"""Benchmark inputs: the shared instances, a densified ZIP layer, and projects made from them.

The instances come from ``../shared/bench/make_instances.py`` (written to ``.bench/instances``
on first use). ``zip_us48_dense`` is the lower-48 ZIP layer densified to about 200 vertices
per polygon like real ZIP boundaries: one maximum segment length for every polygon, so
neighbours keep their shared vertices (as in TIGER-derived boundary files).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / ".bench"
INSTANCES = BENCH_DIR / "instances"
#: The shared bench folder beside the repository (or beside a worktree's parent folder).
SHARED_BENCH = next(
    (p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
    ROOT.parent / "shared" / "bench",
)

sys.path.insert(0, str(ROOT))


def instance_path(name: str) -> Path:
    """Path of an instance GeoPackage, building it if needed."""
    if name.endswith("_dense"):
        return _densified(name[: -len("_dense")])
    path = INSTANCES / f"{name}.gpkg"
    if not path.exists():
        INSTANCES.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                str(SHARED_BENCH / "make_instances.py"),
                str(INSTANCES),
                "--only",
                name,
            ],
            check=True,
        )
    return path


def _densified(base: str, vertices: int = 200) -> Path:
    import geopandas as gpd
    import numpy as np
    import shapely

    out = INSTANCES / f"{base}_dense.gpkg"
    if out.exists():
        return out
    gdf = gpd.read_file(instance_path(base))
    geoms = np.asarray(gdf.geometry.values)
    max_len = shapely.length(geoms).sum() / (vertices * len(geoms))
    gdf["geometry"] = shapely.segmentize(geoms, max_len)
    gdf.to_file(out, layer="units", driver="GPKG")
    return out


def project_path(name: str, territories: int = 200) -> Path:
    """A ``.tdproj`` made from an instance with a contiguous plan of ``territories``."""
    out = BENCH_DIR / f"{name}_k{territories}.tdproj"
    if out.exists():
        return out
    from territory_designer.io.geography import new_project_from_file
    from territory_designer.io.project_file import save_project

    t0 = time.perf_counter()
    project = new_project_from_file(instance_path(name), "unit_id")
    seed_plan(project, territories)
    save_project(project, out)
    print(f"(built {out.name} in {time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return out


def seed_plan(project: object, k: int) -> None:
    """Give the active plan ``k`` contiguous territories grown from spread-out seeds."""
    import numpy as np

    from territory_designer.core.operations import AddTerritory, AssignUnits

    units, adj = project.units, project.adjacency  # type: ignore[attr-defined]
    rng = np.random.default_rng(7)
    seeds = [int(rng.integers(len(units)))]
    c = units.centroid
    d2 = np.hypot(*(c - c[seeds[0]]).T)
    while len(seeds) < k:  # farthest-point seeding: spread over the map
        nxt = int(np.argmax(d2))
        seeds.append(nxt)
        d2 = np.minimum(d2, np.hypot(*(c - c[nxt]).T))
    owner = adj.nearest_seed(c, seeds)
    for _ in range(k):
        project.apply(AddTerritory())  # type: ignore[attr-defined]
    for code in range(k):
        project.apply(AssignUnits(np.flatnonzero(owner == code), code))  # type: ignore[attr-defined]


def blob(project: object, start: int, size: int):
    """``size`` units reached breadth-first from ``start`` (what a brush stroke touches)."""
    import numpy as np
    from scipy.sparse.csgraph import breadth_first_order

    order = breadth_first_order(
        project.adjacency.csr,  # type: ignore[attr-defined]
        start,
        directed=False,
        return_predecessors=False,
    )
    return np.sort(order[:size]).astype(np.int64)

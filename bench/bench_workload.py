"""Workload and templates: how long the figures the Workload dock shows take (issue 12).

Usage: python bench/bench_workload.py [--accounts 100000] [--territories 50] [--repeat 5]

Builds a synthetic project (a 100 x 100 grid of 1 km cells, accounts scattered over it,
one home base per territory) and prints the median time of ``territory_workload`` (what
the Workload dock recomputes after an edit), of ``workload_table`` (Store as metric),
and of loading every built-in template.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from td_factories import CELL, ORIGIN, build_grid_project  # noqa: E402

from territory_designer.core.accounts import AccountTable  # noqa: E402
from territory_designer.core.workload import (  # noqa: E402
    WorkloadParameters,
    territory_workload,
    workload_table,
)
from territory_designer.io.templates import load_template, template_names  # noqa: E402


def _project(n_accounts: int, k: int):  # noqa: ANN202
    side = 100
    labels = (np.arange(side * side) % side) * k // side  # k vertical strips
    project = build_grid_project(side, side, labels.reshape(side, side))
    rng = np.random.default_rng(1)
    x0, y0 = ORIGIN
    col, row = rng.integers(0, side, n_accounts), rng.integers(0, side, n_accounts)
    table = pd.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(n_accounts)],
            "name": "x",
            "x": x0 + (col + rng.random(n_accounts)) * CELL,
            "y": y0 + (row + rng.random(n_accounts)) * CELL,
            "unit": row * side + col,
            "located_by": "coordinates",
            "decile": rng.integers(1, 11, n_accounts).astype(float),
            "segment": rng.choice(["cardiology", "primary care", "hospital"], n_accounts),
        }
    )
    project.replace_accounts(AccountTable(table))
    for code, t in project.plan.territories.items():
        cells = project.plan.units_of(code)
        t.home_base = tuple(project.units.centroid[cells].mean(axis=0))
    project.settings["workload"] = load_template("pharmaceutical").workload.to_dict()
    return project


def _median(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--territories", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    project = _project(args.accounts, args.territories)
    params = WorkloadParameters.from_dict(project.settings["workload"])
    k = len(project.plan.territories)
    t_terr = _median(lambda: territory_workload(project, params=params), args.repeat)
    t_store = _median(lambda: workload_table(project, params), args.repeat)
    t_tmpl = _median(lambda: [load_template(n) for n in template_names()], args.repeat)
    hours = territory_workload(project, params=params)["hours"]
    print(f"{args.accounts:,} accounts, {k} territories with home bases, 10,000 units")
    print(f"  territory workload (Workload dock refresh): {t_terr * 1000:,.0f} ms")
    print(f"  workload_hours per account (Store as metric): {t_store * 1000:,.0f} ms")
    print(f"  load all {len(template_names())} templates: {t_tmpl * 1000:,.1f} ms")
    print(f"  hours per territory: mean {hours.mean():,.0f}, min {hours.min():,.0f}, "
          f"max {hours.max():,.0f}")  # fmt: skip


if __name__ == "__main__":
    main()

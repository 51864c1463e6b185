"""Incremental metrics: time to reassign 1,000 units of the lower-48 ZIP plan (issue 2).

Usage: python bench/bench_metrics.py [--instance zip_us48] [--repeat 20]

Prints the median time of the core edit (AssignUnits of 1,000 contiguous units: sums,
area, shared boundary) and of reading back the territory table the dock shows (which
recomputes contiguity of the touched territories), next to a full recompute for scale.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import blob, project_path  # noqa: E402

from territory_designer.core.operations import AssignUnits  # noqa: E402
from territory_designer.io.project_file import load_project  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instance", default="zip_us48")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--units", type=int, default=1000)
    args = ap.parse_args()
    project = load_project(project_path(args.instance))
    rng = np.random.default_rng(3)
    edit, table, full = [], [], []
    for _ in range(args.repeat):
        units = blob(project, int(rng.integers(len(project.units))), args.units)
        code = int(rng.choice(list(project.plan.territories)))
        t0 = time.perf_counter()
        op = project.apply(AssignUnits(units, code))
        t1 = time.perf_counter()
        project.territory_table()
        t2 = time.perf_counter()
        project.metrics._recompute_all()
        project.territory_table()
        t3 = time.perf_counter()
        op.undo(project)
        edit.append(t1 - t0)
        table.append(t2 - t1)
        full.append(t3 - t2)
    n = len(project.units)
    print(
        f"{args.instance}: {n} units, {len(project.plan.territories)} territories, "
        f"reassign {args.units} units (median of {args.repeat})"
    )
    print(f"  core edit (incremental sums)      {statistics.median(edit) * 1000:7.1f} ms")
    print(f"  territory table after the edit    {statistics.median(table) * 1000:7.1f} ms")
    print(f"  full recompute, for comparison    {statistics.median(full) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()

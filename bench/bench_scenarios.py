"""Scenario reviews on the lower-48 ZIP project (about 29,000 units, 200 territories):
plan copy, compare, change view classes, proposal export and import of the answers.

    python bench/bench_scenarios.py [--moves 600]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import project_path  # noqa: E402

from territory_designer.core.approvals import (  # noqa: E402
    AddReviewedPlan,
    reconcile,
    reviewed_plan,
)
from territory_designer.core.comparison import change_classes, compare_plans  # noqa: E402
from territory_designer.core.operations import AssignUnits  # noqa: E402
from territory_designer.core.plan_operations import AddPlan, SetBaselinePlan  # noqa: E402
from territory_designer.io.project_file import load_project, save_project  # noqa: E402
from territory_designer.io.responses import read_responses  # noqa: E402
from territory_designer.reports.proposal import write_proposal  # noqa: E402


def timed(label: str, fn):  # noqa: ANN001, ANN201 - a bench helper
    t0 = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - t0:.2f} s")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=600, help="units moved in the proposal")
    args = ap.parse_args()
    project = load_project(project_path("zip_us48", 200))
    print(f"{len(project.units):,} units, {len(project.plan.territories)} territories")
    base = project.active_plan_name
    project.apply(SetBaselinePlan(base))
    timed("copy plan", lambda: project.apply(AddPlan("Proposal", copy_of=base)))
    rng = np.random.default_rng(0)
    plan = project.plan
    units = rng.choice(len(project.units), args.moves, replace=False)
    codes = sorted(plan.territories)
    for k, u in enumerate(units):  # one edit per move: a long change log
        project.apply(AssignUnits([u], codes[(plan.assignment[u] + 1 + k) % len(codes)]))
    c = timed("compare", lambda: compare_plans(project, base, "Proposal"))
    print(f"  {c.disruption['units_moved']} units moved")
    timed("change view classes", lambda: change_classes(project, project.plans[base], plan))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "proposal"
        files = timed("export --proposal", lambda: write_proposal(project, folder))
        print(f"  {len(files)} workbooks")
        responses = timed("read responses", lambda: read_responses(files))
        rec = timed("reconcile", lambda: reconcile(project, responses))
        project.apply(AddReviewedPlan(reviewed_plan(project, rec), rec))
        timed(
            f"save with {len(project.change_log):,} log entries",
            lambda: save_project(project, Path(tmp) / "p.tdproj"),
        )
        timed("open it again", lambda: load_project(Path(tmp) / "p.tdproj"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

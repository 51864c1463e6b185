"""Benchmark of the balancing engine against the peers (issue 4).

Builds a plan on every shared instance (weight ``workload``, the peers' k), writes it as
``.bench/plans_td/<instance>_k<k>.csv``, scores it with ``../shared/bench/score_plan.py``
(subprocess) and prints our row next to the peers' rows of ``peer_results.csv`` with the
ratios the issue asks for (our PP / GerryChain ReCom 2 % PP, our time / GerryChain 2 % time).
Then the rebalance experiment: a balanced zip_se4 plan drifted until one territory is
20 % over target is rebalanced to 5 %, and the balance-versus-accounts-moved curve printed.

Usage: ``python bench/bench_balance.py [--only NAME ...] [--skip-rebalance]
[--time-limit SECONDS]`` (thorough mode: each build searches that long).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import BENCH_DIR, SHARED_BENCH, instance_path  # noqa: E402

from territory_designer.balance.build import build_partition, graph_of  # noqa: E402
from territory_designer.balance.graph import can_leave  # noqa: E402
from territory_designer.balance.problem import BalanceProblem  # noqa: E402
from territory_designer.balance.rebalance import rebalance, tradeoff_curve  # noqa: E402

CASES = [
    ("nc_counties", 5, 0.02),
    ("nc_counties", 10, 0.02),
    ("ga_counties", 8, 0.02),
    ("abq_tracts", 6, 0.02),
    ("us48_states", 6, 0.02),
    ("zip_se4", 20, 0.01),
    ("zip_se4", 50, 0.01),
    ("zip_us48", 200, 0.01),
]
PLANS = BENCH_DIR / "plans_td"


def load(name: str) -> tuple[object, dict]:
    """GeoDataFrame of an instance and the engine's plain arrays (adjacency included)."""
    import geopandas as gpd
    import shapely

    from territory_designer.core.adjacency import compute_adjacency

    gdf = gpd.read_file(instance_path(name), layer="units")
    geoms = gdf.geometry.values
    adj = compute_adjacency(np.asarray(geoms))
    m = adj.length > 10.0  # as score_plan.py: rook neighbours share more than 10 m
    arrays = dict(
        xy=shapely.get_coordinates(shapely.point_on_surface(geoms)),
        area=shapely.area(geoms),
        perimeter=shapely.length(geoms),
        ei=adj.ei[m],
        ej=adj.ej[m],
        elen=adj.length[m],
    )
    return gdf, arrays


def problem_for(gdf: object, arrays: dict, k: int, tol: float, seed: int = 0) -> BalanceProblem:
    """The engine's problem for one case."""
    a = arrays
    return BalanceProblem(
        gdf["workload"].to_numpy(float),
        a["xy"],
        a["area"],
        a["perimeter"],
        a["ei"],
        a["ej"],
        a["elen"],
        k,
        np.ones(k),
        tolerance=tol,
        compactness=0.5,
        seed=seed,
    )


def score(name: str, plan_csv: Path, k: int) -> dict:
    """Scores of a plan by the shared harness."""
    out = subprocess.run(
        [
            sys.executable,
            str(SHARED_BENCH / "score_plan.py"),
            str(instance_path(name)),
            str(plan_csv),
            "--weight",
            "workload",
            "--k",
            str(k),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def write_plan(gdf: object, labels: np.ndarray, path: Path) -> None:
    """CSV ``unit_id,territory``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_id", "territory"])
        for uid, t in zip(gdf["unit_id"].astype(str), labels, strict=True):
            w.writerow([uid, f"T{int(t) + 1:03d}"])


def peers() -> list[dict]:
    """Rows of the peers' results."""
    with (SHARED_BENCH / "peer_results.csv").open() as fh:
        return list(csv.DictReader(fh))


def fnum(v: object, fmt: str = "{:.4g}") -> str:
    """Format a number or a blank."""
    try:
        return fmt.format(float(v))
    except (TypeError, ValueError):
        return ""


def run_case(
    name: str,
    k: int,
    tol: float,
    peer_rows: list[dict],
    cache: dict,
    time_limit: float | None = None,
) -> dict:
    """Build, score and print one case."""
    if name not in cache:
        cache[name] = load(name)
    gdf, arrays = cache[name]
    problem = problem_for(gdf, arrays, k, tol)
    cpu0 = time.process_time()
    result = build_partition(problem, time_limit=time_limit)
    cpu_s = time.process_time() - cpu0
    if result.thorough_note:
        print(f"{name} k={k}: {result.thorough_note}")
    path = PLANS / f"{name}_k{k}.csv"
    write_plan(gdf, result.labels, path)
    s = score(name, path, k)
    b, c, p = s["balance"], s["contiguity"], s["compactness"]
    rows = [r for r in peer_rows if r["instance"] == name and int(r["k"]) == k]
    recom = next((r for r in rows if r["method"] == "gc_recom_e2" and r["status"] == "ok"), None)
    tree = next((r for r in rows if r["method"] == "gc_tree_e2" and r["status"] == "ok"), None)
    print(f"\n## {name} (n={s['n_units']}), k={k}, tolerance {tol:.0%}")
    print("| method | time s | dev% | cv | noncontig | extra | PP mean | PP min | cut |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["status"] != "ok":
            print(f"| {r['method']} | {r['status']} | | | | | | | |")
            continue
        print(
            f"| {r['method']} | {r['time_s']} | {r['max_abs_dev_pct']} | {r['cv']} | "
            f"{r['noncontiguous']} | {r['extra_pieces']} | {r['pp_mean']} | {r['pp_min']} | "
            f"{r['cut_edges']} |"
        )
    print(
        f"| **td_engine** | {result.runtime_s:.2f} | {b['max_abs_dev_pct']:.2f} | "
        f"{b['cv']:.4f} | {c['noncontiguous']} | {c['extra_pieces']} | {p['pp_mean']:.4f} | "
        f"{p['pp_min']:.4f} | {p['cut_edges']} |"
    )
    notes = [f"unassigned {s['unassigned']}", f"CPU {cpu_s:.2f} s"]
    if result.heavy_units:
        w = problem.weight
        rest = np.setdiff1d(np.arange(k), result.labels[result.heavy_units])
        tot = np.bincount(result.labels, weights=w, minlength=k)[rest]
        notes.append(
            f"INFEASIBLE at {tol:.0%}: lower bound {result.lower_bound:.1%} (heaviest unit "
            f"{1 + result.lower_bound:.2f} x target) -> heavy unit(s) alone; the other "
            f"{rest.size} within {np.abs(tot / tot.mean() - 1).max():.2%} of their own mean"
        )
    if recom:
        notes.append(f"PP / ReCom(2%) = {p['pp_mean'] / float(recom['pp_mean']):.2f}")
        notes.append(f"time / ReCom(2%) = {result.runtime_s / float(recom['time_s']):.3f}")
    if tree:
        notes.append(f"time / tree(2%) = {result.runtime_s / float(tree['time_s']):.3f}")
    print("; ".join(notes))
    return {"instance": name, "k": k, "time_s": result.runtime_s, "cpu_s": cpu_s, **b, **c, **p}


def drift(problem: BalanceProblem, labels: np.ndarray, over: float = 0.20) -> np.ndarray:
    """Grow territory 0 over boundary units until it is ``over`` above target."""
    graph = graph_of(problem)
    lab = labels.copy()
    goal = problem.targets[0] * (1 + over)
    total = problem.weight[lab == 0].sum()
    while total < goal:
        inside = lab == 0
        border = np.unique(graph.dv[inside[graph.du] & ~inside[graph.dv]])
        moved = False
        for u in border[np.argsort(problem.weight[border])]:
            if total + problem.weight[u] > goal + 0.5 * problem.targets[0] * 0.01:
                continue
            if can_leave(graph, lab, int(u)) and np.count_nonzero(lab == lab[u]) > 1:
                lab[u] = 0
                total += problem.weight[u]
                moved = True
                break
        if not moved:
            break
    return lab


def rebalance_experiment(cache: dict, name: str = "zip_se4", k: int = 20) -> None:
    """20 % imbalance -> 5 % while moving at most 10 % of the accounts; print the curve."""
    if name not in cache:
        cache[name] = load(name)
    gdf, arrays = cache[name]
    problem = problem_for(gdf, arrays, k, 0.05)
    built = build_partition(problem).labels
    start = drift(problem, built)
    graph = graph_of(problem)
    acc = gdf["accounts"].to_numpy(float)
    rev = gdf["revenue"].to_numpy(float)
    dev0 = np.abs(np.bincount(start, weights=problem.weight, minlength=k) / problem.targets - 1)
    cap = 0.10 * acc.sum()
    res = rebalance(problem, graph, start, acc, rev, max_accounts=cap, cost="accounts")
    dev1 = np.abs(
        np.bincount(res.labels, weights=problem.weight, minlength=k) / problem.targets - 1
    )
    moved_acc = sum(m.accounts for m in res.moves)
    print(
        f"\n## Rebalance {name} k={k}: start max dev {dev0.max():.1%} -> {dev1.max():.2%} "
        f"({res.stopped_by}), {len(res.moves)} units and {moved_acc:.0f} accounts moved "
        f"= {moved_acc / acc.sum():.2%} of {acc.sum():.0f} (cap 10 %), {res.runtime_s:.2f} s"
    )
    full = rebalance(problem, graph, start, acc, rev, cost="accounts", stop_at_tolerance=False)
    caps = [0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.10]
    print("| accounts moved cap | units moved | accounts moved | max dev % |")
    print("|---:|---:|---:|---:|")
    for c, pt in tradeoff_curve(full, [c * acc.sum() for c in caps], by="accounts"):
        print(
            f"| {c / acc.sum():.1%} | {pt.moves} | {pt.accounts_moved:.0f} | "
            f"{pt.max_abs_deviation_pct:.2f} |"
        )
    path = PLANS / f"{name}_k{k}_rebalanced.csv"
    write_plan(gdf, res.labels, path)
    s = score(name, path, k)
    print(
        f"scored: dev {s['balance']['max_abs_dev_pct']:.2f} %, extra pieces "
        f"{s['contiguity']['extra_pieces']}, PP mean {s['compactness']['pp_mean']:.3f}"
    )


def main(argv: list[str] | None = None) -> None:
    """Run every case and the rebalance experiment."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--skip-rebalance", action="store_true")
    ap.add_argument(
        "--time-limit", type=float, default=None, help="thorough mode: seconds per build"
    )
    args = ap.parse_args(argv)
    peer_rows = peers()
    cache: dict = {}
    for name, k, tol in CASES:
        if args.only and name not in args.only:
            continue
        run_case(name, k, tol, peer_rows, cache, args.time_limit)
    if not args.skip_rebalance:
        rebalance_experiment(cache)


if __name__ == "__main__":
    main()

"""Scale bench (issue 17): build on 1,000,000 units, open a 300,000-unit project.

Usage::

    python bench/bench_scale.py [--units 1000000] [-k 800] [--stages adjacency engine cli window]

The layers are synthetic (``bench/scale_layers.py``: a jittered hexagonal tessellation of
the lower 48 states with ZIP-derived, skewed revenue) because no real public layer of a
million units is available offline; they are made once into ``.bench/scale/``.

Each stage runs in a fresh child process, so its peak memory (VmHWM) is its own:

* ``adjacency``: read the GeoPackage and compute the adjacency graph from the geometries
  (cached as arrays for the next stage);
* ``engine``: the engine alone, given the adjacency (the issue's target: 60 s, 3 GB),
  with wall, CPU and peak per phase of :func:`~territory_designer.balance.build.
  build_partition` (the peak of a phase is the high-water mark reset at its start), then
  the quality report;
* ``cli``: what a user waits for: ``territory-designer new`` from the GeoPackage, then
  ``build``;
* ``window``: open a 300,000-unit ``.tdproj`` (saved by the app's own code, with a plan of
  ``k`` territories) and show the first full frame offscreen (target 10 s), as
  ``bench/bench_open_app.py`` measures it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import BENCH_DIR, ROOT  # noqa: E402
from scale_layers import layer_path  # noqa: E402

SCALE_DIR = BENCH_DIR / "scale"

ADJACENCY_CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from bench_scale import Meter
m = Meter()
import numpy as np
import pyogrio
import shapely
from territory_designer.core.adjacency import compute_adjacency
from territory_designer.balance.graph import ISLAND_LINK_M, island_links
with m.stage("read layer"):
    geoms = pyogrio.read_dataframe({path!r}, columns=["revenue"]).pipe(
        lambda df: (df.geometry.values, df["revenue"].to_numpy(float)))
    geoms, revenue = geoms
    geoms = np.asarray(geoms, dtype=object)
with m.stage("adjacency"):
    adj = compute_adjacency(geoms)
with m.stage("unit figures"):
    cen = shapely.get_coordinates(shapely.centroid(geoms))
    area = shapely.area(geoms)
    per = shapely.length(geoms)
    ei, ej, el = adj.contact_edges()
    li, lj = island_links(cen, ei, ej)
    ei, ej = np.r_[ei, li], np.r_[ej, lj]
    el = np.r_[el, np.full(li.size, ISLAND_LINK_M)]
np.savez({npz!r}, weight=revenue, xy=cen, area=area, perimeter=per, ei=ei, ej=ej, elen=el)
m.done(units=int(geoms.size), edges=int(ei.size), island_links=int(li.size))
"""

ENGINE_CHILD = r"""
import sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from bench_scale import Meter, instrument_build
m = Meter()
import numpy as np
from territory_designer.balance import build
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.quality import quality_report
with m.stage("load arrays"):
    d = dict(np.load({npz!r}))
    k = {k}
    problem = BalanceProblem(d["weight"], d["xy"], d["area"], d["perimeter"], d["ei"], d["ej"],
                             d["elen"], k, np.ones(k), tolerance={tol}, compactness=0.5, seed=0)
instrument_build(m)
with m.stage("build_partition"):
    result = build.build_partition(problem)
with m.stage("quality report"):
    rep = quality_report(problem, build.graph_of(problem), result.labels)
m.done(units=problem.n, k=k, max_dev_pct=round(rep.max_abs_deviation_pct, 2),
       pp_mean=round(rep.pp_mean, 4), pp_min=round(rep.pp_min, 4),
       extra_pieces=rep.extra_pieces, effort=vars(build.effort_for(problem.n, k)))
"""


def _hwm_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_hwm() -> None:
    """Reset the process's high-water mark to its current RSS (Linux ``clear_refs`` 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


class Meter:
    """Wall, CPU and peak memory of nested stages of one process; prints JSON at the end."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.depth = 0
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()

    def stage(self, name: str):
        """Context manager timing ``name`` (nested stages are indented)."""
        import contextlib

        @contextlib.contextmanager
        def cm():
            row = {"stage": "  " * self.depth + name}
            self.rows.append(row)
            self.depth += 1
            if self.depth == 1:
                _reset_hwm()
            w, c = time.perf_counter(), time.process_time()
            try:
                yield
            finally:
                self.depth -= 1
                row.update(
                    wall_s=time.perf_counter() - w,
                    cpu_s=time.process_time() - c,
                    peak_mb=_hwm_mb(),
                )
                if self.depth == 0:
                    row["top"] = True

        return cm()

    def done(self, **extra: object) -> None:
        """Print the rows and the process totals as one JSON line."""
        extra.update(
            total_wall_s=time.perf_counter() - self.t0,
            total_cpu_s=time.process_time() - self.c0,
            process_peak_mb=max([_hwm_mb()] + [r.get("peak_mb", 0.0) for r in self.rows]),
        )
        print(json.dumps({"rows": self.rows, "extra": extra}))


def instrument_build(meter: Meter) -> None:
    """Time the phases of :func:`build_partition` by wrapping the functions it calls."""
    from territory_designer.balance import build

    names = [
        "lower_bound",
        "isolate_heavy_units",
        "graph_of",
        "initial_partition",
        "repair_contiguity",
        "improve",
        "repair_balance",
        "merge_split",
        "iterated_search",
        "lift_worst",
        "_smooth",
        "_rank",
        "plan_key",
    ]
    for name in names:
        fn = getattr(build, name, None)
        if fn is None:  # a phase the engine no longer has
            continue

        def wrapped(*a, __fn=fn, __name=name, **kw):
            with meter.stage(__name):
                return __fn(*a, **kw)

        setattr(build, name, wrapped)


def _run_child(code: str) -> dict:
    res = subprocess.run(
        ["nice", sys.executable, "-c", code], capture_output=True, text=True, env=_env()
    )
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        raise SystemExit(f"child failed ({res.returncode})")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _env() -> dict:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))


def _print_rows(title: str, out: dict) -> None:
    print(f"\n## {title}")
    print(f"{'stage':<34}{'calls':>6}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}")
    merged: dict[str, dict] = {}
    for row in out["rows"]:
        agg = merged.setdefault(row["stage"], dict(row, calls=0, wall_s=0.0, cpu_s=0.0))
        agg["calls"] += 1
        if agg["calls"] > 1:
            agg["wall_s"] += row["wall_s"]
            agg["cpu_s"] += row["cpu_s"]
            agg["peak_mb"] = max(agg["peak_mb"], row["peak_mb"])
        else:
            agg.update(wall_s=row["wall_s"], cpu_s=row["cpu_s"])
    for name, r in merged.items():
        print(f"{name:<34}{r['calls']:>6}{r['wall_s']:>9.2f}{r['cpu_s']:>9.2f}{r['peak_mb']:>9.0f}")
    ex = out["extra"]
    print(
        f"{'total (process)':<34}{'':>6}{ex.pop('total_wall_s'):>9.2f}"
        f"{ex.pop('total_cpu_s'):>9.2f}{ex.pop('process_peak_mb'):>9.0f}"
    )
    print("  " + ", ".join(f"{k}={v}" for k, v in ex.items()))


def stage_adjacency(gpkg: Path, npz: Path) -> None:
    code = ADJACENCY_CHILD.format(
        root=str(ROOT), bench=str(ROOT / "bench"), path=str(gpkg), npz=str(npz)
    )
    _print_rows(f"adjacency from geometries: {gpkg.name}", _run_child(code))


def stage_engine(npz: Path, k: int, tol: float) -> None:
    code = ENGINE_CHILD.format(
        root=str(ROOT), bench=str(ROOT / "bench"), npz=str(npz), k=k, tol=tol
    )
    _print_rows(f"engine given the adjacency: k={k}, tolerance {tol:.0%}", _run_child(code))


WRAP = (
    "import json, resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(json.dumps([r.returncode, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024]))"
)


def _timed_command(args: list[str]) -> tuple[float, float, float]:
    """Wall s, CPU s (user + system) and peak MB (VmHWM) of one CLI command."""
    t = time.perf_counter()
    cmd = [sys.executable, "-c", WRAP, "nice", sys.executable, str(ROOT / "main.py"), *args]
    res = subprocess.run(cmd, capture_output=True, text=True, env=_env())
    wall = time.perf_counter() - t
    code, cpu, peak = json.loads(res.stdout.strip().splitlines()[-1])
    if code != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit(f"{args[0]} failed")
    return wall, cpu, peak


def stage_cli(gpkg: Path, k: int, tol: float) -> None:
    print(f"\n## CLI: new from {gpkg.name} + build -k {k} (what a user waits for)")
    print(f"{'command':<34}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}")
    with tempfile.TemporaryDirectory(dir=SCALE_DIR) as tmp:
        proj = str(Path(tmp) / "scale.tdproj")
        total_w = total_c = 0.0
        steps = [
            ("new", ["new", "--units", str(gpkg), "--id-field", "unit_id", "--out", proj]),
            (
                "build",
                ["build", proj, "-k", str(k), "--tolerance", str(tol), "--balance-on", "revenue"],
            ),
        ]
        for name, args in steps:
            w, c, mb = _timed_command(args)
            total_w += w
            total_c += c
            print(f"{name:<34}{w:>9.2f}{c:>9.2f}{mb:>9.0f}")
        print(f"{'total':<34}{total_w:>9.2f}{total_c:>9.2f}")


def window_project(n_units: int, k: int) -> Path:
    """A ``.tdproj`` of the ``n_units`` layer with a plan of ``k`` territories."""
    out = SCALE_DIR / f"hex_us48_{n_units // 1000}k_k{k}.tdproj"
    if out.exists():
        return out
    code = (
        "import sys; sys.path.insert(0, {bench!r});"
        "from instances import seed_plan;"
        "from territory_designer.io.geography import new_project_from_file;"
        "from territory_designer.io.project_file import save_project;"
        "p = new_project_from_file({gpkg!r}, 'unit_id'); seed_plan(p, {k});"
        "save_project(p, {out!r})"
    ).format(bench=str(ROOT / "bench"), gpkg=str(layer_path(n_units)), k=k, out=str(out))
    t = time.perf_counter()
    subprocess.run(["nice", sys.executable, "-c", code], check=True, env=_env())
    print(f"(saved {out.name} in {time.perf_counter() - t:.1f} s)", file=sys.stderr)
    return out


def stage_window(n_units: int, k: int, repeat: int) -> None:
    from bench_open_app import CHILD

    path = window_project(n_units, k)
    print(f"\n## window: open {path.name} to the first full frame (target 10 s)")
    print(
        f"{'run':<6}{'imports s':>10}{'read s':>8}{'window s':>10}{'open+first frame s':>20}"
        f"{'CPU s':>8}{'peak MB':>9}"
    )
    env = dict(_env(), TD_CACHE_DIR=tempfile.mkdtemp(prefix="td-bench-cache-"))
    for r in range(repeat):
        code = CHILD.format(root=str(ROOT), bench=str(ROOT / "bench"), path=str(path))
        t = time.perf_counter()
        res = subprocess.run(
            ["nice", sys.executable, "-c", code], capture_output=True, text=True, env=env
        )
        if res.returncode != 0:
            sys.stderr.write(res.stderr)
            raise SystemExit("window child failed")
        out = json.loads(res.stdout.strip().splitlines()[-1])
        print(
            f"{r:<6}{out['imports_s']:>10.2f}{out['load_s']:>8.2f}{out['window_s']:>10.2f}"
            f"{out['first_map_s']:>20.2f}{out['first_map_cpu_s']:>8.2f}{out['peak_mb']:>9.0f}"
            f"   (process {time.perf_counter() - t:.1f} s)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("-k", type=int, default=800)
    ap.add_argument("--tolerance", type=float, default=0.05)
    ap.add_argument("--window-units", type=int, default=300_000)
    ap.add_argument("--window-k", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=1, help="window opens")
    ap.add_argument(
        "--stages",
        nargs="+",
        default=["adjacency", "engine", "cli", "window"],
        choices=["adjacency", "engine", "cli", "window"],
    )
    args = ap.parse_args()
    t = time.perf_counter()
    gpkg = layer_path(args.units)
    print(f"layer {gpkg.name} ready ({time.perf_counter() - t:.1f} s; made once, then cached)")
    npz = SCALE_DIR / f"{gpkg.stem}_graph.npz"
    if "adjacency" in args.stages or not npz.exists():
        stage_adjacency(gpkg, npz)
    if "engine" in args.stages:
        stage_engine(npz, args.k, args.tolerance)
    if "cli" in args.stages:
        stage_cli(gpkg, args.k, args.tolerance)
    if "window" in args.stages:
        stage_window(args.window_units, args.window_k, args.repeat)


if __name__ == "__main__":
    main()

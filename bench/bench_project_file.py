"""Save and reopen a large project; print the times and the peak memory (issue 2).

Usage: python bench/bench_project_file.py [--instances zip_us48 zip_us48_dense] [--repeat 3]

Each figure is the median of ``--repeat`` runs, each reopen in a fresh process so that
caches of the previous run do not flatter it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import ROOT, project_path  # noqa: E402

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from territory_designer.io.project_file import load_project, save_project
t1 = time.perf_counter()
project = load_project({path!r})
t2 = time.perf_counter()
save_project(project, {out!r})
t3 = time.perf_counter()
# VmHWM, not ru_maxrss: the latter keeps the parent's high-water mark across exec.
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(json.dumps({{"import_s": t1 - t0, "open_s": t2 - t1, "save_s": t3 - t2,
    "peak_mb": int(hwm) / 1024}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", nargs="+", default=["zip_us48", "zip_us48_dense"])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'instance':<18}{'open s':>8}{'save s':>8}{'peak MB':>9}   (targets: 5 s, 5 s)")
    for name in args.instances:
        path = project_path(name)
        out = path.with_suffix(".resaved.tdproj")
        runs = []
        for _ in range(args.repeat):
            code = CHILD.format(root=str(ROOT), path=str(path), out=str(out))
            res = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            )
            runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"{name:<18}{med['open_s']:>8.2f}{med['save_s']:>8.2f}{med['peak_mb']:>9.0f}")
        out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()

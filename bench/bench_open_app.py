"""Open a large project in the app and show the first full map (issue 2).

Usage: python bench/bench_open_app.py [--instances zip_us48 zip_us48_dense] [--repeat 3]

Each run is a fresh process that imports the app, reads the ``.tdproj`` file, builds the
main window (canvas, territory dock, toolbars) at 1400x900 offscreen, and renders the
window once with every layer: the figure is the time from ``load_project`` to that first
full frame (Python start-up and imports are printed separately). The peak memory is the
process high-water mark (VmHWM) after a few full redraws and a 1,000-unit stroke. The
basemap columns (issue 11) time its load after the first frame and the open until a frame
with it; the first run cuts it into a fresh cache (printed separately), the others read it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import ROOT, project_path  # noqa: E402

CHILD = r"""
import json, os, sys, time, tempfile
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
from territory_designer.io.project_file import load_project
from territory_designer.ui.app_settings import AppSettings, make_qsettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow
app = QApplication([])
t1 = time.perf_counter()
c1 = time.process_time()
project = load_project({path!r})
t2 = time.perf_counter()
window = MainWindow(project, "bench", AppSettings(make_qsettings(tempfile.mkdtemp())),
                    ScriptedPrompts())
window.files.autosave_timer.stop()
window.resize(1400, 900)
window.show()
app.processEvents()
window.canvas.wait_idle()
image = window.grab()
t3 = time.perf_counter()
c3 = time.process_time()  # every thread of the process
window.canvas.basemap.load_now()  # queued after the first paint in the app; here at once
window.canvas.basemap.place()
window.grab()
t4 = time.perf_counter()
for _ in range(3):
    window.canvas.viewport().repaint()
from instances import blob
units = blob(project, 0, 1000)
window.session.assign(units, sorted(project.plan.territories)[1])
app.processEvents()
window.canvas.wait_idle()
window.canvas.viewport().repaint()
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(json.dumps({{"imports_s": t1 - t0, "load_s": t2 - t1, "first_map_s": t3 - t1,
                  "window_s": t3 - t2, "first_map_cpu_s": c3 - c1, "peak_mb": int(hwm) / 1024,
                  "basemap_s": t4 - t3, "with_basemap_s": t4 - t1,
                  "frame_ok": not image.isNull()}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", nargs="+", default=["zip_us48", "zip_us48_dense"])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(
        f"{'instance':<18}{'read s':>8}{'window s':>10}{'open+first map s':>18}"
        f"{'peak MB':>9}{'basemap s':>11}{'with basemap s':>16}   (targets: 3 s, 1,500 MB)"
    )
    for name in args.instances:
        path = project_path(name)
        runs = []
        # The first run cuts the basemap into a fresh cache; the others read it (a re-open).
        env = dict(os.environ, TD_CACHE_DIR=tempfile.mkdtemp(prefix="td-bench-cache-"))
        for _ in range(args.repeat):
            code = CHILD.format(root=str(ROOT), bench=str(ROOT / "bench"), path=str(path))
            res = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
            )
            runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
        cold = runs[0]
        med = {k: statistics.median(float(r[k]) for r in runs) for k in runs[0]}
        print(
            f"{name:<18}{med['load_s']:>8.2f}{med['window_s']:>10.2f}"
            f"{med['first_map_s']:>18.2f}{max(r['peak_mb'] for r in runs):>9.0f}"
            f"{med['basemap_s']:>11.2f}{med['with_basemap_s']:>16.2f}"
        )
        print(
            f"{'':<18}basemap first use (cut + cache): {cold['basemap_s']:.2f} s, "
            f"open with it: {cold['with_basemap_s']:.2f} s"
        )


if __name__ == "__main__":
    main()

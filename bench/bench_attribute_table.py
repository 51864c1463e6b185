"""Open the attribute table on a large project and work in it (issue 11).

Usage: python bench/bench_attribute_table.py [--instance zip_us48] [--repeat 3]

Builds the main window offscreen on the 29,380-unit ZIP project (see ``instances.py``),
then times, each from a fresh window: opening View › Attribute Table until the dock has
painted (both tabs read from the project's arrays; the window's other docks re-lay out
as the table takes the bottom of the window), reading both tabs again, sorting by a
numeric column, filtering by a query and by plain text, selecting every shown row (the
map selects the units), and a 1,000-unit assignment while the table is open (the table
refreshes its territory column). Prints the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import ROOT, blob, project_path  # noqa: E402

sys.path.insert(0, str(ROOT))


def _run(path: Path) -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from territory_designer.io.project_file import load_project
    from territory_designer.ui.app_settings import AppSettings, make_qsettings
    from territory_designer.ui.dialogs.prompts import ScriptedPrompts
    from territory_designer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    project = load_project(path)
    window = MainWindow(
        project, "bench", AppSettings(make_qsettings(tempfile.mkdtemp())), ScriptedPrompts()
    )
    window.files.autosave_timer.stop()
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    window.canvas.wait_idle()
    window.canvas.basemap.load()  # queued after the first paint in the app: not ours to time
    window.canvas.basemap.place()
    app.processEvents()
    dock = window.attribute_table_dock
    out: dict[str, float] = {}

    t = time.perf_counter()
    window.actions_by_name["attribute_table"].trigger()
    app.processEvents()
    dock.grab()
    out["open_s"] = time.perf_counter() - t
    out["rows"] = dock.units_model.rowCount()
    t = time.perf_counter()
    dock.reload()
    out["read_s"] = time.perf_counter() - t

    page, model = dock.units_page, dock.units_model
    t = time.perf_counter()
    page.view.sortByColumn(model.field_names().index("revenue"), Qt.SortOrder.DescendingOrder)
    dock.grab()
    out["sort_s"] = time.perf_counter() - t

    t = time.perf_counter()
    page.filter_edit.setText("revenue > 100000 and accounts >= 10")
    page.apply_filter()
    dock.grab()
    out["query_s"] = time.perf_counter() - t
    out["query_rows"] = model.rowCount()

    t = time.perf_counter()
    page.filter_edit.setText("27")
    page.apply_filter()
    dock.grab()
    out["text_filter_s"] = time.perf_counter() - t
    out["text_rows"] = model.rowCount()

    t = time.perf_counter()
    page.view.selectAll()
    dock._push_selection()
    app.processEvents()
    window.canvas.wait_idle()
    out["select_s"] = time.perf_counter() - t
    out["selected"] = window.session.selection.size

    page.filter_edit.setText("")
    page.apply_filter()
    units = blob(project, 0, 1000)
    t = time.perf_counter()
    window.session.assign(units, sorted(project.plan.territories)[1])
    dock.refresh_values()
    dock.grab()
    out["assign_refresh_s"] = time.perf_counter() - t
    window.close()
    window.deleteLater()
    app.processEvents()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instance", default="zip_us48")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = project_path(args.instance)
    runs = [_run(path) for _ in range(args.repeat)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(
        f"attribute table on {args.instance} ({int(med['rows']):,} units), median of {args.repeat}:"
    )
    print(f"  open View › Attribute Table until painted  {med['open_s'] * 1000:8.0f} ms")
    print(f"  reading both tabs again (reload)          {med['read_s'] * 1000:8.0f} ms")
    print(f"  sort by revenue                            {med['sort_s'] * 1000:8.0f} ms")
    print(
        f"  filter 'revenue > 100000 and accounts >= 10' {med['query_s'] * 1000:6.0f} ms"
        f"  ({int(med['query_rows']):,} rows)"
    )
    print(
        f"  filter plain text '27'                     {med['text_filter_s'] * 1000:8.0f} ms"
        f"  ({int(med['text_rows']):,} rows)"
    )
    print(
        f"  select all shown rows -> map selection     {med['select_s'] * 1000:8.0f} ms"
        f"  ({int(med['selected']):,} units)"
    )
    print(f"  assign 1,000 units, table refreshed        {med['assign_refresh_s'] * 1000:8.0f} ms")


if __name__ == "__main__":
    main()

"""Export speed and size (issue 5): every report format on two plans.

Usage: python bench/bench_reports.py [--only small|big] [--out DIR] [--screenshot] [--libreoffice]

* small: the shared ``zip_se4`` instance (2,645 ZIP areas of four south-eastern states —
  the "3,000-unit" case), 50 contiguous territories, 10,000 synthetic accounts located
  with ``core.accounts.locate_points``. Targets: Excel <= 10 s, PDF <= 20 s,
  HTML <= 10 s and <= 10 MB. ``pdf-greek`` is the PDF again with one territory named in
  Greek (outside the PDF core fonts' character set: drawn in embedded DejaVu).
* big: ``zip_us48`` (29,380 ZIP areas of the lower 48 — the largest shared instance,
  standing in for "40,000 units"), 200 territories, 10,000 accounts. Target: each <= 60 s.

Prints seconds and file size per format. With ``--screenshot`` the HTML map is also
rendered by headless Chromium with networking disabled (PNG next to the exports).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import project_path  # noqa: E402

from territory_designer.core.accounts import AccountTable, locate_points  # noqa: E402
from territory_designer.core.project import Project  # noqa: E402
from territory_designer.io.project_file import load_project  # noqa: E402
from territory_designer.reports import export  # noqa: E402

CASES = {"small": ("zip_se4", 50, 10_000), "big": ("zip_us48", 200, 10_000)}
TARGETS = {
    "small": {"excel": 10, "pdf": 20, "pdf-greek": 20, "html": 10},
    "big": {k: 60 for k in ("excel", "pdf", "html", "gpkg", "shp", "geojson", "assignments")},
}
FORMATS = (
    ("excel", "plan.xlsx"),
    ("pdf", "plan.pdf"),
    ("pdf-greek", "plan_greek.pdf"),
    ("html", "plan.html"),
    ("gpkg", "plan.gpkg"),
    ("shp", "plan_shp"),
    ("geojson", "plan.geojson"),
    ("assignments", "plan.csv"),
)


def with_accounts(project: Project, n: int, seed: int = 5) -> Project:
    """The project with ``n`` synthetic accounts spread like the units' ``accounts`` field."""
    rng = np.random.default_rng(seed)
    units = project.units
    w = (
        units.attributes["accounts"].to_numpy(dtype=float) + 1.0
        if ("accounts" in units.attributes)
        else np.ones(len(units))
    )
    pick = rng.choice(len(units), size=n, p=w / w.sum())
    # A point inside each picked unit: its point on surface, nudged toward a random vertex.
    base = units.centroid[pick]
    xmin, ymin, xmax, ymax = shapely.bounds(units.geometry[pick]).T
    xy = base + rng.uniform(-0.25, 0.25, (n, 2)) * np.column_stack([xmax - xmin, ymax - ymin])
    located = locate_points(xy, units.geometry)
    miss = located < 0
    xy[miss], located[miss] = base[miss], pick[miss]
    table = pd.DataFrame(
        {
            "account_id": [f"B{k:06d}" for k in range(n)],
            "name": [f"Account {k}" for k in range(n)],
            "x": xy[:, 0],
            "y": xy[:, 1],
            "unit": located,
            "located_by": "coordinates",
            "revenue": np.round(rng.lognormal(np.log(30_000), 0.8, n), -2),
            "visits_per_year": rng.poisson(10, n),
        }
    )
    # The instances' unit attribute "accounts" (a demand proxy) would collide with the
    # account count metric of the same name; keep it under another name.
    units.attributes = units.attributes.rename(columns={"accounts": "accounts_proxy"})
    return Project(
        units,
        project.adjacency,
        AccountTable(table),
        list(project.plans.values()),
        active_plan=project.active_plan_name,
        settings={**project.settings, "balance_field": "revenue"},
    )


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    extra = path.with_name(f"{path.stem}_units{path.suffix}")  # GeoJSON's units file
    return path.stat().st_size + (extra.stat().st_size if extra.exists() else 0)


def screenshot(html: Path) -> Path | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("  (no chromium: screenshot skipped)")
        return None
    png = html.with_suffix(".png")
    subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--proxy-server=127.0.0.1:9",
            "--virtual-time-budget=8000", f"--screenshot={png}", "--window-size=1200,800",
            html.resolve().as_uri(),
        ],
        check=False, capture_output=True, timeout=120,
    )  # fmt: skip
    return png if png.exists() else None


def office_pages(xlsx: Path) -> list[Path]:
    """Convert the workbook with LibreOffice (as a user opening it would) and render PNGs."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None or shutil.which("pdftoppm") is None:
        print("  (no libreoffice/pdftoppm: workbook check skipped)")
        return []
    folder = xlsx.parent / "libreoffice"
    folder.mkdir(exist_ok=True)
    subprocess.run(
        [office, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(folder),
         str(xlsx)],
        check=False, capture_output=True, timeout=300,
    )  # fmt: skip
    pdf = folder / f"{xlsx.stem}.pdf"
    if not pdf.exists():
        print("  LIBREOFFICE COULD NOT OPEN THE WORKBOOK")
        return []
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-l", "3", str(pdf), str(folder / "page")],
        check=False,
        timeout=120,
    )
    return sorted(folder.glob("page*.png"))


def run(case: str, out: Path, shot: bool, office: bool = False) -> bool:
    instance, k, n_accounts = CASES[case]
    t0 = time.perf_counter()
    project = with_accounts(load_project(project_path(instance, k)), n_accounts)
    print(
        f"\n{case}: {instance}, {len(project.units):,} units, {len(project.plan.territories)} "
        f"territories, {len(project.accounts):,} accounts (set up in "
        f"{time.perf_counter() - t0:.1f} s)"
    )
    ok = True
    folder = out / case
    folder.mkdir(parents=True, exist_ok=True)
    for kind, name in FORMATS:
        target = folder / name
        if kind == "pdf-greek" and case != "small":
            continue
        t, cpu = time.perf_counter(), time.process_time()
        if kind == "pdf-greek":
            first = project.plan.territories[min(project.plan.territories)]
            latin, first.name = first.name, "Αθήνα Βόρεια"
            export("pdf", project, target)
            first.name = latin
        else:
            export(kind, project, target)
        dt, cpu = time.perf_counter() - t, time.process_time() - cpu
        mb = size_of(target) / 1e6
        limit = TARGETS[case].get(kind)
        verdict = "" if limit is None else ("  ok" if dt <= limit else f"  SLOW (> {limit} s)")
        if case == "small" and kind == "html" and mb > 10:
            verdict += "  TOO BIG (> 10 MB)"
        ok &= "SLOW" not in verdict and "BIG" not in verdict
        # CPU time too: on a shared machine the wall time also counts other programs.
        print(f"  {kind:<12} {dt:6.2f} s (cpu {cpu:6.2f} s)  {mb:8.2f} MB{verdict}")
    if shot:
        png = screenshot(folder / "plan.html")
        print(f"  screenshot: {png}")
    if office:
        xlsx = next(folder.glob("*.xlsx"))
        pages = office_pages(xlsx)
        print(f"  LibreOffice pages of {xlsx.name}: {', '.join(str(p) for p in pages)}")
        ok &= bool(pages)
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(CASES))
    ap.add_argument("--out", type=Path, help="folder for the exports (default: a temp dir)")
    ap.add_argument("--screenshot", action="store_true", help="HTML map in headless Chromium")
    ap.add_argument(
        "--libreoffice", action="store_true", help="open the Excel report in LibreOffice (PNGs)"
    )
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="td-bench-reports-"))
    print(f"exports in {out}")
    cases = [args.only] if args.only else list(CASES)
    ok = all(run(c, out, args.screenshot, args.libreoffice) for c in cases)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

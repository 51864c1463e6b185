"""HTML map size and time, and what the bytes are (issues 11 and 18).

Usage: python bench/bench_webmap.py [--only small|big] [--out DIR] [--browser]

The cases of ``bench_reports.py``: *small* is ``zip_se4`` (2,645 ZIP areas, 50
territories, 10,000 accounts), *big* is ``zip_us48`` (29,380 ZIP areas, 200 territories,
10,000 accounts). Prints the export time, the file size and its parts: inlined Leaflet,
territory shapes, unit outlines (written up to 5,000 units), the unit search index,
account rows, the basemap's shapes and its city names. With ``--browser`` the page is
opened offline in headless Chromium (desktop and a 390 x 844 phone): time to the first
drawn map, labels shown, and screenshots beside the export.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))
from bench_reports import CASES, with_accounts  # noqa: E402
from instances import project_path  # noqa: E402

from territory_designer.io.project_file import load_project  # noqa: E402
from territory_designer.reports import export  # noqa: E402


def parts(html: str) -> dict[str, int]:
    """Bytes of each part of the page."""
    decoder = json.JSONDecoder()
    start = html.index("var TD = ") + len("var TD = ")
    td, end = decoder.raw_decode(html, start)
    out = {"Leaflet + markercluster (inlined)": html.index("var TD = ")}
    for key, label in (
        ("basemap", "basemap shapes"),
        ("cities", "basemap city names"),
        ("units", "unit search index"),
        ("territories", "territory entries"),
    ):
        if key in td:
            out[label] = len(json.dumps(td[key], separators=(",", ":")))
    layers = []
    for match in re.finditer(r"geo_json_\w+_add\(", html):
        _, stop = decoder.raw_decode(html, match.end())
        layers.append(stop - match.end())
    if layers:
        out["territory shapes"] = layers[0]
    if len(layers) > 1:
        out["unit outlines"] = layers[1]
    if "var data = " in html:
        at = html.index("var data = ") + len("var data = ")
        _, stop = decoder.raw_decode(html, at)
        out["account rows"] = stop - at
    return out


def browse(html: Path) -> None:
    """Open the page offline at desktop and phone size; time and screenshots."""
    from td_chromium import Page

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("  (no chromium: browser check skipped)")
        return
    for name, w, h, mobile in (("desktop", 1280, 800, False), ("phone", 390, 844, True)):
        with Page(browser, html.parent / f"profile-{name}", w, h, mobile) as page:
            t = time.perf_counter()
            page.open(html.resolve().as_uri(), settle=0)
            loaded = time.perf_counter() - t
            page.wait(1.5)
            labels = page.evaluate("TD.shownLabels.length")
            cities = page.evaluate("TD.shownCities.length")
            fetched = [u for u in page.requests if not u.startswith("data:")]
            png = page.screenshot(html.with_name(f"{html.stem}-{name}.png"))
            print(
                f"  {name:<8} loaded in {loaded:5.2f} s, {labels} territory names, "
                f"{cities} cities, requests {len(fetched)} (the file itself), {png}"
            )


def run(case: str, out: Path, browser: bool) -> None:
    instance, k, n_accounts = CASES[case]
    project = with_accounts(load_project(project_path(instance, k)), n_accounts)
    print(
        f"\n{case}: {instance}, {len(project.units):,} units, {len(project.plan.territories)} "
        f"territories, {len(project.accounts):,} accounts"
    )
    target = out / f"{case}.html"
    t = time.perf_counter()
    export("html", project, target)
    dt = time.perf_counter() - t
    html = target.read_text(encoding="utf-8")
    print(f"  export {dt:6.2f} s, {len(html.encode()) / 1e6:6.2f} MB  ({target})")
    for label, size in parts(html).items():
        print(f"    {label:<34} {size / 1e6:6.2f} MB")
    if browser:
        browse(target)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(CASES))
    ap.add_argument("--out", type=Path, help="folder for the exports (default: a temp dir)")
    ap.add_argument("--browser", action="store_true", help="open the page in headless Chromium")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="td-bench-webmap-"))
    out.mkdir(parents=True, exist_ok=True)
    for case in [args.only] if args.only else sorted(CASES, reverse=True):
        run(case, out, args.browser)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

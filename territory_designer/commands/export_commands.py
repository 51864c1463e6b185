"""``export``: reports and data files through the exporter registry."""

from __future__ import annotations

import argparse
import time

from territory_designer.commands.common import load
from territory_designer.core.errors import InputError

#: command-line option -> exporter name
OPTIONS = {
    "excel": "excel",
    "pdf": "pdf",
    "pdf_per_territory": "pdf-per-territory",
    "html": "html",
    "gpkg": "gpkg",
    "shp": "shp",
    "geojson": "geojson",
    "assignments": "assignments",
    "account_assignments": "account-assignments",
    "proposal": "proposal",
}


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the export command."""
    p = sub.add_parser("export", help="write reports and data files for a plan")
    p.add_argument("project")
    p.add_argument("--excel", metavar="X.xlsx", help="Excel report")
    p.add_argument("--pdf", metavar="X.pdf", help="PDF report")
    p.add_argument(
        "--pdf-per-territory",
        metavar="DIR",
        help="one PDF per territory (map, figures, every account) into DIR: rep handouts",
    )
    p.add_argument("--html", metavar="X.html", help="interactive map (works offline)")
    p.add_argument(
        "--gpkg", metavar="X.gpkg", help="territories, units and accounts as a GeoPackage"
    )
    p.add_argument(
        "--shp", metavar="DIR", help="territories, units and accounts as shapefiles in DIR"
    )
    p.add_argument(
        "--geojson",
        metavar="X.geojson",
        help="territories to X.geojson, units to X_units.geojson, accounts to "
        "X_accounts.geojson (EPSG:4326)",
    )
    p.add_argument(
        "--gis-crs",
        metavar="CRS",
        help="CRS for --gpkg and --shp, e.g. EPSG:4326 (default: the project's)",
    )
    p.add_argument("--assignments", metavar="X.csv|X.xlsx", help="unit_id,territory list for a CRM")
    p.add_argument(
        "--account-assignments",
        metavar="X.csv|X.xlsx",
        help="one row per account with its territory, owner and previous territory (CRM)",
    )
    p.add_argument(
        "--proposal",
        metavar="DIR",
        help="one workbook per district or manager with the plan's moves against the "
        "baseline and Accept/Reject/Comment columns, into DIR (answers: import-responses)",
    )
    p.add_argument("--plan", help="plan to export (default: the active plan)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size")
    p.add_argument("--title", help="report title (default: the plan name)")
    p.add_argument(
        "--no-basemap",
        action="store_true",
        help="PDF and Excel maps without the offline basemap (coasts, borders, city names)",
    )
    p.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    """Write every requested export."""
    from territory_designer.reports.registry import ExportOptions, export, exporters

    wanted = [(name, getattr(args, opt)) for opt, name in OPTIONS.items() if getattr(args, opt)]
    if not wanted:
        names = ", --".join(o.replace("_", "-") for o in OPTIONS)
        raise InputError("Nothing to export: give at least one of --" + names)
    available = exporters()
    project = load(args.project)
    options = ExportOptions(
        plan=args.plan,
        paper=args.paper,
        title=args.title,
        gis_crs=args.gis_crs,
        basemap=not args.no_basemap,
    )
    for name, target in wanted:
        if name not in available:
            raise InputError(f"Export format {name!r} is not available.")
        t0 = time.perf_counter()
        out = export(name, project, target, options)
        print(f"Wrote {available[name].label}: {out} ({time.perf_counter() - t0:.1f} s)")
    return 0

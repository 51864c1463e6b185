"""Command line: the same capabilities as the app, headless.

``python main.py``                         open the app on the bundled demo project
``python main.py PROJECT.tdproj``          open the app on a project
``python main.py demo --out P.tdproj``     write the demo project
``python main.py new --units FILE --id-field F [--name-field F] --out P.tdproj``
``python main.py info P.tdproj [--json]``  units, accounts, territories and their metrics
``python main.py screenshot P.tdproj --out window.png``

Errors print one line on stderr and exit with status 2 (bad input) or 3 (internal error).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from territory_designer import __version__
from territory_designer.core.errors import TerritoryDesignerError

COMMANDS = ("demo", "new", "info", "screenshot")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="main.py",
        description="Territory Designer: design balanced sales territories, offline.",
        epilog="Without a command the app opens (on PROJECT.tdproj, or on the demo project).",
    )
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="write the bundled demo project")
    p.add_argument("--out", required=True, help="project file to write (.tdproj)")
    p = sub.add_parser("new", help="create a project from a polygon file")
    p.add_argument("--units", required=True, help="polygon file (GeoPackage, shapefile, GeoJSON…)")
    p.add_argument("--id-field", required=True, help="field holding the unit id")
    p.add_argument("--name-field", help="field holding the unit name (default: the id)")
    p.add_argument("--layer", help="layer name, for files holding several")
    p.add_argument("--crs", help="CRS to assume when the file has none, e.g. EPSG:4326")
    p.add_argument("--out", required=True, help="project file to write (.tdproj)")
    p = sub.add_parser("info", help="print units, accounts, territories and metrics")
    p.add_argument("project")
    p.add_argument("--plan", help="plan to report (default: the active plan)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    p.add_argument("project", nargs="?", help="project file (default: the demo)")
    p.add_argument("--out", required=True, help="PNG file to write")
    p.add_argument("--width", type=int, default=1400)
    p.add_argument("--height", type=int, default=900)
    return ap


def _out_path(value: str) -> Path:
    out = Path(value)
    if out.exists() and out.is_dir():
        raise TerritoryDesignerError(f"{out} is a folder; give a file name ending in .tdproj.")
    if not out.parent.exists():
        raise TerritoryDesignerError(f"Cannot write {out}: folder {out.parent} does not exist.")
    return out


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the demo project."""
    from territory_designer.io.demo import build_demo_project
    from territory_designer.io.project_file import save_project

    out = _out_path(args.out)
    project = build_demo_project()
    save_project(project, out)
    print(f"Wrote demo project {out}: {len(project.units)} units, {len(project.accounts)} accounts")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """Create a project from a polygon file."""
    from territory_designer.io.geography import new_project_from_file
    from territory_designer.io.project_file import save_project

    out = _out_path(args.out)
    project = new_project_from_file(
        args.units, args.id_field, args.name_field, args.layer, args.crs
    )
    save_project(project, out)
    print(f"Wrote {out}: {len(project.units)} units, {project.adjacency.n_edges} adjacencies")
    return 0


def _crs_label(crs: object) -> str | None:
    """EPSG code when there is one, else the PROJ string."""
    if crs is None:
        return None
    epsg = crs.to_epsg()  # type: ignore[attr-defined]
    return f"EPSG:{epsg}" if epsg else crs.to_proj4()  # type: ignore[attr-defined]


def project_info(project: object, plan: str | None = None) -> dict:
    """Everything ``info`` prints, as plain data."""
    from territory_designer.core.project import Project

    assert isinstance(project, Project)
    if plan:
        project.set_active_plan(plan)
    table = project.territory_table()
    summary = asdict(project.summary())
    summary["units_moved_vs_baseline"] = project.units_moved_vs_baseline()
    return {
        "units": len(project.units),
        "accounts": len(project.accounts),
        "unlocated_accounts": int((project.accounts.table["unit"] < 0).sum())
        if len(project.accounts)
        else 0,
        "crs": _crs_label(project.units.crs),
        "plans": list(project.plans),
        "active_plan": project.active_plan_name,
        "baseline_plan": project.baseline_plan_name,
        "balance_field": project.balance_field,
        "metric_fields": project.weight_fields,
        "summary": summary,
        "territories": json.loads(table.drop(columns=["code"]).to_json(orient="records"))
        if len(table)
        else [],
    }


def cmd_info(args: argparse.Namespace) -> int:
    """Print a project's figures."""
    from territory_designer.io.project_file import load_project

    project = load_project(args.project)
    if args.plan and args.plan not in project.plans:
        raise TerritoryDesignerError(
            f"{args.project}: no plan named {args.plan!r} (plans: {', '.join(project.plans)})."
        )
    info = project_info(project, args.plan)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    s = info["summary"]
    print(f"{args.project}")
    print(
        f"  units {info['units']}, accounts {info['accounts']} "
        f"({info['unlocated_accounts']} unlocated), CRS {info['crs']}"
    )
    print(
        f"  plans: {', '.join(info['plans'])} (active: {info['active_plan']}, "
        f"baseline: {info['baseline_plan'] or '-'})"
    )
    print(
        f"  balance on {info['balance_field']}: max deviation {s['max_abs_deviation_pct']:.1f}%,"
        f" CV {s['cv']:.3f}, {'contiguous' if s['contiguous'] else 'NOT contiguous'},"
        f" unassigned units {s['unassigned_units']}, mean Polsby-Popper {s['pp_mean']:.3f}"
    )
    field = info["balance_field"]
    print(
        f"  {'id':<6}{'name':<22}{'owner':<18}{'units':>6}{'accounts':>9}"
        f"{field[:14]:>16}{'dev %':>8}{'PP':>7}"
    )
    for t in info["territories"]:
        print(
            f"  {t['id']:<6}{t['name'][:21]:<22}{t['owner'][:17]:<18}{t['units']:>6}"
            f"{t['accounts']:>9.0f}{t[field]:>16,.1f}{t['deviation_pct']:>8.1f}"
            f"{t['polsby_popper']:>7.3f}"
        )
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    """Render the main window offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from territory_designer.ui.screenshot import render_main_window

    if args.project:
        from territory_designer.io.project_file import check_project_file

        check_project_file(args.project)
    out = Path(args.out)
    if not out.parent.exists():
        raise TerritoryDesignerError(f"Cannot write {out}: folder {out.parent} does not exist.")
    render_main_window(args.project, str(out), (args.width, args.height))
    print(f"Wrote {out}")
    return 0


HANDLERS = {"demo": cmd_demo, "new": cmd_new, "info": cmd_info, "screenshot": cmd_screenshot}


def _run_gui(argv: Sequence[str]) -> int:
    ap = argparse.ArgumentParser(prog="main.py", description=__doc__.splitlines()[0])
    ap.add_argument("project", nargs="?", help="project file to open (default: the demo)")
    args, qt_args = ap.parse_known_args(argv)
    if args.project:
        from territory_designer.io.project_file import check_project_file

        check_project_file(args.project)
    from territory_designer.app import run_gui

    return run_gui(args.project, [sys.argv[0], *qt_args])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``main.py`` and the ``territory-designer`` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS or argv[:1] in (["-h"], ["--help"], ["--version"]):
            args = _parser().parse_args(argv)
            return HANDLERS[args.command](args)
        return _run_gui(argv)
    except TerritoryDesignerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback; TD_DEBUG shows it
        if os.environ.get("TD_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (set TD_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 3

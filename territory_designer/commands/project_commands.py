"""``demo``, ``new``, ``info`` and ``screenshot``."""

from __future__ import annotations

import argparse
import json
import os
import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from territory_designer.commands.common import (
    contiguity_phrase,
    crs_label,
    crs_title,
    load,
    out_path,
)
from territory_designer.core.criterion import parse_mix
from territory_designer.core.errors import TerritoryDesignerError

if TYPE_CHECKING:
    from territory_designer.core.project import Project


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the project commands."""
    p = sub.add_parser("demo", help="write the bundled demo project")
    p.add_argument("--out", required=True, help="project file to write (.tdproj)")
    p.set_defaults(handler=run_demo)
    p = sub.add_parser("new", help="create a project from a polygon file")
    p.add_argument("--units", required=True, help="polygon file (GeoPackage, shapefile, GeoJSON…)")
    p.add_argument("--id-field", required=True, help="field holding the unit id")
    p.add_argument("--name-field", help="field holding the unit name (default: the id)")
    p.add_argument("--layer", help="layer name, for files holding several")
    p.add_argument(
        "--crs",
        help="CRS of the layer, e.g. EPSG:4326: sets a missing one or overrides a wrong .prj",
    )
    p.add_argument(
        "--allow-overlaps",
        action="store_true",
        help="accept units that overlap (an account inside two counts in the smaller)",
    )
    p.add_argument(
        "--working-crs",
        help="projected CRS in metres to measure and draw in, e.g. EPSG:5070 "
        "(default: chosen from the data)",
    )
    p.add_argument(
        "--template", help="industry template to apply (see `templates list`; default: none)"
    )
    p.add_argument("--out", required=True, help="project file to write (.tdproj)")
    p.set_defaults(handler=run_new)
    p = sub.add_parser("info", help="print units, accounts, territories and metrics")
    p.add_argument("project")
    p.add_argument("--plan", help="plan to report (default: the active plan)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_info)
    p = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    p.add_argument("project", nargs="?", help="project file (default: the demo)")
    p.add_argument("--out", required=True, help="PNG file to write")
    p.add_argument("--width", type=int, default=1400)
    p.add_argument("--height", type=int, default=900)
    p.set_defaults(handler=run_screenshot)


def run_demo(args: argparse.Namespace) -> int:
    """Write the demo project."""
    from territory_designer.io.demo import build_demo_project
    from territory_designer.io.project_file import save_project

    out = out_path(args.out, "project file")
    project = build_demo_project()
    save_project(project, out)
    print(f"Wrote demo project {out}: {len(project.units)} units, {len(project.accounts)} accounts")
    return 0


def run_new(args: argparse.Namespace) -> int:
    """Create a project from a polygon file."""
    from territory_designer.io.geography import OVERLAPS_SETTING, new_project_from_file
    from territory_designer.io.project_file import save_project

    out = out_path(args.out, "project file")
    template = None
    if getattr(args, "template", None):
        from territory_designer.io.templates import load_template

        template = load_template(args.template)  # refused before any work
    notes: list[str] = []
    project = new_project_from_file(
        args.units,
        args.id_field,
        args.name_field,
        args.layer,
        args.crs,
        allow_overlaps=args.allow_overlaps,
        working_crs=args.working_crs,
        notes=notes,
    )
    if template is not None:
        from territory_designer.core.templates import apply_template

        apply_template(project, template)
        notes.append(f"Template: {template.title}.")
    save_project(project, out)
    for line in notes:
        print(line)
    print(
        f"Wrote {out}: {len(project.units)} units, {project.adjacency.n_edges} adjacencies, "
        f"working CRS {crs_title(project.units.crs)}"
    )
    if OVERLAPS_SETTING in project.settings:
        print(
            f"Accepted overlapping units: {project.settings[OVERLAPS_SETTING]}; an account "
            "inside two units counts once, in the smaller."
        )
    return 0


def project_info(project: Project) -> dict:
    """Everything ``info`` prints, as plain data."""
    from territory_designer.io.geography import OVERLAPS_SETTING

    table = project.territory_table()
    summary = asdict(project.summary())
    summary["units_moved_vs_baseline"] = project.units_moved_vs_baseline()
    accounts = project.accounts.table
    return {
        "units": len(project.units),
        "accounts": len(accounts),
        "unlocated_accounts": int((accounts["unit"] < 0).sum()) if len(accounts) else 0,
        "crs": crs_label(project.units.crs),
        "crs_name": project.units.crs.name if project.units.crs is not None else None,
        "plans": list(project.plans),
        "active_plan": project.active_plan_name,
        "baseline_plan": project.baseline_plan_name,
        "balance_field": project.balance_field,
        "overlapping_units": project.settings.get(OVERLAPS_SETTING),
        "balance_criterion": project.balance_criterion(),
        "template": project.settings.get("template"),
        "metric_fields": project.weight_fields,
        "summary": summary,
        "territories": json.loads(table.drop(columns=["code"]).to_json(orient="records"))
        if len(table)
        else [],
    }


def run_info(args: argparse.Namespace) -> int:
    """Print a project's figures."""
    project = load(args.project, args.plan)
    info = project_info(project)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    s = info["summary"]
    print(f"{args.project}")
    print(
        f"  units {info['units']}, accounts {info['accounts']} "
        f"({info['unlocated_accounts']} unlocated), CRS {crs_title(project.units.crs)}"
    )
    print(
        f"  plans: {', '.join(info['plans'])} (active: {info['active_plan']}, "
        f"baseline: {info['baseline_plan'] or '-'})"
    )
    if info["overlapping_units"]:
        print(f"  overlapping units (accepted): {info['overlapping_units']}")
    if info["template"]:
        print(f"  industry template: {info['template']}")
    print(
        f"  balanced on {info['balance_criterion']}:"
        f" max deviation {s['max_abs_deviation_pct']:.1f}%,"
        f" CV {s['cv']:.3f}, {contiguity_phrase(s)},"
        f" unassigned units {s['unassigned_units']},"
        f" Polsby-Popper mean {s['pp_mean']:.3f} min {s['pp_min']:.3f}"
    )
    field = info["balance_field"]
    # A weighted mix is each territory's share of the mixed total (about 1/k): printed
    # as a percentage, or every territory would read 0.1.
    mix = parse_mix(field) is not None
    heading = "mix share %" if mix else field[:14]
    print(
        f"  {'id':<6}{'name':<22}{'owner':<18}{'units':>6}{'accounts':>9}"
        f"{heading:>16}{'dev %':>8}{'PP':>7}{'pieces':>8}"
    )
    for t in info["territories"]:
        value = t[field] * 100 if mix and t[field] is not None else t[field]
        print(
            f"  {t['id']:<6}{t['name'][:21]:<22}{t['owner'][:17]:<18}{t['units']:>6}"
            f"{_figure(t['accounts'], '>9.0f')}{_figure(value, '>16,.2f' if mix else '>16,.1f')}"
            f"{_figure(t['deviation_pct'], '>8.1f')}{_figure(t['polsby_popper'], '>7.3f')}"
            f"{t['pieces']:>8}"
        )
    return 0


def _figure(value: float | None, spec: str) -> str:
    """A figure formatted by ``spec``; ``-`` where there is none (JSON turns NaN and inf
    into null: a mean of zero, or amounts stored by an older version as inf)."""
    if value is None:
        align, width = re.match(r"([<>^]?)(\d*)", spec).groups()
        return format("-", f"{align or '>'}{width}")
    return format(value, spec)


def run_screenshot(args: argparse.Namespace) -> int:
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

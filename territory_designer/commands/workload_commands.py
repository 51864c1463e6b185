"""``workload``: hours a year per territory and share of a full-time selling year."""

from __future__ import annotations

import argparse
import json

SAVING_COMMANDS = frozenset({"workload"})  # only with --store (else a dry run: no lock)


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the workload command."""
    p = sub.add_parser(
        "workload",
        help="workload per territory: visits, travel and routing hours, share of a full year",
    )
    p.add_argument("project")
    p.add_argument("--plan", help="plan to report (default: the active plan)")
    p.add_argument("--circuity", type=float, help="road over straight-line distance (1.3)")
    p.add_argument("--speed", type=float, help="average driving speed in km/h (60)")
    p.add_argument("--full-time-hours", type=float, help="selling hours in a full year (1200)")
    p.add_argument(
        "--store",
        dest="dry_run",
        action="store_false",
        help="save the settings given and each account's hours as the field "
        "'workload_hours', which build and rebalance can balance on",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_workload, dry_run=True)


def run_workload(args: argparse.Namespace) -> int:
    """Print (and with ``--store`` save) the workload of a project's territories."""
    from territory_designer.commands.common import load
    from territory_designer.core.errors import TerritoryDesignerError
    from territory_designer.core.workload import (
        APPROXIMATION_NOTE,
        WORKLOAD_FIELD,
        StoreWorkload,
        territory_workload,
        workload_parameters,
    )

    project = load(args.project, args.plan)
    params = workload_parameters(
        project,
        circuity=args.circuity,
        speed_kmh=args.speed,
        full_time_hours=args.full_time_hours,
    )
    problems = params.check()
    if problems:
        raise TerritoryDesignerError("; ".join(problems) + ".")
    table = territory_workload(project, params=params)
    if not args.dry_run:
        from territory_designer.io.project_file import save_project

        project.apply(StoreWorkload(params))
        save_project(project, args.project)
    records = table.drop(columns=["code"]).to_dict(orient="records") if len(table) else []
    if args.json:
        print(
            json.dumps(
                {
                    "plan": project.active_plan_name,
                    "parameters": params.to_dict(),
                    "approximation": APPROXIMATION_NOTE,
                    "stored_field": None if args.dry_run else WORKLOAD_FIELD,
                    "territories": records,
                    "total_hours": float(table["hours"].sum()) if len(table) else 0.0,
                },
                indent=2,
            )
        )
        return 0
    print(
        f"{args.project} — plan {project.active_plan_name}: workload per territory "
        f"(full-time year {params.full_time_hours:,.0f} h)"
    )
    print(
        f"  {'id':<6}{'name':<22}{'accounts':>9}{'visits':>9}{'visit h':>9}{'travel h':>9}"
        f"{'routing h':>10}{'hours':>9}{'FTE':>7}"
    )
    for r in records:
        home = "" if r["home_base"] else " (no home base: no travel)"
        print(
            f"  {r['id']:<6}{r['name'][:21]:<22}{r['accounts']:>9,}{r['visits']:>9,.0f}"
            f"{r['visit_hours']:>9,.1f}{r['travel_hours']:>9,.1f}{r['routing_hours']:>10,.1f}"
            f"{r['hours']:>9,.1f}{r['fte']:>7.2f}{home}"
        )
    print(f"  {APPROXIMATION_NOTE}")
    if not args.dry_run:
        print(f"Stored each account's hours as '{WORKLOAD_FIELD}' in {args.project}.")
    return 0

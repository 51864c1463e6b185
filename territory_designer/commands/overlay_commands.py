"""``overlay``: plans per product line over the same geography (issue 12's overlays)."""

from __future__ import annotations

import argparse
import json

from territory_designer.commands.common import load
from territory_designer.commands.rules_commands import _save, _Saving
from territory_designer.core.errors import TerritoryDesignerError

#: Commands of this group that save the project they read.
SAVING_COMMANDS = frozenset({"overlay"})


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the overlay command."""
    p = sub.add_parser(
        "overlay",
        help="list overlay plans per product line; 'add' makes one (empty, a copy or built)",
    )
    p.add_argument("project")
    p.add_argument("action", nargs="?", choices=["add"], action=_Saving, help="'add' an overlay")
    p.add_argument("name", nargs="?", help="name of the new overlay plan (with 'add')")
    p.add_argument("--field", help="account column holding the product line(s)")
    p.add_argument("--value", help="the product line, e.g. Devices")
    p.add_argument("--copy-of", help="start from a copy of this plan (its territories and reps)")
    p.add_argument(
        "--build", type=int, metavar="K", help="build K territories balanced on the line's metric"
    )
    p.add_argument(
        "--balance-on",
        default="accounts",
        help="what the build balances, of the line's accounts: accounts, revenue… (default "
        "accounts)",
    )
    p.add_argument("--tolerance", type=float, default=0.05, help="build tolerance (0.05 = 5%%)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="write to this project file instead of in place")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_overlay, dry_run=True)


def _new_plan(project: object, args: argparse.Namespace) -> object:
    from territory_designer.core.overlays import line_field
    from territory_designer.core.plan import Plan

    if args.copy_of and args.build:
        raise TerritoryDesignerError("overlay add: give --copy-of or --build, not both.")
    if args.copy_of:
        if args.copy_of not in project.plans:
            raise TerritoryDesignerError(f"No plan named {args.copy_of!r} to copy.")
        return project.plans[args.copy_of].copy(args.name)
    if not args.build:
        return Plan.empty(args.name, len(project.units))
    from territory_designer.balance.project_api import build_plan
    from territory_designer.core.overlays import AddOverlay

    # The line's fields exist once the overlay is tagged: tag an empty plan first, build,
    # then swap the built plan in under the same name.
    AddOverlay(Plan.empty(args.name, len(project.units)), args.field, args.value).apply(project)
    field = line_field(args.value, args.balance_on)
    plan, _ = build_plan(
        project, k=args.build, balance_on=field, tolerance=args.tolerance, seed=args.seed,
        name=f"{args.name} (built)",
    )  # fmt: skip
    plan.name = args.name
    project.plans[args.name] = plan
    project.set_active_plan(args.name)
    return None


def run_overlay(args: argparse.Namespace) -> int:
    """List overlays (with ``add``: add one first)."""
    from territory_designer.core.overlays import AddOverlay, overlay_summary

    project = load(args.project)
    saved = None
    if args.action == "add":
        if not (args.name and args.field and args.value):
            raise TerritoryDesignerError("overlay add: give NAME, --field and --value.")
        if args.name in project.plans:
            raise TerritoryDesignerError(f"A plan named {args.name!r} already exists.")
        plan = _new_plan(project, args)
        if plan is not None:
            project.apply(AddOverlay(plan, args.field, args.value))
        saved = _save(project, args)
    summary = overlay_summary(project)
    if args.json:
        print(json.dumps(summary | {"saved": saved}, indent=2, default=str))
        return 0
    if not summary["overlays"]:
        print("No overlay plans (add one with: overlay P add NAME --field F --value LINE).")
    for name, o in summary["overlays"].items():
        line = o["product_line"]
        print(f"Overlay {name!r}: product line {line} ({o['accounts']} accounts, {o['field']})")
        key = f"accounts [{line}]"
        for t in o["territories"]:
            print(
                f"  {t['territory']} {t['name']} ({t['owner'] or 'no rep'}): {t[key]:,.0f} accounts"
            )
        if o["unassigned"][key]:
            print(f"  unassigned: {o['unassigned'][key]:,.0f} accounts")
    print(
        f"Accounts covered by the overlays: {summary['distinct_accounts']} "
        f"({summary['accounts_in_several_lines']} in several lines, counted once)"
    )
    if saved:
        print(f"saved to {saved}")
    return 0

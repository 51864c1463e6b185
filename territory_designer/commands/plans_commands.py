"""``plans`` (list a project's plans) and ``plan`` (new, copy, rename, delete, baseline,
activate)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from territory_designer.commands.common import load, save_project_file
from territory_designer.core.errors import InputError
from territory_designer.core.plan_overview import plans_table

if TYPE_CHECKING:
    from territory_designer.core.operations import Operation
    from territory_designer.core.project import Project

SAVING_COMMANDS = frozenset({"plan"})

#: action -> (least, most) plan names it takes, and its usage
ACTIONS = {
    "new": (1, 1, "plan P new NAME  (an empty plan)"),
    "copy": (1, 2, "plan P copy PLAN [NEW_NAME]"),
    "rename": (2, 2, "plan P rename PLAN NEW_NAME"),
    "delete": (1, 1, "plan P delete PLAN"),
    "baseline": (0, 1, "plan P baseline PLAN  (no PLAN: clear the baseline)"),
    "activate": (1, 1, "plan P activate PLAN"),
}


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register ``plans`` and ``plan``."""
    p = sub.add_parser("plans", help="list the plans (scenarios) of a project")
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_plans)
    p = sub.add_parser(
        "plan",
        help="new, copy, rename, delete a plan, set the baseline or the active plan",
        description="\n".join(usage for _, _, usage in ACTIONS.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("project")
    p.add_argument("action", choices=list(ACTIONS))
    p.add_argument("names", nargs="*", metavar="PLAN", help="plan name(s) the action takes")
    p.add_argument("--out", help="write the result to this project file instead of in place")
    p.set_defaults(handler=run_plan)


def run_plans(args: argparse.Namespace) -> int:
    """Print the plans of a project."""
    project = load(args.project)
    rows = plans_table(project)
    if args.json:
        print(json.dumps({"plans": rows}, indent=2))
        return 0
    print(f"{args.project}: {len(rows)} plan{'s' if len(rows) != 1 else ''}")
    for r in rows:
        role = ", ".join(k for k in ("active", "baseline") if r[k])
        moved = r["units_moved_vs_baseline"]
        print(
            f"  {r['name']}{f' ({role})' if role else ''}: {r['territories']} territories, "
            f"{r['assigned_units']} units assigned"
            + (f", {moved} units moved vs baseline" if moved is not None else "")
        )
    return 0


def plan_operation(project: Project, action: str, names: list[str]) -> Operation:
    """The core operation of ``plan ACTION NAMES`` (refuses a wrong number of names)."""
    from territory_designer.core.plan_operations import (
        AddPlan,
        DeletePlan,
        RenamePlan,
        SetActivePlan,
        SetBaselinePlan,
        free_plan_name,
    )

    least, most, usage = ACTIONS[action]
    if not least <= len(names) <= most:
        raise InputError(f"usage: {usage}")
    if action == "new":
        return AddPlan(names[0])
    if action == "copy":
        new = names[1] if len(names) > 1 else free_plan_name(project, f"{names[0]} copy")
        return AddPlan(new, copy_of=names[0])
    if action == "rename":
        return RenamePlan(names[0], names[1])
    if action == "delete":
        return DeletePlan(names[0])
    if action == "baseline":
        return SetBaselinePlan(names[0] if names else None)
    return SetActivePlan(names[0])


def run_plan(args: argparse.Namespace) -> int:
    """Apply one plan edit and save the project."""

    project = load(args.project)
    active = project.active_plan_name
    op = plan_operation(project, args.action, list(args.names))
    project.apply(op)
    if args.action in ("new", "copy") and active in project.plans:
        project.set_active_plan(active)  # the CLI adds plans without switching to them
    target = save_project_file(project, args)
    print(f"{op.text}: saved to {target}")
    print(
        f"  plans: {', '.join(project.plans)} (active: {project.active_plan_name}, "
        f"baseline: {project.baseline_plan_name or '-'})"
    )
    return 0

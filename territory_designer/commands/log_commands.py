"""``log``: the project's change log (who changed what, when and why), filtered or to
Excel; ``note``: add a note to it."""

from __future__ import annotations

import argparse
import json

from territory_designer.commands.common import load, out_path, save_project_file
from territory_designer.core.errors import InputError

SAVING_COMMANDS = frozenset({"note"})


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register ``log`` and ``note``."""
    p = sub.add_parser("log", help="show the change log (who changed what, when, why)")
    p.add_argument("project")
    p.add_argument("--plan", help="only this plan's entries")
    p.add_argument("--user", help="only this user's entries")
    p.add_argument("--kind", choices=("edit", "engine", "plan", "review", "note"))
    p.add_argument("--text", help="only entries containing this text")
    p.add_argument("--excel", metavar="X.xlsx", help="write the entries shown to a workbook")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_log)
    p = sub.add_parser("note", help="add a note to the change log (why a plan is as it is)")
    p.add_argument("project")
    p.add_argument("text", help="the note")
    p.add_argument("--plan", help="the plan it is about (default: the active plan)")
    p.add_argument("--out", help="write to this project file instead of in place")
    p.set_defaults(handler=run_note)


def run_note(args: argparse.Namespace) -> int:
    """Add a note entry and save."""
    from territory_designer.core.change_log import AddNote

    project = load(args.project)
    active = project.active_plan_name
    if args.plan:
        if args.plan not in project.plans:
            raise InputError(
                f"{args.project}: no plan named {args.plan!r} (plans: {', '.join(project.plans)})."
            )
        project.set_active_plan(args.plan)
    project.apply(AddNote(args.text))
    project.set_active_plan(active)  # a note does not switch plans
    target = save_project_file(project, args)
    print(f"Noted for plan {args.plan or active!r}: saved to {target}")
    return 0


def run_log(args: argparse.Namespace) -> int:
    """Print the (filtered) change log and optionally write it to Excel."""
    project = load(args.project)
    entries = project.change_log.filtered(args.text or "", args.plan, args.user, args.kind)
    if args.excel:
        from territory_designer.reports.change_log_export import write_change_log_xlsx

        write_change_log_xlsx(entries, out_path(args.excel, "workbook"))
    if args.json:
        print(
            json.dumps({"entries": [e.row() | {"details": e.details} for e in entries]}, indent=2)
        )
        return 0
    print(f"{args.project}: {len(entries)} of {len(project.change_log)} log entries")
    for e in entries:
        r = e.row()
        moved = f" [{r['units']}: {r['from']} -> {r['to']}]" if e.units and r["to"] else ""
        note = f" — {e.note}" if e.note else ""
        print(f"  {r['time']} {r['user']} ({r['plan']}): {r['action']}{moved}{note}")
    if args.excel:
        print(f"Wrote {args.excel}")
    return 0

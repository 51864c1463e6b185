"""``constraints``, ``hierarchy`` and ``import-alignment``: a project's rules, its
territory hierarchy and the alignment a client has today."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from territory_designer.commands.common import load, out_path
from territory_designer.core.errors import TerritoryDesignerError

if TYPE_CHECKING:
    from territory_designer.core.project import Project

#: Commands of this group that save the project they read.
SAVING_COMMANDS = frozenset({"constraints", "hierarchy", "import-alignment"})


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the rule, hierarchy and alignment commands."""
    p = sub.add_parser(
        "constraints",
        help="show the project's rules and whether the plan keeps them; 'set' changes them",
    )
    p.add_argument("project")
    p.add_argument(
        "action", nargs="?", choices=["set"], action=_Saving, help="'set' to change rules"
    )
    p.add_argument("--plan", help="plan to check (default: the active plan)")
    p.add_argument("--stay-within", help="unit field every territory stays within ('' clears)")
    p.add_argument("--state-field", help="unit field giving each unit's state ('' clears)")
    p.add_argument(
        "--licensed-states-field",
        help="territory/rep attribute listing licensed states, e.g. licensed_states ('' clears)",
    )
    p.add_argument("--max-accounts", type=int, help="at most N accounts per territory (0 clears)")
    p.add_argument(
        "--max-distance-km", type=float, help="max distance from the home base (0 clears)"
    )
    p.add_argument(
        "--licence",
        action="append",
        default=[],
        metavar="REP=STATES",
        help="states a rep is licensed in, e.g. 'Ann Lee=NC;SC' (repeatable)",
    )
    p.add_argument(
        "--soft-target",
        action="append",
        default=[],
        metavar="SPEC",
        help="soft target, e.g. revenue:min=1e6,max=2e6,ideal=1.5e6,weight=1 (repeatable)",
    )
    p.add_argument("--out", help="write to this project file instead of in place")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_constraints, dry_run=True)


class _Saving(argparse.Action):
    """A positional action word (``set``): only then does the command save, so only then
    does the CLI lock the project (it skips the lock for a ``dry_run``)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        setattr(namespace, self.dest, values)
        namespace.dry_run = values is None


def _save(project: Project, args: argparse.Namespace) -> str:
    from territory_designer.io.project_file import save_project

    target = out_path(args.out, "project file") if args.out else args.project
    save_project(project, target)
    return str(target)


def _set_rules(project: Project, args: argparse.Namespace) -> None:
    from territory_designer.core.rules import set_constraints, set_licences
    from territory_designer.core.soft_targets import add_soft_target, parse_target

    changes: dict[str, object] = {}
    for key in ("stay_within", "state_field", "licensed_states_field"):
        value = getattr(args, key)
        if value is not None:
            changes[key] = value.strip() or None
    if args.max_accounts is not None:
        changes["max_accounts"] = args.max_accounts if args.max_accounts > 0 else None
    if args.max_distance_km is not None:
        changes["max_distance_km"] = args.max_distance_km if args.max_distance_km > 0 else None
    if changes:
        set_constraints(project, **changes)
    for item in args.licence:
        rep, sep, states = item.partition("=")
        if not sep or not rep.strip():
            raise TerritoryDesignerError(f"--licence {item!r}: write REP=STATES, e.g. Ann=NC;SC")
        set_licences(project, rep.strip(), states)
    for spec in args.soft_target:
        add_soft_target(project, parse_target(spec))
    if not (changes or args.licence or args.soft_target):
        raise TerritoryDesignerError("constraints set: give at least one rule to change.")


def rules_report(project: Project) -> dict:
    """The rules, the broken ones and the soft targets of the active plan, as plain data."""
    from dataclasses import asdict

    from territory_designer.core.rules import REP_ATTRIBUTES_KEY, check_plan, constraints_of
    from territory_designer.core.soft_targets import check_soft_targets

    rules = constraints_of(project)
    soft = check_soft_targets(project)
    return {
        "plan": project.plan.name,
        "rules": asdict(rules),
        "licences": {
            rep: attrs.get(rules.licensed_states_field or "licensed_states")
            for rep, attrs in (project.settings.get(REP_ATTRIBUTES_KEY) or {}).items()
        },
        "violations": [asdict(v) for v in check_plan(project)],
        "soft_targets": [c.as_dict() for c in soft],
        "soft_targets_met": sum(c.met for c in soft),
        "soft_targets_checked": len(soft),
    }


def run_constraints(args: argparse.Namespace) -> int:
    """Show (and with ``set`` change) the rules; exit 1 when the plan breaks one."""
    project = load(args.project, args.plan)
    saved = None
    if args.action == "set":
        _set_rules(project, args)
        saved = _save(project, args)
    report = rules_report(project)
    if args.json:
        print(json.dumps(report | {"saved": saved}, indent=2))
        return 1 if report["violations"] else 0
    _print_rules(report)
    if saved:
        print(f"saved to {saved}")
    return 1 if report["violations"] else 0


def _print_rules(report: dict) -> None:
    r = report["rules"]
    print(f"Rules of plan {report['plan']!r}:")
    print(f"  stay within: {r['stay_within'] or '-'}")
    lic = r["licensed_states_field"] and r["state_field"]
    print(
        "  licensed states: "
        + (f"{r['licensed_states_field']} (unit state field {r['state_field']})" if lic else "-")
    )
    for rep, states in report["licences"].items():
        print(f"    {rep}: {states}")
    print(f"  max accounts per territory: {r['max_accounts'] or '-'}")
    print(f"  max distance from home base: {r['max_distance_km'] or '-'} km")
    if report["violations"]:
        print(f"BROKEN ({len(report['violations'])}):")
        for v in report["violations"]:
            print(f"  {v['territory']}: {v['message']}")
    else:
        print("Every rule holds.")
    if report["soft_targets_checked"]:
        print(f"Soft targets met: {report['soft_targets_met']} of {report['soft_targets_checked']}")
        for c in report["soft_targets"]:
            mark = "met" if c["met"] else "NOT met"
            print(
                f"  {c['territory']} {c['metric']} {c['value']:,.2f}: {mark} "
                f"(weighted miss {c['miss_pct']:.1f}%)"
            )

"""``constraints``, ``hierarchy`` and ``import-alignment``: a project's rules, its
territory hierarchy and the alignment a client has today."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from territory_designer.commands.common import load, save_project_file
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
        "--within-level",
        help="hierarchy level (e.g. district) build and rebalance keep units inside ('' clears)",
    )
    p.add_argument(
        "--licence",
        action="append",
        default=[],
        metavar="REP=STATES",
        help="states a rep is licensed in, e.g. 'Ann Lee=NC;SC' (repeatable)",
    )
    p.add_argument(
        "--territory-licence",
        action="append",
        default=[],
        metavar="ID=STATES",
        help="states one territory may hold, over its rep's, e.g. T01=NC (repeatable)",
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
    p = sub.add_parser(
        "hierarchy",
        help="show territories rolled up by district and region; 'set' places a territory",
    )
    p.add_argument("project")
    p.add_argument(
        "action", nargs="?", choices=["set"], action=_Saving, help="'set' to place a territory"
    )
    p.add_argument("territory", nargs="?", help="territory id (with 'set')")
    p.add_argument("--plan", help="plan to show or change (default: the active plan)")
    p.add_argument("--district", help="district id of the territory ('' clears)")
    p.add_argument("--region", help="region id of the district ('' clears)")
    p.add_argument(
        "--parent",
        action="append",
        default=[],
        metavar="LEVEL=ID",
        help="parent at any level, e.g. area=A1 (repeatable)",
    )
    p.add_argument(
        "--name", action="append", default=[], metavar="ID=NAME", help="name a node (repeatable)"
    )
    p.add_argument(
        "--levels", help="level names from the territories up, e.g. territory,district,region,area"
    )
    p.add_argument("--level", help="level to roll up to when showing (default: every level)")
    p.add_argument("--out", help="write to this project file instead of in place")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_hierarchy, dry_run=True)
    p = sub.add_parser(
        "import-alignment",
        help="import the alignment in force (unit, territory, district, region, rep) as a new plan",
    )
    p.add_argument("project")
    p.add_argument("file", help="alignment table (.xlsx or .csv)")
    p.add_argument("--sheet", help="worksheet (default: the first)")
    p.add_argument("--name", help="name of the new plan (default: 'Alignment <file>')")
    p.add_argument(
        "--levels", help="hierarchy level names, territories first (default: the project's)"
    )
    p.add_argument("--baseline", action="store_true", help="make the new plan the baseline")
    p.add_argument("--out", help="write to this project file instead of in place")
    p.add_argument("--dry-run", action="store_true", help="check the file, save nothing")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_import_alignment)


class _Saving(argparse.Action):
    """A positional action word (``set``): only then does the command save, so only then
    does the CLI lock the project (it skips the lock for a ``dry_run``)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        setattr(namespace, self.dest, values)
        namespace.dry_run = values is None


def _save(project: Project, args: argparse.Namespace) -> str:
    return save_project_file(project, args)


def _set_rules(project: Project, args: argparse.Namespace) -> None:
    from territory_designer.core.rules import set_constraints, set_licences
    from territory_designer.core.soft_targets import add_soft_target, parse_target

    changes: dict[str, object] = {}
    for key in ("stay_within", "state_field", "licensed_states_field", "within_level"):
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
    for item in args.territory_licence:
        tid, sep, states = item.partition("=")
        if not sep or tid.strip() not in {t.id for t in project.plan.territories.values()}:
            raise TerritoryDesignerError(
                f"--territory-licence {item!r}: write ID=STATES with a territory id of the plan."
            )
        set_licences(project, tid.strip(), states, by_rep=False)
    for spec in args.soft_target:
        add_soft_target(project, parse_target(spec))
    if not (changes or args.licence or args.territory_licence or args.soft_target):
        raise TerritoryDesignerError("constraints set: give at least one rule to change.")


def rules_report(project: Project) -> dict:
    """The rules, the broken ones and the soft targets of the active plan, as plain data."""
    from dataclasses import asdict

    from territory_designer.core.rules import (
        REP_ATTRIBUTES_KEY,
        check_plan,
        constraints_of,
        inactive_rules,
    )
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
        "not_applied": inactive_rules(project),
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
    print(f"  build and rebalance inside each: {r['within_level'] or '-'}")
    for note in report["not_applied"]:
        print(f"  not applied: {note}")
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


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise TerritoryDesignerError(f"{flag} {item!r}: write KEY=VALUE.")
        out[key.strip()] = value.strip()
    return out


def _set_hierarchy(project: Project, args: argparse.Namespace) -> str:
    from territory_designer.core.hierarchy import LEVELS_KEY, SetParents, hierarchy_levels

    if args.levels:
        levels = [v.strip() for v in args.levels.split(",") if v.strip()]
        if len(levels) < 2 or len(set(levels)) != len(levels):
            raise TerritoryDesignerError(
                f"--levels {args.levels!r}: give two or more distinct names, territories first."
            )
        project.settings[LEVELS_KEY] = levels
        project._touch()
    levels = hierarchy_levels(project)
    parents = _pairs(args.parent, "--parent")
    if args.district is not None:
        parents.setdefault(levels[1], args.district)
    if args.region is not None and len(levels) > 2:
        parents.setdefault(levels[2], args.region)
    unknown = set(parents) - set(levels[1:])
    if unknown:
        raise TerritoryDesignerError(
            f"No hierarchy level {', '.join(sorted(unknown))}; levels above territories: "
            f"{', '.join(levels[1:])} (change them with --levels)."
        )
    if not args.territory:
        if parents or args.name:
            raise TerritoryDesignerError("hierarchy set: name the territory to place.")
        return "levels set"
    try:
        code = project.plan.code_of(args.territory)
    except KeyError:
        ids = ", ".join(t.id for t in project.plan.territories.values())
        raise TerritoryDesignerError(
            f"No territory {args.territory!r} in plan {project.plan.name!r} (ids: {ids})."
        ) from None
    path = [parents.get(level) for level in levels[1:]]
    while path and path[-1] is None:
        path.pop()
    op = SetParents(code, path, _pairs(args.name, "--name"))
    project.apply(op)
    return op.text


def hierarchy_report(project: Project, level: str | None = None) -> dict:
    """Every level's roll-up (or one level's) of the active plan, as plain data."""
    from territory_designer.core.hierarchy import hierarchy_levels, level_index, rollup

    levels = hierarchy_levels(project)
    chosen = [levels[level_index(project, level)]] if level else levels
    return {
        "plan": project.plan.name,
        "levels": levels,
        "rollups": {name: rollup(project, name).to_dict(orient="records") for name in chosen},
    }


def run_hierarchy(args: argparse.Namespace) -> int:
    """Show the hierarchy's roll-ups (with ``set``: place a territory first)."""
    project = load(args.project, args.plan)
    done = saved = None
    if args.action == "set":
        done = _set_hierarchy(project, args)
        saved = _save(project, args)
    report = hierarchy_report(project, args.level)
    if args.json:
        print(json.dumps(report | {"saved": saved}, indent=2, default=str))
        return 0
    if done:
        print(done)
    field = project.balance_field
    for name, rows in report["rollups"].items():
        print(f"{name.capitalize()} ({len(rows)}):")
        for row in rows:
            node = row["node"] or "(none)"
            label = f"{node} {row['name']}" if row["name"] != node else node
            above = " / ".join(str(row[lv]) for lv in report["levels"] if lv in row and row[lv])
            extra = f"{field} {row[field]:,.0f}" if field in row else ""
            print(
                f"  {label}{' in ' + above if above else ''}: {row['territories']} territories, "
                f"{row['units']:,.0f} units, {row['accounts']:,.0f} accounts {extra}".rstrip()
            )
    if saved:
        print(f"saved to {saved}")
    return 0


def run_import_alignment(args: argparse.Namespace) -> int:
    """Read an alignment table and add it as a new, active plan."""
    from territory_designer.core.alignment import AddAlignment
    from territory_designer.io.alignment_import import read_alignment

    project = load(args.project)
    levels = [v.strip() for v in args.levels.split(",") if v.strip()] if args.levels else None
    alignment = read_alignment(project, args.file, args.sheet, args.name, levels)
    project.apply(AddAlignment(alignment))
    if args.baseline:
        project.baseline_plan_name = alignment.plan.name
    saved = None if args.dry_run else _save(project, args)
    summary = alignment.describe()
    if args.json:
        print(
            json.dumps(
                {
                    "plan": alignment.plan.name,
                    "rows": alignment.rows,
                    "territories": len(alignment.plan.territories),
                    "units_assigned": int((alignment.plan.assignment >= 0).sum()),
                    "units_not_in_file": alignment.units_not_in_file,
                    "nodes": alignment.nodes,
                    "saved": saved,
                },
                indent=2,
            )
        )
        return 0
    print(summary)
    print(f"saved to {saved}" if saved else "(not saved: --dry-run)")
    return 0

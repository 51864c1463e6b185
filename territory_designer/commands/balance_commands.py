"""``build`` and ``rebalance``: run the engine and add the result as a new plan."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from territory_designer.commands.common import contiguity_phrase, load, save_project_file
from territory_designer.core.errors import InputError

if TYPE_CHECKING:
    from territory_designer.core.project import Project

#: Commands of this group that save the project they read.
SAVING_COMMANDS = frozenset({"build", "rebalance"})


def _ranged(kind: type, low: float, high: float | None = None, hint: str = "") -> object:
    """An argparse type that also checks ``low <= value (<= high)``."""

    def convert(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < low or (high is not None and value > high):
            bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise argparse.ArgumentTypeError(f"must be {bound}{hint}, not {text}")
        return value

    return convert


_TOLERANCE = _ranged(float, 0.0, 1.0, " (0.05 = 5%)")
_SHARE = _ranged(float, 0.0, 1.0)
_COUNT = _ranged(int, 0)
_AMOUNT = _ranged(float, 0.0)


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the engine commands."""
    p = sub.add_parser("build", help="build balanced territories from scratch as a new plan")
    p.add_argument("project")
    p.add_argument(
        "--territories",
        "-k",
        type=_ranged(int, 2),
        help="number of territories",
    )
    p.add_argument(
        "--from-home-bases",
        action="store_true",
        help="one territory per territory of the active plan that has a home base, "
        "keeping its name, owner and colour",
    )
    p.add_argument("--balance-on", help="metric to balance (default: the project's)")
    p.add_argument(
        "--weights", help="weighted combination, e.g. accounts=0.6,revenue=0.4 (each a share)"
    )
    p.add_argument(
        "--tolerance",
        type=_TOLERANCE,
        help="allowed deviation (0.05 = 5%%; default: the project's template's, else 0.05)",
    )
    p.add_argument("--within", help="unit attribute no territory may cross (e.g. state)")
    p.add_argument("--compactness", type=_SHARE, default=0.5, help="0..1 balance vs compactness")
    p.add_argument(
        "--max-distance-km",
        type=_ranged(float, 0.001),
        help="max distance from the home base (with --from-home-bases)",
    )
    p.add_argument(
        "--capacities",
        help="relative capacity per territory, in order (1,1,0.5,...), or ID=SHARE,... "
        "with --from-home-bases (others 1); e.g. 0.5 for a part-time rep",
    )
    p.add_argument(
        "--fresh-territories",
        action="store_true",
        help="name the territories T01, T02, ... instead of giving each the id, name, rep and "
        "colour of the active plan's territory whose rep's home it holds, or else that it "
        "shares most accounts with (capacities always give new names)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--time-limit",
        type=_ranged(float, 0.0),
        metavar="SECONDS",
        help="thorough mode: keep searching this long (counted from the start of the build) "
        "and keep the best plan found; the result then depends on the machine's speed. "
        "The least compact territory may fall to 60 %% of the usual build's score for a "
        "higher mean; the notes say what it became",
    )
    p.add_argument("--plan", dest="plan_name", help="name of the new plan")
    _common(p)
    p.set_defaults(handler=run_build)
    p = sub.add_parser("rebalance", help="rebalance the active plan with few moves (new plan)")
    p.add_argument("project")
    p.add_argument("--max-moves", type=_COUNT, help="cap on units moved")
    p.add_argument("--max-accounts", type=_AMOUNT, help="cap on accounts moved")
    p.add_argument("--max-revenue", type=_AMOUNT, help="cap on revenue moved")
    p.add_argument(
        "--tolerance", type=_TOLERANCE, help="default: the project's template's, else 0.05"
    )
    p.add_argument("--balance-on", help="metric to balance (default: the project's)")
    p.add_argument("--from-plan", help="plan to start from (default: the active plan)")
    p.add_argument(
        "--rank-by",
        choices=("accounts", "revenue", "units"),
        default="accounts",
        help="disruption the moves are ranked by: balance gained per account (default), "
        "per unit of revenue, or per unit moved",
    )
    p.add_argument("--plan", dest="plan_name", help="name of the new plan")
    p.add_argument(
        "--curve", action="store_true", help="print balance reached for several disruption caps"
    )
    _common(p)
    p.set_defaults(handler=run_rebalance)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", help="write the result to this project file instead of in place")
    p.add_argument("--dry-run", action="store_true", help="report only, save nothing")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _balance_on(args: argparse.Namespace) -> str | dict[str, float] | None:
    from territory_designer.balance.scenario import parse_weights

    if not args.__dict__.get("weights"):
        return args.balance_on
    return parse_weights(args.weights)


def _tolerance(project: Project, args: argparse.Namespace) -> float:
    """``--tolerance``, else the tolerance of the project's industry template, else 5%."""
    if args.tolerance is not None:
        return args.tolerance
    return float(project.settings.get("balance_tolerance") or 0.05)


def _save(project: Project, args: argparse.Namespace) -> str | None:
    return None if args.dry_run else save_project_file(project, args)


def _print_report(report: dict, plan_name: str, saved: str | None) -> None:
    r = report
    print(f"Plan {plan_name!r}: {r['territories']} territories in {r['runtime_s']:.2f} s")
    print(
        f"  max deviation {r['max_abs_deviation_pct']:.2f}% (min {r['min_deviation_pct']:+.2f}%,"
        f" max {r['max_deviation_pct']:+.2f}%), CV {r['cv']:.4f},"
        f" tolerance {r['tolerance_pct']:.1f}% {'met' if r['within_tolerance'] else 'NOT met'}"
    )
    print(
        f"  {contiguity_phrase(r)}, unassigned {r['unassigned']},"
        f" Polsby-Popper mean {r['pp_mean']:.3f} min {r['pp_min']:.3f}, cut edges {r['cut_edges']}"
    )
    if r.get("moved_against"):
        print(
            f"  moved {r['units_moved']} units, {r['accounts_moved']:.0f} accounts,"
            f" revenue {r['revenue_moved']:,.0f} (vs plan {r['moved_against']!r})"
        )
    if r.get("infeasible_reason"):
        print(f"  note: {r['infeasible_reason']}")
    for note in r.get("notes", []):
        print(f"  note: {note}")
    print(f"  saved to {saved}" if saved else "  (not saved: --dry-run)")


def run_build(args: argparse.Namespace) -> int:
    """Build a plan and add it to the project."""
    from territory_designer.balance.scenario import (
        BuildRequest,
        build_scenario,
        parse_capacities,
    )
    from territory_designer.core.operations import AddGeneratedPlan

    project = load(args.project)
    if not args.from_home_bases and not args.territories:
        raise InputError("Give --territories K or --from-home-bases.")
    if args.max_distance_km and not args.from_home_bases:
        raise InputError("--max-distance-km needs --from-home-bases (distance from each rep).")
    request = BuildRequest(
        k=args.territories,
        from_home_bases=args.from_home_bases,
        balance_on=_balance_on(args),
        tolerance=_tolerance(project, args),
        within=args.within,
        seed=args.seed,
        name=args.plan_name,
        compactness=args.compactness,
        max_distance=args.max_distance_km * 1000 if args.max_distance_km else None,
        shares=parse_capacities(args.capacities) if args.capacities else None,
        keep_identities=not args.fresh_territories,
        time_limit=args.time_limit,
    )
    plan, report = build_scenario(project, request)
    project.apply(AddGeneratedPlan(plan))
    saved = _save(project, args)
    data = report.to_dict()
    if args.json:
        print(json.dumps({"plan": plan.name, "saved_to": saved, **data}, indent=2))
    else:
        _print_report(data, plan.name, saved)
    return 0


def run_rebalance(args: argparse.Namespace) -> int:
    """Rebalance the active plan and add the result as a new plan."""
    from territory_designer.balance.scenario import (
        RebalanceRequest,
        balance_curve,
        rebalance_scenario,
    )
    from territory_designer.core.operations import AddGeneratedPlan

    project = load(args.project, args.from_plan)
    outcome = rebalance_scenario(
        project,
        RebalanceRequest(
            max_moves=args.max_moves,
            max_accounts_moved=args.max_accounts,
            max_revenue_moved=args.max_revenue,
            tolerance=_tolerance(project, args),
            balance_on=args.balance_on,
            name=args.plan_name,
            rank_by=args.rank_by,
        ),
    )
    plan, report, result = outcome.plan, outcome.report, outcome.result
    if outcome.unchanged(project):
        message = outcome.nothing_done(project.plan.name)
        if args.json:
            print(
                json.dumps(
                    {
                        "plan": None,
                        "saved_to": None,
                        "message": message,
                        **report.to_dict(),
                        "moves": [],
                        "curve": [],
                    },
                    indent=2,
                )
            )
        else:
            print(message)
        return 0
    project.apply(AddGeneratedPlan(plan, {m.unit_id: m.reason for m in outcome.moves}))
    saved = _save(project, args)
    moves = [
        {
            "unit_id": m.unit_id,
            "unit_name": m.unit_name,
            "from": m.from_id,
            "to": m.to_id,
            "accounts": m.accounts,
            "revenue": m.revenue,
            "reason": m.reason,
            "carried": m.carried,
        }
        for m in outcome.moves
    ]
    curve = balance_curve(result) if args.curve else []
    data = report.to_dict()
    if args.json:
        out = {
            "plan": plan.name,
            "saved_to": saved,
            "stopped_by": result.stopped_by,
            **data,
            "moves": moves,
            "curve": curve,
        }
        print(json.dumps(out, indent=2))
        return 0
    _print_report(data, plan.name, saved)
    print(f"  stopped: {result.stopped_by}; {len(moves)} moves")
    for m in moves[:20]:
        print(
            f"    {m['unit_id']:<8} {m['unit_name'][:20]:<21} {m['from']} -> {m['to']}"
            f"  accounts {m['accounts']:.0f}  revenue {m['revenue']:,.0f}  ({m['reason']})"
        )
    if len(moves) > 20:
        print(f"    … {len(moves) - 20} more (use --json for all)")
    for c in curve:
        rest = c.get("rest_max_abs_deviation_pct")
        print(
            f"  curve: ≤{c['max_moves']} moves -> max deviation {c['max_abs_deviation_pct']:.2f}%"
            + (f", rest {rest:.2f}%" if rest is not None else "")
            + f" ({c['accounts_moved']:.0f} accounts moved)"
        )
    return 0

"""``review``: the monthly review, unattended (drift, a minimal re-alignment, a pack)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from territory_designer.commands.common import load
from territory_designer.core.errors import InputError

#: Commands of this group that save the project they read.
SAVING_COMMANDS = frozenset({"review"})


def _band(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (0.1 = 10%), not {text}")
    return value


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the review command."""
    p = sub.add_parser(
        "review",
        help="flag territories that drifted in a period, propose a minimal re-alignment "
        "(new plan) and write an Excel and PDF review pack",
    )
    p.add_argument("project")
    p.add_argument("--period", required=True, help="2026-11 (or 2026-Q4, 2026)")
    p.add_argument("--out", help="folder for review-PERIOD.xlsx and .pdf (default: beside P)")
    p.add_argument("--band", type=_band, default=0.10, help="allowed deviation (0.1 = 10%%)")
    p.add_argument(
        "--retention-drop", type=float, default=10.0, help="points below its year's mean"
    )
    p.add_argument("--max-moves", type=int, help="cap on units moved (default 10%% of units)")
    p.add_argument("--balance-on", help="measure to rebalance on (default: the one that drifted)")
    p.add_argument("--dry-run", action="store_true", help="write the pack, save no plan")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_review)


def run_review(args: argparse.Namespace) -> int:
    """Run the review and write its pack."""
    from territory_designer.balance.review import propose
    from territory_designer.core.operations import AddGeneratedPlan
    from territory_designer.core.review import find_drift, year_sales_edit
    from territory_designer.io.project_file import save_project
    from territory_designer.reports.review_pack import write_review_pack

    if args.max_moves is not None and args.max_moves < 1:
        raise InputError("--max-moves must be at least 1.")
    project = load(args.project)
    review = find_drift(project, args.period, args.band, args.retention_drop)
    project.apply(year_sales_edit(project, args.period))
    plan = propose(project, review, args.max_moves, args.balance_on)
    if plan is not None:
        project.apply(AddGeneratedPlan(plan))
    saved = None
    if not args.dry_run:
        save_project(project, args.project)
        saved = str(args.project)
    folder = Path(args.out) if args.out else Path(args.project).resolve().parent
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file; give a folder for the review pack.")
    xlsx, pdf = write_review_pack(review, folder)
    if args.json:
        out = {**review.to_dict(), "excel": str(xlsx), "pdf": str(pdf), "saved_to": saved}
        print(json.dumps(out, indent=2, default=float))
        return 0
    print(f"Review {review.period} of plan {review.plan!r} (band ±{100 * args.band:.0f}%):")
    if not review.drifts:
        print("  no territory drifted")
    for d in review.drifts:
        print(f"  {d.territory_id} {d.name}: {d.message}")
    print(f"  {review.proposal_message}")
    for c in review.curve:
        print(
            f"  curve: ≤{c['max_moves']} moves -> max deviation {c['max_abs_deviation_pct']:.1f}%"
        )
    print(f"  pack: {xlsx} and {pdf}")
    print(f"  saved to {saved}" if saved else "  (project not saved: --dry-run)")
    return 0

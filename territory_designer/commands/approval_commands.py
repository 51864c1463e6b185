"""``import-responses``: reviewers' answers to a proposal (``export --proposal``) applied
as a new plan, rejections and comments kept in the change log, conflicts reported."""

from __future__ import annotations

import argparse
import json

from territory_designer.commands.common import load, save_project_file

SAVING_COMMANDS = frozenset({"import-responses"})


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register ``import-responses``."""
    p = sub.add_parser(
        "import-responses",
        help="apply the moves reviewers accepted in proposal workbooks as a new plan",
    )
    p.add_argument("project")
    p.add_argument("files", nargs="+", metavar="FILE", help="answered proposal workbooks")
    p.add_argument("--name", help="name of the new plan (default: '<proposed plan> approved')")
    p.add_argument("--out", help="write the result to this project file instead of in place")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_import_responses)


def run_import_responses(args: argparse.Namespace) -> int:
    """Reconcile the answers, add the reviewed plan and save."""
    from territory_designer.core.approvals import AddReviewedPlan, reconcile, reviewed_plan
    from territory_designer.io.responses import read_responses

    project = load(args.project)
    responses = read_responses(args.files)
    rec = reconcile(project, responses)
    plan = reviewed_plan(project, rec, args.name)
    active = project.active_plan_name
    project.apply(AddReviewedPlan(plan, rec))
    project.set_active_plan(active)  # the CLI adds plans without switching to them
    target = save_project_file(project, args)
    if args.json:
        print(
            json.dumps(
                {
                    "plan": plan.name,
                    "proposal": rec.proposal.plan,
                    "base": rec.proposal.base,
                    "files_used": rec.files_used,
                    "accepted": [m.move_id for m in rec.accepted],
                    "rejected": [
                        {"move": m.move_id, "by": r.group, "comment": a.comment}
                        for m, r, a in rec.rejected
                    ],
                    "unanswered": [m.move_id for m in rec.unanswered],
                    "conflicts": rec.conflicts,
                    "problems": rec.problems,
                    "saved_to": str(target),
                },
                indent=2,
            )
        )
        return 0
    print(
        f"Plan {plan.name!r} (from {rec.proposal.base!r} with the accepted moves of "
        f"{rec.proposal.plan!r}): {rec.summary()}; saved to {target}"
    )
    for text in rec.conflicts:
        print(f"  conflict: {text}")
    for text in rec.problems:
        print(f"  problem: {text}")
    return 0

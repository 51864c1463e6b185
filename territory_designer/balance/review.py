"""The monthly review's proposal: the smallest re-alignment that brings drift back in band.

A rebalance of the active plan (:func:`territory_designer.balance.scenario.rebalance_scenario`,
moves ranked by balance gained per account moved) on the measure that drifted: sales in the
year to the period when revenue drifted (the account field ``sales_12m``, stored by
:func:`territory_designer.core.review.year_sales_edit`), else workload or potential. The
tolerance is the review's band; the moves are capped (10 % of the units by default).
The project is not changed: the caller adds the returned plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from territory_designer.balance.scenario import (
    RebalanceRequest,
    balance_curve,
    rebalance_scenario,
    trajectory_arrays,
)
from territory_designer.core.review import YEAR_SALES_FIELD, Review

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project


def drift_measure(project: Project, review: Review) -> str | None:
    """The measure to rebalance on: revenue (as year sales) first, then a static field."""
    measures = [d.measure for d in review.drifts]
    if "revenue" in measures and YEAR_SALES_FIELD in project.weight_fields:
        return YEAR_SALES_FIELD
    for m in ("workload", "potential"):
        if m in measures:
            return m
    return None


def propose(
    project: Project,
    review: Review,
    max_moves: int | None = None,
    balance_on: str | None = None,
) -> Plan | None:
    """Rebalance for ``review`` and fill in its proposal; the new plan (None if none)."""
    balance_on = balance_on or drift_measure(project, review)
    if balance_on is None:
        review.proposal_message = (
            "No territory drifted on revenue, workload or potential: no re-alignment proposed."
            if not review.drifts
            else "Only retention drifted: a re-alignment would not fix it; no plan proposed."
        )
        return None
    cap = max_moves if max_moves is not None else max(1, round(0.1 * len(project.units)))
    outcome = rebalance_scenario(
        project,
        RebalanceRequest(
            max_moves=cap,
            tolerance=review.band,
            balance_on=balance_on,
            name=f"Review {review.period}",
        ),
    )
    review.balance_on = balance_on
    moves_x, accounts_x, dev_y = trajectory_arrays(outcome.result)
    review.trajectory = {
        "moves": moves_x.tolist(),
        "accounts_moved": accounts_x.tolist(),
        "max_abs_deviation_pct": dev_y.tolist(),
    }
    review.curve = balance_curve(outcome.result)
    start = project.summary(balance_on)
    review.before = {"max_abs_deviation_pct": float(start.max_abs_deviation_pct)}
    review.after = outcome.report.to_dict()
    if outcome.unchanged(project):
        review.proposal_message = outcome.nothing_done(project.plan.name)
        return None
    review.proposal_plan = outcome.plan.name
    review.moves = [
        {
            "unit_id": m.unit_id,
            "unit_name": m.unit_name,
            "from": m.from_id,
            "to": m.to_id,
            "accounts": m.accounts,
            "revenue": m.revenue,
            "reason": m.reason,
        }
        for m in outcome.moves
    ]
    r = outcome.report
    review.proposal_message = (
        f"Plan {outcome.plan.name!r} moves {len(review.moves)} units "
        f"({r.accounts_moved:,.0f} accounts): max deviation on {balance_on} from "
        f"{review.before['max_abs_deviation_pct']:.1f}% to {r.max_abs_deviation_pct:.1f}% "
        f"(band ±{100 * review.band:.0f}%, {'met' if r.within_tolerance else 'NOT met'})."
    )
    return outcome.plan

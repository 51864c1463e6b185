"""Approvals in the core: who reviews each move, and how answers decide the new plan."""

from __future__ import annotations

import pytest
from test_core_comparison import known_case

from territory_designer.core.approvals import (
    AddReviewedPlan,
    Answer,
    Response,
    build_proposal,
    reconcile,
    reviewed_plan,
)
from territory_designer.core.errors import EditError
from territory_designer.core.plan import Territory


def response(proposal, group, *answers):
    return Response(
        f"{group}.xlsx",
        group,
        proposal.plan,
        proposal.base,
        proposal.fingerprint,
        [Answer(m, d, c, k + 8) for k, (m, d, c) in enumerate(answers)],
    )


def test_unit_and_pin_moves_go_to_both_reps():
    p = known_case()
    proposal = build_proposal(p, "After", "Before")
    assert [(m.move_id, m.groups) for m in proposal.moves] == [
        ("U:0001", ["Ann", "Bob"]),
        ("A:a4", ["Bob", "Ann"]),
    ]
    assert proposal.grouping == "rep"
    # a1 and a2 follow their unit: reviewed with it, not listed on their own
    assert proposal.moves[0].accounts == 2 and proposal.moves[0].value == 250


def test_accepted_moves_make_the_new_plan_and_a_split_vote_is_a_conflict():
    p = known_case()
    proposal = build_proposal(p, "After", "Before")
    rec = reconcile(
        p,
        [
            response(proposal, "Ann", ("U:0001", "Accept", ""), ("A:a4", "Accept", "fine")),
            response(proposal, "Bob", ("A:a4", "Reject", "my best customer")),
        ],
    )
    assert [m.move_id for m in rec.accepted] == ["U:0001"]
    assert "accepted by Ann, rejected by Bob" in rec.conflicts[0]
    plan = reviewed_plan(p, rec)
    assert plan.name == "After approved"
    assert plan.assignment.tolist() == [0, 1, 1, 1]
    assert "a4" not in plan.account_overrides  # the conflicting pin is not applied
    op = p.apply(AddReviewedPlan(plan, rec))
    notes = {e.note for e in p.change_log.entries if e.kind == "review"}
    assert {"my best customer", "fine"} <= notes
    op.undo(p)
    p.change_log.discard(op.log_entry)  # as the window's undo does
    assert "After approved" not in p.plans
    assert not [e for e in p.change_log.entries if e.kind == "review"]


def test_a_stale_file_is_ignored_and_no_usable_file_is_an_error():
    p = known_case()
    proposal = build_proposal(p, "After", "Before")
    stale = response(proposal, "Ann", ("U:0001", "Accept", ""))
    stale.fingerprint = "0" * 16
    with pytest.raises(EditError, match="No response file"):
        reconcile(p, [stale])
    rec = reconcile(p, [stale, response(proposal, "Bob", ("U:0001", "Accept", ""))])
    assert "has changed since this proposal was sent" in rec.conflicts[0]
    assert rec.files_used == ["Bob.xlsx"]


def test_a_territory_new_in_the_proposal_is_added_to_the_reviewed_plan():
    p = known_case()
    after = p.plans["After"]
    after.territories[2] = Territory("T03", "East", "#00aa00", "Cleo")
    after.next_code = 3
    after.assignment[3] = 2
    p.metrics = p.metrics_for(p.plan)
    proposal = build_proposal(p, "After", "Before")
    move = next(m for m in proposal.moves if m.item_id == "0003")
    assert move.groups == ["Bob", "Cleo"]
    rec = reconcile(p, [response(proposal, "Cleo", (move.move_id, "Accept", ""))])
    plan = reviewed_plan(p, rec)
    code = plan.code_of("T03")
    assert plan.territories[code].owner == "Cleo" and plan.assignment[3] == code


def test_nothing_to_propose():
    p = known_case()
    with pytest.raises(EditError, match="base plan itself"):
        build_proposal(p, "Before", "Before")
    p.baseline_plan_name = None
    with pytest.raises(EditError, match="No baseline"):
        build_proposal(p, "After")


def test_with_a_hierarchy_each_district_reviews_under_its_name():
    p = known_case()
    p.settings["hierarchy_nodes"] = {
        "D1": {"level": "district", "name": "Piedmont", "parent": None},
        "D2": {"level": "district", "name": "Coast", "parent": None},
    }
    for plan in p.plans.values():
        plan.territories[0].parent = "D1"
        plan.territories[1].parent = "D2"
    proposal = build_proposal(p, "After", "Before")
    assert proposal.grouping == "district"
    assert proposal.groups() == ["Piedmont", "Coast"]

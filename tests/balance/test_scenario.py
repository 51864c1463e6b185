"""The front-end helpers around the engine: reps kept, moves in names, weights, curve."""

from __future__ import annotations

import pytest

from territory_designer.balance.identities import numbered_slots
from territory_designer.balance.scenario import (
    BuildRequest,
    RebalanceRequest,
    balance_curve,
    build_scenario,
    build_slots,
    parse_capacities,
    parse_weights,
    rebalance_scenario,
    resolve_shares,
    within_candidates,
)
from territory_designer.core.errors import InputError


def test_build_from_home_bases_keeps_each_reps_identity(demo_project):
    reps = {t.id: (t.name, t.owner, t.color) for t in demo_project.plan.territories.values()}
    plans = list(demo_project.plans)
    plan, report = build_scenario(demo_project, BuildRequest(from_home_bases=True))
    assert {t.id: (t.name, t.owner, t.color) for t in plan.territories.values()} == reps
    assert report.territories == len(reps)
    assert list(demo_project.plans) == plans  # the project is not changed


def test_rebalance_moves_speak_in_territory_names(demo_project):
    names = {t.name for t in demo_project.plan.territories.values()}
    out = rebalance_scenario(demo_project, RebalanceRequest(max_moves=8))
    assert 0 < len(out.moves) <= 8
    for m in out.moves:
        assert {m.from_name, m.to_name} <= names
        assert "territory " not in m.reason
    curve = balance_curve(out.result)
    assert 0 < curve[-1]["moves"] <= len(out.moves)
    devs = [c["max_abs_deviation_pct"] for c in curve]
    assert devs == sorted(devs, reverse=True)


def test_requests_that_cannot_run_are_refused(grid_project):
    with pytest.raises(InputError):
        build_scenario(grid_project, BuildRequest(from_home_bases=True))
    with pytest.raises(InputError):
        rebalance_scenario(grid_project, RebalanceRequest())
    assert parse_weights("workload=0.6, revenue=0.4") == {"workload": 0.6, "revenue": 0.4}
    with pytest.raises(InputError):
        parse_weights("workload")
    assert within_candidates(grid_project) == ["region"]


def test_capacities_parse_as_a_list_or_by_territory_id():
    assert parse_capacities("1, 1,0.5") == [1.0, 1.0, 0.5]
    assert parse_capacities("T01=0.5,T04=2") == {"T01": 0.5, "T04": 2.0}
    with pytest.raises(InputError, match="not a number"):
        parse_capacities("1,,1")


@pytest.mark.parametrize(
    ("k", "fixed", "avoid", "expected"),
    [
        (2, {}, None, [("T01", "Territory 01"), ("T02", "Territory 02")]),
        # a carried T02 first: the new second territory is T02-2, numbered by position
        (3, {0: "T02"}, None, [("T02", ""), ("T02-2", "Territory 02"), ("T03", "Territory 03")]),
        # next to inherited identities new ones take the lowest numbers nobody had
        (
            3,
            {1: "T01"},
            {"T01", "T02"},
            [("T03", "Territory 03"), ("T01", ""), ("T04", "Territory 04")],
        ),
    ],
)
def test_new_territories_are_numbered_by_one_rule(k, fixed, avoid, expected):
    assert numbered_slots(k, fixed, avoid) == expected


def test_capacities_follow_the_build_order_with_locked_territories_first(demo_project):
    demo_project.plan.territories[2].locked = True  # T03 Triad is carried over unchanged
    request = BuildRequest(k=4, shares={"T04": 0.5})
    slots = build_slots(demo_project, request)
    assert slots == [
        ("T03", "Triad"),
        ("T02", "Territory 02"),
        ("T03-2", "Territory 03"),  # the id the engine gives it
        ("T04", "Territory 04"),
    ]
    assert resolve_shares(demo_project, request) == [1.0, 1.0, 1.0, 0.5]
    plan, _ = build_scenario(demo_project, request)
    assert [t.id for _, t in sorted(plan.territories.items())] == [s[0] for s in slots]
    reps = build_slots(demo_project, BuildRequest(from_home_bases=True))
    # The locked Triad is carried once, not rebuilt from its home base as well.
    assert reps[0] == ("T03", "Triad") and len(reps) == 8
    assert [tid for tid, _ in reps].count("T03") == 1
    with pytest.raises(InputError, match="one per territory \\(4\\), not 2"):
        resolve_shares(demo_project, BuildRequest(k=4, shares=[1.0, 2.0]))
    with pytest.raises(InputError, match="T04 has -1"):
        resolve_shares(demo_project, BuildRequest(k=4, shares={"T04": -1.0}))

"""The front-end helpers around the engine: reps kept, moves in names, weights, curve."""

from __future__ import annotations

import pytest

from territory_designer.balance.scenario import (
    BuildRequest,
    RebalanceRequest,
    balance_curve,
    build_scenario,
    parse_weights,
    rebalance_scenario,
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

"""Engine runs on a real project: a new plan, the project untouched, undoable add."""

from __future__ import annotations

import numpy as np
import pytest

from territory_designer.balance.identities import home_units
from territory_designer.balance.project_api import build_plan, rebalance_plan
from territory_designer.core.errors import CanceledError, InputError
from territory_designer.core.feedback import Feedback
from territory_designer.core.operations import AddGeneratedPlan
from territory_designer.io.demo import build_demo_project


@pytest.fixture(scope="module")
def demo():
    return build_demo_project()


def test_build_plan_returns_new_plan_and_leaves_project(demo):
    before = {n: p.assignment.copy() for n, p in demo.plans.items()}
    plan, report = build_plan(demo, k=6, balance_on="accounts", tolerance=0.05, seed=1)
    assert plan.name not in demo.plans
    assert len(plan.territories) == 6 and (plan.assignment >= 0).all()
    assert report.contiguous and report.within_tolerance
    assert report.runtime_s > 0
    for n, a in before.items():
        assert np.array_equal(demo.plans[n].assignment, a)
    active = demo.active_plan_name
    op = AddGeneratedPlan(plan)
    demo.apply(op)
    assert demo.active_plan_name == plan.name
    op.undo(demo)
    assert plan.name not in demo.plans and demo.active_plan_name == active


def _deviation(project, plan, combination: dict[str, float]) -> float:
    """Largest relative deviation from the mean of a weighted mix of field shares."""
    fields, weights = project.weight_fields, project.weights
    mix = sum(c * weights[:, fields.index(f)] / weights[:, fields.index(f)].sum()
              for f, c in combination.items())  # fmt: skip
    per = np.array([mix[plan.assignment == code].sum() for code in sorted(plan.territories)])
    return float(np.abs(per / per.mean() - 1).max())


def test_weighted_combination_and_cancel(demo):
    mix = {"accounts": 0.6, "revenue": 0.4}
    plan, report = build_plan(demo, k=5, balance_on=mix, tolerance=0.05, seed=1)
    assert report.contiguous
    # Balanced on the 60/40 mix itself (checked here, not by the engine's own weights)...
    assert _deviation(demo, plan, mix) <= 0.05
    assert report.max_abs_deviation_pct == pytest.approx(100 * _deviation(demo, plan, mix))
    # ...which neither field alone gives: a plan on accounts only misses the mix.
    alone, _ = build_plan(demo, k=5, balance_on="accounts", tolerance=0.05, seed=1)
    assert _deviation(demo, alone, mix) > 0.05
    fb = Feedback()
    fb.cancel()
    with pytest.raises(CanceledError):
        build_plan(demo, k=5, feedback=fb)


def test_rebalance_plan_reports_moves(demo):
    plan, report, result = rebalance_plan(demo, max_moves=5, tolerance=0.05)
    assert report.units_moved == len(result.moves) <= 5
    assert plan.name not in demo.plans


def test_distance_limit_names_the_county_no_rep_reaches_and_keeps_the_plan_whole(demo):
    homes = [t.home_base for t in demo.plan.territories.values() if t.home_base]
    plan, report = build_plan(demo, home_bases=homes, max_distance=150_000.0)
    assert report.contiguous and report.unassigned == 0
    assert report.beyond_max_distance == 1
    assert any("farther than 150 km from every home base (Currituck)" in n for n in report.notes)


def test_build_counts_moves_against_the_active_plan_and_rebuilding_moves_nothing():
    project = build_demo_project()
    active = project.plan
    plan, report = build_plan(project, k=8, balance_on="accounts", tolerance=0.05, seed=2)
    accounts = project.weights[:, project.weight_fields.index("accounts")]
    # Recount by hand: pair each new territory with the old one it shares most accounts
    # with, a rep's home base counting for more than all accounts (the rep keeps the new
    # territory around their home).
    shared = np.zeros((len(active.territories), 8))
    codes = sorted(active.territories)
    for u, (old, new) in enumerate(zip(active.assignment, plan.assignment, strict=True)):
        shared[codes.index(old), new] += accounts[u]
    bonus = np.zeros_like(shared)
    for code, unit in home_units(project, active).items():
        bonus[codes.index(code), plan.assignment[unit]] += accounts.sum() + 1.0
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(shared + bonus, maximize=True)
    kept = shared[rows, cols].sum()
    assert 0 < report.units_moved < len(project.units)
    assert report.accounts_moved == pytest.approx(accounts.sum() - kept)
    assert report.moved_against == active.name
    assert any(f"against the plan '{active.name}'" in n for n in report.notes)

    project.apply(AddGeneratedPlan(plan))
    again, report2 = build_plan(project, k=8, balance_on="accounts", tolerance=0.05, seed=2)
    assert np.array_equal(again.assignment, plan.assignment)
    assert report2.units_moved == 0 and report2.accounts_moved == 0


def test_build_from_home_bases_counts_each_reps_own_moves(demo):
    from territory_designer.balance.scenario import BuildRequest, build_scenario

    plan, report = build_scenario(demo, BuildRequest(from_home_bases=True))
    before = demo.plan.territory_ids()
    after = plan.territory_ids()
    assert report.units_moved == int(np.count_nonzero(before != after)) > 0


def _territory_neighbours(project, plan):
    a = plan.assignment[project.adjacency.ei]
    b = plan.assignment[project.adjacency.ej]
    return {(int(x), int(y)) for x, y in zip(a, b, strict=True) if x != y}


def test_build_keeps_the_names_reps_and_colours_of_the_territories_it_continues():
    from scipy.optimize import linear_sum_assignment

    project = build_demo_project()
    active = project.plan
    old = {t.id: (c, t) for c, t in active.territories.items()}
    # A seed whose plan puts every rep's home in a territory of its own (seed 2 puts two
    # homes in one territory since the worst territory is raised: a rep then has none).
    plan, report = build_plan(project, k=8, balance_on="accounts", seed=1, keep_identities=True)

    ids = [t.id for _, t in sorted(plan.territories.items())]
    assert ids == sorted(old)  # every rep keeps a territory, listed as before
    for t in plan.territories.values():
        was = old[t.id][1]
        assert (t.name, t.owner, t.home_base) == (was.name, was.owner, was.home_base)
        assert not t.locked
    # The pairing keeps as many accounts as any one-to-one pairing could.
    accounts = project.weights[:, project.weight_fields.index("accounts")]
    shared = np.zeros((8, 8))
    np.add.at(shared, (active.assignment, plan.assignment), accounts)
    best = shared[linear_sum_assignment(shared, maximize=True)].sum()
    kept = sum(
        accounts[(active.assignment == old[t.id][0]) & (plan.assignment == c)].sum()
        for c, t in plan.territories.items()
    )
    assert kept == pytest.approx(best)
    assert report.accounts_moved == pytest.approx(accounts.sum() - kept)
    colors = {c: t.color for c, t in plan.territories.items()}
    assert all(colors[x] != colors[y] for x, y in _territory_neighbours(project, plan))

    nine, _ = build_plan(project, k=9, balance_on="accounts", seed=1, keep_identities=True)
    fresh = [t for t in nine.territories.values() if t.id not in old]
    assert [(t.id, t.name, t.owner) for t in fresh] == [("T09", "Territory 09", "")]

    shares = [1.0] * 7 + [0.5]
    capped, report = build_plan(project, k=8, shares=shares, seed=2, keep_identities=True)
    assert [t.name for t in capped.territories.values()][-1] == "Territory 08"
    assert any("capacities are set per new territory" in n for n in report.notes)


def test_locked_territories_keep_their_units_colour_and_id_through_a_build():
    from territory_designer.balance.scenario import BuildRequest, build_scenario

    project = build_demo_project()
    for t in project.plan.territories.values():
        t.color = "#4e79a7"  # one colour everywhere: the build must still tell neighbours apart
    project.plan.territories[0].locked = True
    project.plan.territories[3].locked = True  # T04 Coastal, a rep with a home base
    old_ids = {t.id for t in project.plan.territories.values()}

    plan, report = build_scenario(project, BuildRequest(from_home_bases=True))
    ids = [t.id for t in plan.territories.values()]
    assert sorted(ids) == sorted(old_ids)  # Coastal once, carried, not rebuilt as well
    moved = plan.territory_ids() != project.plan.territory_ids()
    assert report.units_moved == int(moved.sum())

    ten, _ = build_plan(project, k=10, seed=1, keep_identities=True)
    ids = [t.id for t in ten.territories.values()]
    assert len(set(ids)) == 10 and not any("-" in i for i in ids)
    fresh = [t for t in ten.territories.values() if t.id not in old_ids]
    assert [t.name for t in fresh] == ["Territory 09", "Territory 10"]
    colors = {c: t.color for c, t in ten.territories.items()}
    assert all(colors[x] != colors[y] for x, y in _territory_neighbours(project, ten))


def test_distance_notes_leave_locked_units_out(demo):
    project = build_demo_project()
    code = next(c for c, t in project.plan.territories.items() if t.name == "Triangle")
    triangle = project.plan.territories[code]
    triangle.locked, triangle.home_base = True, None  # carried; its centre stands in as home
    homes = [t.home_base for t in project.plan.territories.values() if t.home_base]
    _, report = build_plan(project, home_bases=homes, max_distance=70_000.0)
    locked = set(project.units.names[project.plan.assignment == code])
    assert not any(name in note for note in report.notes for name in locked)
    assert any("70 km" in note for note in report.notes)


def test_rebalance_refuses_to_rank_moves_by_a_field_the_project_lacks(make_grid_project):
    from territory_designer.core.adjacency import compute_adjacency
    from territory_designer.core.project import Project

    grid = make_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBBB", "CCCCCC"])
    units = grid.units
    units.attributes = units.attributes.drop(columns=["revenue"])
    project = Project(units, compute_adjacency(units.geometry), plans=[grid.plan])
    assert "revenue" not in project.weight_fields
    with pytest.raises(InputError, match="No revenue in this project to rank moves by"):
        rebalance_plan(project, max_moves=3, cost="revenue")
    plan, report, _ = rebalance_plan(project, max_moves=3, cost="units", balance_on="units")
    assert report.units_moved <= 3


def test_rebalance_keeps_every_reps_home_and_its_curve_ends_at_the_plan():
    from territory_designer.balance.identities import home_units
    from territory_designer.balance.rebalance import tradeoff_curve

    project = build_demo_project()
    homes = home_units(project, project.plan)
    assert len(homes) == 8
    plan, report, result = rebalance_plan(project, max_moves=30, tolerance=0.02)
    assert report.units_moved > 10
    for code, unit in homes.items():
        assert plan.assignment[unit] == project.plan.assignment[unit] == code
    # The curve's point for the cap the run had is the plan the run made.
    ((_, point),) = tradeoff_curve(result, [30], by="units")
    assert point.moves == report.units_moved
    assert point.max_abs_deviation_pct == pytest.approx(report.max_abs_deviation_pct)


def test_summary_cv_is_relative_to_each_territorys_capacity():
    project = build_demo_project()
    shares = [1.0, 1.0, 0.5, 1.0, 1.0, 1.0]
    plan, report = build_plan(project, k=6, balance_on="revenue", shares=shares, seed=1)
    project.apply(AddGeneratedPlan(plan))
    summary = project.summary()
    assert summary.balance_field == "revenue"
    assert summary.cv == pytest.approx(report.cv, rel=1e-6)
    assert summary.cv < 0.05  # the half-capacity territory is not read as imbalance

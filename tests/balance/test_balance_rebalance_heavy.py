"""Rebalance with a unit heavier than a territory's target, and units of zero weight."""

from __future__ import annotations

import numpy as np
import pytest

from territory_designer.balance.build import build_partition, graph_of
from territory_designer.balance.graph import extra_pieces
from territory_designer.balance.quality import quality_report
from territory_designer.balance.rebalance import rebalance
from tests.balance.conftest import grid_problem

HEAVY = 44  # row 4, column 4 of a 10 x 10 grid


def _weights(zero_top_row: bool = False) -> np.ndarray:
    w = np.ones(100)
    w[HEAVY] = 60.0  # target (99 + 60) / 5 ~ 32: the unit alone is 1.9 x target
    if zero_top_row:
        w[np.arange(100) % 10 == 9] = 0.0  # the top row carries nothing
    return w


def _strips() -> np.ndarray:
    """Five vertical strips of two columns, the heavy unit in strip 2 with 19 others."""
    return np.arange(100) // 20


def test_rebalance_balances_the_rest_around_a_heavy_unit():
    w = _weights()
    prob = grid_problem(10, 10, 5, weight=w, tolerance=0.05)
    start = _strips()
    res = rebalance(prob, graph_of(prob), start, max_moves=80)
    assert res.heavy_units == [HEAVY] and res.labels[HEAVY] == start[HEAVY]
    rep = quality_report(prob, graph_of(prob), res.labels, start=start)
    assert rep.rest_max_abs_deviation_pct is not None
    # The curve is not flat at the heavy unit's deviation: the rest keeps improving.
    rest = [p.rest_max_abs_deviation_pct for p in res.trajectory]
    assert rest[-1] < 0.5 * rest[0]
    assert rep.rest_max_abs_deviation_pct == pytest.approx(rest[-1])
    # No worse than 1.5 x what a fresh build reaches for the rest on the same plan.
    fresh = grid_problem(10, 10, 5, weight=w, tolerance=0.05)
    built = build_partition(fresh)
    fresh_rep = quality_report(fresh, graph_of(fresh), built.labels, lb=built.lower_bound)
    assert rep.rest_max_abs_deviation_pct <= max(1.5 * fresh_rep.rest_max_abs_deviation_pct, 5.0)
    assert (extra_pieces(graph_of(prob), res.labels) == 0).all()


def test_rebalance_never_spends_a_move_on_a_unit_of_zero_weight():
    w = _weights(zero_top_row=True)
    prob = grid_problem(10, 10, 5, weight=w, tolerance=0.01)
    start = _strips()
    res = rebalance(prob, graph_of(prob), start, max_moves=80)
    spent = [m for m in res.moves if not m.carried]
    assert spent and all(w[m.unit] > 0 for m in spent)
    # Zero-weight units move only when carried along (listed, flagged, never counted).
    assert all(w[m.unit] == 0 for m in res.moves if m.carried)
    assert res.trajectory[-1].moves == len(spent)
    assert (extra_pieces(graph_of(prob), res.labels) == 0).all()


def test_two_heavy_units_in_one_territory_both_stay_and_the_rest_is_balanced():
    w = _weights()
    w[45] = 50.0  # a second heavy unit next to the first, in the same strip
    prob = grid_problem(10, 10, 5, weight=w, tolerance=0.05)
    start = _strips()
    res = rebalance(prob, graph_of(prob), start, max_moves=80)
    assert sorted(res.heavy_units) == [HEAVY, 45]
    assert res.labels[HEAVY] == res.labels[45] == start[HEAVY]
    rep = quality_report(prob, graph_of(prob), res.labels, start=start)
    # The rest share what the two heavy units leave: (98 + 0) / 4 = 24.5 each.
    loads = np.bincount(res.labels, weights=prob.weight, minlength=5)
    rest = np.delete(loads, start[HEAVY])
    assert np.abs(rest / 24.5 - 1).max() * 100 == pytest.approx(rep.rest_max_abs_deviation_pct)
    assert rep.rest_max_abs_deviation_pct <= 5.0


def test_rebalance_of_a_project_reports_the_rest_with_a_heavy_unit(capsys, tmp_path):
    import json

    from td_factories import build_grid_project

    from territory_designer.cli import main
    from territory_designer.io.project_file import save_project

    layout = ["AABBCC"] * 6
    project = build_grid_project(6, 6, layout)
    population = project.units.attributes["population"].to_numpy(float)
    population[14] = 5 * population.sum()  # one unit outweighs every territory
    project.units.attributes["population"] = population
    path = tmp_path / "heavy.tdproj"
    save_project(project, path)
    argv = ["rebalance", str(path), "--max-moves", "20", "--balance-on", "population"]
    assert main([*argv, "--json", "--curve", "--dry-run"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rest_max_abs_deviation_pct"] is not None
    assert report["curve"][-1]["rest_max_abs_deviation_pct"] is not None
    assert "rest" in report["infeasible_reason"]


def test_a_corridor_of_zero_weight_units_does_not_strand_the_weighted_units_behind_it():
    """Territory 0 (the left half) is 23 % over target, and all of its units on the border
    with territory 1 weigh nothing: its weighted units reach territory 1 only by taking
    the zero-weight unit in front of them along."""
    x = np.arange(100) // 10
    w = np.where(x < 4, 2.0, 1.0)
    w[x == 4] = 0.0  # the corridor: the last column of territory 0
    prob = grid_problem(10, 10, 2, weight=w, tolerance=0.02)
    start = (x >= 5).astype(np.int64)
    res = rebalance(prob, graph_of(prob), start, max_moves=20)
    rep = quality_report(prob, graph_of(prob), res.labels, start=start)
    assert rep.max_abs_deviation_pct <= 2.0 and res.reached
    spent = [m for m in res.moves if not m.carried]
    carried = [m for m in res.moves if m.carried]
    assert all(w[m.unit] > 0 for m in spent) and len(spent) <= 20
    assert carried and all(w[m.unit] == 0 for m in carried)
    assert res.trajectory[-1].moves == len(spent)
    assert (extra_pieces(graph_of(prob), res.labels) == 0).all()


def test_the_command_line_lists_carried_units_and_counts_only_weighted_moves(capsys, tmp_path):
    import json

    from td_factories import build_grid_project

    from territory_designer.cli import main
    from territory_designer.io.project_file import save_project

    project = build_grid_project(6, 6, ["AAABBB"] * 6)
    col = project.units.attributes["col"].to_numpy()
    # Territory A is 33 % over target, and its column on the border weighs nothing.
    project.units.attributes["population"] = np.select([col < 2, col == 2], [3, 0], 1)
    path = tmp_path / "corridor.tdproj"
    save_project(project, path)
    argv = ["rebalance", str(path), "--max-moves", "3", "--balance-on", "population"]
    assert main([*argv, "--rank-by", "units", "--json", "--out", str(tmp_path / "out.tdproj")]) == 0
    out = json.loads(capsys.readouterr().out)
    carried = [m for m in out["moves"] if m["carried"]]
    spent = [m for m in out["moves"] if not m["carried"]]
    assert len(spent) == 3 and carried
    assert all("zero weight: carried along" in m["reason"] for m in carried)
    assert all("Territory A" in m["reason"] for m in carried)  # names, not indices
    assert any("not counted against the cap" in n for n in out["notes"])
    assert out["max_abs_deviation_pct"] <= 5.0

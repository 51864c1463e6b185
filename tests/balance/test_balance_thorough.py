"""Thorough mode: a build given a time limit keeps searching and keeps the best plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from territory_designer.balance.build import _rank, build_partition, graph_of
from territory_designer.balance.thorough import WORST_SHARE, PlanFigures
from territory_designer.cli import main
from territory_designer.core.feedback import Feedback
from tests.balance.conftest import grid_problem


def _problem():
    rng = np.random.default_rng(3)
    return grid_problem(12, 12, 6, weight=rng.integers(1, 9, 144).astype(float), tolerance=0.03)


def test_time_limit_searches_longer_and_is_never_worse():
    usual = build_partition(_problem())
    problem = _problem()
    # No wall-clock assertion (on a loaded machine a run that would overrun the limit is
    # not begun, or dropped at the limit): the search notes what it did and is never worse.
    thorough = build_partition(problem, time_limit=2 * usual.runtime_s + 2.0)
    graph = graph_of(problem)
    assert _rank(problem, graph, thorough.labels) <= _rank(problem, graph, usual.labels)
    assert "Thorough mode searched" in thorough.thorough_note
    assert "mean Polsby-Popper" in thorough.thorough_note


def test_build_time_limit_on_the_command_line(capsys, demo_project_file, tmp_path):
    path = tmp_path / "demo.tdproj"
    path.write_bytes(Path(demo_project_file).read_bytes())
    argv = ["build", str(path), "-k", "6", "--time-limit", "3", "--dry-run", "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    # Not a wall-clock bound: on a loaded machine the usual build alone may use the whole
    # limit, and the report then says so; otherwise the search went on past the usual build.
    (note,) = [n for n in report["notes"] if n.startswith("Thorough mode")]
    assert (
        re.search(r"\((\d+) more starts", note) and "mean Polsby-Popper" in note
    ) or "left no time to search further" in note


def test_a_limit_used_up_by_the_usual_build_is_reported():
    result = build_partition(_problem(), time_limit=1e-6)
    assert "left no time to search further" in result.thorough_note
    assert result.thorough_note.startswith("Thorough mode")


def _figures(problem, labels):
    return PlanFigures.of(problem, graph_of(problem), labels)


def _contiguous(problem, labels) -> bool:
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    for t in range(problem.k):
        inside = labels == t
        keep = inside[problem.ei] & inside[problem.ej]
        idx = np.flatnonzero(inside)
        local = np.full(problem.n, -1)
        local[idx] = np.arange(idx.size)
        m = sparse.coo_matrix(
            (np.ones(keep.sum()), (local[problem.ei[keep]], local[problem.ej[keep]])),
            shape=(idx.size, idx.size),
        )
        if connected_components(m, directed=False)[0] != 1:
            return False
    return True


def _coarse_problem():
    """Coarse units (about eight per territory) of uneven weight: few plans fit the band."""
    rng = np.random.default_rng(11)
    return grid_problem(8, 8, 8, weight=rng.uniform(1.0, 3.0, 64), tolerance=0.03)


def test_fixed_runs_never_worse_than_the_usual_build_and_contiguous():
    usual = build_partition(_coarse_problem())
    problem = _coarse_problem()
    thorough = build_partition(problem, thorough_runs=4)
    assert thorough.rounds == usual.rounds + 4
    before, after = _figures(problem, usual.labels), _figures(problem, thorough.labels)
    assert after.excess == 0
    assert after.mean_pp >= before.mean_pp
    assert after.min_pp >= WORST_SHARE * before.min_pp - 1e-9
    assert after.max_dev <= max(before.max_dev, problem.tolerance) + 1e-9
    assert _contiguous(problem, thorough.labels)
    assert "4 more starts" in thorough.thorough_note
    # 64 units, 8 territories: small and coarse, so territories are priced too.
    assert "priced territories" in thorough.thorough_note


def test_the_least_compact_territory_may_fall_to_its_share_of_the_usual_one_and_no_further():
    usual = PlanFigures(excess=0.0, max_dev=0.02, mean_pp=0.36, min_pp=0.09)
    floor = WORST_SHARE * usual.min_pp
    assert 0.5 <= WORST_SHARE < 1.0
    assert PlanFigures(0.0, 0.02, 0.41, floor + 1e-6).not_worse_than(usual)
    assert not PlanFigures(0.0, 0.02, 0.43, floor - 1e-3).not_worse_than(usual)
    assert not PlanFigures(0.0, 0.021, 0.41, 0.09).not_worse_than(usual)  # less balanced
    # Thorough mode may use the whole tolerance, not more.
    tighter = PlanFigures(excess=0.0, max_dev=0.015, mean_pp=0.36, min_pp=0.09)
    assert PlanFigures(0.0, 0.02, 0.41, 0.09).not_worse_than(tighter, tolerance=0.02)
    assert not PlanFigures(0.0, 0.021, 0.41, 0.09).not_worse_than(tighter, tolerance=0.02)


def test_fixed_runs_are_deterministic():
    a = build_partition(_coarse_problem(), thorough_runs=2).labels
    b = build_partition(_coarse_problem(), thorough_runs=2).labels
    assert np.array_equal(a, b)


class _CancelInThoroughMode(Feedback):
    """Cancels as soon as thorough mode has begun its second run."""

    def on_progress(self, percent: float, message: str) -> None:
        if message.startswith("Searching further"):
            self.seen = getattr(self, "seen", 0) + 1
            if self.seen >= 2:
                self.cancel()


def test_cancel_in_thorough_mode_returns_the_best_plan_so_far():
    usual = build_partition(_coarse_problem())
    problem = _coarse_problem()
    result = build_partition(problem, _CancelInThoroughMode(), thorough_runs=50)
    assert result.rounds < usual.rounds + 50
    after, before = _figures(problem, result.labels), _figures(problem, usual.labels)
    assert after.excess == 0 and after.mean_pp >= before.mean_pp
    assert _contiguous(problem, result.labels)
    assert "Stopped by the user" in result.thorough_note


def test_moves_with_a_floor_never_push_the_least_compact_territory_below_it():
    from territory_designer.balance.recom import iterated_search, merge_split
    from territory_designer.balance.seeding import initial_partition

    problem = _coarse_problem()
    graph = graph_of(problem)
    start = initial_partition(problem, graph, Feedback(), 3)
    floor = _figures(problem, start).min_pp
    free = merge_split(problem, graph, start, 4000, seed=1)
    kept = merge_split(problem, graph, start, 4000, seed=1, floor=floor)
    assert _figures(problem, free).min_pp < floor  # without the floor the worst one drops
    assert _figures(problem, kept).min_pp >= floor - 1e-12
    searched = iterated_search(problem, graph, kept, 10, seed=2, floor=floor)
    assert _figures(problem, searched).min_pp >= floor - 1e-12
    assert _contiguous(problem, searched)

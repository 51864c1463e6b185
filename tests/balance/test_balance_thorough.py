"""Thorough mode: a build given a time limit keeps searching and keeps the best plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from territory_designer.balance.build import _rank, build_partition, graph_of
from territory_designer.cli import main
from tests.balance.conftest import grid_problem


def _problem():
    rng = np.random.default_rng(3)
    return grid_problem(12, 12, 6, weight=rng.integers(1, 9, 144).astype(float), tolerance=0.03)


def test_time_limit_searches_longer_and_is_never_worse():
    usual = build_partition(_problem())
    problem = _problem()
    # Generous against a loaded machine; no wall-clock assertion (a start that would
    # overrun the limit is rightly not begun): the extra starts show the longer search.
    thorough = build_partition(problem, time_limit=2 * usual.runtime_s + 2.0)
    assert thorough.rounds > usual.rounds
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
    # Not a wall-clock bound (a loaded machine stops earlier when one more start would
    # overrun the limit): the search went on past the usual build with more starts.
    (note,) = [n for n in report["notes"] if n.startswith("Thorough mode searched")]
    assert int(re.search(r"\((\d+) more starts", note).group(1)) >= 1

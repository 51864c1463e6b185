"""Builds on a real state ZIP layer where most units hold no account (issue 10, section 4).

The layer is the real North Carolina ZIP layer of ``td_realdata`` (about 700 units); the
accounts sit at real ZIP codes, so nearly every unit weighs nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from td_realdata import make_nc_zip_project, project_with_accounts

from territory_designer.balance.build import build_partition, graph_of
from territory_designer.balance.graph import extra_pieces
from territory_designer.balance.quality import quality_report
from territory_designer.cli import main
from territory_designer.core.errors import InputError
from tests.balance.conftest import grid_problem


@pytest.fixture(scope="module")
def nc_zip_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A project of the NC ZIP layer, without accounts yet, and its ZIP codes."""
    return make_nc_zip_project(tmp_path_factory.mktemp("nczip"))


def _project_with_accounts(
    nc_zip_project: tuple[Path, list[str]], tmp_path: Path, zips: list[str], revenue: list[float]
) -> Path:
    return project_with_accounts(nc_zip_project[0], tmp_path, zips, revenue)


@pytest.mark.parametrize("field", ["revenue", "accounts"])
def test_more_territories_than_units_with_accounts_still_builds(
    nc_zip_project, tmp_path, capsys, field
):
    zips = nc_zip_project[1]
    project = _project_with_accounts(
        nc_zip_project, tmp_path, zips[::140], [5e4, 8e4, 2e4, 6e4, 3e4, 9e4]
    )
    capsys.readouterr()
    code = main(["build", str(project), "-k", "8", "--balance-on", field, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err  # was: internal error, ZeroDivisionError in the tree cut
    report = json.loads(out)
    assert report["territories"] == 8 and report["unassigned"] == 0
    assert report["contiguous"]
    assert "Only 6 unit(s) hold any of the weight" in report["infeasible_reason"]


def test_few_accounts_on_a_zip_layer_build_within_tolerance(nc_zip_project, tmp_path, capsys):
    zips = nc_zip_project[1]
    rng = np.random.default_rng(7)
    chosen = list(rng.choice(zips, 120, replace=False))  # about one unit in six
    revenue = np.round(rng.lognormal(10, 0.6, 120), -2).tolist()
    project = _project_with_accounts(nc_zip_project, tmp_path, chosen, revenue)
    capsys.readouterr()
    assert main(["build", str(project), "-k", "6", "--balance-on", "revenue", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["within_tolerance"] and report["contiguous"]
    assert report["max_abs_deviation_pct"] <= 5.0
    assert main(["info", str(project), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["balance_criterion"] == "Revenue, tolerance ±5%"
    assert max(abs(t["deviation_pct"]) for t in info["territories"]) <= 5.0


def test_a_field_no_unit_has_is_refused_clearly(nc_zip_project, tmp_path, capsys):
    zips = nc_zip_project[1]
    project = _project_with_accounts(nc_zip_project, tmp_path, zips[:50:5], [0.0] * 10)
    before = project.read_bytes()
    capsys.readouterr()
    for extra in (["--balance-on", "revenue"], ["--weights", "accounts=0.5,revenue=0.5"]):
        code = main(["build", str(project), "-k", "4", *extra])
        err = capsys.readouterr().err
        assert code == 2
        assert "No unit has any revenue" in err and "Traceback" not in err
    assert project.read_bytes() == before


@pytest.mark.parametrize("seed", [0, 1, 2, 3])  # starts alternate tree cuts and k-means cells
def test_every_engine_stage_copes_with_fewer_weighted_units_than_territories(seed):
    weight = np.zeros(100)
    weight[[12, 87]] = [5.0, 7.0]
    problem = grid_problem(10, 10, 5, weight, seed=seed)
    result = build_partition(problem)
    graph = graph_of(problem)
    assert (result.labels >= 0).all() and (extra_pieces(graph, result.labels) == 0).all()
    # The three territories without weight share the other units about evenly.
    counts = np.bincount(result.labels, minlength=5)
    empty = [t for t in range(5) if t not in result.labels[[12, 87]]]
    assert counts[empty].max() - counts[empty].min() <= 0.1 * counts[empty].mean() + 1
    report = quality_report(problem, graph, result.labels, lb=result.lower_bound)
    assert "Only 2 unit(s) hold any of the weight" in report.infeasible_reason


def test_an_engine_problem_without_any_weight_is_refused():
    with pytest.raises(InputError, match="No unit has any weight"):
        grid_problem(4, 4, 2, np.zeros(16))

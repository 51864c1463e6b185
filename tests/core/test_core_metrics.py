"""Per-territory metrics: incremental updates, compactness, deviation and contiguity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from td_factories import assert_same_metrics, fresh_metrics, grid_units

from territory_designer.core.adjacency import compute_adjacency
from territory_designer.core.operations import AssignUnits, UpdateTerritory
from territory_designer.core.plan import UNASSIGNED, Plan, Territory
from territory_designer.core.project import Project


def test_incremental_updates_equal_full_recompute(make_grid_project) -> None:
    project = make_grid_project(
        8, 8, ["AAAABBBB", "AAAABBBB", "AAAABBBB", "CCCCDDDD"] + ["CCCCDDDD"] * 3 + ["....DDDD"]
    )
    codes = [UNASSIGNED, *project.plan.territories]
    rng = np.random.default_rng(1234)
    done = []
    for _ in range(150):
        units = rng.choice(64, size=int(rng.integers(1, 12)), replace=False)
        op = AssignUnits(units, int(rng.choice(codes)))
        project.apply(op)
        done.append(op)
        assert_same_metrics(project.metrics, fresh_metrics(project))
    for op in reversed(done):  # undo everything, checking along the way
        op.undo(project)
    assert_same_metrics(project.metrics, fresh_metrics(project))


def test_reassign_does_not_recompute_everything(make_grid_project, monkeypatch) -> None:
    project = make_grid_project(6, 6, ["AAABBB"] * 6)

    def forbidden() -> None:
        raise AssertionError("a small edit recomputed every territory")

    monkeypatch.setattr(project.metrics, "_recompute_all", forbidden)
    project.apply(AssignUnits([0, 1, 6], 1))
    assert project.territory_table("units")["units"].tolist() == [15, 21]


def test_polsby_popper_of_a_square_is_pi_over_4(make_grid_project) -> None:
    project = make_grid_project(4, 4, ["AA.B", "AA..", "CCC.", "CCC."])
    table = project.territory_table("units").set_index("name")
    assert table.loc["Territory A", "polsby_popper"] == pytest.approx(math.pi / 4)  # 2x2
    assert table.loc["Territory B", "polsby_popper"] == pytest.approx(math.pi / 4)  # 1 cell
    # 2x3 rectangle: 4 pi 6 / 10**2 (in cells)
    assert table.loc["Territory C", "polsby_popper"] == pytest.approx(4 * math.pi * 6 / 100)
    assert table.loc["Territory A", "area_km2"] == pytest.approx(4.0)


def test_empty_territory_has_zero_compactness(make_grid_project) -> None:
    project = make_grid_project(2, 2, ["AB", "AB"])
    project.apply(AssignUnits(project.plan.units_of(1), 0))
    assert project.metrics.polsby_popper(1) == 0.0
    assert project.metrics.pieces(1) == (0, 0)


def test_deviation_from_the_mean_and_from_a_target(make_grid_project) -> None:
    # Unit counts 2, 4 and 6: mean 4.
    project = make_grid_project(2, 6, ["ABBCCC", "ABBCCC"])
    dev = project.territory_table("units").set_index("name")["deviation_pct"]
    assert dev.to_dict() == pytest.approx(
        {"Territory A": -50.0, "Territory B": 0.0, "Territory C": 50.0}
    )
    project.apply(UpdateTerritory(2, target=5.0))
    dev = project.territory_table("units").set_index("name")["deviation_pct"]
    assert dev["Territory C"] == pytest.approx(20.0)  # (6 - 5) / 5
    assert dev["Territory A"] == pytest.approx(-50.0)  # others still measured against the mean
    summary = project.summary("units")
    assert summary.max_abs_deviation_pct == pytest.approx(50.0)
    assert summary.territories == 3


def test_sums_of_numeric_fields(make_grid_project) -> None:
    project = make_grid_project(3, 3, ["AAA", "BBB", "..."])
    pop = project.units.attributes["population"].to_numpy()
    a = project.plan.units_of(0)
    table = project.territory_table().set_index("name")
    assert table.loc["Territory A", "population"] == pytest.approx(pop[a].sum())
    assert table.loc["Territory A", "units"] == 3
    assert project.summary().unassigned_units == 3


def test_contiguity_counts_extra_pieces(make_grid_project) -> None:
    project = make_grid_project(3, 5, ["A.A.A", "BBBBB", "A...."])
    pieces = project.territory_table("units").set_index("name")[["pieces", "extra_pieces"]]
    # A's top cells and the bottom-left cell are 4 pieces (diagonals do not connect).
    assert pieces.loc["Territory A"].tolist() == [4, 3]
    assert pieces.loc["Territory B"].tolist() == [1, 0]
    summary = project.summary("units")
    assert summary.noncontiguous == 1
    assert summary.extra_pieces == 3
    assert not summary.contiguous
    # Filling the gaps makes A one piece again.
    project.apply(AssignUnits([11, 13], 0))
    assert project.metrics.pieces(0) == (2, 1)
    project.apply(AssignUnits([5], 0))
    assert project.metrics.pieces(0) == (1, 0)
    assert project.summary("units").contiguous


def test_contiguity_is_island_aware() -> None:
    # Column 3 missing: two 2x3 islands. A is the bottom row of both, B the top row.
    units = grid_units(2, 7, holes=[(0, 3), (1, 3)])
    adjacency = compute_adjacency(units.geometry)
    codes = np.array([0] * 6 + [1] * 6, dtype=np.int32)
    terr = {0: Territory("T01", "A", "#ff0000"), 1: Territory("T02", "B", "#00ff00")}
    project = Project(units, adjacency, plans=[Plan("P", terr, codes)])
    assert project.metrics.pieces(0) == (2, 0)  # one piece per island: none avoidable
    summary = project.summary("units")
    # Two pieces are not "contiguous", but the report says why: islands, nothing avoidable.
    assert not summary.contiguous
    assert (summary.territories_in_pieces, summary.island_pieces, summary.extra_pieces) == (
        2,
        2,
        0,
    )
    assert summary.contiguity() == (
        "no: 2 territories in several pieces; 2 island pieces that cannot be joined"
    )
    # Splitting A on the left island is a real extra piece.
    project.apply(AssignUnits([1], 1))
    assert project.metrics.pieces(0) == (3, 1)
    assert project.summary("units").contiguity().endswith("cannot be joined, 1 avoidable")


def test_pieces_of_a_fresh_plan_of_many_territories_equal_territory_by_territory() -> None:
    # 20 ragged territories (many in pieces), unassigned cells, two islands.
    units = grid_units(12, 15, holes=[(r, 7) for r in range(12)])
    adjacency = compute_adjacency(units.geometry)
    rng = np.random.default_rng(5)
    codes = (np.arange(len(units)) * 20 // len(units)).astype(np.int32)
    codes = np.where(rng.random(len(units)) < 0.15, rng.integers(-1, 20, len(units)), codes)
    terr = {c: Territory(f"T{c:02d}", f"T{c}", "#ff0000") for c in range(21)}  # 20: empty
    one_by_one = Project(units, adjacency, plans=[Plan("P", terr, codes.astype(np.int32))])
    want = {c: one_by_one.metrics.pieces(c) for c in terr}
    assert any(p[1] > 0 for p in want.values()) and want[20] == (0, 0)
    fresh = Project(units, adjacency, plans=[Plan("P", terr, codes.astype(np.int32))])
    assert fresh.metrics.contiguity() == one_by_one.metrics.contiguity()
    assert fresh.metrics._pieces == want

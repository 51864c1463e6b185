"""A heavy unit's territory that walls off a piece of the layer (issue 17).

On the national county layer Queens, heavier than a territory's target and so alone in a
closed territory, cut Long Island (Nassau, Suffolk) off every other territory: the build
put them in territories across the water. Here a 6 x 6 grid with a two-unit peninsula
reached only through the heavy corner unit.
"""

from __future__ import annotations

import numpy as np

from territory_designer.balance.build import build_partition, graph_of
from territory_designer.balance.graph import extra_pieces
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.quality import quality_report
from tests.balance.conftest import grid_arrays

CORNER = 5  # column 0, row 5: the top-left corner of the grid


def _peninsula_problem() -> BalanceProblem:
    a = grid_arrays(6, 6)
    xy = np.r_[a["xy"], [[500.0, 6500.0], [500.0, 7500.0]]]
    ei = np.r_[a["ei"], [CORNER, 36]]
    ej = np.r_[a["ej"], [36, 37]]
    elen = np.r_[a["elen"], [1000.0, 1000.0]]
    weight = np.ones(38)
    weight[CORNER] = 30.0  # target (37 + 30) / 6 ~ 11.2: the corner is 2.7 x
    return BalanceProblem(
        weight,
        xy,
        np.full(38, 1e6),
        np.full(38, 4000.0),
        ei,
        ej,
        elen,
        6,
        np.ones(6),
        tolerance=0.05,
    )


def test_a_piece_walled_in_by_a_heavy_territory_joins_it_with_a_note():
    problem = _peninsula_problem()
    result = build_partition(problem)
    labels = result.labels
    assert result.heavy_units == [CORNER]
    assert labels[36] == labels[37] == labels[CORNER]
    graph = graph_of(problem)
    assert (extra_pieces(graph, labels) == 0).all()
    names = np.array([f"u{i}" for i in range(38)], dtype=object)
    report = quality_report(problem, graph, labels, lb=result.lower_bound, unit_names=names)
    assert report.contiguous
    note = next(n for n in report.notes if "touch no territory but that of u5" in n)
    assert "u36, u37 (2 unit(s))" in note
    # The other five share the other 35 grid units: 7 each.
    assert report.rest_max_abs_deviation_pct <= 5.0

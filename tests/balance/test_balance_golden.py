"""Golden plans: the engine's exact output on small grids for fixed seeds.

A refactor of the engine must not change what it builds: the same inputs and seed give the
same plan, move for move. The weights are random (seeded) so that many plans are nearly as
good and any change in the order of the search shows: these cases pin whole builds, the
shape stages on their own (annealing, merge-split descent, iterated search) and rebalances
(ranking, caps, stop reasons). A deliberate change of the engine's results updates the
tables here, and says why.

Layouts are drawn top row first, one letter per unit (``A`` = territory 0), as the grid
would look on a map.
"""

from __future__ import annotations

import numpy as np
import pytest

from territory_designer.balance.anneal import anneal, auto_schedule
from territory_designer.balance.build import build_partition, graph_of
from territory_designer.balance.rebalance import rebalance
from territory_designer.balance.recom import iterated_search, merge_split
from tests.balance.conftest import grid_problem


def _random_weights(nx: int, ny: int, seed: int) -> np.ndarray:
    return np.round(np.random.default_rng(seed).lognormal(0.0, 0.6, nx * ny), 2)


def _sparse_weights(nx: int, ny: int) -> np.ndarray:
    ix, iy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    return ((ix + 2 * iy) % 5 == 0).ravel().astype(float) * 3.0  # most units weigh nothing


def _layout(labels: np.ndarray, nx: int, ny: int) -> list[str]:
    grid = np.asarray(labels).reshape(nx, ny)
    return ["".join(chr(65 + int(v)) for v in grid[:, y]) for y in range(ny - 1, -1, -1)]


def _strips(*widths: int) -> np.ndarray:
    """10 x 10 plan of vertical strips ``widths`` columns wide (west to east)."""
    return np.repeat(np.arange(len(widths)), np.array(widths) * 10)


BUILDS = [
    (
        (10, 10, 5),
        _random_weights(10, 10, 5),
        dict(tolerance=0.03, seed=0),
        # Six short starts instead of two long ones (20 units per territory, issue 17):
        # mean Polsby-Popper 0.714 -> 0.686, least 0.628 -> 0.545 on this seed; over
        # seeds 0-5 of such grids mean 0.684 -> 0.679, least 0.566 -> 0.578, CPU 1.25 ->
        # 0.51 s.
        ["DDDDDBBBBB", "DDDDDBBBBB", "DDDDDBBBBB", "DDDDDAABBB", "DDDDAAAAAA"]
        + ["CCCCAAAAAA", "CCCCAAAAAA", "CCCCEEEEEA", "CCCCEEEEEE", "CCCCEEEEEE"],
    ),
    (
        (12, 8, 6),
        _random_weights(12, 8, 6),
        dict(tolerance=0.05, seed=2, compactness=1.0),
        # Every start's worst territory is raised before the starts are ranked (issue 17):
        # least Polsby-Popper 0.503 -> 0.543, mean 0.705 -> 0.700, largest deviation
        # 3.7 % -> 4.2 % (inside the 5 % tolerance). Six short starts instead of two long
        # ones: the same scores, another labelling and 4.7 % largest deviation.
        ["EEEDDDDAAAAA", "EEEDDDDAAAAA", "EEEDDDDAAAAA", "EEEDDDDABBBB"]
        + ["FEEFCCCCBBBB", "FFFFCCCCBBBB", "FFFFCCCCBBBB", "FFFFCCCCBBBB"],
    ),
    (
        (6, 6, 3),
        _sparse_weights(6, 6),
        dict(tolerance=0.1, seed=0),
        ["BBBBBB", "CCBCCC", "CCCCCC", "CCCCCC", "CCCACC", "AAAAAA"],
    ),
    (
        (6, 6, 5),
        np.ones(36),
        dict(tolerance=0.05, seed=4, compactness=0.0),
        ["CCCBBB", "CCCBBB", "EECDAB", "EEDDAA", "EEDDAA", "EEDDAA"],
    ),
]


@pytest.mark.parametrize(
    ("shape", "weight", "options", "expected"),
    BUILDS,
    ids=["random-10x10-k5", "random-12x8-k6-compact", "sparse-6x6-k3", "uniform-no-shaping"],
)
def test_build_gives_the_pinned_plan(shape, weight, options, expected):
    nx, ny, k = shape
    problem = grid_problem(nx, ny, k, weight, **options)
    assert _layout(build_partition(problem).labels, nx, ny) == expected


def _stage(name: str) -> np.ndarray:
    problem = grid_problem(10, 10, 4, _random_weights(10, 10, 7), tolerance=0.05)
    graph = graph_of(problem)
    if name == "anneal":
        start = _strips(2, 3, 2, 3)
        schedule = auto_schedule(
            problem, graph, start, 6000, hot=0.3, price=(20.0, 500.0), swap_share=0.3
        )
        return anneal(problem, graph, start, schedule, seed=(3, 99))
    if name == "merge_split":
        return merge_split(problem, graph, _strips(3, 2, 2, 3), 400, seed=1)
    return iterated_search(problem, graph, _strips(3, 2, 2, 3), 6, seed=2)


STAGES = [
    (
        "anneal",
        ["AABBBCCCDD", "AABBBCCCDD", "AABBBCCCDD", "AABBBBCCDD", "AAABBBCCDD"]
        + ["AAABBBCDDD", "AAABBBCDDD", "AAABBCCDDD", "AAAAACCDDD", "AAAACCCDDD"],
    ),
    (
        "merge_split",
        ["CCCCCBBBBB", "CCCCCBBBBB", "CCCCCBBBBB", "CCCCCCBBBB", "DDDCCCBBBB"]
        + ["DDDDDCAAAA", "DDDDDAAAAA", "DDDDDAAAAA", "DDDDDAAAAA", "DDDDDAAAAA"],
    ),
    (
        "iterated_search",
        ["BBBBBBCCCC", "BBBBBBCCCC", "BBBBBBCCCC", "BBBBBBCCCC", "DDDDDDCCCC"]
        + ["DDDDDAACCC", "DDDDDAAAAA", "DDDDAAAAAA", "DDDDAAAAAA", "DDDDAAAAAA"],
    ),
]


@pytest.mark.parametrize(("stage", "expected"), STAGES)
def test_shape_stage_gives_the_pinned_plan(stage, expected):
    assert _layout(_stage(stage), 10, 10) == expected


REBALANCES = [
    (
        0.03,
        {},
        "accounts",
        "tolerance reached",
        [(24, 0, 1), (74, 3, 2), (75, 3, 2), (56, 2, 1), (73, 3, 2), (59, 2, 1), (77, 3, 2)]
        + [(76, 3, 2), (54, 2, 1)],
        2.66808964781218,
    ),
    (
        0.0,
        dict(max_moves=9, max_accounts=60.0),
        "revenue",
        "no improving move",
        [(70, 3, 2), (79, 3, 2), (58, 2, 1), (74, 3, 2), (29, 0, 1), (30, 1, 0), (51, 2, 1)]
        + [(71, 3, 2)],
        1.0963422916464356,
    ),
    (
        0.0,
        dict(max_moves=5),
        "accounts",
        "cap reached",
        [(24, 0, 1), (74, 3, 2), (75, 3, 2), (56, 2, 1), (73, 3, 2)],
        8.120694673522824,
    ),
    (
        0.01,
        dict(max_revenue=900.0),
        "units",
        "cap reached",
        [(79, 3, 2), (74, 3, 2), (58, 2, 1), (70, 3, 2), (29, 0, 1)],
        2.5516639177258265,
    ),
]


@pytest.mark.parametrize(
    ("tolerance", "caps", "cost", "stopped_by", "moves", "final_dev"),
    REBALANCES,
    ids=["to-tolerance", "moves-and-accounts-caps", "moves-cap", "revenue-cap"],
)
def test_rebalance_makes_the_pinned_moves(tolerance, caps, cost, stopped_by, moves, final_dev):
    problem = grid_problem(10, 10, 4, _random_weights(10, 10, 7), tolerance=tolerance)
    accounts = np.round(np.random.default_rng(8).uniform(0, 9, 100))
    revenue = np.round(np.random.default_rng(9).uniform(50, 500, 100))
    result = rebalance(
        problem, graph_of(problem), _strips(3, 2, 2, 3), accounts, revenue, cost=cost, **caps
    )
    assert result.stopped_by == stopped_by
    assert [(m.unit, m.from_territory, m.to_territory) for m in result.moves] == moves
    assert result.trajectory[-1].max_abs_deviation_pct == pytest.approx(final_dev, abs=1e-9)
    assert [p.moves for p in result.trajectory] == list(range(len(moves) + 1))

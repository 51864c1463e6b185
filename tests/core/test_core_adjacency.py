"""Adjacency of a grid: rook edges with exact shared lengths, corner-only neighbours, islands."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from td_factories import CELL, grid_units

from territory_designer.core.adjacency import compute_adjacency, seam_tolerance


@pytest.mark.parametrize(("n", "m"), [(1, 1), (1, 5), (3, 3), (4, 6), (7, 2)])
def test_grid_rook_and_corner_counts(n: int, m: int) -> None:
    adj = compute_adjacency(grid_units(n, m).geometry)
    rook = adj.rook_mask()
    assert adj.n == n * m
    assert int(rook.sum()) == n * (m - 1) + (n - 1) * m
    assert int((~rook).sum()) == 2 * (n - 1) * (m - 1)  # diagonal (queen-only) pairs
    assert np.all(adj.ei < adj.ej)
    assert np.unique(adj.ei * adj.n + adj.ej).size == adj.n_edges  # each pair once


def test_shared_lengths_are_exact_and_corners_have_zero_length() -> None:
    n, m = 4, 6
    adj = compute_adjacency(grid_units(n, m).geometry)
    lengths = {
        (int(i), int(j)): float(v) for i, j, v in zip(adj.ei, adj.ej, adj.length, strict=True)
    }
    for r in range(n):
        for c in range(m):
            k = r * m + c
            if c + 1 < m:
                assert lengths[(k, k + 1)] == CELL
            if r + 1 < n:
                assert lengths[(k, k + m)] == CELL
            if r + 1 < n and c + 1 < m:
                assert lengths[(k, k + m + 1)] == 0.0  # touch at one corner only
            if r + 1 < n and c > 0:
                assert lengths[(k, k + m - 1)] == 0.0
    assert (0, 2) not in lengths  # not touching at all


def test_neighbors_are_rook_only() -> None:
    adj = compute_adjacency(grid_units(3, 3).geometry)
    assert sorted(adj.neighbors(4).tolist()) == [1, 3, 5, 7]  # centre cell
    assert sorted(adj.neighbors(0).tolist()) == [1, 3]  # corner cell, diagonal 4 excluded


def test_islands_form_separate_components() -> None:
    # Column 2 removed: a 3-wide block on the left, a 2-wide block on the right.
    units = grid_units(3, 5, holes=[(r, 2) for r in range(3)])
    adj = compute_adjacency(units.geometry)
    comps = adj.components
    left = [k for k in range(len(units)) if units.attributes["col"][k] < 2]
    right = [k for k in range(len(units)) if units.attributes["col"][k] > 2]
    assert len(set(comps[left])) == 1
    assert len(set(comps[right])) == 1
    assert comps[left[0]] != comps[right[0]]
    assert np.unique(comps).size == 2


def test_neighbours_without_identical_vertices_are_found() -> None:
    # B's bottom edge has an extra vertex that A's top edge lacks: no identical segment,
    # the intersection pass must still find the 2 m of shared boundary.
    a = shapely.box(0, 0, 2, 1)
    b = shapely.Polygon([(0, 1), (1, 1), (2, 1), (2, 2), (0, 2)])
    c = shapely.box(5, 5, 6, 6)  # far away
    adj = compute_adjacency(np.array([a, b, c], dtype=object))
    assert adj.ei.tolist() == [0]
    assert adj.ej.tolist() == [1]
    assert adj.length[0] == pytest.approx(2.0)


def test_empty_layer_has_no_edges() -> None:
    adj = compute_adjacency(np.array([], dtype=object))
    assert adj.n == 0
    assert adj.n_edges == 0


def test_neighbours_from_two_sources_with_a_sliver_along_the_seam_are_adjacent() -> None:
    # A county layer and a ZIP layer meet along x = 1000 m, digitised separately: a
    # 0.4 m gap and different vertices. Still neighbours, with about 1 km shared.
    county = shapely.box(0, 0, 1000, 1000)
    zip_area = shapely.Polygon([(1000.4, 0), (1000.4, 333), (1000.3, 700), (1000.4, 1000),
                                (2000, 1000), (2000, 0)])  # fmt: skip
    corner = shapely.box(2000, 1000, 3000, 2000)  # touches zip_area at one point only
    geoms = np.array([county, zip_area, corner], dtype=object)
    assert compute_adjacency(geoms).rook_mask().sum() == 0  # exact: the gap separates them
    adj = compute_adjacency(geoms, tolerance=seam_tolerance(geoms))
    pairs = zip(adj.ei.tolist(), adj.ej.tolist(), strict=True)
    lengths = dict(zip(pairs, adj.length.tolist(), strict=True))
    assert lengths[(0, 1)] == pytest.approx(1000.0, rel=0.01)
    assert lengths.get((1, 2), 0.0) == 0.0  # corner only: not a rook neighbour
    assert adj.rook_mask().sum() == 1


def test_nearest_seed_grows_contiguous_regions_over_the_graph() -> None:
    # A 1 x 6 strip: seeds at both ends split it in the middle.
    strip = np.array([shapely.box(k, 0, k + 1, 1) for k in range(6)], dtype=object)
    adj = compute_adjacency(strip)
    xy = shapely.get_coordinates(shapely.centroid(strip))
    assert adj.nearest_seed(xy, [0, 5]).tolist() == [0, 0, 0, 1, 1, 1]

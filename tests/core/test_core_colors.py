"""Territory colours: a long non-repeating sequence, and neighbours kept apart."""

from __future__ import annotations

import numpy as np

from territory_designer.core.color_distance import color_difference
from territory_designer.core.colors import (
    MIN_NEIGHBOUR_DELTA_E,
    PALETTE,
    neighbour_distinct_colors,
    palette_color,
)


def test_colour_sequence_does_not_repeat_for_hundreds_of_territories():
    assert len({palette_color(k) for k in range(300)}) == 300


def test_neighbouring_territories_never_share_a_colour():
    # A 30 x 30 grid of units in 100 territories of 3 x 3: each touches up to 8 others.
    n = 30
    rows, cols = np.divmod(np.arange(n * n), n)
    labels = (rows // 3) * 10 + cols // 3
    right = np.flatnonzero(cols < n - 1)
    down = np.flatnonzero(rows < n - 1)
    ei = np.r_[right, down]
    ej = np.r_[right + 1, down + n]
    colors = neighbour_distinct_colors(labels, ei, ej, 100)
    a, b = labels[ei], labels[ej]
    cut = a != b
    assert all(colors[x] != colors[y] for x, y in zip(a[cut], b[cut], strict=True))
    assert set(colors) <= set(PALETTE)  # 100 territories still fit the readable palette


def test_fixed_colours_are_kept():
    labels = np.array([0, 1, 2])
    colors = neighbour_distinct_colors(
        labels, np.array([0, 1]), np.array([1, 2]), 3, {1: "#123456"}
    )
    assert colors[1] == "#123456" and colors[0] != "#123456" and colors[2] != "#123456"


def test_a_kept_colour_too_close_to_a_neighbour_is_replaced():
    # A new plan continues two neighbouring territories whose old colours look alike.
    labels = np.array([0, 1, 2])
    colors = neighbour_distinct_colors(
        labels, np.array([0, 1]), np.array([1, 2]), 3, preferred={0: "#edc948", 1: "#f1ce63"}
    )
    assert colors[0] == "#edc948"
    assert color_difference(colors[0], colors[1]) >= MIN_NEIGHBOUR_DELTA_E
    assert color_difference(colors[1], colors[2]) >= MIN_NEIGHBOUR_DELTA_E


def test_every_neighbour_pair_is_clearly_distinct_on_a_dense_grid():
    # 3 x 3 blocks on a 30 x 30 grid: 100 territories, each touching up to 8 others.
    n = 30
    rows, cols = np.divmod(np.arange(n * n), n)
    labels = (rows // 3) * 10 + cols // 3
    right, down = np.flatnonzero(cols < n - 1), np.flatnonzero(rows < n - 1)
    ei, ej = np.r_[right, down], np.r_[right + 1, down + n]
    diagonal = np.flatnonzero((cols < n - 1) & (rows < n - 1))  # queen neighbours too
    ei, ej = np.r_[ei, diagonal], np.r_[ej, diagonal + n + 1]
    colors = neighbour_distinct_colors(labels, ei, ej, 100)
    a, b = labels[ei], labels[ej]
    cut = a != b
    gaps = [color_difference(colors[x], colors[y]) for x, y in zip(a[cut], b[cut], strict=True)]
    assert min(gaps) >= MIN_NEIGHBOUR_DELTA_E

"""Territory colours: a long non-repeating sequence, and neighbours kept apart."""

from __future__ import annotations

import numpy as np

from territory_designer.core.colors import PALETTE, neighbour_distinct_colors, palette_color


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

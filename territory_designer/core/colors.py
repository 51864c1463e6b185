"""Territory colours: a qualitative palette that stays distinct side by side."""

from __future__ import annotations

import colorsys

# Tableau 20 reordered so that consecutive colours contrast, then lighter variants.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#b07aa1",
    "#edc948",
    "#76b7b2",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#a0cbe8",
    "#ffbe7d",
    "#8cd17d",
    "#ff9d9a",
    "#d4a6c8",
    "#f1ce63",
    "#86bcb6",
    "#fabfd2",
    "#d7b5a6",
    "#79706e",
)

UNASSIGNED_COLOR = "#ffffff"


GOLDEN_ANGLE = 137.508


def palette_color(k: int) -> str:
    """The k-th colour: the palette first, then golden-angle hues (never repeating soon)."""
    if k < len(PALETTE):
        return PALETTE[k]
    j = k - len(PALETTE)
    hue = (j * GOLDEN_ANGLE) % 360 / 360
    sat = (0.35, 0.5, 0.65)[j % 3]
    val = (0.92, 0.8, 0.68)[(j // 3) % 3]
    r, g, b = colorsys.hsv_to_rgb(hue, sat, val)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def next_free_color(used: set[str], count: int | None = None) -> str:
    """The first colour of the sequence not in ``used``.

    ``count`` (the number of existing territories) is accepted for compatibility; the
    sequence itself never repeats, so it is not needed.
    """
    k = 0
    while palette_color(k) in used:
        k += 1
    return palette_color(k)
